// Reads a sentence with the grammar into tokens, through a PEGTL parse tree: the selector keeps
// the rules below, so that a rule that matched and was then given up (backtracking) leaves
// nothing behind.
#include "extract/internal/sentence_reader.hpp"

#include <memory>
#include <string>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "extract/internal/grammar.hpp"

namespace ixdb::extract::internal {

namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;
using Node = pegtl::parse_tree::node;

// clang-format off
template <typename Rule>
struct Selector : pegtl::parse_tree::selector<Rule, pegtl::parse_tree::store_content::on<
    // tokens
    g::DayDate, g::YearSpan, g::SinceYear, g::CompareYear, g::MonthMention, g::YearMention,
    g::MonthSpan, g::MonthsSoFar, g::PlanPeriodSince, g::PastYears, g::Ordinal, g::TopRank,
    g::ClassThreshold, g::RelativeAim, g::BreakZero, g::RangeFact, g::Fact, g::CompareText,
    g::FirstThreeQuarters, g::FirstQuarter, g::SecondQuarter, g::ThirdQuarter, g::FourthQuarter,
    g::FirstHalf, g::SecondHalf, g::FullYear, g::ThisYear, g::LastYear, g::EstimateMark,
    g::FinalMark, g::VerifiedMark, g::PreliminaryMark, g::StriveMark, g::PerItem, g::Comma, g::Semicolon,
    g::Colon, g::AsciiWord, g::NumberRun,
    // inside facts
    g::Respectively, g::Each, g::FactItem, g::CompareBase, g::LevelVerb, g::ChangeUp,
    g::ChangeDown, g::AtLeastPrefix, g::AtMostPrefix, g::CeilingPrefix, g::HoldPrefix,
    g::AboutPrefix, g::PerPhrase, g::Number, g::ApproxMore, g::Unit, g::PercentUnit,
    g::MeasureUnit, g::CountUnit, g::AsciiUnit, g::BareScale, g::AtLeastSuffix,
    g::AtMostSuffix, g::AboutSuffix,
    // inside dates, periods and relative aims
    g::Year4, g::MonthNum, g::YearEndWord, g::RelativeTo, g::FivePlanNumber>> {};
// clang-format on

int ToInt(std::string_view digits) {
  int v = 0;
  for (char c : digits) {
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  }
  return v;
}

int ChineseDigit(std::string_view s) {
  static const std::string_view kDigits[] = {"〇", "一", "二", "三", "四", "五",
                                             "六", "七", "八", "九", "十"};
  for (int i = 0; i <= 10; ++i) {
    if (s == kDigits[i]) return i;
  }
  return 0;
}

std::string DigitsOnly(std::string_view number) {
  std::string out;
  for (char c : number) {
    if (c != ',') out.push_back(c);
  }
  return out;
}

size_t Begin(const Node& n) { return n.begin().byte; }
size_t End(const Node& n) { return n.end().byte; }

FactItemRead ReadItem(const Node& item) {
  FactItemRead r;
  r.begin = Begin(item);
  r.end = End(item);
  for (const auto& c : item.children) {
    const Node& n = *c;
    if (n.is_type<g::CompareBase>()) {
      r.compare_base = n.string();
    } else if (n.is_type<g::LevelVerb>()) {
      r.level_verb = true;
      r.reach_verb = n.string_view() == "达到" || n.string_view() == "达";
      r.change_word = n.string();
    } else if (n.is_type<g::ChangeUp>()) {
      r.change = Change::kUp;
      r.change_word = n.string();
    } else if (n.is_type<g::ChangeDown>()) {
      r.change = Change::kDown;
      r.change_word = n.string();
    } else if (n.is_type<g::AtLeastPrefix>()) {
      r.prefix = Bound::kAtLeast;
      r.prefix_word = n.string();
    } else if (n.is_type<g::AtMostPrefix>()) {
      r.prefix = Bound::kAtMost;
      r.prefix_word = n.string();
    } else if (n.is_type<g::CeilingPrefix>()) {
      r.prefix = Bound::kCeiling;
      r.prefix_word = n.string();
    } else if (n.is_type<g::HoldPrefix>()) {
      r.prefix = Bound::kHold;
      r.prefix_word = n.string();
    } else if (n.is_type<g::AboutPrefix>()) {
      r.prefix = Bound::kAbout;
      r.prefix_word = n.string();
    } else if (n.is_type<g::PerPhrase>()) {
      r.per = n.string();
    } else if (n.is_type<g::Number>()) {
      if (r.value.empty()) {
        r.number_begin = Begin(n);
        r.value = DigitsOnly(n.string_view());
      } else {
        r.value_to = DigitsOnly(n.string_view());  // a range's upper end
      }
    } else if (n.is_type<g::ApproxMore>()) {
      r.more = true;
    } else if (n.is_type<g::Unit>()) {
      r.unit = n.string();
      for (const auto& u : n.children) {
        if (u->is_type<g::PercentUnit>()) r.unit_class = UnitClass::kPercent;
        if (u->is_type<g::MeasureUnit>() || u->is_type<g::AsciiUnit>())
          r.unit_class = UnitClass::kMeasure;
        if (u->is_type<g::CountUnit>()) r.unit_class = UnitClass::kCount;
        if (u->is_type<g::BareScale>()) r.unit_class = UnitClass::kBareScale;
      }
    } else if (n.is_type<g::AtLeastSuffix>()) {
      r.suffix = Bound::kAtLeast;
      r.suffix_word = n.string();
    } else if (n.is_type<g::AtMostSuffix>()) {
      r.suffix = Bound::kAtMost;
      r.suffix_word = n.string();
    } else if (n.is_type<g::AboutSuffix>()) {
      r.suffix = Bound::kAbout;
      r.suffix_word = n.string();
    }
  }
  return r;
}

// Years and months of a date or period token, in order of appearance.
void ReadNumbers(const Node& n, std::vector<int>* years, std::vector<int>* months) {
  for (const auto& c : n.children) {
    if (c->is_type<g::Year4>()) years->push_back(ToInt(c->string_view()));
    if (c->is_type<g::MonthNum>()) months->push_back(ToInt(c->string_view()));
    if (c->is_type<g::YearMention>()) ReadNumbers(*c, years, months);
  }
}

bool HasChild(const Node& n, bool (*pred)(const Node&)) {
  for (const auto& c : n.children) {
    if (pred(*c)) return true;
  }
  return false;
}

Token ReadToken(const Node& n) {
  Token t;
  t.begin = Begin(n);
  t.end = End(n);
  t.rule = std::string(n.type.substr(n.type.rfind(':') + 1));
  std::vector<int> years, months;
  ReadNumbers(n, &years, &months);
  auto year = [&](size_t i) { return i < years.size() ? years[i] : 0; };
  auto month = [&](size_t i) { return i < months.size() ? months[i] : 0; };
  if (n.is_type<g::Fact>()) {
    t.kind = TokenKind::kFact;
    for (const auto& c : n.children) {
      if (c->is_type<g::Respectively>()) t.respectively = true;
      if (c->is_type<g::Each>()) t.each = true;
      if (c->is_type<g::FactItem>()) t.items.push_back(ReadItem(*c));
    }
  } else if (n.is_type<g::RangeFact>()) {
    t.kind = TokenKind::kRange;
    t.items.push_back(ReadItem(n));
  } else if (n.is_type<g::RelativeAim>()) {
    t.kind = TokenKind::kRelative;
    for (const auto& c : n.children) {
      if (c->is_type<g::RelativeTo>()) t.relative_to = c->string();
    }
  } else if (n.is_type<g::BreakZero>()) {
    t.kind = TokenKind::kBreakZero;
  } else if (n.is_type<g::DayDate>()) {
    t.kind = TokenKind::kDate;
    t.year = year(0);
    t.month = month(0);
    t.day = month(1);
  } else if (n.is_type<g::YearSpan>()) {
    t.kind = TokenKind::kYearSpan;
    t.year = year(0);
    t.year_to = year(1);
  } else if (n.is_type<g::SinceYear>()) {
    t.kind = TokenKind::kYearSpan;
    t.year = year(0);
    t.year_to = 0;  // up to the year before the plan year
  } else if (n.is_type<g::MonthMention>()) {
    t.kind = TokenKind::kMonth;
    t.year = year(0);
    t.month = month(0);
  } else if (n.is_type<g::YearMention>()) {
    t.kind = HasChild(n, [](const Node& c) { return c.is_type<g::YearEndWord>(); })
                 ? TokenKind::kYearEnd
                 : TokenKind::kYear;
    t.year = year(0);
  } else if (n.is_type<g::MonthSpan>()) {
    t.kind = TokenKind::kMonthSpan;
    t.month = month(0);
    t.month_to = month(1);
  } else if (n.is_type<g::MonthsSoFar>()) {
    t.kind = TokenKind::kMonthSpan;
    t.month = 1;
    t.month_to = month(0);
  } else if (n.is_type<g::PlanPeriodSince>()) {
    t.kind = TokenKind::kPlanSpan;
    for (const auto& c : n.children) {
      if (c->is_type<g::FivePlanNumber>()) t.plan = 10 + ChineseDigit(c->string_view());
    }
  } else if (n.is_type<g::PastYears>()) {
    t.kind = TokenKind::kPlanSpan;
    const std::string_view s = n.string_view();
    t.years = ChineseDigit(s.substr(6, 3));  // 过去 is two 3-byte characters
  } else if (n.is_type<g::FirstQuarter>() || n.is_type<g::SecondQuarter>() ||
             n.is_type<g::ThirdQuarter>() || n.is_type<g::FourthQuarter>()) {
    t.kind = TokenKind::kQuarter;
    t.quarter = n.is_type<g::FirstQuarter>()    ? 1
                : n.is_type<g::SecondQuarter>() ? 2
                : n.is_type<g::ThirdQuarter>()  ? 3
                                                : 4;
  } else if (n.is_type<g::FirstHalf>()) {
    t.kind = TokenKind::kFirstHalf;
  } else if (n.is_type<g::SecondHalf>()) {
    t.kind = TokenKind::kSecondHalf;
  } else if (n.is_type<g::FirstThreeQuarters>()) {
    t.kind = TokenKind::kFirstThreeQuarters;
  } else if (n.is_type<g::FullYear>()) {
    t.kind = TokenKind::kFullYear;
  } else if (n.is_type<g::ThisYear>()) {
    t.kind = TokenKind::kThisYear;
  } else if (n.is_type<g::LastYear>()) {
    t.kind = TokenKind::kLastYear;
  } else if (n.is_type<g::EstimateMark>()) {
    t.kind = TokenKind::kEstimate;
  } else if (n.is_type<g::PreliminaryMark>()) {
    t.kind = TokenKind::kPreliminary;
  } else if (n.is_type<g::VerifiedMark>()) {
    t.kind = TokenKind::kVerified;
  } else if (n.is_type<g::FinalMark>()) {
    t.kind = TokenKind::kFinal;
  } else if (n.is_type<g::StriveMark>()) {
    t.kind = TokenKind::kStrive;
  } else if (n.is_type<g::PerItem>()) {
    t.kind = TokenKind::kPerItem;
  } else if (n.is_type<g::Comma>()) {
    t.kind = TokenKind::kComma;
  } else if (n.is_type<g::Semicolon>()) {
    t.kind = TokenKind::kSemicolon;
  } else if (n.is_type<g::Colon>()) {
    t.kind = TokenKind::kColon;
  } else {
    // Ordinal, TopRank, ClassThreshold, CompareText, CompareYear, AsciiWord, NumberRun.
    t.kind = TokenKind::kSkipped;
    t.year = year(0);
  }
  return t;
}

}  // namespace

std::vector<Token> ReadSentence(std::string_view sentence) {
  std::vector<Token> tokens;
  pegtl::memory_input<> in(sentence.data(), sentence.size(), "sentence");
  std::unique_ptr<Node> root;
  try {
    root = pegtl::parse_tree::parse<g::Sentence, Selector>(in);
  } catch (const pegtl::parse_error&) {
    // The grammar has no must<>: nothing raises. Kept so that no exception leaves the module.
    return tokens;
  }
  if (!root) return tokens;
  tokens.reserve(root->children.size());
  for (const auto& c : root->children) tokens.push_back(ReadToken(*c));
  return tokens;
}

}  // namespace ixdb::extract::internal
