#include "query/terminal_layout.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "common/utf8.hpp"
#include "query/render.hpp"
#include "tests/common/text_lines.hpp"

namespace ixdb::query {
namespace {

using ixdb::test::BorderColumns;
using ixdb::test::Lines;

// A catalog-like table: codes, Chinese and English names, numbers.
Table CatalogTable() {
  Table t;
  t.columns = {{"indicator", ColumnType::kString, ""},
               {"name", ColumnType::kString, ""},
               {"name_en", ColumnType::kString, ""},
               {"unit", ColumnType::kString, ""},
               {"value", ColumnType::kNumber, ""}};
  t.rows.push_back({std::string("retail"), std::string("社会消费品零售总额（当月）"),
                    std::string("Retail sales, month"), std::string("亿元"), 663.9});
  t.rows.push_back({std::string("retail_ytd"), std::string("社会消费品零售总额（累计）"),
                    std::string("Retail sales, year to date"), std::string("亿元"), 7436.2});
  t.rows.push_back({std::string("gdp_growth"), std::string("地区生产总值增长"),
                    std::string("GDP growth (constant prices, year to date)"), std::string("%"),
                    5.7});
  t.notes.push_back(
      "changes of rates, shares and growth rates are in percentage points (pp); "
      "changes of levels, counts and ratios are in percent (%)");
  return t;
}

}  // namespace

TEST_CASE("WrapToWidth: breaks at spaces, between CJK characters, inside over-long words",
          "[query]") {
  struct Case {
    std::string text;
    size_t width;
    std::vector<std::string> lines;
  };
  const Case cases[] = {
      // "GDP growth (constant" is 3+1+6+1+9 = 20 columns; "prices, year to date)" would be 21.
      {"GDP growth (constant prices, year to date)",
       20,
       {"GDP growth (constant", "prices, year to", "date)"}},
      // 13 CJK characters of 2 columns: 5 per line of 10.
      {"社会消费品零售总额（当月）", 10, {"社会消费品", "零售总额（", "当月）"}},
      {"abcdefghij", 4, {"abcd", "efgh", "ij"}},
      // Codes and column names break after _ - /.
      {"latest_period", 10, {"latest_", "period"}},
      {"agri_online_retail", 12, {"agri_online_", "retail"}},
      {"2024-01-20", 6, {"2024-", "01-20"}},
      // "GDP" (3) + "增" (2) = 5; "长" + "6%" = 4.
      {"GDP增长6%", 5, {"GDP增", "长6%"}},
      {"a  b", 10, {"a  b"}},
      {"one\ntwo", 10, {"one", "two"}},
      {"", 10, {""}},
      {"fits", 4, {"fits"}},
  };
  for (const auto& c : cases) {
    INFO(c.text << " at " << c.width);
    CHECK(WrapToWidth(c.text, c.width) == c.lines);
  }
}

TEST_CASE("FormatNumberForDisplay: decimal places, thousands separators", "[query]") {
  struct Case {
    double v;
    int precision;
    bool separators;
    std::string text;
  };
  const Case cases[] = {
      {20011.65, -1, false, "20011.65"},
      {20011.65, 1, false, "20011.7"},  // from the decimal 20011.65, not the double 20011.6499...
      {2.675, 2, false, "2.68"},
      {20011.65, 0, false, "20012"},
      {5.7, 3, false, "5.700"},
      {-0.04, 1, false, "0.0"},
      {-0.05, 1, false, "-0.1"},
      {9.96, 1, false, "10.0"},
      {999.96, 1, true, "1,000.0"},
      {20011.65, -1, true, "20,011.65"},
      {-1234567.5, 0, true, "-1,234,568"},
      {123, -1, true, "123"},
      {1e22, 2, false, "1.00e+22"},
      {1e-7, 3, false, "0.000"},
  };
  for (const auto& c : cases) {
    INFO(c.v << " precision " << c.precision);
    CHECK(FormatNumberForDisplay(c.v, c.precision, c.separators) == c.text);
  }
}

TEST_CASE("RenderTextTable: without a width it is RenderText", "[query]") {
  const Table t = CatalogTable();
  CHECK(RenderTextTable(t) == RenderText(t));
  // One line per row, the long English name cut at 48 columns.
  CHECK(Lines(RenderText(t)).size() == 3 + 3 + 1 + 1 + 1);
}

TEST_CASE("RenderTextTable: a CJK table fits 40, 60, 80 and 160 columns with aligned borders",
          "[query]") {
  const Table t = CatalogTable();
  for (size_t width : {40u, 60u, 80u, 160u}) {
    TextLayout layout;
    layout.width = width;
    const std::string out = RenderTextTable(t, layout);
    INFO("width " << width << "\n" << out);
    const auto lines = Lines(out);
    std::vector<size_t> borders;
    size_t box_lines = 0;
    for (const auto& line : lines) {
      CHECK(DisplayWidth(line) <= width);
      auto cols = BorderColumns(line);
      if (cols.empty()) continue;  // the footer
      ++box_lines;
      if (borders.empty()) borders = cols;
      CHECK(cols == borders);
    }
    CHECK(box_lines >= 3 + 3);
    // Nothing is cut: every character of the names is on the screen, in order.
    for (const char* ch : {"社", "总", "当", "月", "累", "计", "663.9", "7436.2", "retail_ytd"}) {
      CHECK(out.find(ch) != std::string::npos);
    }
    CHECK(out.find("…") == std::string::npos);
  }
  TextLayout wide;
  wide.width = 160;
  // At 160 columns every row is one line (the English name is 42 columns, under the 48 cap).
  CHECK(Lines(RenderTextTable(t, wide)).size() == 3 + 3 + 1 + 1 + 1);
}

TEST_CASE("RenderTextTable: a column wrapped to fit, exactly", "[query]") {
  Table t;
  t.columns = {{"indicator", ColumnType::kString, ""},
               {"name_en", ColumnType::kString, ""},
               {"value", ColumnType::kNumber, ""}};
  t.rows.push_back({std::string("gdp"), std::string("GDP growth (constant prices)"), 5.7});
  TextLayout layout;
  layout.width = 30;
  // Natural: 1 + (9+3) + (28+3) + (5+3) = 52 columns. Text columns narrow to 8 at least and
  // numbers not at all: 1 + 11 + 11 + 8 = 31 > 30, so the row becomes a record: labels 9
  // wide, values 30 - 9 - 3 = 18 ("GDP growth (constant" would be 20).
  const std::string records = RenderTextTable(t, layout);
  CHECK(records ==
        "─[ RECORD 1 ]─────────────────\n"
        "indicator │ gdp\n"
        "name_en   │ GDP growth\n"
        "          │ (constant prices)\n"
        "value     │ 5.7\n"
        "1 row\n");
  layout.width = 36;
  // 36 = 1 + (9+3) + (w+3) + (5+3): name_en gets 12 columns.
  CHECK(RenderTextTable(t, layout) ==
        "┌───────────┬──────────────┬───────┐\n"
        "│ indicator │ name_en      │ value │\n"
        "├───────────┼──────────────┼───────┤\n"
        "│ gdp       │ GDP growth   │   5.7 │\n"
        "│           │ (constant    │       │\n"
        "│           │ prices)      │       │\n"
        "└───────────┴──────────────┴───────┘\n"
        "1 row\n");
}

TEST_CASE("RenderTextTable: expanded display (backslash-x) on, off, auto", "[query]") {
  const Table t = CatalogTable();
  TextLayout layout;
  layout.width = 80;
  layout.expanded = ExpandedMode::kOn;
  const std::string on = RenderTextTable(t, layout);
  CHECK(on.rfind("─[ RECORD 1 ]", 0) == 0);
  CHECK(on.find("─[ RECORD 3 ]") != std::string::npos);
  CHECK(on.find("name      │ 社会消费品零售总额（当月）\n") != std::string::npos);
  for (const auto& line : Lines(on)) CHECK(DisplayWidth(line) <= 80);

  // The natural row is 10+26+42+4+6 + 16 = 104 columns: auto shows records at 80, the box at 160.
  layout.expanded = ExpandedMode::kAuto;
  CHECK(RenderTextTable(t, layout) == on);
  layout.width = 160;
  CHECK(RenderTextTable(t, layout).rfind("┌", 0) == 0);
  // off wraps at 80 instead.
  layout.width = 80;
  layout.expanded = ExpandedMode::kOff;
  CHECK(RenderTextTable(t, layout).rfind("┌", 0) == 0);
}

TEST_CASE("RenderTextTable: records without a width, precision, separators, null text", "[query]") {
  Table t;
  t.columns = {{"indicator", ColumnType::kString, ""},
               {"period", ColumnType::kPeriod, ""},
               {"value", ColumnType::kNumber, "亿元"}};
  t.rows.push_back({std::string("gdp"), std::string("2023"), 20011.65});
  t.rows.push_back({std::string("gdp"), std::string("2024"), Cell{}});
  TextLayout layout;
  layout.precision = 1;
  layout.separators = true;
  layout.null_text = "NULL";
  CHECK(RenderTextTable(t, layout) ==
        "┌───────────┬────────┬──────────────┐\n"
        "│ indicator │ period │ value (亿元) │\n"
        "├───────────┼────────┼──────────────┤\n"
        "│ gdp       │ 2023   │     20,011.7 │\n"
        "│ gdp       │ 2024   │         NULL │\n"
        "└───────────┴────────┴──────────────┘\n"
        "2 rows\n");
  layout.expanded = ExpandedMode::kOn;
  // Labels 12 wide ("value (亿元)"), values 8 ("20,011.7"): lines of 12 + 3 + 8 = 23.
  CHECK(RenderTextTable(t, layout) ==
        "─[ RECORD 1 ]──────────\n"
        "indicator    │ gdp\n"
        "period       │ 2023\n"
        "value (亿元) │ 20,011.7\n"
        "─[ RECORD 2 ]──────────\n"
        "indicator    │ gdp\n"
        "period       │ 2024\n"
        "value (亿元) │ NULL\n"
        "2 rows\n");
}

TEST_CASE("RenderTextTable: notes are wrapped to the width under their text", "[query]") {
  Table t;
  t.columns = {{"indicator", ColumnType::kString, ""}};
  t.rows.push_back({std::string("gdp")});
  t.notes.push_back("changes of levels, counts and ratios are in percent (%)");
  TextLayout layout;
  layout.width = 30;
  // "note: " is 6 columns, so the note's text gets 24 per line: "changes of levels, counts"
  // would be 25.
  CHECK(RenderTextTable(t, layout) ==
        "┌───────────┐\n"
        "│ indicator │\n"
        "├───────────┤\n"
        "│ gdp       │\n"
        "└───────────┘\n"
        "1 row\n"
        "note: changes of levels,\n"
        "      counts and ratios are in\n"
        "      percent (%)\n");
}

}  // namespace ixdb::query
