#pragma once
// Small string helpers used across modules (one copy each). ASCII-only case rules: series
// codes, keywords and file vocabularies are ASCII; Chinese text has no case.

#include <string>
#include <string_view>
#include <vector>

namespace ixdb {

// ASCII lower case; other bytes (UTF-8 included) unchanged.
std::string Lower(std::string_view s);

// ASCII case-insensitive equality / substring test.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);

// Removes white space at both ends: ASCII space, tab, CR, LF and U+3000 (the ideographic space
// of Chinese text). Most strings have nothing to trim, so the check is inlined.
std::string_view TrimSlow(std::string_view s);
inline std::string_view Trim(std::string_view s) {
  if (s.empty() || (static_cast<unsigned char>(s.front()) > ' ' &&
                    static_cast<unsigned char>(s.front()) != 0xE3 &&
                    static_cast<unsigned char>(s.back()) > ' ' &&
                    static_cast<unsigned char>(s.back()) != 0x80)) {
    return s;
  }
  return TrimSlow(s);
}

// Splits at every `sep` (empty pieces kept): "a,,b" -> {"a", "", "b"}; "" -> {""}.
std::vector<std::string_view> Split(std::string_view s, char sep);

// Glob match of a whole string: '*' any run, '?' one byte. Iterative, never recursive.
bool GlobMatch(std::string_view pattern, std::string_view s);

// Edit distance (Levenshtein, bytes) capped at `cap`: returns cap + 1 when larger (also for
// strings longer than 256 bytes). For "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b, size_t cap);

}  // namespace ixdb
