#include "extract/internal/line_opening.hpp"

#include "extract/internal/code_points.hpp"

namespace ixdb::extract::internal {

namespace {

bool IsChineseNumeral(char32_t c) {
  return std::u32string_view(U"一二三四五六七八九十百零〇两").find(c) != std::u32string_view::npos;
}

bool Contains(std::u32string_view set, char32_t c) {
  return set.find(c) != std::u32string_view::npos;
}

}  // namespace

LineOpening OpeningOf(std::u32string_view line) {
  if (line.empty()) return LineOpening::kText;
  const char32_t c0 = line[0];
  if ((c0 == '-' || c0 == '*') && line.size() > 1 && line[1] == ' ') return LineOpening::kListItem;
  if (Contains(U"•·●◆■▪○◇□", c0)) return LineOpening::kListItem;
  if (line.substr(0, 2) == U"——") return LineOpening::kDash;
  if (c0 == U'（' || c0 == '(') {
    size_t j = 1;
    while (j < line.size() && (IsChineseNumeral(line[j]) || IsAsciiDigit(line[j]))) ++j;
    if (j > 1 && j < line.size() && (line[j] == U'）' || line[j] == ')'))
      return LineOpening::kSubsection;
    return LineOpening::kText;
  }
  if (c0 == U'第') {
    size_t j = 1;
    while (j < line.size() && IsChineseNumeral(line[j])) ++j;
    if (j > 1 && j < line.size() && Contains(U"章节部分篇编", line[j]))
      return LineOpening::kSection;
    return LineOpening::kText;
  }
  size_t j = 0;
  while (j < line.size() && IsChineseNumeral(line[j])) ++j;
  if (j > 0 && j < line.size()) {
    if (line[j] == U'、') return LineOpening::kSection;
    if (line[j] == U'是') return LineOpening::kNumbered;
  }
  j = 0;
  while (j < line.size() && IsAsciiDigit(line[j])) ++j;
  if (j > 0 && j < 3 && j + 1 < line.size() &&
      (line[j] == U'、' || line[j] == U'．' || (line[j] == '.' && !IsAsciiDigit(line[j + 1])))) {
    return LineOpening::kNumbered;
  }
  return LineOpening::kText;
}

LineOpening OpeningOf(std::string_view utf8_line) {
  std::u32string head;
  size_t i = 0;
  while (i < utf8_line.size() && head.size() < 12) head.push_back(DecodeAt(utf8_line, &i));
  return OpeningOf(std::u32string_view(head));
}

}  // namespace ixdb::extract::internal
