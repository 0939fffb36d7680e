#pragma once
// The words of plan targets (docs/domain.md, "Comparators"): one vocabulary shared by the
// loader (targets files), the query layer (judging) and the extractor (report text), so that a
// word means the same everywhere.

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.hpp"

namespace ixdb {

// A target's comparator. On-disk values: do not change.
enum class Comparator : uint8_t {
  kAtLeast = 0,  // >=  以上, 超过, 突破, 不少于, 不低于, 力争达到, 至少
  kAtMost = 1,  // <=  控制在…以内, 不超过, 不高于, 低于, 以下 (控制在X左右: <= "about")
  kAbout = 2,        // ~   左右, 约, 大约: reach about X
  kEqual = 3,        // =   a plain target such as 增长6%
  kRelative = 4,     // in step with another series (同步)
  kQualitative = 5,  // text only (完成省下达的任务): never judged by a number
  kBetween = 6,      // a range: target <= actual <= target_high (增长5.5%–6%)
  kLess = 7,         // <   strictly below (下降 without a number: < 0 on yoy)
  kGreater = 8,      // >   strictly above
};

// ">=", "<=", "~", "=", "relative", "qualitative", "between", "<", ">".
const char* ComparatorSymbol(Comparator c);

struct ComparatorReading {
  Comparator comparator = Comparator::kEqual;
  // The words said "about" as well (控制在3%左右 is a ceiling with the tolerance of 左右).
  bool about = false;
};

// Reads a comparator as written in a file or a query: a symbol (>=, ≥, <=, ≤, ~, ≈, =, ==, <, >,
// between, relative, qualitative, text; ASCII case-insensitive) or a phrase holding one of the
// Chinese words above (the longest word wins, so 不超过 is not read as 超过).
// InvalidArgument naming the vocabulary when nothing matches; empty text is InvalidArgument.
Result<ComparatorReading> ParseComparator(std::string_view text);

// The comparator word a phrase holds, if any (the longest match; no symbols).
std::optional<ComparatorReading> FindComparatorWord(std::string_view phrase);

// True when the text says 左右, or 约 / 大约 before a figure ("about"; 约束性指标 and 节约 do not).
bool SaysAbout(std::string_view text);

// The vocabulary for error messages: ">=, <=, ~, =, <, >, between, 同步, qualitative, or 以上,
// ...".
const char* ComparatorVocabulary();

}  // namespace ixdb
