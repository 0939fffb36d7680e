#include "query/render.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tests/common/text_lines.hpp"

namespace ixdb::query {
namespace {

using ixdb::test::Lines;

Table SampleTable() {
  Table t;
  t.columns = {{"indicator", ColumnType::kString, ""},
               {"period", ColumnType::kPeriod, ""},
               {"value", ColumnType::kNumber, ""}};
  t.rows.push_back({std::string("gdp"), std::string("2023"), 20011.65});
  t.rows.push_back({std::string("gdp_growth"), std::string("2023Q1-Q3"), 5.5});
  t.rows.push_back({std::string("retail"), std::string("2024"), Cell{}});
  return t;
}

// Terminal columns of a line as a CJK-aware terminal shows it, independently of the renderer:
// CJK ideographs and fullwidth forms count two.
size_t TerminalWidth(const std::string& line) {
  size_t w = 0;
  for (size_t i = 0; i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f;
      n = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (size_t k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(line[i + k]) & 0x3f);
    bool wide = (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3000 && cp <= 0x303F) ||
                (cp >= 0xFF00 && cp <= 0xFF60);
    w += wide ? 2 : 1;
    i += n;
  }
  return w;
}

}  // namespace

TEST_CASE("FormatNumber: shortest form that reads back to the same double", "[query]") {
  struct Case {
    double v;
    const char* want;
  };
  const Case cases[] = {
      {20011.65, "20011.65"},
      {5.5, "5.5"},
      {0.1 + 0.2, "0.30000000000000004"},
      {6, "6"},
      {-0.8, "-0.8"},
      {1e8, "100000000"},
      {1.45e4, "14500"},
      {0.0, "0"},
      {-0.0, "0"},
      {1e-7, "1e-07"},
      {1e22, "1e+22"},
      {123456789012.5, "123456789012.5"},
      {std::numeric_limits<double>::infinity(), "inf"},
  };
  for (const auto& c : cases) {
    INFO("value " << c.want);
    CHECK(FormatNumber(c.v) == c.want);
  }
}

TEST_CASE("FormatNumber: random doubles round-trip exactly", "[query]") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> mant(-1e6, 1e6);
  std::uniform_int_distribution<int> exp(-30, 30);
  for (int i = 0; i < 5000; ++i) {
    double v = mant(rng) * std::pow(10.0, exp(rng));
    std::string s = FormatNumber(v);
    double back = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), back);
    REQUIRE(r.ec == std::errc());
    REQUIRE(r.ptr == s.data() + s.size());
    REQUIRE(back == v);
  }
}

// Published figures (n / 10^k) print through a fast path: it must give to_chars' own text.
TEST_CASE("FormatNumber: published decimals print as to_chars prints them", "[query]") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> places(0, 11);
  std::uniform_int_distribution<int> magnitude(0, 16);
  for (int i = 0; i < 20000; ++i) {
    const int k = places(rng);
    const int64_t limit = static_cast<int64_t>(std::pow(10.0, magnitude(rng)));
    const int64_t n = std::uniform_int_distribution<int64_t>(-limit, limit)(rng);
    const double v = static_cast<double>(n) / std::pow(10.0, k);
    if (v == 0 || std::fabs(v) < 1e-6 || std::fabs(v) >= 1e21) continue;
    char buf[512];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    INFO(n << " / 10^" << k);
    REQUIRE(FormatNumber(v) == std::string(buf, r.ptr));
  }
  // Near the fast path's edges: 15 digits, 9 places, halves, values just off a decimal.
  for (double v : {999999999999999.0, 99999999999999.9, 0.000001, 0.123456789, 1.5, 2.5, 0.1 + 0.2,
                   1e15, 1e15 + 1, 123456.0000001, 5e-7 * 3}) {
    if (std::fabs(v) < 1e-6) continue;
    char buf[512];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    INFO(v);
    CHECK(FormatNumber(v) == std::string(buf, r.ptr));
    CHECK(FormatNumber(-v) == "-" + std::string(buf, r.ptr));
  }
}

// Computed figures (growth rates, ratios: any double) print through Dragonbox's shortest digits
// laid out in fixed notation below 2^53: the text must be to_chars' own, at every magnitude of
// the fixed range, and at the edges where the layout changes (a point inside the digits, before
// them, trailing zeros, 2^53).
TEST_CASE("FormatNumber: computed doubles print as to_chars prints them", "[query]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> mant(1.0, 10.0);
  std::uniform_int_distribution<int> exp10(-6, 20);
  std::uniform_int_distribution<uint64_t> bits;
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) values.push_back(mant(rng) * std::pow(10.0, exp10(rng)));
  // Doubles of random bits in [1e-6, 1e21): every mantissa pattern, not just "nice" ones.
  while (values.size() < 200000) {
    const double v = std::bit_cast<double>(bits(rng) & 0x7FFFFFFFFFFFFFFFull);
    if (v >= 1e-6 && v < 1e21) values.push_back(v);
  }
  for (double v : {9007199254740992.0, 9007199254740991.0, 9007199254740993.0, 4503599627370495.5,
                   1e16, 123456789012345678.0, 0.1 + 0.2, 1.0 / 3, 2.0 / 3 * 1e-5, 1e-6,
                   999999.9999999999, 100.0 / 7, 1e20 / 3})
    values.push_back(v);
  for (double v : values) {
    for (double signed_v : {v, -v}) {
      char buf[512];
      const auto r = std::to_chars(buf, buf + sizeof buf, signed_v, std::chars_format::fixed);
      INFO(std::hexfloat << signed_v);
      REQUIRE(FormatNumber(signed_v) == std::string(buf, r.ptr));
    }
  }
}

TEST_CASE("RenderCsv: header, plain numbers, empty cells for missing values", "[query]") {
  CHECK(RenderCsv(SampleTable()) ==
        "indicator,period,value\n"
        "gdp,2023,20011.65\n"
        "gdp_growth,2023Q1-Q3,5.5\n"
        "retail,2024,\n");
}

TEST_CASE("RenderCsv: RFC 4180 quoting", "[query]") {
  struct Case {
    std::string field;
    std::string want;
  };
  const Case cases[] = {
      {"plain", "plain"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"cr\r", "\"cr\r\""},
      {"地区生产总值", "地区生产总值"},
      {"", ""},
  };
  for (const auto& c : cases) {
    Table t;
    t.columns = {{"text", ColumnType::kString, ""}};
    t.rows.push_back({c.field});
    INFO("field " << c.field);
    CHECK(RenderCsv(t) == "text\n" + c.want + "\n");
  }
}

TEST_CASE("RenderCsv: --bom prefixes a UTF-8 byte-order mark", "[query]") {
  std::string csv = RenderCsv(SampleTable(), true);
  REQUIRE(csv.rfind("\xEF\xBB\xBF"
                    "indicator,period,value\n",
                    0) == 0);
  CHECK(RenderCsv(SampleTable(), false).rfind("indicator", 0) == 0);
}

TEST_CASE("RenderCsv: NaN doubles are empty cells, integers print as integers", "[query]") {
  Table t;
  t.columns = {{"a", ColumnType::kNumber, ""}, {"b", ColumnType::kInteger, ""}};
  t.rows.push_back({std::numeric_limits<double>::quiet_NaN(), int64_t{-42}});
  CHECK(RenderCsv(t) == "a,b\n,-42\n");
}

TEST_CASE("RenderJson: array of objects with nulls and escaped strings", "[query]") {
  CHECK(RenderJson(SampleTable()) ==
        "[\n"
        "  {\"indicator\":\"gdp\",\"period\":\"2023\",\"value\":20011.65},\n"
        "  {\"indicator\":\"gdp_growth\",\"period\":\"2023Q1-Q3\",\"value\":5.5},\n"
        "  {\"indicator\":\"retail\",\"period\":\"2024\",\"value\":null}\n"
        "]\n");

  Table t;
  t.columns = {{"s", ColumnType::kString, ""}, {"n", ColumnType::kNumber, ""}};
  t.rows.push_back({std::string("q\"b\\n\n\x01 中"), std::numeric_limits<double>::infinity()});
  t.rows.push_back({std::string("bad \xff byte"), int64_t{7}});
  CHECK(RenderJson(t) ==
        "[\n"
        "  {\"s\":\"q\\\"b\\\\n\\n\\u0001 中\",\"n\":null},\n"
        "  {\"s\":\"bad \xEF\xBF\xBD byte\",\"n\":7}\n"
        "]\n");
  CHECK(RenderJson(Table{}) == "[]\n");
}

TEST_CASE("RenderText: boxed table, numbers right-aligned, row count and notes", "[query]") {
  Table t = SampleTable();
  t.columns[2].unit = "亿元";
  t.notes.push_back("values as known at 2024-01-20");
  CHECK(RenderText(t) ==
        "┌────────────┬───────────┬──────────────┐\n"
        "│ indicator  │ period    │ value (亿元) │\n"
        "├────────────┼───────────┼──────────────┤\n"
        "│ gdp        │ 2023      │     20011.65 │\n"
        "│ gdp_growth │ 2023Q1-Q3 │          5.5 │\n"
        "│ retail     │ 2024      │              │\n"
        "└────────────┴───────────┴──────────────┘\n"
        "3 rows\n"
        "note: values as known at 2024-01-20\n");
}

TEST_CASE("RenderText: no unit in the header when a unit column says it", "[query]") {
  Table t = SampleTable();
  t.columns[2].unit = "亿元";
  t.columns.push_back({"unit", ColumnType::kString, ""});
  for (auto& row : t.rows) row.push_back(std::string("亿元"));
  std::string text = RenderText(t);
  CHECK(text.find("│ value    │ unit │") != std::string::npos);
  CHECK(text.find("(亿元)") == std::string::npos);
}

TEST_CASE("RenderText: CJK text counts two columns, so every line has the same width", "[query]") {
  Table t;
  t.columns = {{"indicator", ColumnType::kString, ""},
               {"name", ColumnType::kString, ""},
               {"target", ColumnType::kNumber, "%"}};
  t.rows.push_back({std::string("gdp_growth"), std::string("地区生产总值增长"), 6.0});
  t.rows.push_back({std::string("unemployment"), std::string("城镇调查失业率"), 5.5});
  t.rows.push_back({std::string("x"), std::string("mixed 高新技术企业 ok"), Cell{}});
  t.rows.push_back({std::string("ctl"), std::string("line\nbreak\ttab"), 1.0});
  std::string text = RenderText(t);
  auto lines = Lines(text);
  REQUIRE(lines.size() == 4 + t.rows.size() + 1);
  size_t width = TerminalWidth(lines[0]);
  for (size_t i = 0; i < lines.size() - 1; ++i) {
    INFO("line " << i << ": " << lines[i]);
    CHECK(TerminalWidth(lines[i]) == width);
  }
  CHECK(lines.back() == "4 rows");
  // Control characters are shown escaped instead of breaking the row.
  CHECK(text.find("line\\nbreak\\ttab") != std::string::npos);
}

TEST_CASE("RenderText: cells wider than 48 columns are cut with an ellipsis", "[query]") {
  Table t;
  t.columns = {{"source", ColumnType::kString, ""}};
  const std::string long_zh = "围绕市场准入、促进市场竞争等10个重点领域的30大项128小项重点任务";
  t.rows.push_back({long_zh});
  t.rows.push_back({std::string(60, 'x')});
  auto lines = Lines(RenderText(t));
  REQUIRE(lines.size() == 7);
  CHECK(lines[3] == "│ 围绕市场准入、促进市场竞争等10个重点领域的30大…  │");
  CHECK(lines[4] == "│ " + std::string(47, 'x') + "… │");
  // CSV keeps the whole text.
  CHECK(RenderCsv(t).find(long_zh) != std::string::npos);
}

TEST_CASE("RenderText: one row and an empty table", "[query]") {
  Table t;
  t.columns = {{"a", ColumnType::kInteger, ""}};
  t.rows.push_back({int64_t{1}});
  CHECK(RenderText(t) ==
        "┌───┐\n"
        "│ a │\n"
        "├───┤\n"
        "│ 1 │\n"
        "└───┘\n"
        "1 row\n");
  t.rows.clear();
  CHECK(RenderText(t) ==
        "┌───┐\n"
        "│ a │\n"
        "├───┤\n"
        "└───┘\n"
        "0 rows\n");
}

TEST_CASE("Renderers: rows shorter than the header do not crash", "[query]") {
  Table t;
  t.columns = {{"a", ColumnType::kString, ""}, {"b", ColumnType::kNumber, ""}};
  t.rows.push_back({std::string("only a")});
  CHECK(RenderCsv(t) == "a,b\nonly a,\n");
  CHECK(RenderJson(t) == "[\n  {\"a\":\"only a\",\"b\":null}\n]\n");
  CHECK(RenderText(t).find("only a") != std::string::npos);
}

TEST_CASE("RenderText: columns empty in every row are left out and named, CSV keeps them",
          "[query]") {
  Table t = SampleTable();
  t.columns.push_back({"stage", ColumnType::kString, ""});
  t.columns.push_back({"status", ColumnType::kString, ""});
  for (auto& row : t.rows) {
    row.push_back(std::string());  // stage: empty everywhere
    row.push_back(std::string("final"));
  }
  const std::string text = RenderText(t);
  const std::string box = text.substr(0, text.find("3 rows"));
  CHECK(box.find("stage") == std::string::npos);
  CHECK(text.find("│ status") != std::string::npos);
  CHECK(text.find("empty columns not shown: stage (--format csv or json shows every column)\n") !=
        std::string::npos);
  CHECK(RenderCsv(t).rfind("indicator,period,value,stage,status\n", 0) == 0);
}

}  // namespace ixdb::query
