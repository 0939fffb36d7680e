// What the grammar reads in real sentences: each fact's value, unit as written and comparator
// words, and the numbers it must not read as quantities. One table per rule of the grammar.
#include "extract/internal/sentence_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

namespace ixdb::extract {
namespace {

using internal::Bound;
using internal::Change;
using internal::ReadSentence;
using internal::Token;
using internal::TokenKind;

const char* BoundText(Bound b) {
  switch (b) {
    case Bound::kAtLeast:
      return ">=";
    case Bound::kAtMost:
      return "<=";
    case Bound::kAbout:
      return "~";
    case Bound::kCeiling:
      return "ceiling";
    case Bound::kHold:
      return "hold";
    case Bound::kNone:
      break;
  }
  return "";
}

// Every fact item of a sentence as "value unit [prefix] [suffix] [more] [change]".
std::vector<std::string> Facts(const std::string& sentence) {
  std::vector<std::string> out;
  for (const Token& t : ReadSentence(sentence)) {
    if (t.kind != TokenKind::kFact) continue;
    for (const auto& it : t.items) {
      std::string s = it.value + " " + it.unit;
      if (it.prefix != Bound::kNone) s += std::string(" pre") + BoundText(it.prefix);
      if (it.suffix != Bound::kNone) s += std::string(" suf") + BoundText(it.suffix);
      if (it.more) s += " more";
      if (it.level_verb) s += " level";
      if (it.change == Change::kUp) s += " up";
      if (it.change == Change::kDown) s += " down";
      out.push_back(s);
    }
  }
  return out;
}

struct Case {
  std::string sentence;
  std::vector<std::string> facts;
};

void CheckCases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    INFO("sentence: " << c.sentence);
    CHECK(Facts(c.sentence) == c.facts);
  }
}

TEST_CASE("Sentence: numbers with scales and units as written", "[extract]") {
  CheckCases({
      {"经济总量有望突破2万亿元", {"2 万亿元 pre>="}},
      {"全年技术合同成交额2198亿元", {"2198 亿元"}},
      {"粮食产量1.39万亿斤，再创历史新高", {"1.39 万亿斤"}},
      {"新增变电容量403.6万千伏安", {"403.6 万千伏安"}},
      {"新增污水处理能力11万吨/日", {"11 万吨/日"}},
      {"建设筹集保障性租赁住房5.1万套（间）", {"5.1 万套（间）"}},
      {"接待游客3.3亿人次", {"3.3 亿人次"}},
      {"全市总算力规模超1200P", {"1200 P pre>="}},
      {"地区生产总值56,708.71亿元", {"56708.71 亿元"}},
  });
}

TEST_CASE("Sentence: change words make the number a change", "[extract]") {
  CheckCases({
      {"地区生产总值增长6%", {"6 % up"}},
      {"居民消费价格上涨0.4%", {"0.4 % up"}},
      {"单位国内生产总值能耗降低2.5%左右", {"2.5 % suf~ down"}},
      {"城镇调查失业率比上年下降0.3个百分点", {"0.3 个百分点 down"}},
      {"工业企业利润同比减少2.3%", {"2.3 % down"}},
      {"增速回落1.2个百分点", {"1.2 个百分点 down"}},
      {"比上年年初预算增加1800亿元", {"1800 亿元 up"}},
      {"夏粮产量14615万吨，减产0.9%", {"14615 万吨", "0.9 % down"}},
      {"全年城镇新增就业1244万人，比上年多增38万人", {"1244 万人", "38 万人 up"}},
  });
}

TEST_CASE("Sentence: level verbs make the number a level", "[extract]") {
  CheckCases({
      {"常住人口城镇化率提高到66.2%", {"66.2 % level"}},
      {"“四上”单位达到1.7万家", {"1.7 万家 level"}},
      {"每万人拥有5G基站数达28.5个", {"28.5 个 level"}},
      {"国际直达水运航线增至4条", {"4 条 level"}},
      {"过境免签境内停留时间延长至240小时", {"240 小时 level"}},
      {"城市和农村低保标准分别提高到每人每月940元、820元", {"940 元 level", "820 元"}},
  });
}

TEST_CASE("Sentence: comparator and qualifier words", "[extract]") {
  CheckCases({
      {"城镇新增就业25万人以上", {"25 万人 suf>="}},
      {"居民消费价格上涨控制在3%左右", {"3 % preceiling suf~ up"}},
      {"城镇调查失业率控制在5.5%以内", {"5.5 % preceiling suf<="}},
      {"新增市级以上技术转移示范机构不少于16家", {"16 家 pre>="}},
      {"先进制造业项目总投资不低于30%", {"30 % pre>="}},
      {"推进市级重大项目500个左右", {"500 个 suf~"}},
      {"“新三样”出口增长近30%", {"30 % pre~ up"}},
      {"举办促消费活动2300余场", {"2300 场 more"}},
      {"6600多万纳税人受益", {}},
      {"赤字率不超过3%", {"3 % pre<="}},
      {"农村劳动力转移就业规模保持在90万人以上", {"90 万人 prehold suf>="}},
  });
}

TEST_CASE("Sentence: lists, 分别 and 各", "[extract]") {
  CheckCases({
      {"总数分别达到51家、91家", {"51 家 level", "91 家"}},
      {"分别增长5.2%和6.1%", {"5.2 % up", "6.1 %"}},
      {"减排量分别不少于200吨、800吨", {"200 吨 pre>=", "800 吨"}},
      {"评选示范区（先行区）各10个", {"10 个"}},
      {"接待游客3.3亿人次、增长62.4%", {"3.3 亿人次", "62.4 % up"}},
      {"发放知识产权质押贷款36.2亿元、增长67.5%", {"36.2 亿元", "67.5 % up"}},
  });
}

TEST_CASE("Sentence: numbers that are not quantities", "[extract]") {
  CheckCases({
      {"位列第3、12、16名", {}},
      {"分别较上年提升4个、10个、3个位次", {}},
      {"谋划50亿元以上项目162个", {"162 个"}},
      {"签约50亿元以上工业项目45个", {"45 个"}},
      {"新增12315消费维权服务站157家", {"157 家"}},
      {"成功举办中国5G + 工业互联网大会、2023武汉时装周", {}},
      {"实施“965”产业链链长制", {}},
      {"国产大飞机C919投入商业运营", {}},
      {"地铁19号线、5号线二期开通", {}},
      {"7家企业入选中国民营企业500强", {"7 家"}},
      {"今年是新中国成立75周年", {}},
      {"经济总量有望迈上2万亿新台阶", {}},
      {"启动第二轮土地承包到期后再延长30年试点", {}},
  });
}

TEST_CASE("Sentence: periods, dates and markers are tokens of their own", "[extract]") {
  const auto kinds = [](const std::string& s) {
    std::vector<TokenKind> out;
    for (const Token& t : ReadSentence(s)) {
      if (t.kind != TokenKind::kFact && t.kind != TokenKind::kComma) out.push_back(t.kind);
    }
    return out;
  };
  CHECK(kinds("一季度增长4.5%、上半年增长5%、前三季度增长5.5%，预计全年增长6%左右") ==
        std::vector<TokenKind>{TokenKind::kQuarter, TokenKind::kFirstHalf,
                               TokenKind::kFirstThreeQuarters, TokenKind::kEstimate,
                               TokenKind::kFullYear});
  CHECK(kinds("2023年1-11月，规模以上工业增加值增长4%") ==
        std::vector<TokenKind>{TokenKind::kYear, TokenKind::kMonthSpan});
  CHECK(kinds("——2024年3月5日在第十四届全国人民代表大会第二次会议上") ==
        std::vector<TokenKind>{TokenKind::kDate});
  CHECK(kinds("“十四五”以来累计新增就业5000万人") == std::vector<TokenKind>{TokenKind::kPlanSpan});
  CHECK(kinds("力争今年粮食产量1.3万亿斤以上") ==
        std::vector<TokenKind>{TokenKind::kStrive, TokenKind::kThisYear});
  CHECK(kinds("与2019年相比增长10%") == std::vector<TokenKind>{TokenKind::kSkipped});
  const auto t = ReadSentence("2024年3月5日");
  REQUIRE(t.size() == 1);
  CHECK(t[0].year == 2024);
  CHECK(t[0].month == 3);
  CHECK(t[0].day == 5);
  const auto span = ReadSentence("1-11月");
  REQUIRE(span.size() == 1);
  CHECK(span[0].month == 1);
  CHECK(span[0].month_to == 11);
  const auto plan = ReadSentence("“十四五”以来");
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].plan == 14);
}

TEST_CASE("Sentence: a range is one token with both ends", "[extract]") {
  for (const auto& [sentence, low, high, unit] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"地区生产总值增长5.5%—6%", "5.5", "6", "%"},
           {"增长5%-5.5%", "5", "5.5", "%"},
           {"新建3至5个产业园", "3", "5", "个"},
           {"培育10到20家链主企业", "10", "20", "家"},
           {"控制在2%~3%", "2", "3", "%"}}) {
    INFO(sentence);
    std::vector<Token> ranges;
    for (const Token& t : ReadSentence(sentence)) {
      if (t.kind == TokenKind::kRange) ranges.push_back(t);
    }
    REQUIRE(ranges.size() == 1);
    CHECK(ranges[0].items.front().value == low);
    CHECK(ranges[0].items.front().value_to == high);
    CHECK(ranges[0].items.front().unit == unit);
  }
  CHECK(Facts("1-11月增长4%") == std::vector<std::string>{"4 % up"});
}

TEST_CASE("Sentence: a relative aim names what it keeps pace with", "[extract]") {
  for (const auto& [sentence, other] : std::vector<std::pair<std::string, std::string>>{
           {"城乡居民收入增长与经济增长同步", "经济增长"},
           {"居民收入增长和经济增长同步", "经济增长"},
           {"居民收入增长与经济增长基本同步", "经济增长"},
           {"劳动报酬增长同劳动生产率提高保持同步", "劳动生产率提高"},
           {"农民收入增长与地区生产总值增长同步", "地区生产总值增长"}}) {
    INFO(sentence);
    const auto tokens = ReadSentence(sentence);
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].kind == TokenKind::kRelative);
    CHECK(tokens[0].relative_to == other);
  }
}

// The rules of periods and markers, each in at least five sentences as reports and bulletins
// write them: the rules the reader found, in order (facts and clause punctuation left out).
std::vector<std::string> PeriodRules(const std::string& sentence) {
  std::vector<std::string> out;
  for (const Token& t : ReadSentence(sentence)) {
    if (t.kind == TokenKind::kFact || t.kind == TokenKind::kComma ||
        t.kind == TokenKind::kSemicolon || t.kind == TokenKind::kColon)
      continue;
    out.push_back(t.kind == TokenKind::kQuarter ? t.rule + std::to_string(t.quarter) : t.rule);
  }
  return out;
}

struct RuleCase {
  std::string sentence;
  std::vector<std::string> rules;
};

void CheckRuleCases(const std::vector<RuleCase>& cases) {
  for (const auto& c : cases) {
    INFO("sentence: " << c.sentence);
    CHECK(PeriodRules(c.sentence) == c.rules);
  }
}

TEST_CASE("Sentence: quarters in real phrasings", "[extract]") {
  CheckRuleCases({
      {"一季度增长4.5%", {"FirstQuarter1"}},
      {"第一季度全市地区生产总值同比增长5.3%", {"FirstQuarter1"}},
      {"去年一季度经济开局良好", {"LastYear", "FirstQuarter1"}},
      {"进入二季度以后主要指标连续走低", {"SecondQuarter2"}},
      {"第二季度规模以上工业增加值增长4.8%", {"SecondQuarter2"}},
      {"三季度国内生产总值同比增长4.6%", {"ThirdQuarter3"}},
      {"第三季度城镇调查失业率平均为5.2%", {"ThirdQuarter3"}},
      {"四季度经济明显回升", {"FourthQuarter4"}},
      {"第四季度居民消费价格上涨0.2%", {"FourthQuarter4"}},
      // 前三季度 is not the third quarter, 第一季度 not 一季度 plus a stray 第.
      {"前三季度增长5.5%", {"FirstThreeQuarters"}},
  });
}

TEST_CASE("Sentence: halves and the first three quarters in real phrasings", "[extract]") {
  CheckRuleCases({
      {"上半年增长5%", {"FirstHalf"}},
      {"上半年全市地区生产总值增长5.6%", {"FirstHalf"}},
      {"2023年上半年，社会消费品零售总额增长8.2%", {"YearMention", "FirstHalf"}},
      {"上半年城镇新增就业678万人", {"FirstHalf"}},
      {"上半年居民人均可支配收入实际增长5.8%", {"FirstHalf"}},
      {"下半年经济运行总体回升向好", {"SecondHalf"}},
      {"下半年工业生产明显加快", {"SecondHalf"}},
      {"2024年下半年出台一揽子增量政策", {"YearMention", "SecondHalf"}},
      {"上半年平稳开局、下半年持续回升", {"FirstHalf", "SecondHalf"}},
      {"下半年以来外贸出口有所改善", {"SecondHalf"}},
      {"前三季度全市地区生产总值增长5.5%", {"FirstThreeQuarters"}},
      {"2023年前三季度，固定资产投资增长3.1%", {"YearMention", "FirstThreeQuarters"}},
      {"前三季度城镇新增就业1022万人", {"FirstThreeQuarters"}},
      {"前三季度居民消费价格同比上涨0.4%", {"FirstThreeQuarters"}},
      {"一季度增长4.5%、上半年增长5%、前三季度增长5.5%",
       {"FirstQuarter1", "FirstHalf", "FirstThreeQuarters"}},
  });
}

TEST_CASE("Sentence: the year, this year, last year and past years in real phrasings",
          "[extract]") {
  CheckRuleCases({
      {"全年技术合同成交额2198亿元", {"FullYear"}},
      {"全年新增税费优惠超过2.2万亿元", {"FullYear"}},
      {"年末全市常住人口1377.4万人", {"FullYear"}},
      {"年底前完成全部改造任务", {"FullYear"}},
      {"预计全年增长6%左右", {"EstimateMark", "FullYear"}},
      {"今年先发行1万亿元", {"ThisYear"}},
      {"今年中央预算内投资拟安排7000亿元", {"ThisYear"}},
      {"今年赤字率拟按4%左右安排", {"ThisYear"}},
      {"今年合计新增政府债务总规模11.86万亿元", {"ThisYear"}},
      {"预计今年高校毕业生超过1170万人", {"EstimateMark", "ThisYear"}},
      {"去年我国经济运行总体平稳", {"LastYear"}},
      {"过去一年，我们面对的形势错综复杂", {"LastYear"}},
      {"上一年度结转资金", {"LastYear"}},
      {"去年城镇新增就业1244万人", {"LastYear"}},
      {"去年新增装机超过全球一半", {"LastYear"}},
      {"过去五年，城镇新增就业累计超过6000万人", {"PastYears"}},
      {"过去三年，新冠疫情防控取得重大决定性胜利", {"PastYears"}},
      {"过去十年，全市经济总量翻了一番", {"PastYears"}},
      {"过去五年经济年均增长5.2%", {"PastYears"}},
      {"过去三年累计新增减税降费超过4.2万亿元", {"PastYears"}},
  });
}

TEST_CASE("Sentence: estimate, preliminary, verified, final and strive marks in real phrasings",
          "[extract]") {
  CheckRuleCases({
      {"预计全市地区生产总值增长6%左右", {"EstimateMark"}},
      {"经济总量有望突破2万亿元", {"EstimateMark"}},
      {"预计今年财政收入继续恢复增长", {"EstimateMark", "ThisYear"}},
      {"预估全年粮食产量1.39万亿斤", {"EstimateMark", "FullYear"}},
      {"估计全年居民消费价格上涨0.3%左右", {"EstimateMark", "FullYear"}},
      {"初步核算，全年国内生产总值1260582亿元", {"PreliminaryMark", "FullYear"}},
      {"经初步核算，全市地区生产总值20011.65亿元", {"PreliminaryMark"}},
      {"初步统计，全年粮食产量13908亿斤", {"PreliminaryMark", "FullYear"}},
      {"据初步测算，单位地区生产总值能耗下降3%", {"PreliminaryMark"}},
      {"初步核算，上半年地区生产总值增长5.5%", {"PreliminaryMark", "FirstHalf"}},
      {"经初步核实，2022年国内生产总值为1204724亿元", {"VerifiedMark", "YearMention"}},
      {"初步核实，2022年全市地区生产总值18866.43亿元", {"VerifiedMark", "YearMention"}},
      {"根据第五次全国经济普查结果初步核实", {"VerifiedMark"}},
      {"经初步核实，上年第三产业增加值增长5.1%", {"VerifiedMark"}},
      {"初步核实数比初步核算数增加4500亿元", {"VerifiedMark", "PreliminaryMark"}},
      {"经最终核实，2021年国内生产总值为1149237亿元", {"FinalMark", "YearMention"}},
      {"最终核实，2022年全市地区生产总值18866.43亿元", {"FinalMark", "YearMention"}},
      {"最终核实数比初步核实数减少26亿元", {"FinalMark", "VerifiedMark"}},
      {"2021年地区生产总值最终核实为17716.76亿元", {"YearMention", "FinalMark"}},
      {"按照最终核实的结果修订历史数据", {"FinalMark"}},
      {"力争高新技术企业达到1.55万家", {"StriveMark"}},
      {"力争新增国际标准12项", {"StriveMark"}},
      {"力争数字经济规模占地区生产总值比重达到50%", {"StriveMark"}},
      {"力争“四上”单位达1.85万家", {"StriveMark"}},
      {"服务业扩大开放90项试点任务力争完成80%以上", {"StriveMark"}},
  });
}

}  // namespace
}  // namespace ixdb::extract
