#pragma once
// UTF-8 text: validation, repair, code points and terminal display width (East Asian wide
// characters take two columns: the tables and carets of ixdb line up under Chinese text).
// utf8proc stays behind this header.

#include <cstddef>
#include <string>
#include <string_view>

namespace ixdb {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if none starts there (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF). REQUIRES: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Offset of the first byte that is not valid UTF-8, or npos. Skips ASCII 8 bytes at a time.
size_t FindInvalidUtf8(std::string_view s);
inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

// `s` with every byte that is not part of a valid sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

// Number of code points (an invalid byte counts as one).
size_t CodePointCount(std::string_view s);

// Terminal columns taken by `s`: wide (CJK) characters 2, combining marks 0, an invalid byte 1,
// a tab 1.
size_t DisplayWidth(std::string_view s);

// The longest prefix of `s` (whole code points) whose display width is at most `width`.
std::string_view PrefixOfWidth(std::string_view s, size_t width);

}  // namespace ixdb
