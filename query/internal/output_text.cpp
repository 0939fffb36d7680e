#include "query/internal/output_text.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

namespace ixdb::query {
namespace {

// Fixed notation reads best ("100000000", not "1e+08") as long as it stays short; outside this
// range the shortest general form (scientific) is used instead of hundreds of digits.
constexpr double kFixedMin = 1e-6;
constexpr double kFixedMax = 1e21;

// Below 2^53 every double's shortest round-trip digits, laid out in fixed notation, are what
// std::to_chars(fixed) prints (above it, to_chars prints the exact integer, which may have more
// digits); tests/query/render_test.cpp checks the two agree on seeded values of every
// magnitude in the fixed range.
constexpr double kShortestFixedMax = 9007199254740992.0;  // 2^53

// "00" .. "99".
constexpr std::array<char, 200> kTwoDigits = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

// The `count` last decimal digits of n (zero-padded) at p, two at a time from the back.
void WriteFixedDigits(char* p, uint32_t n, int count) {
  while (count >= 2) {
    count -= 2;
    std::memcpy(p + count, &kTwoDigits[2 * (n % 100)], 2);
    n /= 100;
  }
  if (count == 1) *p = static_cast<char>('0' + n % 10);
}

int DigitCount(uint32_t n) {
  static constexpr uint32_t kPow10[] = {10,      100,      1000,      10000,     100000,
                                        1000000, 10000000, 100000000, 1000000000};
  int d = 1;
  while (d < 10 && n >= kPow10[d - 1]) ++d;
  return d;
}

// n in decimal digits, most significant first; returns the end. The 16-17 digits of a computed
// value's shortest form cost to_chars a 64-bit division per two digits; split at 10^8, the
// halves take 32-bit ones.
char* WriteDigits(char* p, uint64_t n) {
  if (n >= 10000000000000000ull) return std::to_chars(p, p + 20, n).ptr;  // >= 10^16: rare
  if (n < 100000000) {
    const auto small = static_cast<uint32_t>(n);
    const int d = DigitCount(small);
    WriteFixedDigits(p, small, d);
    return p + d;
  }
  const auto high = static_cast<uint32_t>(n / 100000000);
  const auto low = static_cast<uint32_t>(n % 100000000);
  const int d = DigitCount(high);
  WriteFixedDigits(p, high, d);
  WriteFixedDigits(p + d, low, 8);
  return p + d + 8;
}

// The fast path of WriteNumber for published decimals: when v is the double nearest n / 10^k
// for some k <= 9 and |n| < 10^15, the shortest text that reads back as v is n's digits with
// the point k from the right (decimals of at most 15 digits map to distinct doubles, so no
// shorter one reads back as v): what to_chars prints, without its general search. Returns
// nullptr when v is not such a decimal. REQUIRES: kFixedMin <= |v| < kFixedMax.
char* WriteShortDecimal(char* p, double v) {
  static constexpr double kScale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  static constexpr uint64_t kIntScale[] = {1,      10,      100,      1000,      10000,
                                           100000, 1000000, 10000000, 100000000, 1000000000};
  const double mag = std::fabs(v);
  // If v = fl(n / 10^k), k <= 9, then x = fl(v * 1e9) is within 2.3e-16 * x of the integer
  // n * 10^(9-k): within 0.002 while x < 2^43. There the nearest integer to x, stripped of its
  // trailing zeros, is n with its k; anything more than 0.01 from an integer is no such decimal
  // (a computed value: a growth rate 5.234523...). Larger values take the loop over k.
  const double x = mag * 1e9;
  uint64_t digits;
  int k;
  if (x < 8.796093022208e12) {
    const uint64_t r = static_cast<uint64_t>(x + 0.5);  // x >= 0 and < 2^43: exact rounding
    if (std::fabs(x - static_cast<double>(r)) > 0.01) return nullptr;
    digits = r;
    k = 9;
    while (k > 0 && digits % 10 == 0) digits /= 10, --k;
    if (static_cast<double>(digits) / kScale[k] != mag) return nullptr;
  } else {
    for (k = 0;; ++k) {
      if (k > 9) return nullptr;
      const double n = std::round(mag * kScale[k]);
      if (n >= 1e15) return nullptr;
      if (n / kScale[k] == mag) {
        digits = static_cast<uint64_t>(n);
        break;
      }
    }
  }
  if (v < 0) *p++ = '-';
  p = WriteDigits(p, digits / kIntScale[k]);
  if (k == 0) return p;
  *p++ = '.';
  uint64_t frac = digits % kIntScale[k];
  for (int i = k - 1; i >= 0; --i, frac /= 10) p[i] = static_cast<char>('0' + frac % 10);
  return p + k;
}

// The shortest digits that read back as v (fmt's Dragonbox: the algorithm behind fmt::format,
// a third of to_chars' time here), laid out in fixed notation. REQUIRES: 0 < |v| < 2^53.
char* WriteShortestFixed(char* p, double v) {
  // fmt 9 (Debian 12) declares to_decimal in fmt::detail; render_test.cpp pins its output.
  const auto d = fmt::detail::dragonbox::to_decimal(std::fabs(v));
  char digits[20];
  const int n = static_cast<int>(WriteDigits(digits, d.significand) - digits);
  const int point = n + d.exponent;  // digits before the decimal point
  if (v < 0) *p++ = '-';
  if (d.exponent >= 0) {
    std::memcpy(p, digits, static_cast<size_t>(n));
    std::memset(p + n, '0', static_cast<size_t>(d.exponent));
    return p + n + d.exponent;
  }
  if (point > 0) {
    std::memcpy(p, digits, static_cast<size_t>(point));
    p[point] = '.';
    std::memcpy(p + point + 1, digits + point, static_cast<size_t>(n - point));
    return p + n + 1;
  }
  *p++ = '0';
  *p++ = '.';
  std::memset(p, '0', static_cast<size_t>(-point));
  std::memcpy(p - point, digits, static_cast<size_t>(n));
  return p - point + n;
}

}  // namespace

char* WriteNumber(char* p, double v) {
  auto put = [p](std::string_view t) {
    std::memcpy(p, t.data(), t.size());
    return p + t.size();
  };
  if (std::isinf(v)) return put(v > 0 ? "inf" : "-inf");
  if (v == 0) return put("0");  // also -0: users never mean a signed zero
  const double mag = std::fabs(v);
  const bool fixed = mag >= kFixedMin && mag < kFixedMax;
  if (char* end = fixed ? WriteShortDecimal(p, v) : nullptr) return end;
  if (fixed && mag < kShortestFixedMax) return WriteShortestFixed(p, v);
  const std::to_chars_result r =
      fixed ? std::to_chars(p, p + kNumberRoom, v, std::chars_format::fixed)
            : std::to_chars(p, p + kNumberRoom, v);
  return r.ec == std::errc() ? r.ptr : put("nan");  // cannot fail with this room
}

namespace {

// The bytes that make RFC 4180 quote a field: , " CR LF.
constexpr std::array<bool, 256> kQuoteByte = [] {
  std::array<bool, 256> t{};
  for (unsigned char ch : {',', '"', '\r', '\n'}) t[ch] = true;
  return t;
}();

bool NeedsCsvQuotes(std::string_view field) {
  bool quote = false;
  for (char ch : field) quote |= kQuoteByte[static_cast<unsigned char>(ch)];
  return quote;
}

}  // namespace

char* WriteCsvField(char* p, std::string_view field) {
  if (!NeedsCsvQuotes(field)) {
    std::memcpy(p, field.data(), field.size());
    return p + field.size();
  }
  *p++ = '"';
  for (char ch : field) {
    if (ch == '"') *p++ = '"';
    *p++ = ch;
  }
  *p++ = '"';
  return p;
}

}  // namespace ixdb::query
