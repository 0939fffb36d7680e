#pragma once
// What the grammar read in one sentence, as plain structs (internal): the "AST" of the
// extractor. sentence_reader.cpp fills them from the parse tree; candidates.cpp turns them into
// observations and targets. No PEGTL here.

#include <cstddef>
#include <string>
#include <vector>

namespace ixdb::extract::internal {

// How the unit of a quantity measures.
enum class UnitClass {
  kPercent,    // %, 个百分点, ‰
  kMeasure,    // money and physical amounts: 亿元, 万吨, 平方公里, P
  kCount,      // classifiers of counted things: 个, 家, 万人, 亿人次
  kBareScale,  // a scale alone: 3300万
};

// The comparator words of one quantity, before they become a comparator or qualifier.
enum class Bound {
  kNone,
  kAtLeast,  // 以上, 超过, 突破, 不少于, 不低于, 至少, 多于, 高于, 超; 多/余 after the number
  kAtMost,   // 以内, 以下, 不超过, 不高于, 低于, 少于
  kAbout,    // 左右, 上下, 约, 大约, 近
  kCeiling,  // 控制在 (with 左右: a ceiling with a tolerance; with 以内: a ceiling)
  kHold,     // 保持在 / 稳定在 (the suffix decides)
};

enum class Change { kNone, kUp, kDown };

// One number with its unit and the words around it: "增长超过6%以上".
struct FactItemRead {
  size_t begin = 0, end = 0;  // bytes in the sentence, prefix words and suffix included
  size_t number_begin = 0;    // where the number starts
  std::string value;          // decimal text as written, thousands separators removed
  std::string value_to;       // the upper end of a range (增长5.5%—6%), else empty
  std::string unit;           // as written: 万亿元, %, 万套（间）, 万
  UnitClass unit_class = UnitClass::kCount;
  bool more = false;  // 2300余场, 6600多万
  Change change = Change::kNone;
  std::string change_word;   // 增长, 下降 ...
  bool level_verb = false;   // 达到 / 提高到 ...: the number is a level
  bool reach_verb = false;   // 达到 / 达 (a level target is a floor)
  std::string compare_base;  // 比上年, 同比
  Bound prefix = Bound::kNone;
  std::string prefix_word;  // 突破, 不少于 ...
  Bound suffix = Bound::kNone;
  std::string suffix_word;  // 以上, 左右 ...
  std::string per;          // 每人每月
};

enum class TokenKind {
  kFact,        // one or more FactItemRead
  kRange,       // one FactItemRead with value .. value_to
  kRelative,    // 与经济增长同步
  kBreakZero,   // 实现破零
  kYear,        // 2023年 (year)
  kYearEnd,     // 2023年末 (year)
  kYearSpan,    // 2021-2025年, 2020年以来 (year .. year_to)
  kMonth,       // 2023年12月 (year may be 0), month
  kMonthSpan,   // 1-11月, 前10个月 (month .. month_to)
  kDate,        // 2024年3月5日 (year may be 0), month, day
  kQuarter,     // 一季度 .. 四季度 (quarter)
  kFirstHalf,   // 上半年
  kSecondHalf,  // 下半年
  kFirstThreeQuarters,
  kFullYear,     // 全年, 年末
  kThisYear,     // 今年
  kLastYear,     // 去年, 过去一年
  kPlanSpan,     // "十四五"以来 (plan: 14), 过去五年 (years: 5)
  kEstimate,     // 预计, 有望
  kPreliminary,  // 初步核算, 初步
  kVerified,     // 初步核实
  kFinal,        // 最终核实
  kStrive,       // 力争
  kPerItem,      // 每条, 每个: numbers after it in the clause are allotted per item
  kComma,
  kSemicolon,
  kColon,
  kSkipped,  // numbers that are not quantities: 第3名, 前10名, 50亿元以上(项目), C919, 12315
};

struct Token {
  TokenKind kind = TokenKind::kSkipped;
  size_t begin = 0, end = 0;  // bytes in the sentence
  std::string rule;           // the grammar rule that matched (review.csv "rule")
  // kFact
  bool respectively = false;  // 分别
  bool each = false;          // 各
  std::vector<FactItemRead> items;
  // kRelative: the indicator it keeps pace with.
  std::string relative_to;
  // Dates and periods.
  int year = 0, year_to = 0;
  int month = 0, month_to = 0, day = 0;
  int quarter = 0;
  int plan = 0;   // five-year plan number (14 for 十四五)
  int years = 0;  // 过去五年: 5
};

}  // namespace ixdb::extract::internal
