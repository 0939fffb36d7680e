#pragma once
// Code-point helpers of the extractor (internal): decoding and encoding one code point, and the
// character classes it decides by (Han, digit, space). Validation and counting are in
// common/utf8.hpp.

#include <cstddef>
#include <string>
#include <string_view>

namespace ixdb::extract::internal {

// Decodes the code point at s[*i] and advances *i past it. A byte that does not start a valid
// sequence decodes as U+FFFD and advances by one. REQUIRES: *i < s.size().
char32_t DecodeAt(std::string_view s, size_t* i);

// Appends c encoded as UTF-8.
void AppendUtf8(std::string* out, char32_t c);

inline bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAscii(char32_t c) { return c < 0x80; }
// CJK unified ideographs (with extension A and the compatibility block).
inline bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF);
}
// Horizontal white space as it appears in reports: ASCII space and tab, no-break space, the
// ideographic space U+3000 and the thin/figure spaces of typeset numbers.
inline bool IsHorizontalSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x202F;
}

}  // namespace ixdb::extract::internal
