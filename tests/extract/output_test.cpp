// The files `ixdb extract` writes (headers fixed by the issue and the loader's formats) and the
// summary on standard error.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "extract/extract.hpp"
#include "extract/internal/csv.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::extract {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  auto rows = internal::ParseCsv(ReadAll(path), path);
  REQUIRE_OK(rows.status());
  return *rows;
}

const char* const kReport =
    "关于某市2023年计划执行情况与2024年计划草案的报告\n\n各位代表：\n\n"
    "一、2023年计划执行情况\n\n经济总量有望突破2万亿元，接待游客 3.3 亿人次、增长 62.4%。"
    "新增“专精特新”企业, 合计120家。\n\n"
    "二、2024年主要预期目标\n\n主要预期目标如下：\n\n- 地区生产总值增长6%。\n"
    "- 城乡居民收入增长与经济增长同步。\n- 单位生产总值能耗下降率完成省下达的任务。\n";

TEST_CASE("Output: the three files and text.txt, in the loader's formats", "[extract]") {
  test::TempDir dir;
  ExtractOptions options;
  options.vintage = DateFromYmd(2024, 1, 20);
  auto ex = ExtractText(kReport, "r.txt", options);
  REQUIRE_OK(ex.status());
  const std::string out = dir.Sub("out/nested");
  REQUIRE_OK(WriteExtraction(*ex, out, true));

  const auto review = ReadCsv(out + "/review.csv");
  REQUIRE(review.size() == ex->candidates.size() + 1);
  CHECK(review[0] == std::vector<std::string>{"kind", "indicator", "name", "period", "value",
                                              "unit", "comparator", "qualifier", "status", "offset",
                                              "length", "source", "rule"});
  for (const auto& row : review) CHECK(row.size() == 13);

  const auto obs = ReadCsv(out + "/observations.csv");
  REQUIRE(obs[0] == std::vector<std::string>{"indicator", "period", "vintage", "value", "unit",
                                             "status", "qualifier", "name", "source"});
  // GDP in 万亿元 is written in 亿元, the unit of the alias table's gdp; review.csv keeps 2 万亿元.
  bool gdp = false;
  for (const auto& row : obs) {
    if (row[0] != "gdp") continue;
    gdp = true;
    CHECK(row[1] == "2023");
    CHECK(row[2] == "2024-01-20");
    CHECK(row[3] == "20000");
    CHECK(row[4] == "亿元");
    CHECK(row[5] == "estimate");
    CHECK(row[6] == ">=");
    CHECK(row[8] == "经济总量有望突破2万亿元");
  }
  CHECK(gdp);
  bool review_gdp = false;
  for (const auto& row : review) {
    if (row[1] == "gdp") {
      review_gdp = true;
      CHECK(row[4] == "2");
      CHECK(row[5] == "万亿元");
    }
  }
  CHECK(review_gdp);

  const auto targets = ReadCsv(out + "/targets.csv");
  REQUIRE(targets[0] == std::vector<std::string>{"indicator", "period", "target", "target_high",
                                                 "comparator", "on", "unit", "vintage", "source",
                                                 "relative_to", "text", "name"});
  REQUIRE(targets.size() == 4);  // the header, gdp_growth, resident_income_growth, energy
  CHECK(targets[1][0] == "gdp_growth");
  CHECK(targets[1][4] == "=");
  CHECK(targets[2][0] == "resident_income_growth");
  CHECK(targets[2][4] == "relative");
  CHECK(targets[2][9] == "gdp_growth");
  CHECK(targets[3][4] == "qualitative");
  CHECK(targets[3][10] == "单位生产总值能耗下降率完成省下达的任务");

  CHECK(ReadAll(out + "/text.txt") == ex->text);
}

TEST_CASE("Output: a series a relative target names gets a row of its own", "[extract]") {
  test::TempDir dir;
  auto ex = ExtractText(
      "2024年某市计划\n\n二、2024年主要预期目标\n\n主要预期目标如下：\n\n"
      "- 农民收入增长与城镇居民收入增长同步。\n",
      "r.txt", {});
  REQUIRE_OK(ex.status());
  REQUIRE_OK(WriteExtraction(*ex, dir.path(), false));
  const auto obs = ReadCsv(dir.Sub("observations.csv"));
  const auto targets = ReadCsv(dir.Sub("targets.csv"));
  REQUIRE(targets.size() == 2);
  const std::string other = targets[1][9];
  CHECK_FALSE(other.empty());
  bool defined = false;
  for (const auto& row : obs) {
    if (row[0] == other) {
      defined = true;
      CHECK(row[1].empty());  // metadata only
      CHECK(row[3].empty());
      CHECK(row[7] == "城镇居民收入增长");
    }
  }
  CHECK(defined);
}

TEST_CASE("Output: ranges, directions and 控制在…左右 are written as the loader reads them",
          "[extract]") {
  test::TempDir dir;
  auto ex = ExtractText(
      "2024年某市计划\n\n三、2024年主要任务\n\n地区生产总值增长5.5%—6%，"
      "居民消费价格涨幅控制在3%左右，力争实现全市煤炭消费同比下降。\n",
      "r.txt", {});
  REQUIRE_OK(ex.status());
  REQUIRE_OK(WriteExtraction(*ex, dir.path(), false));
  const auto targets = ReadCsv(dir.Sub("targets.csv"));
  REQUIRE(targets.size() == 4);
  // indicator,period,target,target_high,comparator,on,...
  CHECK(targets[1][0] == "gdp_growth");
  CHECK(targets[1][2] == "5.5");
  CHECK(targets[1][3] == "6");
  CHECK(targets[1][4] == "between");
  CHECK(targets[2][0] == "cpi_growth");
  CHECK(targets[2][2] == "3");
  CHECK(targets[2][4] == "控制在…左右");
  CHECK(targets[3][2] == "0");
  CHECK(targets[3][4] == "<");
  CHECK(targets[3][5] == "yoy");
  CHECK(targets[3][11] == "煤炭消费");
  // review.csv keeps what was written.
  const auto review = ReadCsv(dir.Sub("review.csv"));
  REQUIRE(review.size() == 4);
  CHECK(review[1][4] == "5.5-6");
  CHECK(review[1][6] == "between");
  CHECK(review[2][6] == "<=");
  CHECK(review[3][4] == "");
  CHECK(review[3][6] == "<");
  CHECK(review[3][12] == "DirectionAim");
}

TEST_CASE("Output: the summary says what was found and written", "[extract]") {
  ExtractOptions options;
  options.plan_year = 2024;
  auto ex = ExtractText(kReport, "r.txt", options);
  REQUIRE_OK(ex.status());
  const std::string s = FormatExtractSummary(*ex, "d");
  INFO(s);
  CHECK(s.find("plan year 2024 (from --year)") != std::string::npos);
  CHECK(s.find("candidates: " + std::to_string(ex->candidates.size()) + " (") != std::string::npos);
  CHECK(s.find("targets: 1 numeric, 1 qualitative, 1 relative") != std::string::npos);
  CHECK(s.find("mapped to existing series: 0") != std::string::npos);
  CHECK(s.find("wrote d/observations.csv") != std::string::npos);
  CHECK(s.find("note: no vintage") != std::string::npos);
}

TEST_CASE("Output: an output directory that cannot be made is an error naming it", "[extract]") {
  test::TempDir dir;
  const std::string file = dir.Write("plain", "x");
  auto ex = ExtractText(kReport, "r.txt", {});
  REQUIRE_OK(ex.status());
  const Status s = WriteExtraction(*ex, file + "/sub", false);
  REQUIRE_FALSE(s.ok());
  CHECK(s.IsIOError());
  CHECK(s.message().find(file + "/sub") != std::string::npos);
}

}  // namespace
}  // namespace ixdb::extract
