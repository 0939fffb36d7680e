#include "common/comparator.hpp"

#include <string>

#include "common/strings.hpp"

namespace ixdb {

namespace {

struct Word {
  std::string_view text;
  Comparator comparator;
};

// Symbols and English words: the whole (trimmed, lower-cased) cell must match.
constexpr Word kSymbols[] = {
    {">=", Comparator::kAtLeast},
    {"≥", Comparator::kAtLeast},
    {"at_least", Comparator::kAtLeast},
    {"<=", Comparator::kAtMost},
    {"≤", Comparator::kAtMost},
    {"at_most", Comparator::kAtMost},
    {"~", Comparator::kAbout},
    {"≈", Comparator::kAbout},
    {"about", Comparator::kAbout},
    {"=", Comparator::kEqual},
    {"==", Comparator::kEqual},
    {"equal", Comparator::kEqual},
    {"<", Comparator::kLess},
    {">", Comparator::kGreater},
    {"between", Comparator::kBetween},
    {"relative", Comparator::kRelative},
    {"qualitative", Comparator::kQualitative},
    {"text", Comparator::kQualitative},
};

// Chinese words, found anywhere in a phrase. DOMAIN.md §4.
constexpr Word kWords[] = {
    {"力争达到", Comparator::kAtLeast}, {"不少于", Comparator::kAtLeast},
    {"不低于", Comparator::kAtLeast},   {"以上", Comparator::kAtLeast},
    {"超过", Comparator::kAtLeast},     {"突破", Comparator::kAtLeast},
    {"至少", Comparator::kAtLeast},     {"不超过", Comparator::kAtMost},
    {"不高于", Comparator::kAtMost},    {"控制在", Comparator::kAtMost},
    {"以内", Comparator::kAtMost},      {"以下", Comparator::kAtMost},
    {"低于", Comparator::kAtMost},      {"大约", Comparator::kAbout},
    {"左右", Comparator::kAbout},       {"约", Comparator::kAbout},
    {"同步", Comparator::kRelative},    {"定性", Comparator::kQualitative},
};

}  // namespace

const char* ComparatorSymbol(Comparator c) {
  switch (c) {
    case Comparator::kAtLeast:
      return ">=";
    case Comparator::kAtMost:
      return "<=";
    case Comparator::kAbout:
      return "~";
    case Comparator::kEqual:
      return "=";
    case Comparator::kRelative:
      return "relative";
    case Comparator::kQualitative:
      return "qualitative";
    case Comparator::kBetween:
      return "between";
    case Comparator::kLess:
      return "<";
    case Comparator::kGreater:
      return ">";
  }
  return "?";
}

namespace {

// 约 means "about" only before a figure (约2万亿元, 约为5%, 约占三成 is not a figure): 约束性指标
// (binding indicators), 节约, 集约, 制约 and 公约 also hold the character.
bool SaysYueBeforeNumber(std::string_view text) {
  constexpr std::string_view kYue = "约";
  for (size_t at = text.find(kYue); at != std::string_view::npos; at = text.find(kYue, at + 1)) {
    std::string_view rest = text.substr(at + kYue.size());
    for (std::string_view verb : {"为", "占", "合"}) {
      if (rest.substr(0, verb.size()) == verb) rest.remove_prefix(verb.size());
    }
    if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') return true;
    // Full-width digits ０-９: EF BC 90..99.
    if (rest.size() >= 3 && static_cast<unsigned char>(rest[0]) == 0xEF &&
        static_cast<unsigned char>(rest[1]) == 0xBC &&
        static_cast<unsigned char>(rest[2]) >= 0x90 &&
        static_cast<unsigned char>(rest[2]) <= 0x99) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool SaysAbout(std::string_view text) {
  return text.find("左右") != std::string_view::npos || SaysYueBeforeNumber(text);
}

std::optional<ComparatorReading> FindComparatorWord(std::string_view phrase) {
  const Word* best = nullptr;
  for (const Word& w : kWords) {
    if (phrase.find(w.text) == std::string_view::npos) continue;
    if (w.text == "约" && !SaysYueBeforeNumber(phrase)) continue;  // 约束性, 节约: not "about"
    if (best == nullptr || w.text.size() > best->text.size()) best = &w;
  }
  if (best == nullptr) return std::nullopt;
  ComparatorReading r{best->comparator, false};
  // A ceiling or floor that also says 左右 (控制在3%左右, 3%以内左右) keeps its direction and the
  // tolerance of "about".
  if (r.comparator == Comparator::kAtMost || r.comparator == Comparator::kAtLeast) {
    r.about = SaysAbout(phrase);
  }
  return r;
}

Result<ComparatorReading> ParseComparator(std::string_view text) {
  const std::string_view t = Trim(text);
  if (t.empty()) return Status::InvalidArgument("empty comparator");
  const std::string lower = Lower(t);
  for (const Word& w : kSymbols) {
    if (lower == w.text) return ComparatorReading{w.comparator, false};
  }
  for (const Word& w : kWords) {
    if (t == w.text) return ComparatorReading{w.comparator, false};  // a cell that is one word
  }
  if (auto r = FindComparatorWord(t)) return *r;
  return Status::InvalidArgument("unknown comparator '" + std::string(t) + "' (expected " +
                                 ComparatorVocabulary() + ")");
}

const char* ComparatorVocabulary() {
  return ">=, <=, ~, =, <, >, between, relative (同步), qualitative, or the words 以上, 超过, "
         "突破, "
         "不少于, 不低于, 力争达到, 至少, 以内, 以下, 不超过, 不高于, 低于, 控制在, 左右, 约";
}

}  // namespace ixdb
