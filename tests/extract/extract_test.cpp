// ExtractText on small reports written like real ones: plan year, sections, periods, kinds,
// comparators, status, lists, qualitative and relative aims, repeats, and offsets in code points.
#include "extract/extract.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/common/test_util.hpp"

namespace ixdb::extract {
namespace {

// A plan report of a city in the shape of the seed: title, summary of the review year,
// section 一 (review), 二 (the list of main targets), 三 (tasks).
const char* const kReport =
    "关于某市2023年国民经济和社会发展计划执行情况与2024年计划草案的报告\n\n"
    "各位代表：\n\n"
    "预计全市地区生产总值增长6%左右，地方一般公共预算收入增长6.4%，城镇新增就业29.3万人。\n\n"
    "一、2023年国民经济和社会发展计划执行情况\n\n"
    "经济运行好转。经济增速逐季攀升，一季度增长4.5%、上半年增长5%、前三季度增长5.5%"
    "，经济总量有望突破2万亿元。"
    "1-11月，规模以上工业增加值增长4%。入库项目 6236 个、总投资 77791 亿元。"
    "新认定28家服务业领军企业和39家总部企业，总数分别达到 51 家、91 家。"
    "全市城镇新增就业 29.3 万人。位列第3、12、16名。\n\n"
    "二、2024年国民经济和社会发展主要预期目标\n\n"
    "2024年主要预期目标初步安排如下：\n\n"
    "- 地区生产总值增长6%。\n"
    "- 单位生产总值能耗下降率完成省下达的任务。\n"
    "- 居民消费价格上涨控制在3%左右。\n"
    "- 城乡居民收入增长与经济增长同步。\n"
    "- 城镇新增就业25万人以上。\n\n"
    "三、2024年主要任务\n\n"
    "力争高新技术企业达到 1.55 万家、科技型中小企业评价入库 1.3 万家。"
    "新谋划亿元以上项目总投资超过 1.2 万亿元，其中先进制造业项目总投资不低于 30%，50 亿元以上项目 "
    "150 个以上。"
    "推动氮氧化物和挥发性有机物减排量分别不少于200吨、800吨。每条产业链聚焦1个细分行业。"
    "服务业扩大开放90项试点任务力争完成80%以上，建设10个进口商品集散中心。"
    "城镇新增就业 25 万人以上。绿色工业园区实现破零。\n";

std::vector<Candidate> Run(const std::string& text, ExtractOptions options = {}) {
  auto ex = ExtractText(text, "test", options);
  REQUIRE_OK(ex.status());
  return ex->candidates;
}

// The candidate whose phrase is `source` and whose value is `value`.
const Candidate& Find(const std::vector<Candidate>& cs, const std::string& source,
                      const std::string& value) {
  for (const Candidate& c : cs) {
    if (c.source == source && c.value == value) return c;
  }
  FAIL("no candidate '" << source << "' with value '" << value << "'");
  return cs.front();
}

bool Has(const std::vector<Candidate>& cs, const std::string& value, const std::string& unit) {
  for (const Candidate& c : cs) {
    if (c.value == value && c.unit == unit) return true;
  }
  return false;
}

TEST_CASE("Extract: the plan year comes from the title, the date, or the section headings",
          "[extract]") {
  auto ex = ExtractText(kReport, "test", {});
  REQUIRE_OK(ex.status());
  CHECK(ex->plan_year == 2024);
  CHECK_FALSE(ex->vintage.has_value());

  auto gwr = ExtractText(
      "政府工作报告\n\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n\n各位代表：\n\n"
      "一、2023年工作回顾\n\n国内生产总值增长5.2%。\n",
      "gwr", {});
  REQUIRE_OK(gwr.status());
  CHECK(gwr->plan_year == 2024);
  REQUIRE(gwr->vintage.has_value());
  CHECK(FormatDate(*gwr->vintage) == "2024-03-05");

  auto headings = ExtractText(
      "各位代表：\n\n一、2024年工作回顾\n\n国内生产总值增长5%。\n\n"
      "二、2025年经济社会发展总体要求和政策取向\n\n国内生产总值增长5%左右。\n",
      "gwr2025", {});
  REQUIRE_OK(headings.status());
  CHECK(headings->plan_year == 2025);
  REQUIRE(headings->candidates.size() == 2);
  CHECK(headings->candidates[0].kind == CandidateKind::kObservation);
  CHECK(headings->candidates[0].period == "2024");
  CHECK(headings->candidates[1].kind == CandidateKind::kTarget);
  CHECK(headings->candidates[1].comparator == "~");

  auto bulletin = ExtractText(
      "2023年某市国民经济和社会发展统计公报\n\n全年地区生产总值20011.65亿元。\n", "b", {});
  REQUIRE_OK(bulletin.status());
  CHECK(bulletin->plan_year == 2024);
  REQUIRE(bulletin->candidates.size() == 1);
  CHECK(bulletin->candidates[0].period == "2023");

  // --year wins; a text without plan sections holds the figures of the year before it.
  ExtractOptions given;
  given.plan_year = 2030;
  CHECK(Run("增长5%。", given).front().period == "2029");

  auto none = ExtractText("增长5%。", "nameless", {});
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find("--year") != std::string::npos);
}

TEST_CASE("Extract: figures of the review year are observations, the plan's are targets",
          "[extract]") {
  const auto cs = Run(kReport);
  const Candidate& gdp = Find(cs, "预计全市地区生产总值增长6%左右", "6");
  CHECK(gdp.kind == CandidateKind::kObservation);
  CHECK(gdp.period == "2023");
  CHECK(gdp.indicator == "gdp_growth");
  CHECK(gdp.qualifier == "~");
  CHECK(gdp.status == "estimate");  // 预计 covers the whole sentence
  CHECK(Find(cs, "城镇新增就业29.3万人", "29.3").status == "estimate");
  CHECK(Find(cs, "入库项目6236个", "6236").status == "preliminary");
  const Candidate& target = Find(cs, "地区生产总值增长6%", "6");
  CHECK(target.kind == CandidateKind::kTarget);
  CHECK(target.period == "2024");
  CHECK(target.comparator == "=");
  CHECK(target.indicator == "gdp_growth");
}

TEST_CASE("Extract: quarters, halves and months to date are year-to-date periods", "[extract]") {
  const auto cs = Run(kReport);
  CHECK(Find(cs, "一季度增长4.5%", "4.5").period == "2023Q1");
  CHECK(Find(cs, "上半年增长5%", "5").period == "2023H1");
  CHECK(Find(cs, "前三季度增长5.5%", "5.5").period == "2023Q1-Q3");
  CHECK(Find(cs, "规模以上工业增加值增长4%", "4").period == "2023M01-M11");
  // The quarters have no subject of their own: they are about the economy's growth.
  CHECK(Find(cs, "一季度增长4.5%", "4.5").indicator == "gdp_growth");
  // 有望 is an estimate too; the amount keeps the unit it is written in.
  const Candidate& level = Find(cs, "经济总量有望突破2万亿元", "2");
  CHECK(level.unit == "万亿元");
  CHECK(level.qualifier == ">=");
  CHECK(level.status == "estimate");
}

TEST_CASE("Extract: comparators of targets", "[extract]") {
  const auto cs = Run(kReport);
  const Candidate& cpi = Find(cs, "居民消费价格上涨控制在3%左右", "3");
  CHECK(cpi.comparator == "<=");
  CHECK(cpi.load_comparator == "控制在…左右");  // the loader keeps "about": a tolerance by unit
  CHECK(Find(cs, "城镇新增就业25万人以上", "25").comparator == ">=");
  // 力争 opening a sentence: every figure of it is a floor.
  CHECK(Find(cs, "力争高新技术企业达到1.55万家", "1.55").comparator == ">=");
  CHECK(Find(cs, "科技型中小企业评价入库1.3万家", "1.3").comparator == ">=");
  // 力争 after a subject: only its clause.
  CHECK(Find(cs, "服务业扩大开放90项试点任务", "90").comparator == "=");
  CHECK(Find(cs, "力争完成80%以上", "80").comparator == ">=");
  CHECK(Find(cs, "建设10个进口商品集散中心", "10").comparator == "=");
  CHECK(Find(cs, "其中先进制造业项目总投资不低于30%", "30").comparator == ">=");
  CHECK(Find(cs, "新谋划亿元以上项目总投资超过1.2万亿元", "1.2").comparator == ">=");
  // 突破 before a count with its noun is the verb: 10 technologies, not more than 10.
  const auto verb = Run(
      "2024年计划\n\n三、2024年主要任务\n\n加快实施23个市科技重大专项，突破10项关键核心技术。\n");
  CHECK(Find(verb, "突破10项关键核心技术", "10").comparator == "=");
  const Candidate& zero = Find(cs, "绿色工业园区实现破零", "1");
  CHECK(zero.comparator == ">=");
  CHECK(zero.rule == "BreakZero");
}

TEST_CASE("Extract: qualitative and relative aims of the list of main targets", "[extract]") {
  const auto cs = Run(kReport);
  const Candidate& energy = Find(cs, "单位生产总值能耗下降率完成省下达的任务", "");
  CHECK(energy.comparator == "qualitative");
  CHECK(energy.text == "单位生产总值能耗下降率完成省下达的任务");
  CHECK(energy.indicator == "energy_intensity_decline");
  const Candidate& income = Find(cs, "城乡居民收入增长与经济增长同步", "");
  CHECK(income.comparator == "relative");
  CHECK(income.indicator == "resident_income_growth");
  CHECK(income.relative_to == "gdp_growth");
  // Clauses without a number outside that list are not targets.
  for (const Candidate& c : cs) CHECK(c.source != "经济运行好转");
}

TEST_CASE("Extract: lists are distributed over their subjects", "[extract]") {
  const auto cs = Run(kReport);
  CHECK(Find(cs, "总数分别达到51家、91家", "51").name == "服务业领军企业总数");
  CHECK(Find(cs, "总数分别达到51家、91家", "91").name == "总部企业总数");
  const Candidate& nox = Find(cs, "推动氮氧化物和挥发性有机物减排量分别不少于200吨、800吨", "200");
  const Candidate& voc = Find(cs, "推动氮氧化物和挥发性有机物减排量分别不少于200吨、800吨", "800");
  CHECK(nox.name == "氮氧化物减排量");
  CHECK(voc.name == "挥发性有机物减排量");
  CHECK(voc.comparator == ">=");  // the second value shares 不少于
  // 入库项目6236个、总投资77791亿元: the investment of those projects.
  CHECK(Find(cs, "总投资77791亿元", "77791").name == "入库项目总投资");
}

TEST_CASE("Extract: numbers that are not facts are not proposed", "[extract]") {
  const auto cs = Run(kReport);
  CHECK_FALSE(Has(cs, "50", "亿元"));  // 50亿元以上项目: a class of projects
  CHECK(Find(cs, "50亿元以上项目150个以上", "150").comparator == ">=");
  CHECK_FALSE(Has(cs, "1", "个"));   // 每条产业链聚焦1个细分行业: allotted per chain
  CHECK_FALSE(Has(cs, "12", ""));    // 第3、12、16名: ranks
  CHECK_FALSE(Has(cs, "2023", ""));  // years
}

TEST_CASE("Extract: a count that names the set a statement is about is no fact", "[extract]") {
  const auto cs = Run(
      "2023年统计公报\n\n12月份，70个大中城市中，新建商品住宅销售价格同比下降的城市个数为62个。\n");
  CHECK_FALSE(Has(cs, "70", "个"));
  const Candidate& cities = Find(cs, "新建商品住宅销售价格同比下降的城市个数为62个", "62");
  CHECK(cities.period == "2023-12");
  CHECK_FALSE(cities.loadable);  // a single month: the files hold year-to-date periods only
}

TEST_CASE("Extract: a fact stated twice is one row, its first statement", "[extract]") {
  auto ex = ExtractText(kReport, "test", {});
  REQUIRE_OK(ex.status());
  size_t jobs_2023 = 0, jobs_2024 = 0;
  for (const Candidate& c : ex->candidates) {
    if (c.indicator == "new_urban_jobs" && c.period == "2023") ++jobs_2023;
    if (c.indicator == "new_urban_jobs" && c.period == "2024") ++jobs_2024;
  }
  CHECK(jobs_2023 == 1);
  CHECK(jobs_2024 == 1);
  CHECK(ex->repeats_dropped == 2);
  CHECK(Find(ex->candidates, "城镇新增就业25万人以上", "25").offset <
        Find(ex->candidates, "力争高新技术企业达到1.55万家", "1.55").offset);
}

TEST_CASE("Extract: offsets and lengths count code points of the normalised text", "[extract]") {
  auto ex = ExtractText(kReport, "test", {});
  REQUIRE_OK(ex.status());
  // Rebuild the phrase from the text by code points.
  std::u32string text;
  for (size_t i = 0; i < ex->text.size();) {
    unsigned char b = static_cast<unsigned char>(ex->text[i]);
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? b : b & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k)
      c = (c << 6) | (static_cast<unsigned char>(ex->text[i + k]) & 0x3F);
    text.push_back(c);
    i += len;
  }
  for (const Candidate& c : ex->candidates) {
    INFO(c.source);
    REQUIRE(c.offset + c.length <= text.size());
    std::string phrase;
    for (size_t k = c.offset; k < c.offset + c.length; ++k) {
      char32_t cp = text[k];
      if (cp < 0x80) {
        phrase.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        phrase.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        phrase.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        phrase.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        phrase.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        phrase.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    }
    CHECK(phrase == c.source);
  }
}

TEST_CASE("Extract: the failure modes of real text still read", "[extract]") {
  // A footnote mark between the label and its number.
  const auto foot =
      Run("2023年某市统计公报\n\n全年地区生产总值[1]增长5.7%，城镇新增就业①29.3万人。\n");
  CHECK(Find(foot, "全年地区生产总值增长5.7%", "5.7").indicator == "gdp_growth");
  CHECK(Find(foot, "城镇新增就业29.3万人", "29.3").indicator == "new_urban_jobs");
  // A phrase broken by a page break.
  const auto broken =
      Run("2023年某市统计公报\n\n经济运行稳定。全年技术合同成交额2198亿\n\n元，增长10%。\n");
  const Candidate& tech = Find(broken, "全年技术合同成交额2198亿元", "2198");
  CHECK(tech.unit == "亿元");
  CHECK(tech.indicator == "tech_contract_value");
  // Thousands separators: 56,708.71 is one number.
  const auto big = Run("2023年某省统计公报\n\n全年地区生产总值56,708.71亿元，增长5.8%。\n");
  CHECK(Find(big, "全年地区生产总值56708.71亿元", "56708.71").unit == "亿元");
  // Full-width digits and percent signs.
  const auto wide = Run("2023年某省统计公报\n\n全年地区生产总值增长５．８％。\n");
  CHECK(Find(wide, "全年地区生产总值增长5.8%", "5.8").unit == "%");
}

}  // namespace
}  // namespace ixdb::extract
