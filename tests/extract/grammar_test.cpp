// Grammar tables: for each rule, inputs it accepts whole and inputs it rejects, with real
// phrasings from plan reports, government work reports and bulletins (PEGTL contrib_json test
// style), plus the grammar analysis.
#include "extract/internal/grammar.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <tao/pegtl/contrib/analyze.hpp>
#include <vector>

#include "tests/common/grammar_table.hpp"

namespace ixdb::extract {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;

using test::CheckTable;
using test::Matches;

TEST_CASE("Extract grammar: no rule can loop without consuming input", "[extract]") {
  REQUIRE(pegtl::analyze<g::Sentence>() == 0);
}

TEST_CASE("Extract grammar: Number takes decimals and thousands separators whole", "[extract]") {
  CheckTable<g::Number>({"6", "0.3", "20011.65", "56,708.71", "1,234,567", "2198", "126"},
                        {"", "1.2.3", "56,70", "1,2345", ".5", "5.", "56,708,7"});
}

TEST_CASE("Extract grammar: Scale", "[extract]") {
  CheckTable<g::Scale>({"万", "亿", "万亿", "千万", "百万", "千亿"},
                       {"千", "百", "十", "万万", ""});
}

TEST_CASE("Extract grammar: Unit with scales, classifiers and per-units", "[extract]") {
  CheckTable<g::Unit>(
      {"亿元",     "万人", "万户",   "家",     "个",     "%",          "个百分点", "‰",
       "万千瓦",   "万吨", "万亿斤", "万亿元", "亿人次", "万套（间）", "万吨/日",  "平方公里",
       "万平方米", "P",    "亿美元", "公顷",   "场次",   "大项"},
      {"", "G", "年", "号线", "强", "周年", "万亿级"});
}

TEST_CASE("Extract grammar: Quantity is a number with its unit", "[extract]") {
  CheckTable<g::Quantity>({"6%", "20011.65亿元", "2万亿元", "29.3万人", "2300余场", "6600多万人",
                           "1.39万亿斤", "5.1万套（间）", "11万吨/日", "1200P", "56,708.71亿元"},
                          {"2023", "5G", "12315", "19号线", "500强", "75周年", "3A"});
}

TEST_CASE("Extract grammar: a scale alone ends a quantity only before punctuation or a comparator",
          "[extract]") {
  // 务工规模超过3300万。 / 迈上2万亿新台阶 / 6600多万纳税人受益
  CheckTable<pegtl::seq<g::Quantity, pegtl::star<pegtl::any>>>(
      {"3300万。", "3300万，", "1400万以上", "3300万", "80万、"},
      {"2万亿新台阶", "6600多万纳税人"});
}

TEST_CASE("Extract grammar: Suffix words", "[extract]") {
  CheckTable<g::Suffix>({"以上", "以内", "以下", "左右", "上下", "之内", "有余"},
                        {"上下游", "以", "左", ""});
}

TEST_CASE("Extract grammar: change words", "[extract]") {
  CheckTable<g::ChangeWord>(
      {"增长", "下降", "提高", "降低", "减少", "增加", "上涨", "回落", "增速", "涨幅"},
      {"增", "降", "长", "同步"});
}

TEST_CASE("Extract grammar: comparator prefixes", "[extract]") {
  CheckTable<g::ComparatorPrefix>({"超过", "突破", "不少于", "不低于", "不超过", "控制在", "近",
                                   "约", "保持在", "至少", "超", "接近"},
                                  {"达到", "力争", "以上", "左右"});
  // The longest word is taken: 不低于 is a floor, 低于 a ceiling.
  CHECK(Matches<g::AtLeastPrefix>("不低于"));
  CHECK(Matches<g::AtMostPrefix>("低于"));
  CHECK_FALSE(Matches<g::AtMostPrefix>("不低于"));
}

TEST_CASE("Extract grammar: level verbs", "[extract]") {
  CheckTable<g::LevelVerb>({"达到", "达", "提高到", "增至", "降至", "提升至", "上升到", "延长至"},
                           {"提高", "增长", "达成", "到"});
}

TEST_CASE("Extract grammar: Fact items as reports write them", "[extract]") {
  CheckTable<g::FactItem>(
      {"增长6%左右", "突破2万亿元", "控制在3%左右", "达到1.55万家", "不少于16家", "提高到66.2%",
       "增长近30%", "比上年增加1800亿元", "同比下降0.3个百分点", "提高到每人每月940元",
       "超过2000名", "2300余场", "25万人以上", "上涨控制在3%左右", "达28.5个"},
      {"增长", "达到目标要求", "50亿元以上项目", "增长5G"});
}

TEST_CASE("Extract grammar: Fact lists, 分别 and 各", "[extract]") {
  CheckTable<g::Fact>(
      {"分别达到51家、91家", "分别增长5.2%和6.1%", "分别不少于200吨、800吨", "各10个",
       "3.3亿人次、增长62.4%", "分别再提高30元和5元", "36.2亿元、增长67.5%"},
      {"分别", "各", "4个、10个、3个位次", "提升4个位次"});
}

TEST_CASE("Extract grammar: RangeFact", "[extract]") {
  CheckTable<g::RangeFact>({"增长5.5%—6%", "增长5%-5.5%", "3至5个", "10到20家", "2%~3%", "1-2万人"},
                           {"增长5.5%", "1-11月", "2021-2025年", "5-10年"});
}

TEST_CASE("Extract grammar: RelativeAim (同步)", "[extract]") {
  CheckTable<g::RelativeAim>({"与经济增长同步", "和经济增长同步", "与经济增长基本同步",
                              "同经济增长保持同步", "与地区生产总值增长同步"},
                             {"与经济增长", "同步", "和，经济增长同步", "与同步"});
}

TEST_CASE("Extract grammar: BreakZero (破零)", "[extract]") {
  CheckTable<g::BreakZero>({"实现破零", "破零", "实现零的突破", "零的突破", "实现零突破"},
                           {"实现", "破", "零"});
}

TEST_CASE("Extract grammar: ClassThreshold is a class of projects, not an amount", "[extract]") {
  CheckTable<pegtl::seq<g::ClassThreshold, pegtl::star<pegtl::any>>>(
      {"50亿元以上项目", "50亿元以上工业项目", "10亿元以上产业项目", "1000万元以上企业",
       "5000万元以下企业"},
      {"100万平方米以上；", "1.2万亿元以上，", "5个以上合同外资项目", "8%以上"});
}

TEST_CASE("Extract grammar: numbers that are ranks or names", "[extract]") {
  CheckTable<g::Ordinal>({"第3、12、16", "第1", "第2", "第5和6", "第100"}, {"第一", "第", "前10"});
  CheckTable<g::TopRank>({"前10名", "前500强", "前3位", "前10", "前20名"}, {"前三", "前", "10名"});
  CheckTable<g::AsciiWord>({"C919", "FDI", "LNG", "G", "PM2"}, {"5G", "919", ""});
}

TEST_CASE("Extract grammar: quarters, halves and the year", "[extract]") {
  CheckTable<g::FirstQuarter>({"一季度", "第一季度"}, {"二季度", "季度"});
  CheckTable<g::FirstHalf>({"上半年"}, {"下半年", "半年"});
  CheckTable<g::FirstThreeQuarters>({"前三季度"}, {"三季度", "前两季度"});
  CheckTable<g::FullYear>({"全年", "年末", "年底"}, {"全年度x", "年初"});
  CheckTable<g::FourthQuarter>({"四季度", "第四季度"}, {"四", "季度"});
  CheckTable<g::SecondHalf>({"下半年"}, {"上半年"});
}

TEST_CASE("Extract grammar: month spans and months so far", "[extract]") {
  CheckTable<g::MonthSpan>({"1-11月", "1—11月", "1至5月", "1-5月份", "1~2月", "3-5月"},
                           {"1-11", "11月", "1-123月", "1到月"});
  CheckTable<g::MonthsSoFar>({"前10个月", "前2个月", "前11个月", "前3个月", "前9个月"},
                             {"前十个月", "10个月", "前10月"});
}

TEST_CASE("Extract grammar: dates and years", "[extract]") {
  CheckTable<g::DayDate>({"2024年3月5日", "3月5日", "2024年1月20日", "2025年12月31日", "9月26号"},
                         {"2024年3月", "3月", "2024年"});
  CheckTable<g::YearMention>({"2023年", "2024年", "2023年度", "2023年末", "2023年底"},
                             {"23年", "12023年", "2023", "3000年"});
  CheckTable<g::YearSpan>(
      {"2021-2025年", "2021—2023年", "2021至2025年", "2019~2023年", "2021到2025年"},
      {"2021-2025", "2021年", "21-25年"});
  CheckTable<g::SinceYear>({"2020年以来", "2012年以来", "2023年以前", "2015年以来", "2019年以来"},
                           {"2020年", "以来", "2020以来"});
  CheckTable<g::CompareYear>({"比2020年", "较2019年", "与2019年相比", "同2022年相比", "比2023年末"},
                             {"与2024年国民经济", "2020年", "比上年"});
}

TEST_CASE("Extract grammar: spans of five-year plans and past years", "[extract]") {
  CheckTable<g::PlanPeriodSince>(
      {"“十四五”以来", "十四五以来", "“十三五”期间", "十三五时期", "\"十四五\"以来"},
      {"十四五", "“十四五”规划", "十五以来"});
  CheckTable<g::PastYears>({"过去五年", "过去三年", "过去十年"}, {"过去一年", "过去", "五年"});
}

TEST_CASE("Extract grammar: markers and per-item allotments", "[extract]") {
  CheckTable<g::EstimateMark>({"预计", "有望", "预估", "估计"}, {"预期", "计划"});
  CheckTable<g::PreliminaryMark>({"初步核算", "初步"}, {"核算"});
  CheckTable<g::StriveMark>({"力争"}, {"争取", "力"});
  CheckTable<g::PerItem>({"每条", "每个", "每家", "每项", "每所"},
                         {"每万人", "每人", "每个月", "每年"});
}

TEST_CASE("Extract grammar: CompareBase and CompareText", "[extract]") {
  CheckTable<g::CompareBase>({"同比", "环比", "比上年", "较上年", "比上年同期", "比去年", "比年初"},
                             {"上年", "比", "比较"});
  CheckTable<g::CompareText>({"比上年", "较去年", "比上年同期", "较上年", "比去年同期"},
                             {"上年", "比年初"});
}

}  // namespace
}  // namespace ixdb::extract
