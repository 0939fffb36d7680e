// The files analysts' systems write (issue 7 items 9-14): codes from other systems, rejected
// loads, unknown columns, in-year releases of annual indicators, combined 1-2月, and targets
// whose units must fit their series.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "load/loader.hpp"
#include "tests/common/test_util.hpp"
#include "tests/load/load_test_util.hpp"

using namespace ixdb;
using namespace ixdb::load;
using ixdb::test::LoadTestStore;

namespace {

LoadOptions At(const char* vintage) {
  LoadOptions o;
  o.vintage = *ParseDate(vintage);
  return o;
}

size_t Count(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

// Rows of the R and statsmodels data sets (codes with ':' and '.').
std::string ForeignCodes(int rows) {
  std::string csv = "indicator,period,value\n";
  for (int i = 0; i < rows; ++i) {
    csv += "AER:ChinaIncome:agriculture," + std::to_string(1960 + i) + "," +
           std::to_string(100 + i) + "\n";
    csv +=
        "statsmodels:elec_equip:STS.M.I7.W.TOVT.NS0016.4.000," + std::to_string(1960 + i) + ",1\n";
  }
  return csv;
}

}  // namespace

TEST_CASE("Codes from other systems: each bad code reported once, with its row count", "[load]") {
  LoadTestStore t;
  auto r = LoadText(t.store(), "r.csv", ForeignCodes(60), At("2024-01-01"));
  REQUIRE_FALSE(r.ok());
  const std::string& msg = r.status().message();
  INFO(msg);
  // Two distinct codes: two lines (not 100 identical ones, then "stopped").
  CHECK(Count(msg, "bad series code") == 2);
  CHECK(msg.find("r.csv:2:1: bad series code 'AER:ChinaIncome:agriculture'") == 0);
  CHECK(msg.find("(on 60 rows; the first is shown)") != std::string::npos);
  CHECK(msg.find("--codes sanitize derives a valid code: AER_ChinaIncome_agriculture") !=
        std::string::npos);
  CHECK(msg.find("stopped") == std::string::npos);
  CHECK(msg.find("(120 bad rows; nothing was loaded)") != std::string::npos);
}

TEST_CASE("Codes from other systems: sanitize derives codes and keeps the original as name",
          "[load]") {
  LoadTestStore t;
  LoadOptions o = At("2024-01-01");
  o.codes = CodeMode::kSanitize;
  auto r =
      LoadText(t.store(), "r.csv", ForeignCodes(3) + "R-datasets:AirPassengers,1949-01,112\n", o);
  REQUIRE_OK(r.status());
  CHECK(r->summary.series_created == 3);
  auto view = t.store().NewReadView();
  auto aer = view->GetSeries("AER_ChinaIncome_agriculture");
  REQUIRE_OK(aer.status());
  CHECK(aer->name_zh == "AER:ChinaIncome:agriculture");
  auto sm = view->GetSeries("statsmodels_elec_equip_STS_M_I7_W_TOVT_NS0016_4_000");
  REQUIRE_OK(sm.status());
  CHECK(sm->name_zh == "statsmodels:elec_equip:STS.M.I7.W.TOVT.NS0016.4.000");
  REQUIRE_OK(view->GetSeries("R_datasets_AirPassengers").status());
  // A name given in the file wins over the original code.
  LoadTestStore t2;
  auto named = LoadText(t2.store(), "n.csv", "indicator,period,value,name\nX.Y,2020,1,某指标\n", o);
  REQUIRE_OK(named.status());
  CHECK(t2.store().NewReadView()->GetSeries("X_Y")->name_zh == "某指标");
  // A code that would not start with a letter gets s_.
  auto digits = LoadText(t2.store(), "d.csv", "indicator,period,value\n2023-GDP,2020,1\n", o);
  REQUIRE_OK(digits.status());
  REQUIRE_OK(t2.store().NewReadView()->GetSeries("s_2023_GDP").status());
}

TEST_CASE("Codes from other systems: two originals that map to one code fail", "[load]") {
  LoadTestStore t;
  LoadOptions o = At("2024-01-01");
  o.codes = CodeMode::kSanitize;
  auto r = LoadText(t.store(), "c.csv",
                    "indicator,period,value\na:b,2020,1\na.b,2020,2\na_b,2021,3\n", o);
  REQUIRE_FALSE(r.ok());
  INFO(r.status().message());
  CHECK(r.status().message().find(
            "c.csv:3:1: codes 'a:b' and 'a.b' both become 'a_b' with --codes sanitize") == 0);
  CHECK(r.status().message().find("codes 'a:b' and 'a_b' both become 'a_b'") != std::string::npos);
  CHECK(t.store().NewReadView()->ListSeries()->empty());
}

TEST_CASE("Skip-bad: a load that rejects every row fails and says so", "[load]") {
  LoadTestStore t;
  LoadOptions o = At("2024-01-01");
  o.skip_bad_path = t.path() + "/rejects.txt";
  auto r = LoadText(t.store(), "r.csv", ForeignCodes(2), o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("every row was rejected (4 bad rows, written to ") == 0);
  CHECK(r.status().message().find("nothing was loaded") != std::string::npos);
  // Some good rows: the load succeeds with the bad ones set aside.
  auto ok = LoadText(t.store(), "m.csv", ForeignCodes(2) + "gdp,2020,1\n", o);
  REQUIRE_OK(ok.status());
  CHECK(ok->bad_rows == 4);
  CHECK(ok->summary.observations_added == 1);
}

TEST_CASE("Unknown columns: all reported at once, or ignored and named", "[load]") {
  LoadTestStore t;
  const std::string csv = "indicator,colour,period,value,weight\ngdp,red,2020,1,3\n";
  auto r = LoadText(t.store(), "u.csv", csv, At("2024-01-01"));
  REQUIRE_FALSE(r.ok());
  CHECK(
      r.status().message().find(
          "u.csv:1:2: unknown columns 'colour' (column 2), 'weight' (column 5) for a long file") ==
      0);
  LoadOptions o = At("2024-01-01");
  o.ignore_unknown_columns = true;
  auto ok = LoadText(t.store(), "u.csv", csv, o);
  REQUIRE_OK(ok.status());
  CHECK(ok->summary.observations_added == 1);
  REQUIRE(ok->notes.size() == 1);
  CHECK(ok->notes[0] == "u.csv: ignored unknown columns 'colour', 'weight'");
  CHECK(FormatLoadSummary(*ok).find("note: u.csv: ignored unknown columns 'colour', 'weight'") !=
        std::string::npos);
}

TEST_CASE("In-year releases widen an annual indicator into a cumulative one", "[load]") {
  LoadTestStore t;
  const std::string annual =
      "indicator,period,value,unit,measure,name\n"
      "iva_growth,2023,6.5,%,growth,规模以上工业增加值增长\n";
  REQUIRE_OK(LoadText(t.store(), "a.csv", annual, At("2024-01-20")).status());
  const std::string in_year =
      "indicator,period,value\n"
      "iva_growth,2024年1-5月,7.1\n"
      "iva_growth,2024年1-2月,6.9\n";
  auto r = LoadText(t.store(), "b.csv", in_year, At("2024-06-15"));
  REQUIRE_OK(r.status());
  CHECK(r->summary.series_widened == 1);
  REQUIRE(r->widened.size() == 1);
  CHECK(r->widened[0] == "iva_growth: annual -> monthly cumulative");
  CHECK(FormatLoadSummary(*r).find("1 widened") != std::string::npos);
  auto view = t.store().NewReadView();
  auto meta = view->GetSeries("iva_growth");
  CHECK(meta->frequency == Frequency::kMonthly);
  CHECK(meta->cumulative);
  auto values = view->ReadSeries("iva_growth", storage::ReadRequest{});
  REQUIRE(values->size() == 3);
  CHECK(values->period[0] == Period::Month(2023, 12));  // the year is now its 1-12月 span
  CHECK(values->vintage[0] == *ParseDate("2024-01-20"));
  // Later annual figures are full-year spans of the widened series.
  auto later = LoadText(t.store(), "c.csv", "indicator,period,value\niva_growth,2024,7.0\n",
                        At("2025-01-20"));
  REQUIRE_OK(later.status());
  CHECK(t.store().NewReadView()->ReadSeries("iva_growth", storage::ReadRequest{})->period.back() ==
        Period::Month(2024, 12));
  // A monthly cumulative series takes the quarter spans: 上半年 is 1-6月.
  auto quarters =
      LoadText(t.store(), "q.csv", "indicator,period,value\niva_growth,2024年上半年,7.2\n",
               At("2024-07-15"));
  REQUIRE_OK(quarters.status());
  auto v = t.store().NewReadView()->ReadSeries("iva_growth", storage::ReadRequest{});
  bool has_h1 = false;
  for (size_t i = 0; i < v->size(); ++i)
    has_h1 = has_h1 || (v->period[i] == Period::Month(2024, 6) && v->value[i] == 7.2);
  CHECK(has_h1);
}

TEST_CASE("A plain monthly series takes NBS's combined 1-2月 as one two-month period", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "indicator,period,value,unit\n"
      "retail_m,2024年1-2月,7300,亿元\n"
      "retail_m,2024-03,3900,亿元\n"
      "retail_m,2024-04,3800,亿元\n";
  auto r = LoadText(t.store(), "m.csv", csv, At("2024-05-15"));
  REQUIRE_OK(r.status());
  auto view = t.store().NewReadView();
  CHECK_FALSE(view->GetSeries("retail_m")->cumulative);
  auto v = view->ReadSeries("retail_m", storage::ReadRequest{});
  REQUIRE(v->size() == 3);
  CHECK(v->period[0] == Period::Month(2024, 2));
  REQUIRE(v->extent.size() == 3);
  CHECK(v->extent[0] == 1);
  CHECK(v->extent[1] == 0);
  // Loading it again records nothing; a plain February is another period version.
  auto again = LoadText(t.store(), "m.csv", csv, At("2024-05-15"));
  CHECK(again->summary.unchanged == 3);
  // 1-3月 is not a period of a plain monthly series.
  auto bad = LoadText(t.store(), "x.csv", "indicator,period,value\nretail_m,2024年1-3月,1\n",
                      At("2024-05-15"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find(
            "is a year-to-date span but series retail_m is not cumulative") != std::string::npos);
}

TEST_CASE("Targets: a unit the series cannot be compared with is an error at that cell", "[load]") {
  LoadTestStore t;
  REQUIRE_OK(LoadText(t.store(), "s.csv",
                      "indicator,period,value,unit,measure\n"
                      "gdp,2023,20011.65,亿元,level\n"
                      "unemp,2023,5.5,%,rate\n",
                      At("2024-01-20"))
                 .status());
  struct Case {
    std::string row;
    std::string error;  // empty: loads
  };
  const Case cases[] = {
      {"gdp,2024,2.1,>=,,万亿元,,", ""},
      {"gdp,2024,3000,>=,,亿美元,,",
       "t.csv:2:6: gdp: target unit 亿美元 cannot be compared with the series' unit 亿元"},
      {"gdp,2024,6,=,,%,,",
       "t.csv:2:6: gdp: target unit % cannot be compared with the series' unit 亿元"},
      {"gdp,2024,6,=,,%,yoy,", ""},
      {"gdp,2024,6,=,,亿元,yoy,", "t.csv:2:6: gdp: a target on yoy is in %, not 亿元"},
      {"unemp,2024,0.5,<=,,百分点,,",
       "t.csv:2:6: unemp: a target in 百分点 on a series in % is a target on its change: give it "
       "on=diff"},
      {"unemp,2024,-0.5,<=,,百分点,diff,", ""},
      {"unemp,2024,5.5,between,,%,,", "t.csv:2:8: a between target (增长5.5%-6%) needs"},
      {"unemp,2024,5.5,between,,%,,6", ""},
      {"unemp,2024,5.5,<,0.1,%,,", "t.csv:2:5: a strict < or > target takes no tolerance"},
      // A series loaded with no unit: gap() could never compare a target in a unit with it.
      {"ratio,2024,5,>=,,%,,",
       "t.csv:2:6: ratio: the series has no unit, so a target in % cannot be compared with it"},
      {"ratio,2024,5,>=,,亿元,,",
       "t.csv:2:6: ratio: the series has no unit, so a target in 亿元 cannot be compared with it"},
      {"ratio,2024,1.5,>=,,,,", ""},
      {"ratio,2024,5,>=,,%,yoy,", ""},
  };
  for (const auto& c : cases) {
    LoadTestStore s;
    REQUIRE_OK(LoadText(s.store(), "s.csv",
                        "indicator,period,value,unit,measure\ngdp,2023,20011.65,亿元,level\n"
                        "unemp,2023,5.5,%,rate\nratio,2023,1.4,,ratio\n",
                        At("2024-01-20"))
                   .status());
    const std::string csv =
        "indicator,period,target,comparator,tolerance,unit,on,target_high\n" + c.row + "\n";
    auto r = LoadText(s.store(), "t.csv", csv, At("2024-01-20"));
    INFO(c.row << " -> " << r.status().ToString());
    if (c.error.empty()) {
      CHECK(r.ok());
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().message().find(c.error) == 0);
    }
  }
}

TEST_CASE("Targets: one replaced at the same vintage is counted, a correction is not a revision",
          "[load]") {
  LoadTestStore t;
  const std::string head = "indicator,period,target,comparator,unit,vintage\n";
  REQUIRE_OK(LoadText(t.store(), "a.csv", head + "gdp,2024,6,=,%,2024-01-20\n", {}).status());
  auto again = LoadText(t.store(), "b.csv", head + "gdp,2024,5.5,=,%,2024-01-20\n", {});
  REQUIRE_OK(again.status());
  CHECK(again->summary.targets_replaced == 1);
  CHECK(FormatLoadSummary(*again).find("1 added (1 replaced)") != std::string::npos);
  // The same release loaded again with a fixed number: a correction.
  const std::string obs = "indicator,period,value,vintage\n";
  REQUIRE_OK(LoadText(t.store(), "o.csv", obs + "gdp,2023,5.7,2024-01-28\n", {}).status());
  auto fix = LoadText(t.store(), "o2.csv", obs + "gdp,2023,5.6,2024-01-28\n", {});
  REQUIRE_OK(fix.status());
  CHECK(fix->summary.corrections == 1);
  CHECK(fix->summary.revisions == 0);
  CHECK(FormatLoadSummary(*fix).find("(0 revisions, 1 correction)") != std::string::npos);
}

TEST_CASE("A dry run checks everything and writes nothing", "[load]") {
  LoadTestStore t;
  LoadOptions o = At("2024-01-01");
  o.dry_run = true;
  auto r = LoadText(t.store(), "d.csv", "indicator,period,value\ngdp,2020,1\n", o);
  REQUIRE_OK(r.status());
  CHECK(t.store().NewReadView()->ListSeries()->empty());
  CHECK(r->notes.back() == "dry run: nothing was written");
  auto bad = LoadText(t.store(), "d.csv", "indicator,period,value\ngdp,2020Q5,1\n", o);
  CHECK_FALSE(bad.ok());
}
