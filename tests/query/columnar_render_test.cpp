#include "query/columnar_render.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "query/query.hpp"
#include "query/render.hpp"
#include "query/terminal_layout.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

Period Month(int year, int month) { return Period{Frequency::kMonthly, year * 12 + month - 1}; }

// Every rendering of `r` must be the Table renderer's bytes for ToTable(r).
void CheckSameAsTable(const ColumnarResult& r) {
  const Table t = ToTable(r);
  CHECK(RenderCsv(r) == RenderCsv(t));
  CHECK(RenderCsv(r, true) == RenderCsv(t, true));
  CHECK(RenderJson(r) == RenderJson(t));
  CHECK(RenderJsonLine(r) == RenderJsonLine(t));
  CHECK(RenderText(r) == RenderText(t));
  for (size_t width : {0, 30, 60, 120}) {
    for (const char* null_text : {"", "NULL", "无"}) {
      TextLayout layout;
      layout.width = width;
      layout.null_text = null_text;
      INFO("width " << width << ", null text '" << null_text << "'");
      CHECK(RenderTextTable(r, layout) == RenderTextTable(t, layout));
      layout.expanded = ExpandedMode::kAuto;
      CHECK(RenderTextTable(r, layout) == RenderTextTable(t, layout));
      layout.precision = 0;
      CHECK(RenderTextTable(r, layout) == RenderTextTable(t, layout));
    }
  }
}

// A cumulative monthly series with a Chinese name and unit, a missing value and qualifiers.
SeriesColumns RetailYtd() {
  SeriesColumns s;
  s.indicator = "社会消费品零售总额";
  s.unit = "亿元";
  s.frequency = Frequency::kMonthly;
  s.cumulative = true;
  s.period = {Month(2023, 2), Month(2023, 3), Month(2023, 5)};
  s.value = {1200.5, kMissing, 3412};
  s.qualifier = {0, 2, 1};  // the >= of a missing value says nothing: an empty cell
  return s;
}

TEST_CASE("ColumnarRender: CSV of a cumulative series with a missing value and qualifiers",
          "[query]") {
  ColumnarResult r;
  r.series.push_back(RetailYtd());
  r.qualifier_column = true;
  r.notes = {"a note"};
  // Hand-checked: 1-2月 is the span M01-M02, the missing value and its >= are empty cells, ~ is
  // shown on the 1-5月 row.
  CHECK(RenderCsv(r) ==
        "indicator,period,value,unit,qualifier\n"
        "社会消费品零售总额,2023M01-M02,1200.5,亿元,\n"
        "社会消费品零售总额,2023M01-M03,,亿元,\n"
        "社会消费品零售总额,2023M01-M05,3412,亿元,~\n");
  CheckSameAsTable(r);
}

TEST_CASE("ColumnarRender: the text table counts CJK characters as two columns", "[query]") {
  ColumnarResult r;
  r.series.push_back(RetailYtd());
  r.qualifier_column = true;
  const std::string text = RenderText(r);
  // "社会消费品零售总额" is 9 characters, 18 columns: the header "indicator" is padded to 18.
  CHECK(text.find("\u2502 indicator          \u2502") != std::string::npos);
  CHECK(text.find("\u2502 社会消费品零售总额 \u2502 2023M01-M02 \u2502 1200.5 \u2502") !=
        std::string::npos);
  CHECK(text.substr(text.size() - 7) == "3 rows\n");
  CheckSameAsTable(r);
}

TEST_CASE("ColumnarRender: raw columns, a formula among them, combined months and from_period",
          "[query]") {
  ColumnarResult r;
  r.raw_columns = true;
  r.from_column = true;
  r.qualifier_column = true;
  SeriesColumns raw;
  raw.indicator = "retail";
  raw.unit = "亿元";
  raw.frequency = Frequency::kMonthly;
  raw.period = {Month(2024, 2), Month(2024, 3)};
  raw.extent = {1, 0};  // NBS's combined 1-2月, then a plain March
  raw.from = {Month(2023, 2), Month(2023, 3)};
  raw.value = {100, -0.5};
  raw.raw = true;
  raw.vintage = {DateFromYmd(2024, 3, 15), DateFromYmd(2024, 4, 16)};
  raw.status = {2, 0};  // preliminary, none
  SeriesColumns formula;
  formula.indicator = "retail_x2 \"doubled\", or, more";  // needs CSV quotes
  formula.frequency = Frequency::kMonthly;
  formula.period = {Month(2024, 3)};
  formula.from = {Month(2023, 3)};
  formula.value = {std::numeric_limits<double>::infinity()};
  formula.qualifier = {3};
  r.series = {raw, formula};
  CHECK(RenderCsv(r) ==
        "indicator,period,value,unit,from_period,vintage,status,qualifier\n"
        "retail,2024M01-M02,100,亿元,2023-02,2024-03-15,preliminary,\n"
        "retail,2024-03,-0.5,亿元,2023-03,2024-04-16,,\n"
        "\"retail_x2 \"\"doubled\"\", or, more\",2024-03,inf,,2023-03,,,<=\n");
  CheckSameAsTable(r);
}

TEST_CASE("ColumnarRender: an empty result keeps its header and says 0 rows", "[query]") {
  ColumnarResult r;
  r.series.push_back(SeriesColumns{});
  r.series.front().indicator = "gdp";
  CHECK(RenderCsv(r) == "indicator,period,value,unit\n");
  CHECK(RenderJson(r) == "[]\n");
  CHECK(RenderJsonLine(r) == "[]\n");
  CheckSameAsTable(r);
  CheckSameAsTable(ColumnarResult{});
}

TEST_CASE("ColumnarRender: a cell wider than 48 columns is cut, or wrapped to a width", "[query]") {
  ColumnarResult r;
  r.series.push_back(RetailYtd());
  r.series.front().indicator = std::string(30, 'x') + "\n" + std::string(30, 'y');
  CheckSameAsTable(r);
  CHECK(RenderText(r).find("\\n") != std::string::npos);  // escaped, never a broken row
}

TEST_CASE("ColumnarRender: RunAnswer gives columns for value queries and a Table otherwise",
          "[query]") {
  test::FixtureStore fixture;
  struct Expect {
    const char* query;
    bool columnar;
  };
  for (const Expect& e : std::vector<Expect>{{"yoy(gdp)", true},
                                             {"retail_ytd[2023]", true},
                                             {"series(t_ge_*, t_le_*)", true},
                                             {"yoy(gdp_growth)", true},
                                             {"gdp[2030:2031]", true},
                                             {"gdp order by value desc limit 2", false},
                                             {"retail where value = null", false},
                                             {"targets()", false},
                                             {"list()", false}}) {
    INFO(e.query);
    auto answer = RunAnswer(*fixture.store, e.query);
    REQUIRE(answer.ok());
    CHECK(answer->columnar == e.columnar);
    auto table = RunQuery(*fixture.store, e.query);
    REQUIRE(table.ok());
    CHECK(RenderCsv(*answer) == RenderCsv(*table));
    CHECK(RenderText(*answer) == RenderText(*table));
    CHECK(answer->notes() == table->notes);
    CHECK(TakeTable(std::move(*answer)).rows == table->rows);
  }
  // yoy of a rate is in percentage points: the note comes with the columns too.
  auto answer = RunAnswer(*fixture.store, "yoy(gdp_growth)");
  REQUIRE(answer.ok());
  REQUIRE(!answer->notes().empty());
  CHECK(RenderText(*answer).find("note: changes of rates") != std::string::npos);
}

TEST_CASE("ColumnarRender: errors are RunQuery's", "[query]") {
  test::FixtureStore fixture;
  for (const char* q : {"yoy(gpd)", "yoy(gdp", "gdp * gdp_growth * gdp_growth"}) {
    INFO(q);
    CHECK(RunAnswer(*fixture.store, q).status().ToString() ==
          RunQuery(*fixture.store, q).status().ToString());
  }
  QueryOptions small;
  small.max_rows = 3;
  CHECK(RunAnswer(*fixture.store, "gdp", small).status().ToString() ==
        RunQuery(*fixture.store, "gdp", small).status().ToString());
}

}  // namespace
}  // namespace ixdb::query
