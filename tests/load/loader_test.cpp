#include "load/loader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/common/test_util.hpp"
#include "tests/load/load_test_util.hpp"

using namespace ixdb;
using namespace ixdb::load;
using ixdb::storage::Comparator;
using ixdb::storage::MeasureKind;
using ixdb::storage::ObsStatus;
using ixdb::storage::Qualifier;
using ixdb::test::LoadTestStore;

namespace {

LoadOptions At(const char* vintage) {
  LoadOptions o;
  o.vintage = *ParseDate(vintage);
  return o;
}

}  // namespace

TEST_CASE("Long CSV: columns in any order, metadata, inferred frequency and measure", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "value,period,indicator,unit,name,vintage\n"
      "20011.65,2023,gdp,亿元,地区生产总值,2024-01-28\n"
      "18866.43,2022,gdp,,,2024-01-28\n"
      "4.5,2023Q1,gdp_growth,%,地区生产总值增长,\n"
      "5,2023H1,gdp_growth,%,,\n"
      "5.5,2023Q1-Q3,gdp_growth,,,\n"
      "1.45,2023,hitech_firms,万家,高新技术企业,\n";
  auto r = LoadText(t.store(), "a.csv", csv, At("2024-01-20"));
  REQUIRE_OK(r.status());
  CHECK(r->rows_read == 6);
  CHECK(r->summary.series_created == 3);
  CHECK(r->summary.observations_added == 6);
  CHECK(r->notes.empty());

  auto view = t.store().NewReadView();
  auto gdp = view->GetSeries("gdp");
  REQUIRE_OK(gdp.status());
  CHECK(gdp->frequency == Frequency::kAnnual);
  CHECK_FALSE(gdp->cumulative);
  CHECK(gdp->unit == "亿元");
  CHECK(gdp->name_zh == "地区生产总值");
  CHECK(gdp->measure == MeasureKind::kLevel);
  auto g = view->GetSeries("gdp_growth");
  REQUIRE_OK(g.status());
  CHECK(g->frequency == Frequency::kQuarterly);
  CHECK(g->cumulative);
  CHECK(g->measure == MeasureKind::kGrowth);
  CHECK(view->GetSeries("hitech_firms")->measure == MeasureKind::kCount);

  auto vals = view->ReadSeries("gdp_growth", {});
  REQUIRE_OK(vals.status());
  REQUIRE(vals->size() == 3);
  CHECK(vals->period[0] == Period::Quarter(2023, 1));
  CHECK(vals->period[1] == Period::Quarter(2023, 2));
  CHECK(vals->period[2] == Period::Quarter(2023, 3));
  CHECK(vals->value[2] == 5.5);
  CHECK(vals->vintage[2] == *ParseDate("2024-01-20"));
  auto gv = view->ReadSeries("gdp", {});
  REQUIRE(gv->size() == 2);
  CHECK(gv->value[1] == 20011.65);
  CHECK(gv->vintage[1] == *ParseDate("2024-01-28"));
}

TEST_CASE("Long CSV: status, stage, source, qualifier and explicit metadata", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "indicator,period,value,status,stage,source,qualifier,measure,frequency,cumulative,region,"
      "level_series,name_en,notes\n"
      "gdp_growth,2023,6,预计,,政府工作报告,左右,growth,quarterly,true,武汉,gdp,GDP growth,n1\n"
      "retail,2023-11,700,final,最终核实,,,level,monthly,false,武汉,,Retail,\n";
  auto r = LoadText(t.store(), "a.csv", csv, At("2024-01-20"));
  REQUIRE_OK(r.status());
  auto view = t.store().NewReadView();
  auto g = view->GetSeries("gdp_growth");
  REQUIRE_OK(g.status());
  CHECK(g->frequency == Frequency::kQuarterly);
  CHECK(g->cumulative);
  CHECK(g->region == "武汉");
  CHECK(g->level_series == "gdp");
  CHECK(g->name_en == "GDP growth");
  CHECK(g->notes == "n1");
  // A bare year in a cumulative quarterly series is the full-year span (Q4).
  auto revs = view->ReadRevisions("gdp_growth", Period::Quarter(2023, 4));
  REQUIRE_OK(revs.status());
  REQUIRE(revs->size() == 1);
  CHECK((*revs)[0].value == 6);
  CHECK((*revs)[0].status == ObsStatus::kEstimate);
  CHECK((*revs)[0].qualifier == Qualifier::kAbout);
  CHECK((*revs)[0].source == "政府工作报告");
  auto m = view->ReadRevisions("retail", Period::Month(2023, 11));
  REQUIRE(m->size() == 1);
  CHECK((*m)[0].status == ObsStatus::kFinal);
  CHECK((*m)[0].stage == "最终核实");
}

TEST_CASE("Targets CSV: comparators, Chinese qualifiers, 控制在…左右, qualitative, 同步",
          "[load]") {
  LoadTestStore t;
  const std::string csv =
      "indicator,period,target,comparator,tolerance,unit,vintage,source,relative_to,text\n"
      "gdp_growth,2024,6,=,,%,2024-01-20,增长6%,,\n"
      "hitech_firms,2024,1.55,以上,,万家,2024-01-20,1.55万家以上,,\n"
      "cpi,2024,3,控制在…左右,,%,2024-01-20,控制在3%左右,,\n"
      "unemployment,2024,5.5,以内,,%,2024-01-20,5.5%以内,,\n"
      "fdi,2024,30,约,0.2,亿美元,2024-01-20,约30亿美元,,\n"
      "invest_growth,2024,7,≥,,%,2024-01-20,,,\n"
      "energy,2024,,,,,2024-01-20,完成省下达的任务,,完成省下达的任务\n"
      "income_growth,2024,,同步,,%,2024-01-20,与经济增长同步,gdp_growth,\n"
      "exports,2024,5,力争达到,,%,2024-01-20,,,\n"
      "debt,2024,100,不超过,,亿元,2024-01-20,,,\n";
  auto r = LoadText(t.store(), "t.csv", csv, {});
  REQUIRE_OK(r.status());
  CHECK(r->summary.targets_added == 10);
  CHECK(r->notes.empty());  // every row has its vintage
  auto view = t.store().NewReadView();
  auto all = view->ReadTargets("", std::nullopt);
  REQUIRE_OK(all.status());
  REQUIRE(all->size() == 10);
  auto get = [&](const char* code) {
    for (const auto& x : *all) {
      if (x.series == code) return x;
    }
    FAIL(code);
    return storage::Target{};
  };
  CHECK(get("gdp_growth").comparator == Comparator::kEqual);
  CHECK(get("gdp_growth").value == 6);
  CHECK(get("gdp_growth").period == Period::Annual(2024));
  CHECK(get("hitech_firms").comparator == Comparator::kAtLeast);
  CHECK(get("hitech_firms").unit == "万家");
  CHECK(get("cpi").comparator == Comparator::kAtMost);
  // 控制在3%左右: a ceiling that says "about"; its tolerance is the query layer's choice (by
  // unit), not written into the target's own unit by the loader.
  CHECK(get("cpi").about);
  CHECK(std::isnan(get("cpi").tolerance));
  CHECK(get("unemployment").comparator == Comparator::kAtMost);
  CHECK_FALSE(get("unemployment").about);
  CHECK(std::isnan(get("unemployment").tolerance));
  CHECK(get("fdi").comparator == Comparator::kAbout);
  CHECK(get("fdi").tolerance == 0.2);
  CHECK(get("invest_growth").comparator == Comparator::kAtLeast);
  CHECK(get("energy").comparator == Comparator::kQualitative);
  CHECK(get("energy").text == "完成省下达的任务");
  CHECK(std::isnan(get("energy").value));
  CHECK(get("income_growth").comparator == Comparator::kRelative);
  CHECK(get("income_growth").relative_to == "gdp_growth");
  CHECK(get("exports").comparator == Comparator::kAtLeast);
  CHECK(get("debt").comparator == Comparator::kAtMost);
  CHECK(get("debt").source.empty());
  // A series created by a targets file takes the target's unit.
  CHECK(view->GetSeries("hitech_firms")->unit == "万家");
  CHECK(view->GetSeries("hitech_firms")->measure == MeasureKind::kCount);
  CHECK(view->GetSeries("gdp_growth")->measure == MeasureKind::kGrowth);
}

TEST_CASE("Wide CSV: periods as headers, blanks are missing, metadata columns", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "indicator,name,unit,2020,2021,2022,2023\n"
      "gdp,地区生产总值,亿元,\"15,616.06\",\"17,716.76\",\"18,866.43\",\"20,011.65\"\n"
      "pop,常住人口,万人,,1364.89,1373.9,1377.4\n";
  auto r = LoadText(t.store(), "w.csv", csv, At("2024-03-01"));
  REQUIRE_OK(r.status());
  CHECK(r->summary.series_created == 2);
  auto view = t.store().NewReadView();
  auto gdp = view->ReadSeries("gdp", {});
  REQUIRE_OK(gdp.status());
  REQUIRE(gdp->size() == 4);
  CHECK(gdp->value[0] == 15616.06);
  CHECK(gdp->value[3] == 20011.65);
  auto pop = view->ReadSeries("pop", {});
  REQUIRE(pop->size() == 4);
  CHECK(std::isnan(pop->value[0]));  // published blank
  CHECK(pop->value[3] == 1377.4);
  CHECK(view->GetSeries("pop")->unit == "万人");
}

TEST_CASE("Wide CSV: quarterly headers, blank cells of other frequencies are ignored", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "indicator,2023Q1,2023Q2,2023,2024Q1\n"
      "q_series,1,2,,3\n"
      "a_series,,,7,\n";
  auto r = LoadText(t.store(), "w.csv", csv, At("2024-03-01"));
  REQUIRE_OK(r.status());
  auto view = t.store().NewReadView();
  CHECK(view->GetSeries("q_series")->frequency == Frequency::kQuarterly);
  CHECK(view->GetSeries("a_series")->frequency == Frequency::kAnnual);
  CHECK(view->ReadSeries("q_series", {})->size() == 3);
  CHECK(view->ReadSeries("a_series", {})->size() == 1);
}

TEST_CASE("SDMX-CSV: dimensions make the code, period codes, UNIT_MULT, OBS_STATUS, D", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS,"
      "UNIT_MULT,UNIT_MEASURE\n"
      "dataflow,CN:NA(1.0),I,A,WH,GDP,2022,18866.43,A,8,CNY\n"
      "dataflow,CN:NA(1.0),I,A,WH,GDP,2023,20011.65,P,8,CNY\n"
      "dataflow,CN:NA(1.0),I,Q,WH,GDPG,2023-Q1,4.5,E,,PCT\n"
      "dataflow,CN:NA(1.0),I,Q,WH,GDPG,2023-S1,5,E,,PCT\n"
      "dataflow,CN:NA(1.0),A,M,WH,CPI,2023-M01,101.2,,,IDX\n";
  auto r = LoadText(t.store(), "s.csv", csv, At("2024-02-01"));
  REQUIRE_OK(r.status());
  auto view = t.store().NewReadView();
  auto gdp = view->ReadSeries("wh_gdp", {});
  REQUIRE_OK(gdp.status());
  REQUIRE(gdp->size() == 2);
  CHECK(gdp->value[1] == 2001165000000.0);
  CHECK(gdp->status[1] == static_cast<uint8_t>(ObsStatus::kPreliminary));
  auto meta = view->GetSeries("wh_gdp");
  CHECK(meta->region == "WH");
  CHECK(meta->unit == "CNY");
  CHECK(meta->frequency == Frequency::kAnnual);
  auto g = view->GetSeries("wh_gdpg");
  REQUIRE_OK(g.status());
  CHECK(g->frequency == Frequency::kQuarterly);
  CHECK(g->cumulative);  // 2023-S1 is the H1 span
  CHECK(view->ReadSeries("wh_gdpg", {})->size() == 2);
  CHECK(view->GetSeries("wh_cpi")->frequency == Frequency::kMonthly);

  // D records a deletion as of its vintage; history keeps the old value.
  const std::string del =
      "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
      "dataflow,CN:NA(1.0),D,A,WH,GDP,2022,\n";
  auto d = LoadText(t.store(), "d.csv", del, At("2024-03-01"));
  REQUIRE_OK(d.status());
  CHECK(d->summary.deletions == 1);
  auto view2 = t.store().NewReadView();
  auto latest = view2->ReadSeries("wh_gdp", {});
  REQUIRE(latest->size() == 1);
  CHECK(latest->period[0] == Period::Annual(2023));
  storage::ReadRequest before;
  before.mode = storage::ReadMode::kAsOf;
  before.as_of = *ParseDate("2024-02-15");
  CHECK(view2->ReadSeries("wh_gdp", before)->size() == 2);
  auto revs = view2->ReadRevisions("wh_gdp", Period::Annual(2022));
  REQUIRE(revs->size() == 2);
  CHECK((*revs)[1].deleted);
}

TEST_CASE("Irregularities: BOM, CRLF, quotes, thousands, blanks, footnotes, trailing commas",
          "[load]") {
  LoadTestStore t;
  const std::string csv =
      "\xEF\xBB\xBFindicator,period,value,name\r\n"
      "gdp,2021,\"17,716.76\",\"生产总值, 当年价\"\r\n"
      "\r\n"
      "gdp,2022,18866.43*,\r\n"
      "gdp,2023,20011.65(p),,\r\n"
      "gdp,2019,,\r\n"
      "gdp,2018,…,\r\n"
      "gdp,2020,15616.06①,\r\n"
      ",,,\r\n";
  auto r = LoadText(t.store(), "x.csv", csv, At("2024-03-01"));
  REQUIRE_OK(r.status());
  auto view = t.store().NewReadView();
  CHECK(view->GetSeries("gdp")->name_zh == "生产总值, 当年价");
  auto v = view->ReadSeries("gdp", {});
  REQUIRE(v->size() == 6);
  CHECK(std::isnan(v->value[0]));
  CHECK(std::isnan(v->value[1]));
  CHECK(v->value[2] == 15616.06);
  CHECK(v->value[3] == 17716.76);
  CHECK(v->value[4] == 18866.43);
  CHECK(v->value[5] == 20011.65);
  CHECK(v->status[5] == static_cast<uint8_t>(ObsStatus::kPreliminary));
}

TEST_CASE("A metadata-only row (blank period and value) sets metadata", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "indicator,period,value,name_en,unit\n"
      "gdp,,,GDP,亿元\n"
      "gdp,2023,20011.65,,\n";
  auto r = LoadText(t.store(), "m.csv", csv, At("2024-03-01"));
  REQUIRE_OK(r.status());
  auto view = t.store().NewReadView();
  CHECK(view->GetSeries("gdp")->name_en == "GDP");
  CHECK(view->GetSeries("gdp")->unit == "亿元");
  CHECK(view->ReadSeries("gdp", {})->size() == 1);
}

TEST_CASE("GB18030 files: detected, or by --encoding, undecodable bytes name the line", "[load]") {
  LoadTestStore t;
  // "indicator,period,value,name\ngdp,2023,20011.65,武汉生产总值\n" with 武汉生产总值 in GB18030.
  const std::string gb =
      "indicator,period,value,name\ngdp,2023,20011.65,\xCE\xE4\xBA\xBA\xC9\xFA\xB2\xFA\xD7\xDC"
      "\xD6\xB5\n";
  {
    auto r = LoadText(t.store(), "gb.csv", gb, At("2024-03-01"));
    REQUIRE_OK(r.status());
    CHECK(t.store().NewReadView()->GetSeries("gdp")->name_zh == "武汉生产总值");
  }
  {
    LoadTestStore t2;
    LoadOptions o = At("2024-03-01");
    o.encoding = Encoding::kGb18030;
    auto ok = LoadText(t2.store(), "gb.csv", gb, o);
    REQUIRE_OK(ok.status());
    CHECK(t2.store().NewReadView()->GetSeries("gdp")->name_zh == "武汉生产总值");
    o.encoding = Encoding::kUtf8;
    auto bad = LoadText(t2.store(), "gb.csv", gb, o);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message().rfind("gb.csv:2:4: bad encoding", 0) == 0);
  }
  {
    LoadTestStore t3;
    const std::string junk = "indicator,period,value\ngdp,2023,1\ngdp,2022,\xFF\xFF\n";
    auto bad = LoadText(t3.store(), "junk.csv", junk, At("2024-03-01"));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message().rfind("junk.csv:3:3: bad encoding", 0) == 0);
    CHECK(t3.store().NewReadView()->ListSeries()->empty());
  }
}

TEST_CASE("Errors: each kind with its exact position, nothing is loaded", "[load]") {
  struct Case {
    std::string csv;
    std::string want;  // the first error line
  };
  const std::string h = "indicator,period,value\n";
  const std::string th = "indicator,period,target,comparator\n";
  const Case cases[] = {
      {h + "gdp,2023,abc\n", "e.csv:2:3: not a number: 'abc' (value)"},
      {h + "gdp,2023,1\ngdp,20x3,2\n", "e.csv:3:2: bad period '20x3'"},
      {h + "gdp,2023Q5,1\n", "e.csv:2:2: bad period '2023Q5': quarter must be 1-4"},
      {h + "gdp,2023,1\ngdp,2023,1,4\n",
       "e.csv:3:4: expected 3 fields (as in the header), found 4"},
      {h + "gdp,2023\n", "e.csv:2:3: expected 3 fields (as in the header), found 2"},
      {h + "9gdp,2023,1\n", "e.csv:2:1: bad series code '9gdp': must start with a letter"},
      {h + "gdp,2023,1\ngdp,2023,2\n",
       "e.csv:3:2: duplicate of line 2: gdp 2023 vintage 2024-03-01 given twice with different "
       "values (1, then 2)"},
      {"indicator,period,value,vintage\ngdp,2023,1,2024-13-01\n",
       "e.csv:2:4: bad vintage '2024-13-01': expected a date YYYY-MM-DD"},
      {"indicator,period,value,unit\ngdp,2022,1,亿元\ngdp,2023,2,万元\n",
       "e.csv:3:4: conflicting metadata for gdp: unit '万元' but line 2 said '亿元'"},
      {"indicator,period,value,frequency\ngdp,2023Q1,1,quarterly\ngdp,2023,2,\n",
       "e.csv:3:2: period 2023 is annual but series gdp is quarterly"},
      {"indicator,period,value,cumulative\ngdp,2023Q1,1,false\ngdp,2023Q1-Q2,2,\n",
       "e.csv:3:2: period 2023H1 is a year-to-date span but series gdp is not cumulative"},
      {"indicator,period,value,status\ngdp,2023,1,guess\n", "e.csv:2:4: unknown status 'guess'"},
      {"indicator,period,value,qualifier\ngdp,2023,1,maybe\n",
       "e.csv:2:4: unknown qualifier 'maybe'"},
      {"indicator,period,value,measure\ngdp,2023,1,size\n", "e.csv:2:4: unknown measure 'size'"},
      {th + "gdp,2024,6,大概\n", "e.csv:2:4: unknown comparator '大概'"},
      {th + "gdp,2024,6,\n", "e.csv:2:4: empty comparator"},
      {th + "gdp,2024,x,>=\n", "e.csv:2:3: not a number: 'x' (target)"},
      {th + "gdp,2024,,>=\n", "e.csv:2:3: empty target"},
      {th + "gdp,2024,6,>=\ngdp,2024,7,>=\n",
       "e.csv:3:2: duplicate target: gdp 2024 vintage 2024-03-01 is given twice"},
      {"indicator,period,value,colour\n",
       "e.csv:1:4: unknown column 'colour' (column 4) for a long file"},
      {"indicator,period\n", "e.csv:1:1: cannot tell the format from the header"},
      {"indicator,period,value,period\n", "e.csv:1:4: column 'period' appears twice"},
      {h + "gdp,2023,\"1\"x\n", "e.csv:2:3: unexpected text after a closing quote"},
      {h + "gdp,2023,\"1\n", "e.csv:2:3: unterminated quoted field"},
      {"", "e.csv:1:1: empty file"},
  };
  for (const auto& c : cases) {
    LoadTestStore t;
    INFO(c.csv);
    auto r = LoadText(t.store(), "e.csv", c.csv, At("2024-03-01"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    const std::string& msg = r.status().message();
    CHECK(msg.substr(0, c.want.size()) == c.want);
    CHECK(t.store().NewReadView()->ListSeries()->empty());
  }
}

TEST_CASE("Errors: every bad row is listed, up to max_errors", "[load]") {
  LoadTestStore t;
  std::string csv = "indicator,period,value\n";
  for (int i = 0; i < 10; ++i)
    csv += "gdp," + std::to_string(2000 + i) + ",x" + std::to_string(i) + "\n";
  csv += "gdp,2020,1\n";
  auto r = LoadText(t.store(), "e.csv", csv, At("2024-03-01"));
  REQUIRE_FALSE(r.ok());
  std::istringstream lines(r.status().message());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("e.csv:", 0) == 0) {
      CHECK(line.rfind("e.csv:" + std::to_string(n + 2) + ":3: not a number", 0) == 0);
      ++n;
    }
  }
  CHECK(n == 10);
  CHECK(r.status().message().find("10 bad rows; nothing was loaded") != std::string::npos);

  LoadOptions o = At("2024-03-01");
  o.max_errors = 3;
  auto capped = LoadText(t.store(), "e.csv", csv, o);
  REQUIRE_FALSE(capped.ok());
  CHECK(capped.status().message().find("e.csv:4:3") != std::string::npos);
  CHECK(capped.status().message().find("e.csv:5:3") == std::string::npos);
  CHECK(capped.status().message().find("stopped after 3 errors") != std::string::npos);
}

TEST_CASE("Vintage: row cell, else the option, else today (said in the notes)", "[load]") {
  LoadTestStore t;
  const std::string csv =
      "indicator,period,value,vintage\n"
      "a,2023,1,2024-01-28\n"
      "b,2023,2,\n";
  auto r = LoadText(t.store(), "v.csv", csv, {});
  REQUIRE_OK(r.status());
  REQUIRE(r->notes.size() == 1);
  CHECK(r->notes[0] == "no vintage given: using today's date " + FormatDate(Today()));
  auto view = t.store().NewReadView();
  CHECK(view->ReadSeries("a", {})->vintage[0] == *ParseDate("2024-01-28"));
  CHECK(view->ReadSeries("b", {})->vintage[0] == Today());
  CHECK(FormatLoadSummary(*r).find("note: no vintage given") != std::string::npos);
}

TEST_CASE("Re-loading the same file is a no-op, a revised file records revisions", "[load]") {
  LoadTestStore t;
  const std::string v1 =
      "indicator,period,value,unit\n"
      "gdp,2022,18866.43,亿元\n"
      "gdp,2023,20000,亿元\n";
  auto first = LoadText(t.store(), "v1.csv", v1, At("2024-01-20"));
  REQUIRE_OK(first.status());
  CHECK(first->summary.observations_added == 2);
  auto again = LoadText(t.store(), "v1.csv", v1, At("2024-01-20"));
  REQUIRE_OK(again.status());
  CHECK(again->summary.observations_added == 0);
  CHECK(again->summary.revisions == 0);
  CHECK(again->summary.series_created == 0);
  CHECK(again->summary.series_updated == 0);
  CHECK(again->summary.unchanged == 2);
  // The same values in a later vintage record nothing either.
  auto later = LoadText(t.store(), "v1.csv", v1, At("2024-02-01"));
  REQUIRE_OK(later.status());
  CHECK(later->summary.observations_added == 0);

  const std::string v2 =
      "indicator,period,value,unit\n"
      "gdp,2022,18866.43,亿元\n"
      "gdp,2023,20011.65,亿元\n";
  auto rev = LoadText(t.store(), "v2.csv", v2, At("2024-01-28"));
  REQUIRE_OK(rev.status());
  CHECK(rev->summary.observations_added == 1);
  CHECK(rev->summary.revisions == 1);
  auto view = t.store().NewReadView();
  auto h = view->ReadRevisions("gdp", Period::Annual(2023));
  REQUIRE(h->size() == 2);
  CHECK((*h)[0].value == 20000);
  CHECK((*h)[1].value == 20011.65);
}

TEST_CASE("Several files load as one, a bad row in any file loads nothing", "[load]") {
  ixdb::test::TempDir dir;
  const std::string a = dir.Write("a.csv", "indicator,period,value\ngdp,2023,1\n");
  const std::string b = dir.Write("b.csv", "indicator,period,target,comparator\ngdp,2024,6,>=\n");
  const std::string bad = dir.Write("bad.csv", "indicator,period,value\nx,2023,1\nx,2024,oops\n");
  {
    LoadTestStore t;
    auto r = LoadFiles(t.store(), {a, b}, At("2024-03-01"));
    REQUIRE_OK(r.status());
    CHECK(r->summary.observations_added == 1);
    CHECK(r->summary.targets_added == 1);
    auto loads = t.store().NewReadView()->ListLoads();
    REQUIRE(loads->size() == 1);
    CHECK((*loads)[0].info.files == std::vector<std::string>{a, b});
  }
  {
    LoadTestStore t;
    auto r = LoadFiles(t.store(), {a, b, bad}, At("2024-03-01"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().rfind(bad + ":3:3: not a number", 0) == 0);
    CHECK(t.store().NewReadView()->ListSeries()->empty());
    CHECK(t.store().NewReadView()->ListLoads()->empty());
  }
  {
    LoadTestStore t;
    auto r = LoadFiles(t.store(), {a, dir.path() + "/missing.csv"}, At("2024-03-01"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsIOError());
    CHECK(r.status().message().find("missing.csv: cannot open") != std::string::npos);
  }
}

TEST_CASE("Standard input: '-' reads the file from stdin", "[load]") {
  LoadTestStore t;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const std::string csv = "indicator,period,value\ngdp,2023,20011.65\n";
  REQUIRE(write(fds[1], csv.data(), csv.size()) == static_cast<ssize_t>(csv.size()));
  close(fds[1]);
  const int saved = dup(0);
  dup2(fds[0], 0);
  close(fds[0]);
  auto r = LoadFiles(t.store(), {"-"}, At("2024-03-01"));
  dup2(saved, 0);
  close(saved);
  REQUIRE_OK(r.status());
  CHECK(r->summary.observations_added == 1);
  CHECK(t.store().NewReadView()->ReadSeries("gdp", {})->value[0] == 20011.65);
}

TEST_CASE("Skip-bad: good rows load, bad rows go to the file with reasons", "[load]") {
  LoadTestStore t;
  ixdb::test::TempDir dir;
  const std::string csv =
      "indicator,period,value\n"
      "gdp,2021,0\n"
      "gdp,2022,1\n"
      "gdp,2023,oops\n"
      "gdp,2024Q1,3\n"
      "cpi,2023,2\n";
  LoadOptions o = At("2024-03-01");
  o.skip_bad_path = dir.path() + "/bad.txt";
  auto r = LoadText(t.store(), "s.csv", csv, o);
  REQUIRE_OK(r.status());
  CHECK(r->bad_rows == 2);
  CHECK(r->summary.observations_added == 3);
  std::ifstream in(o.skip_bad_path);
  std::string l1, l2, l3;
  std::getline(in, l1);
  std::getline(in, l2);
  CHECK(l1 == "s.csv:4:3: not a number: 'oops' (value)\tgdp,2023,oops");
  CHECK(l2 == "s.csv:5:2: period 2024Q1 is quarterly but series gdp is annual\tgdp,2024Q1,3");
  CHECK_FALSE(std::getline(in, l3));

  // The same from a (memory-mapped) file.
  LoadTestStore t2;
  const std::string path = dir.Write("s.csv", csv);
  auto r2 = LoadFiles(t2.store(), {path}, o);
  REQUIRE_OK(r2.status());
  CHECK(r2->bad_rows == 2);
  std::ifstream in2(o.skip_bad_path);
  std::getline(in2, l1);
  std::getline(in2, l2);
  CHECK(l1 == path + ":4:3: not a number: 'oops' (value)\tgdp,2023,oops");
  CHECK(l2 == path + ":5:2: period 2024Q1 is quarterly but series gdp is annual\tgdp,2024Q1,3");
}

TEST_CASE("All-or-nothing: a bad row at the end of a large file leaves the store unchanged",
          "[load]") {
  LoadTestStore t;
  auto base =
      LoadText(t.store(), "base.csv", "indicator,period,value\nkeep,2020,1\n", At("2024-01-01"));
  REQUIRE_OK(base.status());
  ixdb::test::TempDir dir;
  std::string csv = "indicator,period,vintage,value\n";
  for (int s = 0; s < 200; ++s) {
    for (int y = 1990; y < 2090; ++y) {
      csv += "s" + std::to_string(s) + "," + std::to_string(y) + ",2024-02-01," +
             std::to_string(s * 1000 + y) + ".5\n";
    }
  }
  csv += "s1,2023,2024-02-01,bad\n";
  const std::string path = dir.Write("big.csv", csv);
  LoadOptions o;
  o.chunk_rows = 5000;  // several BulkWrite chunks before the bad row is seen
  uint64_t last_done = 0, last_total = 0, calls = 0;
  o.progress = [&](uint64_t done, uint64_t total) {
    CHECK(done >= last_done);
    last_done = done;
    last_total = total;
    ++calls;
  };
  auto r = LoadFiles(t.store(), {path}, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind(path + ":20002:4: not a number", 0) == 0);
  CHECK(calls >= 1);
  CHECK(last_total == csv.size());
  CHECK(last_done == csv.size());
  auto view = t.store().NewReadView();
  auto series = view->ListSeries();
  REQUIRE(series->size() == 1);
  CHECK((*series)[0].code == "keep");
  CHECK(view->ListLoads()->size() == 1);

  // Without the bad row the same file loads through several chunks.
  csv.resize(csv.size() - std::string("s1,2023,2024-02-01,bad\n").size());
  const std::string good = dir.Write("good.csv", csv);
  last_done = 0;
  auto ok = LoadFiles(t.store(), {good}, o);
  REQUIRE_OK(ok.status());
  CHECK(ok->summary.observations_added == 20000);
  CHECK(t.store().NewReadView()->ReadSeries("s199", {})->size() == 100);
}

TEST_CASE("Format detection and ParseFormat/ParseEncoding", "[load]") {
  CHECK(*ParseFormat("auto") == Format::kAuto);
  CHECK(*ParseFormat("LONG") == Format::kLong);
  CHECK(*ParseFormat("wide") == Format::kWide);
  CHECK(*ParseFormat("sdmx") == Format::kSdmx);
  CHECK(*ParseFormat("targets") == Format::kTargets);
  CHECK_FALSE(ParseFormat("xml").ok());
  CHECK(*ParseEncoding("utf-8") == Encoding::kUtf8);
  CHECK(*ParseEncoding("GBK") == Encoding::kGb18030);
  CHECK(*ParseEncoding("gb18030") == Encoding::kGb18030);
  CHECK_FALSE(ParseEncoding("latin1").ok());

  // --format long on a wide header is an error at the first non-long column.
  LoadTestStore t;
  LoadOptions o = At("2024-03-01");
  o.format = Format::kLong;
  auto r = LoadText(t.store(), "w.csv", "indicator,2022,2023\ngdp,1,2\n", o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind(
            "w.csv:1:2: unknown columns '2022' (column 2), '2023' (column 3) for a long file", 0) ==
        0);
}

TEST_CASE("FormatLoadSummary prints counts, time and notes", "[load]") {
  LoadReport r;
  r.summary.load_id = 7;
  r.summary.series_created = 2;
  r.summary.observations_added = 1234;
  r.summary.revisions = 5;
  r.rows_read = 12345;
  r.seconds = 0.5;
  r.notes.push_back("hello");
  const std::string s = FormatLoadSummary(r);
  CHECK(s.rfind("load #7: 12,345 rows; series 2 created, 0 updated; observations 1,234 added (5 "
                "revisions)",
                0) == 0);
  CHECK(s.find("24,690 rows/s") != std::string::npos);
  CHECK(s.find("\nnote: hello") != std::string::npos);
}

TEST_CASE("data/examples: every example file loads, all together in one load", "[load]") {
  LoadTestStore t;
  const std::string d = IXDB_EXAMPLES_DIR;
  auto r = LoadFiles(t.store(),
                     {d + "/long.csv", d + "/wide.csv", d + "/sdmx.csv", d + "/targets.csv",
                      d + "/long-gb18030.csv"},
                     At("2024-03-01"));
  REQUIRE_OK(r.status());
  CHECK(r->summary.targets_added == 7);
  CHECK(r->summary.deletions == 1);
  auto view = t.store().NewReadView();
  CHECK(view->GetSeries("exports")->name_zh == "进出口总额");  // from the GB18030 file
  CHECK(view->ReadSeries("retail_sales", {})->value[0] == 7449.64);
  CHECK(view->ReadSeries("wh_gdp_cp", {})->value[1] == 2001165000000.0);
  auto g = view->ReadRevisions("gdp_growth", Period::Quarter(2023, 4));
  REQUIRE(g->size() == 2);
  CHECK((*g)[0].qualifier == Qualifier::kAbout);
  CHECK((*g)[1].value == 5.7);
}

TEST_CASE("Robustness: mutated files never crash, they load or fail with positions", "[load]") {
  // Deterministic mutations (byte flips, insertions of CSV-significant characters, truncation)
  // of the example files, loaded into one store: each either loads or is InvalidArgument.
  const std::string d = IXDB_EXAMPLES_DIR;
  std::vector<std::string> seeds;
  for (const char* f : {"long.csv", "wide.csv", "sdmx.csv", "targets.csv", "long-gb18030.csv"}) {
    std::ifstream in(d + "/" + f, std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  LoadTestStore t;
  uint64_t x = 88172645463325252ULL;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const char specials[] = {',', '"', '\n', '\r', '\xE4', '\xFF', '-', '.', 'Q', 'H', '0', ' '};
  int loaded = 0, rejected = 0;
  for (int i = 0; i < 250; ++i) {
    std::string s = seeds[next() % seeds.size()];
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t pos = next() % s.size();
      switch (next() % 4) {
        case 0:
          s[pos] = static_cast<char>(next());
          break;
        case 1:
          s.insert(pos, 1, specials[next() % sizeof specials]);
          break;
        case 2:
          s.erase(pos, 1 + next() % 8);
          break;
        case 3:
          s.resize(pos);
          break;
      }
    }
    LoadOptions o = At("2024-03-01");
    o.format = static_cast<Format>(next() % 5);
    auto r = LoadText(t.store(), "m.csv", s, o);
    if (r.ok()) {
      ++loaded;
    } else {
      INFO(r.status().ToString());
      REQUIRE(r.status().IsInvalidArgument());
      CHECK(r.status().message().rfind("m.csv:", 0) == 0);
      ++rejected;
    }
  }
  CHECK(loaded > 0);
  CHECK(rejected > 0);
}

TEST_CASE("Bad encoding deep in a large file names its line", "[load]") {
  // Large enough (> 8 MiB) for the two-thread UTF-8 check; the bad byte is in the second half.
  std::string csv = "indicator,period,value\n";
  const std::string row = "gdp,2023,1.5\n";
  const int rows = 800000;
  csv.reserve(csv.size() + row.size() * rows + 16);
  for (int i = 0; i < rows; ++i) csv += row;
  csv.replace(csv.size() - 3 * row.size() + 9, 1, "\xC3\x28");  // line rows-1, field 3
  LoadTestStore t;
  LoadOptions o = At("2024-03-01");
  o.encoding = Encoding::kUtf8;
  auto r = LoadText(t.store(), "big.csv", csv, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("big.csv:" + std::to_string(rows - 1) + ":3: bad encoding", 0) ==
        0);
}

TEST_CASE("Two-thread parse: line numbers, duplicates and metadata across the halves", "[load]") {
  // > 1 MiB without quotes: parsed on two threads, split at a line boundary.
  std::string csv = "indicator,period,vintage,value\n";
  const int rows = 60000;
  for (int i = 0; i < rows; ++i) {
    csv += "s" + std::to_string(i % 500) + "," + std::to_string(1900 + i / 500) + ",2024-01-01," +
           std::to_string(i) + ".25\n";
  }
  REQUIRE(csv.size() > (1u << 20));
  ixdb::test::TempDir dir;
  {
    LoadTestStore t;
    auto r = LoadFiles(t.store(), {dir.Write("ok.csv", csv)}, {});
    REQUIRE_OK(r.status());
    CHECK(r->rows_read == rows);
    CHECK(r->summary.observations_added == rows);
    CHECK(r->summary.series_created == 500);
    auto v = t.store().NewReadView()->ReadSeries("s499", {});
    REQUIRE(v->size() == 120);
    CHECK(v->value[119] == 59999.25);
  }
  // A bad value early, one late, and a late row repeating an early key with another value.
  std::string bad = csv;
  auto replace_line = [&](int line, const std::string& text) {
    size_t pos = 0;
    for (int l = 1; l < line; ++l) pos = bad.find('\n', pos) + 1;
    bad.replace(pos, bad.find('\n', pos) - pos, text);
  };
  replace_line(12, "s10,1900,2024-01-01,x");
  replace_line(59000, "s497,2017,2024-01-01,y");
  replace_line(59500, "s0,1900,2024-01-01,7");  // line 2 has s0 1900 = 0.25
  LoadTestStore t;
  auto r = LoadFiles(t.store(), {dir.Write("bad.csv", bad)}, {});
  REQUIRE_FALSE(r.ok());
  const std::string p = dir.path() + "/bad.csv";
  const std::string& m = r.status().message();
  CHECK(m.find(p + ":12:4: not a number: 'x'") != std::string::npos);
  CHECK(m.find(p + ":59000:4: not a number: 'y'") != std::string::npos);
  CHECK(m.find(p + ":59500:2: duplicate of line 2: s0 1900 vintage 2024-01-01") !=
        std::string::npos);
  CHECK(t.store().NewReadView()->ListSeries()->empty());
}
