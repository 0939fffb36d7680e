#include "query/chart.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/utf8.hpp"
#include "tests/common/text_lines.hpp"

namespace ixdb::query {
namespace {

using ixdb::test::Lines;

std::string StripEscapes(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

// The braille dots of the character at display column `col` of `line` (0 when it is not a
// braille character).
uint8_t DotsAt(const std::string& line, size_t col) {
  size_t c = 0;
  for (size_t i = 0; i < line.size();) {
    size_t n = Utf8SequenceLength(line, i);
    if (n == 0) n = 1;
    if (c == col) {
      if (n == 3 && static_cast<unsigned char>(line[i]) == 0xE2 &&
          (static_cast<unsigned char>(line[i + 1]) & 0xFC) == 0xA0) {
        return static_cast<uint8_t>(((line[i + 1] & 0x03) << 6) | (line[i + 2] & 0x3F));
      }
      return 0;
    }
    c += DisplayWidth(line.substr(i, n));
    i += n;
  }
  return 0;
}

PlotSeries Series(const std::string& name, const std::string& unit,
                  const std::vector<std::pair<std::string, double>>& points) {
  PlotSeries s{name, unit, {}};
  for (const auto& [period, value] : points) {
    s.points.push_back(PlotPoint{period, *PeriodEndMonth(period), value});
  }
  return s;
}

const double kNaN = std::nan("");

}  // namespace

TEST_CASE("PeriodEndMonth: where a period ends, in months since year 0", "[query]") {
  CHECK(*PeriodEndMonth("2023") == 2023 * 12 + 11);
  CHECK(*PeriodEndMonth("2023Q3") == 2023 * 12 + 8);
  CHECK(*PeriodEndMonth("2023Q1-Q3") == 2023 * 12 + 8);
  CHECK(*PeriodEndMonth("2023H1") == 2023 * 12 + 5);
  CHECK(*PeriodEndMonth("2023-07") == 2023 * 12 + 6);
  CHECK(*PeriodEndMonth("2023M01-M05") == 2023 * 12 + 4);
  CHECK_FALSE(PeriodEndMonth("gdp").has_value());
}

TEST_CASE("SeriesForPlot: the series of a value result, and tables that are not one", "[query]") {
  Table t;
  t.columns = {{"indicator", ColumnType::kString, ""},
               {"period", ColumnType::kPeriod, ""},
               {"value", ColumnType::kNumber, ""},
               {"unit", ColumnType::kString, ""}};
  t.rows.push_back({std::string("a"), std::string("2022"), 1.0, std::string("%")});
  t.rows.push_back({std::string("a"), std::string("2023"), Cell{}, std::string("%")});
  t.rows.push_back({std::string("b"), std::string("2023"), int64_t{3}, std::string("%")});
  auto s = SeriesForPlot(t);
  REQUIRE(s.ok());
  REQUIRE(s->size() == 2);
  CHECK((*s)[0].name == "a");
  CHECK((*s)[0].unit == "%");
  REQUIRE((*s)[0].points.size() == 2);
  CHECK((*s)[0].points[0].time == 2022 * 12 + 11);
  CHECK(std::isnan((*s)[0].points[1].value));
  CHECK((*s)[1].points[0].value == 3);

  Table targets;
  targets.columns = {{"indicator", ColumnType::kString, ""},
                     {"period", ColumnType::kPeriod, ""},
                     {"target", ColumnType::kNumber, ""}};
  auto bad = SeriesForPlot(targets);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "only the values of series can be drawn: the result has no 'value' column");
}

TEST_CASE("RenderLineChart: first point bottom left, last top right, labels and axis", "[query]") {
  // 0 in 2020 and 10 in 2021: the axis runs 0..10. Labels "10" and "0" take 2 columns plus a
  // space, the axis character one more; 30 - 3 - 2 = 25 braille columns = 50 dots across,
  // 2 rows = 8 dots down.
  ChartStyle style;
  style.width = 30;
  style.height = 2;
  auto chart = RenderLineChart({Series("a", "%", {{"2020", 0}, {"2021", 10}})}, {}, style);
  REQUIRE(chart.ok());
  INFO(*chart);
  const auto lines = Lines(*chart);
  REQUIRE(lines.size() == 1 + 2 + 2);
  CHECK(lines[0] == "a (%)");
  CHECK(lines[1].rfind("10 ┤", 0) == 0);
  CHECK(lines[2].rfind(" 0 ┤", 0) == 0);
  CHECK(lines[3] == "   └" + [] {
    std::string s;
    for (int i = 0; i < 25; ++i) s += "─";
    return s;
  }());
  // The last period ends under the last plot column (display column 28).
  CHECK(lines[4] == "    2020                 2021");
  // Plot columns start at display column 4. The first point is dot (0, 7): the bottom-left dot
  // of the bottom-left cell (bit 0x40); the last is dot (49, 0): the top-right dot of the
  // top-right cell (bit 0x08).
  CHECK((DotsAt(lines[2], 4) & 0x40) != 0);
  CHECK((DotsAt(lines[1], 4 + 24) & 0x08) != 0);
  // A straight line in between: every column has a dot in one of the two rows.
  for (size_t c = 0; c < 25; ++c) CHECK((DotsAt(lines[1], 4 + c) | DotsAt(lines[2], 4 + c)) != 0);
  for (const auto& line : lines) CHECK(DisplayWidth(line) <= 30);
}

TEST_CASE("RenderLineChart: a target marker, a gap for a missing value, colours", "[query]") {
  ChartStyle style;
  style.width = 30;
  style.height = 2;
  // The marker at 5 of 0..10 is dot row round(7 - 3.5) = 4: the top dot row of the bottom
  // cell row, in the left dot column of every cell (every other dot).
  auto chart = RenderLineChart({Series("a", "%", {{"2020", 0}, {"2021", kNaN}, {"2022", 10}})},
                               {PlotMarker{"target 5 (a 2022)", 5}}, style);
  REQUIRE(chart.ok());
  INFO(*chart);
  const auto lines = Lines(*chart);
  for (size_t c = 0; c < 25; ++c) CHECK((DotsAt(lines[2], 4 + c) & 0x01) != 0);
  // No line across the missing 2021: the middle columns of the top row are empty.
  for (size_t c = 8; c < 17; ++c) CHECK(DotsAt(lines[1], 4 + c) == 0);
  CHECK(chart->find("┈┈ target 5 (a 2022)") != std::string::npos);
  CHECK(chart->find("1 missing value not drawn") != std::string::npos);

  ChartStyle colour = style;
  colour.colour = true;
  auto plain = RenderLineChart({Series("a", "%", {{"2020", 0}, {"2021", 10}})}, {}, style);
  auto coloured = RenderLineChart({Series("a", "%", {{"2020", 0}, {"2021", 10}})}, {}, colour);
  REQUIRE(coloured.ok());
  CHECK(coloured->find("\x1b[34m") != std::string::npos);
  CHECK(StripEscapes(*coloured) == *plain);
}

TEST_CASE("RenderLineChart: several series, and what it refuses", "[query]") {
  ChartStyle style;
  style.width = 40;
  style.height = 4;
  auto two = RenderLineChart(
      {Series("a", "%", {{"2020", 0}, {"2021", 1}}), Series("b", "%", {{"2020", 1}, {"2021", 0}})},
      {}, style);
  REQUIRE(two.ok());
  CHECK(two->find("a, b (%)") == 0);
  CHECK(two->find("1 a  2 b") != std::string::npos);  // the legend names the numbers

  auto units = RenderLineChart(
      {Series("gdp", "亿元", {{"2020", 1}}), Series("g", "%", {{"2020", 1}})}, {}, style);
  REQUIRE_FALSE(units.ok());
  CHECK(units.status().message() ==
        "one axis cannot show gdp (亿元) and g (%): draw them one at a time");

  std::vector<PlotSeries> seven;
  for (int i = 0; i < 7; ++i) seven.push_back(Series("s" + std::to_string(i), "%", {{"2020", 1}}));
  CHECK_FALSE(RenderLineChart(seven, {}, style).ok());
  CHECK_FALSE(RenderLineChart({Series("a", "%", {{"2020", kNaN}})}, {}, style).ok());
  CHECK_FALSE(RenderLineChart({}, {}, style).ok());
}

TEST_CASE("RenderSparklines: one block per period, lowest to highest", "[query]") {
  ChartStyle style;
  // Values 1..8: level (v - 1) / 7 * 7 = v - 1, the eight blocks in order.
  auto s = Series("a", "%",
                  {{"2001", 1},
                   {"2002", 2},
                   {"2003", 3},
                   {"2004", 4},
                   {"2005", 5},
                   {"2006", 6},
                   {"2007", 7},
                   {"2008", 8}});
  CHECK(RenderSparklines({s}, style) == "a ▁▂▃▄▅▆▇█ 2001…2008  1…8 %\n");
  auto gap = Series("gdp_growth", "%", {{"2001", 2}, {"2002", kNaN}, {"2003", 4}});
  CHECK(RenderSparklines({s, gap}, style) ==
        "a          ▁▂▃▄▅▆▇█ 2001…2008  1…8 %\n"
        "gdp_growth ▁ █ 2001…2003  2…4 %\n");
  // 26 columns: the name and a space (2), the tail " 2002…2008  2…8 %" (17): room for the
  // latest 7 periods, drawn on their own range 2..8 (level (v - 2) / 6 * 7, rounded).
  style.width = 26;
  CHECK(RenderSparklines({s}, style) == "a ▁▂▃▅▆▇█ 2002…2008  2…8 %\n");
}

}  // namespace ixdb::query
