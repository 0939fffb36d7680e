#include "extract/internal/candidates.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "common/comparator.hpp"
#include "common/utf8.hpp"
#include "extract/internal/code_points.hpp"
#include "extract/internal/sentence_reader.hpp"

namespace ixdb::extract::internal {

namespace {

// An indicator phrase longer than this keeps its last characters (the words nearest the
// number name it; what comes before is the verb and the examples).
constexpr size_t kMaxSubjectCodePoints = 30;
// The noun after a count (新增5名两院院士) is at most this long.
constexpr size_t kMaxNounCodePoints = 20;
// The words before a count that precede their noun (新增 in 新增5名两院院士) are kept in the
// name when they are this short: a verb, not a subject.
constexpr size_t kMaxLeadCodePoints = 4;
// A qualitative target needs this many characters of its own.
constexpr size_t kMinQualitativeCodePoints = 4;

// Nouns after a count that group the work of a plan rather than count what it achieves
// (优化营商环境4个方面, 5个重点领域).
constexpr std::string_view kGroupingNouns[] = {"方面", "重点领域", "层面", "维度"};
// Verbs that end the noun after a count and start what is said of it (463个市级重大项目 |
// 完成投资3763.6亿元).
constexpr std::string_view kVerbsAfterNoun[] = {
    "完成", "实现", "带动", "获得", "达到", "获批", "入选", "通过", "累计", "共计",
    "占",   "举办", "开展", "组织", "实施", "发放", "吸引", "覆盖", "惠及", "建成"};
// An indicator phrase that names an attribute of the thing before it
// (入库项目6236个、总投资77791亿元).
constexpr std::string_view kAttributeHeads[] = {"总投资", "总数", "总额", "总量",
                                                "总规模", "占比", "比重"};

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool Contains(std::string_view s, std::string_view w) {
  return s.find(w) != std::string_view::npos;
}

// The first `n` code points of s dropped.
std::string_view DropCodePoints(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t k = 0; k < n && i < s.size(); ++k) DecodeAt(s, &i);
  return s.substr(i);
}

// Words that open a clause but are not part of an indicator's name.
constexpr std::string_view kLeadingNoise[] = {
    "- ",
    "-",
    "•",
    "·",
    "●",
    "、",
    "，",
    "；",
    "：",
    ",",
    ";",
    ":",
    " ",
    "。",
    "其中",
    "同时",
    "全市",
    "全省",
    "全国",
    "全区",
    "全县",
    "我市",
    "我省",
    "我国",
    "本市",
    // Verbs of aiming, not part of what is measured (力争实现全市煤炭消费同比下降).
    "力争",
    "确保",
    "努力",
    "实现",
    "推动",
    "推进",
};
// Words that end the text before a number but are not part of the name.
constexpr std::string_view kTrailingNoise[] = {
    " ",  "，", "、",   "：", "拟按",     "按",   "拟",   "为", "是",
    "的", "在", "共计", "共", "预期目标", "目标", "分别", "再",
};

std::string CleanSubject(std::string_view s, size_t max_code_points = kMaxSubjectCodePoints) {
  for (bool changed = true; changed;) {
    changed = false;
    for (auto w : kLeadingNoise) {
      if (StartsWith(s, w) && s.size() > w.size()) {
        s.remove_prefix(w.size());
        changed = true;
      }
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto w : kTrailingNoise) {
      if (EndsWith(s, w) && s.size() > w.size()) {
        s.remove_suffix(w.size());
        changed = true;
      }
    }
  }
  const size_t n = CodePointCount(s);
  if (n > max_code_points) s = DropCodePoints(s, n - max_code_points);
  for (bool changed = true; changed;) {
    changed = false;
    for (auto w : {"、", "，", "和", "及", " "}) {
      if (StartsWith(s, w) && s.size() > std::string_view(w).size()) {
        s.remove_prefix(std::string_view(w).size());
        changed = true;
      }
    }
  }
  for (auto alone : {" ", "-", "、", "，", "和", "及", "与"}) {
    if (s == alone) return {};
  }
  return std::string(s);
}

bool IsListSepAt(std::string_view s, size_t i) {
  for (auto w : {"、", "和", "及", "与"}) {
    if (s.substr(i, 3) == w) return true;
  }
  return false;
}

bool IsClausePunctAt(std::string_view s, size_t i) {
  if (i >= s.size()) return true;
  const char c = s[i];
  if (c == ',' || c == ';' || c == ':' || c == '\n' || c == '!' || c == '?') return true;
  for (auto w : {"，", "；", "：", "。", "！", "？"}) {
    if (s.substr(i, 3) == w) return true;
  }
  return false;
}

// Splits a subject into the subjects a 分别 / 各 list distributes over: at 、和及与 outside
// quotes and brackets; "示范区（先行区）" is two.
std::vector<std::string> SplitSubjects(const std::string& subject, bool paren_alternatives,
                                       bool enumeration_comma_only = false) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  size_t i = 0;
  while (i < subject.size()) {
    const size_t at = i;
    const char32_t c = DecodeAt(subject, &i);
    if (c == U'（' || c == '(' || c == U'“' || c == U'《') ++depth;
    if (c == U'）' || c == ')' || c == U'”' || c == U'》') --depth;
    const bool sep =
        enumeration_comma_only ? subject.substr(at, 3) == "、" : IsListSepAt(subject, at);
    if (depth == 0 && sep) {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
      continue;
    }
    cur.append(subject, at, i - at);
  }
  if (!cur.empty()) parts.push_back(cur);
  if (parts.size() == 1 && paren_alternatives && EndsWith(parts[0], "）")) {
    const size_t open = parts[0].rfind("（");
    if (open != std::string::npos && open > 0) {
      std::string inner = parts[0].substr(open + 3, parts[0].size() - open - 6);
      std::string outer = parts[0].substr(0, open);
      if (!inner.empty()) parts = {outer, inner};
    }
  }
  return parts;
}

// The head nouns subjects of a list share when only the last says it: 高技术制造业、装备制造业
// 增加值 -> 高技术制造业增加值, 装备制造业增加值.
constexpr std::string_view kSharedHeads[] = {
    "增加值", "营业收入", "收入",   "支出",   "投资",   "产值",   "产量", "产能",
    "比重",   "占比",     "标准",   "规模",   "总额",   "价格",   "贷款", "利润",
    "经费",   "零售额",   "交易额", "成交额", "进出口", "出口",   "进口", "减排量",
    "排放量", "削减量",   "面积",   "人数",   "数量",   "覆盖率", "能力"};

// The subjects of a 分别 list of `n` values: split at 、和及与, else at 、 alone (和 inside a
// name: 信息传输软件和信息技术服务业), with the head of the last given to the others.
std::vector<std::string> DistributedSubjects(const std::string& subject, size_t n) {
  auto parts = SplitSubjects(subject, false);
  if (parts.size() != n) parts = SplitSubjects(subject, false, true);
  if (parts.size() != n) return {};
  for (auto head : kSharedHeads) {
    if (!EndsWith(parts.back(), head)) continue;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      if (!EndsWith(parts[i], head)) parts[i] += head;
    }
    break;
  }
  return parts;
}

enum class SubPeriod {
  kYear,
  kQ1,
  kH1,
  kQ1ToQ3,
  kMonthsToDate,   // 1-N月
  kSingleQuarter,  // 二季度: the quarter alone
  kSingleMonth,    // 12月
  kSecondHalf,     // 下半年
  kMonthRange,     // 3-5月: neither a month nor a year to date
};

struct PeriodState {
  int year = 0;  // 0: the year of the section
  SubPeriod sub = SubPeriod::kYear;
  int quarter = 0, month = 0, month_to = 0;
  int span_from = 0, span_to = 0;  // a span of years ("十四五"以来)
};

struct PeriodText {
  std::string text;
  int year = 0;
  bool loadable = true;
  std::string note;
};

std::string TwoDigits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

PeriodText FormatPeriodState(const PeriodState& p, int section_year) {
  PeriodText out;
  out.year = p.year != 0 ? p.year : section_year;
  const std::string y = std::to_string(out.year);
  if (p.span_from != 0) {
    out.year = p.span_to;
    out.text = std::to_string(p.span_from) + "-" + std::to_string(p.span_to);
    out.loadable = false;
    out.note = "a span of years (" + out.text + "): not a period the store holds";
    return out;
  }
  switch (p.sub) {
    case SubPeriod::kYear:
      out.text = y;
      break;
    case SubPeriod::kQ1:
      out.text = y + "Q1";
      break;
    case SubPeriod::kH1:
      out.text = y + "H1";
      break;
    case SubPeriod::kQ1ToQ3:
      out.text = y + "Q1-Q3";
      break;
    case SubPeriod::kMonthsToDate:
      out.text = p.month_to == 1 ? y + "M01" : y + "M01-M" + TwoDigits(p.month_to);
      break;
    case SubPeriod::kSingleQuarter:
      out.text = y + "Q" + std::to_string(p.quarter);
      out.loadable = false;
      out.note = "a single quarter, not year to date: stored series of this kind are cumulative";
      break;
    case SubPeriod::kSingleMonth:
      out.text = y + "-" + TwoDigits(p.month);
      out.loadable = false;
      out.note = "a single month, not year to date: stored series of this kind are cumulative";
      break;
    case SubPeriod::kSecondHalf:
      out.text = y + "H2";
      out.loadable = false;
      out.note = "the second half-year (下半年) is not a year-to-date span";
      break;
    case SubPeriod::kMonthRange:
      out.text = y + "M" + TwoDigits(p.month) + "-M" + TwoDigits(p.month_to);
      out.loadable = false;
      out.note = "a span of months that does not start in January";
      break;
  }
  return out;
}

// How the comparator words of one quantity read together.
enum class Reading { kNone, kAtLeast, kAtMost, kAbout, kCeilingAbout, kReach };

// The words are read with the project's comparator vocabulary (common/comparator.hpp) where it
// has them, so that a word means here what it means to the loader and the query layer; the
// grammar's classes decide the words it has not (近, 上下, 之内, 多于, 超, 余 ...).
Reading ReadBound(const FactItemRead& it) {
  if (auto word = FindComparatorWord(it.prefix_word + it.suffix_word)) {
    switch (word->comparator) {
      case Comparator::kAtLeast:
        return Reading::kAtLeast;
      case Comparator::kAtMost:
        return word->about ? Reading::kCeilingAbout : Reading::kAtMost;
      case Comparator::kAbout:
        return Reading::kAbout;
      default:
        break;
    }
  }
  if (it.prefix == Bound::kCeiling)
    return it.suffix == Bound::kAbout ? Reading::kCeilingAbout : Reading::kAtMost;
  if (it.suffix == Bound::kAtLeast) return Reading::kAtLeast;
  if (it.suffix == Bound::kAtMost) return Reading::kAtMost;
  if (it.suffix == Bound::kAbout) return Reading::kAbout;
  if (it.prefix == Bound::kAtLeast) return Reading::kAtLeast;
  if (it.prefix == Bound::kAtMost) return Reading::kAtMost;
  if (it.prefix == Bound::kAbout) return Reading::kAbout;
  if (it.more) return Reading::kAtLeast;
  if (it.reach_verb) return Reading::kReach;
  return Reading::kNone;
}

// What a reading is written as: a target's comparator, an observation's qualifier.
struct Symbols {
  const char* target;
  const char* observation;
};

Symbols SymbolsOf(Reading r) {
  switch (r) {
    case Reading::kAtLeast:
      return {">=", ">="};
    case Reading::kReach:
      return {">=", ""};  // 达到 a level: a floor for a plan, none for a fact
    case Reading::kAtMost:
      return {"<=", "<="};
    case Reading::kAbout:
      return {"~", "~"};
    case Reading::kCeilingAbout:
      return {"<=", "<="};
    case Reading::kNone:
      break;
  }
  return {"=", ""};
}

const char* BoundName(Bound b) {
  switch (b) {
    case Bound::kAtLeast:
      return "AtLeast";
    case Bound::kAtMost:
      return "AtMost";
    case Bound::kAbout:
      return "About";
    case Bound::kCeiling:
      return "Ceiling";
    case Bound::kHold:
      return "Hold";
    case Bound::kNone:
      break;
  }
  return "";
}

std::string RuleOf(const Token& t, const FactItemRead& it) {
  std::string r = "Fact";
  if (t.respectively)
    r += ".Respectively";
  else if (t.each)
    r += ".Each";
  else if (t.items.size() > 1)
    r += ".List";
  if (it.level_verb)
    r += "/LevelVerb";
  else if (it.change == Change::kUp)
    r += "/ChangeUp";
  else if (it.change == Change::kDown)
    r += "/ChangeDown";
  if (it.prefix != Bound::kNone) r += std::string("/") + BoundName(it.prefix) + "Prefix";
  if (it.more) r += "/ApproxMore";
  if (it.suffix != Bound::kNone) r += std::string("/") + BoundName(it.suffix) + "Suffix";
  if (!it.per.empty()) r += "/PerPhrase";
  return r;
}

// Reads the sentences of a text one by one, keeping what a sentence says about periods and
// markers and what earlier facts of the sentence were about.
class SentenceWalker {
 public:
  SentenceWalker(std::string_view text, const SentenceSpan& span, int plan_year,
                 const KnownIndicator& known, std::vector<Proposal>* out)
      : span_(span),
        s_(text.substr(span.begin, span.end - span.begin)),
        plan_year_(plan_year),
        known_(known),
        out_(out) {
    section_year_ = span.role == SectionRole::kPlan ? plan_year : plan_year - 1;
  }

  void Walk() {
    tokens_ = ReadSentence(s_);
    removed_.assign(s_.size(), false);
    for (const Token& t : tokens_) {
      if (IsContext(t.kind)) {
        for (size_t i = t.begin; i < t.end; ++i) removed_[i] = true;
      }
    }
    for (size_t k = 0; k < tokens_.size(); ++k) {
      next_token_begin_ = k + 1 < tokens_.size() ? tokens_[k + 1].begin : s_.size();
      Visit(tokens_[k]);
    }
    EndClause(s_.size());
  }

 private:
  static bool IsContext(TokenKind k) {
    switch (k) {
      case TokenKind::kFact:
      case TokenKind::kRange:
      case TokenKind::kRelative:
      case TokenKind::kBreakZero:
      case TokenKind::kSkipped:
      case TokenKind::kComma:
      case TokenKind::kSemicolon:
      case TokenKind::kColon:
        return false;
      default:
        return true;
    }
  }

  bool InHeadline(size_t begin) const {
    return span_.headline_from != std::string_view::npos &&
           span_.begin + begin >= span_.headline_from;
  }

  // The text of s_[b, e) without the period and marker tokens in it.
  std::string Words(size_t b, size_t e) const {
    std::string out;
    for (size_t i = b; i < e && i < s_.size(); ++i) {
      if (!removed_[i]) out.push_back(s_[i]);
    }
    return out;
  }

  // Where the words of s_[b, e) begin (spaces, list marks and clause punctuation skipped; after
  // a fact also 、和及与).
  size_t ContentBegin(size_t b, size_t e, bool after_fact) const {
    for (;;) {
      bool moved = false;
      for (auto w : {" ", "-", "•", "·", "●", "、", "，", "；", "：", ",", ";", ":"}) {
        const std::string_view sw(w);
        if (b < e && s_.substr(b, sw.size()) == sw) {
          b += sw.size();
          moved = true;
        }
      }
      if (after_fact && b < e && IsListSepAt(s_, b)) {
        b += 3;
        moved = true;
      }
      if (!moved) return b;
    }
  }

  void Visit(const Token& t) {
    switch (t.kind) {
      case TokenKind::kComma:
      case TokenKind::kColon:
        EndClause(t.begin);
        segment_ = clause_ = t.end;
        return;
      case TokenKind::kSemicolon:
        EndClause(t.begin);
        segment_ = clause_ = t.end;
        strive_ = false;
        return;
      case TokenKind::kFact:
        OnFact(t);
        return;
      case TokenKind::kRange:
        OnRange(t);
        return;
      case TokenKind::kRelative:
        OnRelative(t);
        return;
      case TokenKind::kBreakZero:
        OnBreakZero(t);
        return;
      case TokenKind::kYear:
      case TokenKind::kYearEnd:
        period_ = PeriodState{};
        period_.year = t.year;
        return;
      case TokenKind::kYearSpan:
        period_.span_from = t.year;
        period_.span_to = t.year_to != 0 ? t.year_to : plan_year_ - 1;
        return;
      case TokenKind::kMonth:
        if (t.year != 0) period_.year = t.year;
        period_.sub = SubPeriod::kSingleMonth;
        period_.month = t.month;
        return;
      case TokenKind::kMonthSpan:
        period_.sub = t.month == 1 ? SubPeriod::kMonthsToDate : SubPeriod::kMonthRange;
        period_.month = t.month;
        period_.month_to = t.month_to;
        return;
      case TokenKind::kQuarter:
        period_.sub = t.quarter == 1 ? SubPeriod::kQ1 : SubPeriod::kSingleQuarter;
        period_.quarter = t.quarter;
        return;
      case TokenKind::kFirstHalf:
        period_.sub = SubPeriod::kH1;
        return;
      case TokenKind::kSecondHalf:
        period_.sub = SubPeriod::kSecondHalf;
        return;
      case TokenKind::kFirstThreeQuarters:
        period_.sub = SubPeriod::kQ1ToQ3;
        return;
      case TokenKind::kFullYear:
        period_.sub = SubPeriod::kYear;
        return;
      case TokenKind::kThisYear:
        period_ = PeriodState{};
        period_.year = plan_year_;
        return;
      case TokenKind::kLastYear:
        period_ = PeriodState{};
        period_.year = plan_year_ - 1;
        return;
      case TokenKind::kPlanSpan:
        if (t.plan != 0) {
          // The 14th five-year plan is 2021-2025 (the 1st was 1953-1957).
          period_.span_from = 1953 + (t.plan - 1) * 5;
          period_.span_to = std::min(period_.span_from + 4, plan_year_ - 1);
        } else {
          period_.span_from = plan_year_ - t.years;
          period_.span_to = plan_year_ - 1;
        }
        return;
      case TokenKind::kEstimate:
        estimate_ = true;
        estimate_unconfirmed_ = true;
        return;
      case TokenKind::kPreliminary:
        status_ = "preliminary";
        return;
      case TokenKind::kVerified:
        status_ = "revised";
        return;
      case TokenKind::kFinal:
        status_ = "final";
        return;
      case TokenKind::kStrive:
        // 力争 opening a clause governs the rest of the sentence; after a subject, its clause.
        if (CleanSubject(Words(clause_, t.begin)).empty()) {
          strive_ = true;
        } else {
          strive_clause_ = true;
        }
        return;
      case TokenKind::kPerItem:
        per_item_ = true;
        return;
      case TokenKind::kDate:
      case TokenKind::kSkipped:
        return;
    }
  }

  // A proposal with the fields every kind shares.
  Proposal Start(size_t phrase_begin, size_t phrase_end, const std::string& rule) {
    Proposal p;
    Candidate& c = p.candidate;
    const PeriodText period = FormatPeriodState(period_, section_year_);
    c.period = period.text;
    c.loadable = period.loadable;
    c.note = period.note;
    c.kind = period.year >= plan_year_ && !estimate_ ? CandidateKind::kTarget
                                                     : CandidateKind::kObservation;
    if (c.kind == CandidateKind::kObservation) {
      c.status = estimate_ ? "estimate" : !status_.empty() ? status_ : "preliminary";
    }
    c.offset = span_.begin + phrase_begin;
    c.length = phrase_end - phrase_begin;
    c.source = std::string(s_.substr(phrase_begin, phrase_end - phrase_begin));
    c.rule = rule;
    return p;
  }

  // The indicator phrase before a fact, and whether it is the fact's own.
  std::string SubjectBefore(size_t begin, bool* own, bool compares = false) {
    std::string words = Words(segment_, begin);
    if (after_fact_) {
      // 1.4万亿斤新台阶、亩产提升10.1斤: the words of the earlier fact end at the 、.
      const size_t comma = words.rfind("、");
      if (comma != std::string::npos) words = words.substr(comma + 3);
    }
    std::string base = CleanSubject(words);
    own_words_ = base;
    // 4%左右安排、比上年提高1个百分点: a change against last year of what was just said.
    if (compares && after_fact_ && CodePointCount(base) <= 2 && !previous_subject_.empty()) {
      *own = false;
      return previous_subject_;
    }
    *own = !base.empty();
    bool of_previous = StartsWith(base, "比") || StartsWith(base, "较");  // 比上年年初预算增加
    for (auto w : kAttributeHeads) of_previous = of_previous || StartsWith(base, w);
    for (auto w : kVerbsAfterNoun)
      of_previous = of_previous || (after_fact_ && StartsWith(base, w));
    if (of_previous && !previous_subject_.empty()) {
      base = previous_subject_ + base;
      *own = false;
    }
    if (base.empty()) base = !previous_subject_.empty() ? previous_subject_ : clause_topic_;
    return base;
  }

  // A number that is not a quantity of its own: the clause still had one.
  void SkipFact(const Token& t) {
    clause_has_fact_ = true;
    after_fact_ = true;
    segment_ = t.end;
  }

  // The end of the words right after s_[from] up to punctuation, a list separator, 等 or the
  // next token (at most kMaxNounCodePoints).
  size_t NounEnd(size_t from) const {
    size_t i = from, n = 0;
    int depth = 0;  // 10个技术（产业、制造业）创新中心: a 、 in brackets is part of the noun
    while (i < next_token_begin_ && i < s_.size() && n < kMaxNounCodePoints) {
      if (depth == 0 && (IsClausePunctAt(s_, i) || IsListSepAt(s_, i) || s_.substr(i, 3) == "等"))
        break;
      const char32_t c = DecodeAt(s_, &i);
      if (c == U'（' || c == '(') ++depth;
      if ((c == U'）' || c == ')') && depth > 0) --depth;
      ++n;
    }
    return i;
  }

  void OnFact(const Token& t) {
    // 每条产业链聚焦1个细分行业; 各产业链分别选择1个: allotted per item, not a total.
    if (per_item_ || (t.respectively && t.items.size() == 1)) return SkipFact(t);
    const FactItemRead& last = t.items.back();
    const bool noun_follows = t.end < s_.size() && !IsClausePunctAt(s_, t.end) &&
                              !IsListSepAt(s_, t.end) && last.suffix == Bound::kNone;
    // 中韩石化280万吨催化裂化装置等项目: an amount inside the name of an example.
    if (noun_follows && last.unit_class == UnitClass::kMeasure) {
      const size_t e = NounEnd(t.end);
      if (e > t.end && s_.substr(e, 3) == "等") return SkipFact(t);
    }
    bool own = true;
    std::string base = SubjectBefore(t.begin, &own, !t.items.front().compare_base.empty());
    const size_t phrase_begin = ContentBegin(segment_, t.begin, after_fact_);
    size_t fact_end = t.end;

    // A count followed by its noun: 新增5名两院院士, 463个市级重大项目(完成投资...); an amount
    // followed by what it is of, up to the end of the clause: 增发1万亿元国债.
    std::string noun;
    const bool amount_of = noun_follows && last.unit_class == UnitClass::kMeasure &&
                           IsClausePunctAt(s_, NounEnd(t.end));
    if (noun_follows && (last.unit_class == UnitClass::kCount || amount_of)) {
      size_t e = NounEnd(t.end);
      for (auto verb : kVerbsAfterNoun) {
        const size_t at = s_.substr(t.end, e - t.end).find(verb);
        if (at != std::string_view::npos && at >= 6) e = t.end + at;
      }
      noun = Words(t.end, e);
      for (auto g : kGroupingNouns) {
        if (StartsWith(noun, g)) return SkipFact(t);
      }
      // 70个大中城市中: the set a statement is about, not a count it reports.
      if (last.unit_class == UnitClass::kCount && EndsWith(noun, "中") && IsClausePunctAt(s_, e)) {
        return SkipFact(t);
      }
      if (!noun.empty()) fact_end = e;
    }

    std::vector<std::string> names(t.items.size(), base);
    if (!noun.empty() && t.items.size() == 1) {
      std::string lead = own ? base : std::string();
      if (Contains(lead, "等") || CodePointCount(lead) > kMaxLeadCodePoints) lead.clear();
      names[0] = lead + noun;
    }
    std::vector<size_t> item_of(t.items.size());
    for (size_t i = 0; i < t.items.size(); ++i) item_of[i] = i;
    if (t.respectively && t.items.size() >= 2) {
      const auto parts = DistributedSubjects(base, t.items.size());
      for (size_t i = 0; i < t.items.size(); ++i) {
        if (parts.size() == t.items.size()) {
          names[i] = parts[i];
        } else if (previous_clause_nouns_.size() == t.items.size()) {
          // 新认定28家服务业领军企业和39家总部企业，总数分别达到51家、91家.
          names[i] = previous_clause_nouns_[i] + own_words_;
        } else {
          names[i] = base + "（" + std::to_string(i + 1) + "）";
        }
      }
    } else if (t.each && t.items.size() == 1) {
      const auto parts = SplitSubjects(base, true);
      if (parts.size() >= 2) {
        names = parts;
        item_of.assign(parts.size(), 0);
      }
    }

    std::vector<FactItemRead> items = t.items;
    for (size_t i = 1; i < items.size(); ++i) {
      FactItemRead& it = items[i];
      const bool bare = it.prefix == Bound::kNone && !it.level_verb && it.change == Change::kNone &&
                        it.compare_base.empty();
      if (!bare) continue;
      it.prefix = items[0].prefix;
      it.prefix_word = items[0].prefix_word;
      it.level_verb = items[0].level_verb;
      it.reach_verb = items[0].reach_verb;
      it.change = items[0].change;
      it.change_word = items[0].change_word;
      it.compare_base = items[0].compare_base;
    }
    // 突破10项关键核心技术: 突破 is the verb of its noun, not "more than".
    if (!noun.empty() && items.back().prefix_word == "突破") {
      items.back().prefix = Bound::kNone;
      items.back().prefix_word.clear();
    }

    std::vector<std::string> clause_nouns;
    for (size_t k = 0; k < names.size(); ++k) {
      const FactItemRead& it = items[item_of[k]];
      // The phrase: from the words before the fact to this item (the whole list when the
      // items share their subjects).
      const bool shared = t.respectively || t.each;
      const size_t end = shared || item_of[k] + 1 == t.items.size() ? fact_end : it.end;
      Proposal p = Start(phrase_begin, end, RuleOf(t, it));
      Candidate& c = p.candidate;
      std::string name = names[k];
      if (!it.level_verb && it.change != Change::kNone) name += it.compare_base + it.change_word;
      c.name = name.empty() ? it.change_word : name;
      c.value = it.value;
      c.unit = it.unit;
      const Reading r = ReadBound(it);
      if (c.kind == CandidateKind::kTarget) {
        c.comparator =
            r == Reading::kNone && (strive_ || strive_clause_) ? ">=" : SymbolsOf(r).target;
        if (r == Reading::kCeilingAbout) c.load_comparator = "控制在…左右";
      } else {
        c.qualifier = SymbolsOf(r).observation;
      }
      clause_nouns.push_back(!noun.empty() && names.size() == 1 ? noun : c.name);
      out_->push_back(std::move(p));
    }
    previous_subject_ = noun.empty() || t.items.size() != 1 ? base : names[0];
    current_clause_nouns_.insert(current_clause_nouns_.end(), clause_nouns.begin(),
                                 clause_nouns.end());
    segment_ = fact_end;
    after_fact_ = true;
    clause_has_fact_ = true;
  }

  // 增长5.5%—6%: proposed for review with its two ends; not written to the files, which have
  // no comparator for a range.
  void OnRange(const Token& t) {
    const FactItemRead& it = t.items.front();
    Candidate& c = ProposeFor(t);
    if (!it.level_verb && it.change != Change::kNone) c.name += it.compare_base + it.change_word;
    c.value = it.value + "-" + it.value_to;
    c.unit = it.unit;
    if (c.kind == CandidateKind::kTarget) {
      c.comparator = "between";
      c.load_value = it.value;
      c.value_high = it.value_to;
    } else {
      c.loadable = false;
      c.note = "a range " + c.value + ": an observation has one value";
    }
  }

  bool PlanContext() const {
    const PeriodText period = FormatPeriodState(period_, section_year_);
    return period.year >= plan_year_ && !estimate_;
  }

  // A candidate for the token `t`, named by the words before it; the walker moves past `t`.
  Candidate& ProposeFor(const Token& t) {
    bool own = true;
    const std::string name = SubjectBefore(t.begin, &own);
    Proposal p = Start(ContentBegin(segment_, t.begin, after_fact_), t.end, t.rule);
    p.candidate.name = name;
    out_->push_back(std::move(p));
    previous_subject_ = name;
    segment_ = t.end;
    after_fact_ = true;
    clause_has_fact_ = true;
    return out_->back().candidate;
  }

  void OnRelative(const Token& t) {
    clause_has_fact_ = true;
    if (!PlanContext()) return;  // 基本同步 in the review: words, no number to store
    Candidate& c = ProposeFor(t);
    c.comparator = "relative";
    c.relative_name = CleanSubject(t.relative_to);
    c.text = c.source;
  }

  void OnBreakZero(const Token& t) {
    clause_has_fact_ = true;
    if (!PlanContext()) return;
    Candidate& c = ProposeFor(t);
    c.value = "1";
    c.comparator = ">=";
    c.note = "破零: the first one, at least 1";
  }

  // The clause s_[clause_, end) is over: a clause without a number may be a qualitative
  // target (in the list of main targets, or a plan to make something fall or rise), and it
  // names what the next clauses talk about.
  void EndClause(size_t end) {
    if (!clause_has_fact_) {
      const size_t b = ContentBegin(clause_, end, false);
      std::string words = CleanSubject(Words(b, end), std::string::npos);
      if (EndsWith(words, "。")) words.resize(words.size() - 3);
      if (!words.empty()) clause_topic_ = CleanSubject(words);
      QualitativeTarget(b, end, words);
    }
    // 预计 over a clause without a number (预计今年财政收入继续恢复增长，...) says nothing about
    // the numbers of the next clauses.
    if (estimate_unconfirmed_ && !clause_has_fact_) estimate_ = false;
    estimate_unconfirmed_ = false;
    previous_clause_nouns_ = std::move(current_clause_nouns_);
    current_clause_nouns_.clear();
    clause_has_fact_ = false;
    after_fact_ = false;
    strive_clause_ = false;
    per_item_ = false;
  }

  void QualitativeTarget(size_t b, size_t end, const std::string& words) {
    if (!PlanContext() || CodePointCount(words) < kMinQualitativeCodePoints) return;
    std::string rule;
    std::string direction;  // < for a fall, > for a rise
    if (InHeadline(b)) {
      rule = "QualitativeAim";
    } else {
      // 力争实现全市煤炭消费同比下降: a direction without a number.
      const std::string clause(s_.substr(b, end - b));
      const bool aims = strive_ || strive_clause_ || Contains(clause, "确保");
      for (auto w : {"下降", "降低", "减少"}) {
        if (EndsWith(words, w)) direction = "<";
      }
      for (auto w : {"增长", "提高", "上升"}) {
        if (EndsWith(words, w)) direction = ">";
      }
      if (!aims || direction.empty()) return;
      rule = "DirectionAim";
    }
    size_t e = end;
    while (e > b && (s_[e - 1] == ' ')) --e;
    if (EndsWith(s_.substr(b, e - b), "。")) e -= 3;
    Proposal p = Start(b, e, rule);
    Candidate& c = p.candidate;
    c.text = c.source;
    if (!direction.empty()) {
      // 力争实现全市煤炭消费同比下降: its year-over-year change below (above) zero.
      std::string name = words;
      for (auto w : {"同比下降", "同比降低", "同比减少", "同比增长", "同比提高", "同比上升", "下降",
                     "降低", "减少", "增长", "提高", "上升"}) {
        if (EndsWith(name, w)) {
          name.resize(name.size() - std::string_view(w).size());
          break;
        }
      }
      c.name = CleanSubject(name);
      c.comparator = direction;
      c.on = "yoy";
      c.load_value = "0";
      out_->push_back(std::move(p));
      return;
    }
    c.comparator = "qualitative";
    // The indicator is what comes before the verb: 国际收支(保持基本平衡).
    std::string name = words;
    for (auto verb : {"完成", "保持", "持续", "实现", "稳定", "继续", "得到", "基本", "达到"}) {
      const size_t at = name.find(verb);
      if (at != std::string::npos && at >= 6) name = name.substr(0, at);
    }
    c.name = CleanSubject(name);
    // 单位生产总值能耗下降率和主要污染物排放削减量完成省下达的任务: one aim for each indicator.
    const auto parts = SplitSubjects(c.name, false);
    bool all_known = parts.size() >= 2;
    for (const auto& part : parts) all_known = all_known && known_(part);
    if (!all_known) {
      out_->push_back(std::move(p));
      return;
    }
    for (const auto& part : parts) {
      Proposal one = p;
      one.candidate.name = part;
      out_->push_back(std::move(one));
    }
  }

  const SentenceSpan& span_;
  std::string_view s_;
  int plan_year_;
  int section_year_ = 0;
  const KnownIndicator& known_;
  std::vector<Proposal>* out_;
  std::vector<Token> tokens_;
  std::vector<bool> removed_;
  size_t next_token_begin_ = 0;

  PeriodState period_;
  bool estimate_ = false;
  bool estimate_unconfirmed_ = false;  // 预计 seen in this clause, no number after it yet
  bool strive_ = false;
  bool strive_clause_ = false;
  bool per_item_ = false;
  std::string status_;
  size_t segment_ = 0;  // where the words of the next fact start
  size_t clause_ = 0;   // where the current clause starts
  bool after_fact_ = false;
  bool clause_has_fact_ = false;
  std::string previous_subject_;
  std::string clause_topic_;
  std::string own_words_;  // the words before the current fact, before any inheritance
  // What the facts of the current and the previous clause counted (their nouns or names).
  std::vector<std::string> current_clause_nouns_, previous_clause_nouns_;
};

}  // namespace

std::vector<Proposal> ReadCandidates(std::string_view text, const Layout& layout,
                                     const KnownIndicator& known) {
  std::vector<Proposal> out;
  for (const SentenceSpan& span : layout.sentences) {
    if (span.heading) continue;
    SentenceWalker(text, span, layout.plan_year, known, &out).Walk();
  }
  return out;
}

}  // namespace ixdb::extract::internal
