#include "extract/internal/layout.hpp"

#include <algorithm>

#include "common/utf8.hpp"
#include "extract/internal/code_points.hpp"
#include "extract/internal/line_opening.hpp"
#include "extract/internal/sentence_reader.hpp"

namespace ixdb::extract::internal {

namespace {

// The title lines end where the text begins: at the first paragraph that ends with a colon
// (各位代表：) or holds a sentence; at most this many paragraphs.
constexpr size_t kMaxTitleParagraphs = 12;
// A short line in the list of main targets (when its items are not marked as a list).
constexpr size_t kMaxHeadlineItemCodePoints = 80;
// A title or heading without clause punctuation is at most this long.
constexpr size_t kMaxBareHeadingCodePoints = 40;
// From 预期目标 to the colon that opens the list: at most this many characters (…初步安排如下：).
constexpr size_t kMaxHeadlineLeadCodePoints = 16;

struct Paragraph {
  size_t begin = 0, end = 0;
  LineOpening opening = LineOpening::kText;
};

bool Contains(std::string_view s, std::string_view word) {
  return s.find(word) != std::string_view::npos;
}

bool ContainsAny(std::string_view s, std::initializer_list<std::string_view> words) {
  for (auto w : words) {
    if (Contains(s, w)) return true;
  }
  return false;
}

std::vector<Paragraph> SplitParagraphs(std::string_view text) {
  std::vector<Paragraph> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    if (nl > start) {
      Paragraph p{start, nl, OpeningOf(text.substr(start, nl - start))};
      out.push_back(p);
    }
    start = nl + 1;
  }
  return out;
}

bool EndsWithColon(std::string_view s) {
  return (s.size() >= 3 && s.substr(s.size() - 3) == "：") || (!s.empty() && s.back() == ':');
}

bool HasClausePunctuation(std::string_view s) {
  return ContainsAny(s, {"，", "。", "；", "、", "：", ",", ";"});
}

bool IsHeadingParagraph(std::string_view p, LineOpening opening) {
  if ((opening == LineOpening::kSection || opening == LineOpening::kSubsection) &&
      !Contains(p, "。")) {
    return true;
  }
  return CodePointCount(p) <= kMaxBareHeadingCodePoints && !HasClausePunctuation(p);
}

// The plan year and publication date from the title lines.
struct TitleFacts {
  std::optional<Date> date;
  int latest_year = 0;
  bool bulletin = false;
};

TitleFacts ReadTitle(std::string_view text, const std::vector<Paragraph>& paragraphs) {
  TitleFacts facts;
  for (size_t i = 0; i < paragraphs.size() && i < kMaxTitleParagraphs; ++i) {
    const std::string_view p =
        text.substr(paragraphs[i].begin, paragraphs[i].end - paragraphs[i].begin);
    if (EndsWithColon(p) || Contains(p, "。")) break;
    if (Contains(p, "统计公报")) facts.bulletin = true;
    for (const Token& t : ReadSentence(p)) {
      if (t.kind == TokenKind::kDate && t.year > 0 && !facts.date && t.month >= 1 &&
          t.month <= 12 && t.day >= 1 && t.day <= 31) {
        facts.date =
            DateFromYmd(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
      }
      facts.latest_year = std::max(facts.latest_year, std::max(t.year, t.year_to));
    }
  }
  return facts;
}

SectionRole RoleOfHeading(std::string_view heading, int plan_year, SectionRole current) {
  bool plan_year_named = Contains(heading, "今年");
  bool earlier_year_named = false;
  for (const Token& t : ReadSentence(heading)) {
    if (t.kind != TokenKind::kYear && t.kind != TokenKind::kYearEnd) continue;
    if (t.year >= plan_year) plan_year_named = true;
    if (t.year < plan_year) earlier_year_named = true;
  }
  if (plan_year_named) return SectionRole::kPlan;
  if (earlier_year_named) return SectionRole::kReview;
  if (ContainsAny(heading, {"回顾", "执行情况", "过去一年", "工作总结", "去年"}))
    return SectionRole::kReview;
  if (ContainsAny(heading, {"目标", "任务", "安排", "草案", "要求", "取向", "部署", "思路"})) {
    return SectionRole::kPlan;
  }
  return current;
}

// Without a title: the section headings say it (一、2024年工作回顾 -> 2025; 二、2025年经济社会发展
// 总体要求 -> 2025). 0 when they do not.
int PlanYearOfHeadings(std::string_view text, const std::vector<Paragraph>& paragraphs) {
  int year = 0;
  for (const Paragraph& para : paragraphs) {
    if (para.opening != LineOpening::kSection) continue;
    const std::string_view p = text.substr(para.begin, para.end - para.begin);
    if (Contains(p, "。")) continue;
    const bool review = ContainsAny(p, {"回顾", "执行情况", "工作总结"});
    const bool plan = ContainsAny(p, {"目标", "任务", "要求", "草案", "安排", "取向"});
    for (const Token& t : ReadSentence(p)) {
      if (t.kind != TokenKind::kYear) continue;
      if (review) year = std::max(year, t.year + 1);
      if (plan && !review) year = std::max(year, t.year);
    }
  }
  return year;
}

bool IsSentenceEnd(char32_t c) {
  return c == U'。' || c == U'！' || c == U'？' || c == '!' || c == '?';
}

bool IsClosing(char32_t c) {
  return std::u32string_view(U"”’」』）)》】").find(c) != std::u32string_view::npos;
}

// Byte ranges of the sentences of one paragraph.
std::vector<std::pair<size_t, size_t>> SplitSentences(std::string_view text, size_t begin,
                                                      size_t end) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t start = begin;
  size_t i = begin;
  while (i < end) {
    const char32_t c = DecodeAt(text, &i);
    if (!IsSentenceEnd(c)) continue;
    size_t j = i;
    while (j < end) {
      size_t k = j;
      if (!IsClosing(DecodeAt(text, &k))) break;
      j = k;
    }
    out.emplace_back(start, j);
    start = i = j;
  }
  if (start < end) out.emplace_back(start, end);
  return out;
}

// The colon that opens the list of main targets in this sentence (预期目标是： / 如下：), as the
// byte after it, or npos.
// The colon must follow the words closely (预期目标是：, 预期目标初步安排如下：), without a clause
// in between: "以上主要预期目标安排……，主要体现了四个导向：" does not open the list.
size_t HeadlineColon(std::string_view sentence) {
  for (auto key_word : {"预期目标", "主要目标"}) {
    const size_t key = sentence.find(key_word);
    if (key == std::string_view::npos) continue;
    size_t colon = sentence.find("：", key);
    size_t width = 3;
    const size_t ascii = sentence.find(':', key);
    if (ascii < colon) colon = ascii, width = 1;
    if (colon == std::string_view::npos) continue;
    const std::string_view between = sentence.substr(key, colon - key);
    if (CodePointCount(between) > kMaxHeadlineLeadCodePoints || HasClausePunctuation(between))
      continue;
    return colon + width;
  }
  return std::string_view::npos;
}

}  // namespace

Result<Layout> ReadLayout(std::string_view text, std::optional<int> plan_year) {
  Layout layout;
  const std::vector<Paragraph> paragraphs = SplitParagraphs(text);
  const TitleFacts title = ReadTitle(text, paragraphs);
  layout.published = title.date;
  if (plan_year) {
    layout.plan_year = *plan_year;
    layout.plan_year_from = "from --year";
  } else if (title.date) {
    int y;
    unsigned m, d;
    YmdFromDate(*title.date, &y, &m, &d);
    layout.plan_year = y;
    layout.plan_year_from = "from the date " + FormatDate(*title.date) + " in the title lines";
  } else if (title.latest_year > 0) {
    layout.plan_year = title.latest_year + (title.bulletin ? 1 : 0);
    layout.plan_year_from = title.bulletin ? "from the title: the year after the bulletin's"
                                           : "from the title: the latest year it names";
  } else if (int from_headings = PlanYearOfHeadings(text, paragraphs); from_headings > 0) {
    layout.plan_year = from_headings;
    layout.plan_year_from = "from the section headings";
  } else {
    return Status::InvalidArgument(
        "cannot tell the plan year: no date or year in the title lines or section headings; pass "
        "--year Y");
  }

  SectionRole role = SectionRole::kReview;
  bool title_done = false;
  bool headline_list = false;  // the previous paragraph opened a list of main targets
  for (size_t pi = 0; pi < paragraphs.size(); ++pi) {
    const Paragraph& para = paragraphs[pi];
    const std::string_view p = text.substr(para.begin, para.end - para.begin);
    if (EndsWithColon(p) || Contains(p, "。") || pi >= kMaxTitleParagraphs) title_done = true;
    bool heading = !title_done;
    if (!heading) heading = IsHeadingParagraph(p, para.opening);
    if (para.opening == LineOpening::kSection && heading)
      role = RoleOfHeading(p, layout.plan_year, role);

    const bool item_line =
        para.opening == LineOpening::kListItem || (para.opening == LineOpening::kText && !heading &&
                                                   CodePointCount(p) <= kMaxHeadlineItemCodePoints);
    const bool in_list = headline_list && item_line && role == SectionRole::kPlan;
    if (headline_list && !in_list) headline_list = false;

    bool first = true;
    for (auto [b, e] : SplitSentences(text, para.begin, para.end)) {
      SentenceSpan s;
      s.begin = b;
      s.end = e;
      s.paragraph = pi;
      s.paragraph_start = first;
      s.heading = heading;
      s.role = role;
      if (in_list) {
        s.headline_from = b;
      } else if (!heading && role == SectionRole::kPlan) {
        const size_t colon = HeadlineColon(text.substr(b, e - b));
        if (colon != std::string_view::npos) {
          s.headline_from = b + colon;
          // The colon ends the paragraph: the targets are the lines that follow.
          if (b + colon >= para.end) headline_list = true;
        }
      }
      layout.sentences.push_back(s);
      first = false;
    }
  }
  return layout;
}

}  // namespace ixdb::extract::internal
