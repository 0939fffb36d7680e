// Mapping indicator phrases to codes: the store's names (exact, nearest), the alias tables,
// the fallback code; and making one report's candidates loadable together.
#include "extract/internal/mapping.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "extract/internal/load_plan.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::extract {
namespace {

using internal::Alias;
using internal::FallbackCode;
using internal::IndicatorMapper;
using internal::MatchForm;
using internal::ParseAliases;

std::vector<Alias> Builtin() {
  auto a = ParseAliases(internal::BuiltinAliasesCsv(), "builtin");
  REQUIRE_OK(a.status());
  return *a;
}

TEST_CASE("Mapping: the match form drops what does not change the indicator", "[extract]") {
  CHECK(MatchForm("外商直接投资（FDI）增长") == "外商直接投资增长");
  CHECK(MatchForm("全市规上工业增加值同比增长") == "规模以上工业增加值增长");
  CHECK(MatchForm("居民消费价格涨幅") == "居民消费价格上涨");
  CHECK(MatchForm("“四上”单位") == "四上单位");
  CHECK(MatchForm("城镇调查失业率平均") == "城镇调查失业率");
  CHECK(MatchForm("经济增速") == "经济增长");
}

TEST_CASE("Mapping: the alias table shipped with the project", "[extract]") {
  const IndicatorMapper mapper(nullptr, Builtin());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"地区生产总值增长", "gdp_growth"},
      {"国内生产总值增长", "gdp_growth"},
      {"全市地区生产总值", "gdp"},
      {"居民消费价格指数上涨", "cpi_growth"},
      {"居民消费价格涨幅", "cpi_growth"},
      {"城镇调查失业率", "unemployment_rate"},
      {"城镇新增就业", "new_urban_jobs"},
      {"外商直接投资（FDI）增长", "fdi_growth"},
      {"规上工业增加值增长", "industrial_va_growth"},
      {"经济增速逐季攀升增长", "gdp_growth"},
  };
  for (const auto& [name, code] : cases) {
    INFO(name);
    const auto m = mapper.Map(name, name == "全市地区生产总值" ? "亿元"
                                    : name == "城镇新增就业"   ? "万人"
                                                               : "%");
    CHECK(m.code == code);
    CHECK(m.how != Mapping::kFallback);
  }
  // A growth phrase does not map to the level, nor a level to a growth rate (units differ).
  CHECK(mapper.Map("地区生产总值", "%").code != "gdp");
  CHECK(mapper.Map("地区生产总值增长", "亿元").code != "gdp_growth");
  // A flow is not the stock it is a flow of; a part of the population is not all of it.
  CHECK(mapper.Map("新增高新技术企业", "家").how == Mapping::kFallback);
  CHECK(mapper.Map("城镇居民收入增长", "%").how == Mapping::kFallback);
  CHECK(mapper.Map("农民收入增长", "%").how == Mapping::kFallback);
}

TEST_CASE("Mapping: the store's series come first, by exact name then the nearest", "[extract]") {
  const std::vector<CatalogEntry> catalog = {
      {"wh_gdp_growth", "地区生产总值增长（可比价）", "%", Frequency::kQuarterly, true},
      {"wh_retail", "社会消费品零售总额", "亿元", Frequency::kAnnual, false},
      {"wh_hitech_firms", "高新技术企业总数", "万家", Frequency::kAnnual, false},
      {"gdp", "地区生产总值", "亿元", Frequency::kAnnual, false},
  };
  const IndicatorMapper mapper(&catalog, Builtin());
  const auto exact = mapper.Map("地区生产总值增长", "%");
  CHECK(exact.code == "wh_gdp_growth");
  CHECK(exact.how == Mapping::kStoreExact);
  CHECK(exact.store == &catalog[0]);
  const auto nearest = mapper.Map("全市社会消费品零售总额", "万亿元");
  CHECK(nearest.code == "wh_retail");
  CHECK(nearest.unit == "亿元");
  const auto contained = mapper.Map("高新技术企业总数达", "万家");
  CHECK(contained.code == "wh_hitech_firms");
  CHECK(contained.how == Mapping::kStoreNearest);
  // An alias whose code the store has is the store's series.
  const auto alias = mapper.Map("经济总量", "万亿元");
  CHECK(alias.code == "gdp");
  CHECK(alias.store == &catalog[3]);
  // No store name near it: the alias table, then a new code.
  CHECK(mapper.Map("城镇新增就业", "万人").how == Mapping::kAlias);
  CHECK(mapper.Map("新开工亿元以上项目", "个").how == Mapping::kFallback);
}

TEST_CASE("Mapping: a user's alias table adds and overrides names", "[extract]") {
  auto mine = ParseAliases(
      "name,code,unit\n新开工亿元以上项目,projects_started,个\n城镇新增就业,jobs,万人\n",
      "mine.csv");
  REQUIRE_OK(mine.status());
  auto all = Builtin();
  all.insert(all.end(), mine->begin(), mine->end());
  const IndicatorMapper mapper(nullptr, all);
  CHECK(mapper.Map("新开工亿元以上项目", "个").code == "projects_started");
  CHECK(mapper.Map("城镇新增就业", "万人").code == "jobs");

  auto bad_code = ParseAliases("name,code\n增长,9gdp\n", "bad.csv");
  REQUIRE_FALSE(bad_code.ok());
  CHECK(
      bad_code.status().message() ==
      "bad.csv:2: bad series code '9gdp': must be a letter then letters, digits or _ (at most 64)");
  auto bad_header = ParseAliases("name,series\n", "bad.csv");
  REQUIRE_FALSE(bad_header.ok());
  CHECK(bad_header.status().message() ==
        "bad.csv:1: unknown column 'series' (an alias table has name,code[,unit])");
}

TEST_CASE("Mapping: the fallback code is deterministic and a valid series code", "[extract]") {
  const std::string a = FallbackCode("新开工亿元以上项目");
  CHECK(a == FallbackCode("新开工亿元以上项目"));
  CHECK(a == FallbackCode("全市新开工亿元以上项目"));  // the same indicator
  CHECK(a != FallbackCode("建成投产亿元以上项目"));
  REQUIRE(a.size() == 11);
  CHECK(a.substr(0, 3) == "zh_");
  CHECK(a.find_first_not_of("zh_0123456789abcdef") == std::string::npos);
}

TEST_CASE("Mapping: ScaleDecimal converts published decimals exactly", "[extract]") {
  using internal::ScaleDecimal;
  CHECK(ScaleDecimal("2", 1e4) == "20000");  // 2万亿元 in 亿元
  CHECK(ScaleDecimal("1.7", 1e4) == "17000");
  CHECK(ScaleDecimal("20011.65", 1e-4) == "2.001165");  // 亿元 in 万亿元
  CHECK(ScaleDecimal("29.3", 1e4) == "293000");         // 万人 in 人
  CHECK(ScaleDecimal("0.05", 100) == "5");
  CHECK(ScaleDecimal("5", 1) == "5");
  CHECK(ScaleDecimal("3", 1e-1) == "0.3");
}

internal::Proposal Proposed(CandidateKind kind, const std::string& code, const std::string& name,
                            const std::string& period, const std::string& value,
                            const std::string& unit) {
  internal::Proposal p;
  p.candidate.kind = kind;
  p.candidate.indicator = code;
  p.candidate.name = name;
  p.candidate.period = period;
  p.candidate.value = value;
  p.candidate.unit = unit;
  p.candidate.source = name + value + unit;
  return p;
}

TEST_CASE("Load plan: repeats go, units are one per series, conflicts get codes of their own",
          "[extract]") {
  const std::vector<CatalogEntry> catalog = {
      {"gdp", "地区生产总值", "亿元", Frequency::kAnnual, false}};
  std::vector<internal::Proposal> ps;
  ps.push_back(Proposed(CandidateKind::kObservation, "gdp", "经济总量", "2023", "2", "万亿元"));
  ps.push_back(Proposed(CandidateKind::kObservation, "gdp", "地区生产总值", "2023", "2",
                        "万亿元"));  // repeat
  ps.push_back(Proposed(CandidateKind::kObservation, "gdp", "地区生产总值", "2023H1", "9500",
                        "亿元"));  // annual series
  ps.push_back(Proposed(CandidateKind::kObservation, "zh_a", "工业投资", "2023", "10", "亿元"));
  ps.push_back(Proposed(CandidateKind::kObservation, "zh_a", "工业投资", "2023", "12",
                        "亿元"));  // other value
  ps.push_back(Proposed(CandidateKind::kObservation, "zh_b", "项目", "2023", "5", "个"));
  ps.push_back(
      Proposed(CandidateKind::kObservation, "zh_b", "项目", "2022", "6", "亿元"));  // other unit
  const auto plan = internal::PlanLoading(ps, catalog);
  CHECK(plan.repeats == 1);
  REQUIRE(plan.candidates.size() == 6);
  // Observations are written in the unit of the store's series; review keeps what was written.
  CHECK(plan.candidates[0].value == "2");
  CHECK(plan.candidates[0].unit == "万亿元");
  CHECK(plan.candidates[0].load_value == "20000");
  CHECK(plan.candidates[0].load_unit == "亿元");
  // A half-year cannot go into the store's annual gdp: a code of its own.
  CHECK(plan.candidates[1].indicator == FallbackCode("地区生产总值"));
  CHECK(plan.candidates[1].mapping == Mapping::kFallback);
  CHECK(plan.candidates[2].indicator == "zh_a");
  CHECK(plan.candidates[3].indicator != "zh_a");
  CHECK(plan.candidates[4].indicator == "zh_b");
  CHECK(plan.candidates[5].indicator != "zh_b");
  for (const auto& c : plan.candidates) CHECK(c.loadable);
  CHECK(plan.series.front().in_store);
}

}  // namespace
}  // namespace ixdb::extract
