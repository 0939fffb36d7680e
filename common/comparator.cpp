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
    {">=", Comparator::kAtLeast},          {"≥", Comparator::kAtLeast},
    {"at_least", Comparator::kAtLeast},    {"<=", Comparator::kAtMost},
    {"≤", Comparator::kAtMost},            {"at_most", Comparator::kAtMost},
    {"~", Comparator::kAbout},             {"≈", Comparator::kAbout},
    {"about", Comparator::kAbout},         {"=", Comparator::kEqual},
    {"==", Comparator::kEqual},            {"equal", Comparator::kEqual},
    {"<", Comparator::kLess},              {">", Comparator::kGreater},
    {"between", Comparator::kBetween},     {"relative", Comparator::kRelative},
    {"qualitative", Comparator::kQualitative}, {"text", Comparator::kQualitative},
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
    case Comparator::kAtLeast: return ">=";
    case Comparator::kAtMost: return "<=";
    case Comparator::kAbout: return "~";
    case Comparator::kEqual: return "=";
    case Comparator::kRelative: return "relative";
    case Comparator::kQualitative: return "qualitative";
    case Comparator::kBetween: return "between";
    case Comparator::kLess: return "<";
    case Comparator::kGreater: return ">";
  }
  return "?";
}

bool SaysAbout(std::string_view text) {
  return text.find("左右") != std::string_view::npos || text.find("约") != std::string_view::npos;
}

std::optional<ComparatorReading> FindComparatorWord(std::string_view phrase) {
  const Word* best = nullptr;
  for (const Word& w : kWords) {
    if (phrase.find(w.text) == std::string_view::npos) continue;
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
  if (auto r = FindComparatorWord(t)) return *r;
  return Status::InvalidArgument("unknown comparator '" + std::string(t) + "' (expected " +
                                 ComparatorVocabulary() + ")");
}

const char* ComparatorVocabulary() {
  return ">=, <=, ~, =, <, >, between, relative (同步), qualitative, or the words 以上, 超过, 突破, "
         "不少于, 不低于, 力争达到, 至少, 以内, 以下, 不超过, 不高于, 低于, 控制在, 左右, 约";
}

}  // namespace ixdb
