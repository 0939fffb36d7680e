#include "common/utf8.hpp"

#include <utf8proc.h>

#include <cstdint>
#include <cstring>

namespace ixdb {

namespace {

// Calls fn(code point or -1 for an invalid byte, byte length) for each character.
template <typename Fn>
void ForEachCodePoint(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      fn(int32_t{-1}, size_t{1});
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                     static_cast<utf8proc_ssize_t>(len), &cp);
    fn(static_cast<int32_t>(cp), len);
    i += len;
  }
}

size_t CharWidth(int32_t cp) {
  if (cp < 0 || cp == '\t') return 1;
  const int w = utf8proc_charwidth(cp);
  return w > 0 ? static_cast<size_t>(w) : 0;
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t avail = s.size() - i;
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t k) { return k < avail && (p[k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string SanitizeUtf8(std::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  ForEachCodePoint(s, [&](int32_t cp, size_t len) {
    if (cp < 0)
      out += "\xEF\xBF\xBD";
    else
      out.append(s.substr(i, len));
    i += len;
  });
  return out;
}

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  ForEachCodePoint(s, [&](int32_t, size_t) { ++n; });
  return n;
}

size_t DisplayWidth(std::string_view s) {
  // Printable ASCII (codes, periods, numbers: most cells of a result) is one column a byte.
  bool printable_ascii = true;
  for (char ch : s) printable_ascii &= ch >= 0x20 && ch < 0x7f;
  if (printable_ascii) return s.size();
  size_t width = 0;
  ForEachCodePoint(s, [&](int32_t cp, size_t) { width += CharWidth(cp); });
  return width;
}

std::string_view PrefixOfWidth(std::string_view s, size_t width) {
  size_t used = 0, bytes = 0;
  bool full = false;
  ForEachCodePoint(s, [&](int32_t cp, size_t len) {
    if (full) return;
    const size_t w = CharWidth(cp);
    if (used + w > width) {
      full = true;
      return;
    }
    used += w;
    bytes += len;
  });
  return s.substr(0, bytes);
}

}  // namespace ixdb
