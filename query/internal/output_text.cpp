#include "query/internal/output_text.hpp"

#include <fmt/format.h>

#include <array>
#include <bit>
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

// The 8 decimal digits of n < 10^8, zero-padded, as ASCII bytes in memory order (the first
// digit in the lowest byte), computed in one register: n's two 4-digit halves in 32-bit lanes,
// each split into 2-digit values in 16-bit lanes, each split into tens and ones in bytes (the
// divisions by 100 and by 10 are multiplications that are exact in these ranges). Writing
// digit pairs one by one and then reading them back stalled on store forwarding.
uint64_t EightDigits(uint32_t n) {
  static_assert(std::endian::native == std::endian::little, "digits are laid out little-endian");
  const uint64_t halves = (n / 10000) | (static_cast<uint64_t>(n % 10000) << 32);
  const uint64_t hundreds = ((halves * 10486) >> 20) & 0x0000007F0000007F;  // lane / 100
  const uint64_t pairs = (halves << 16) - hundreds * ((100 << 16) - 1);     // [/100, %100]
  const uint64_t tens = ((pairs * 103) >> 10) & 0x000F000F000F000F;         // lane / 10
  const uint64_t digits = (pairs << 8) - tens * ((10 << 8) - 1);            // [/10, %10]
  return digits | 0x3030303030303030;
}

void Write8Digits(char* p, uint32_t n) {
  const uint64_t d = EightDigits(n);
  std::memcpy(p, &d, 8);
}

// The digits of n < 10^8 without leading zeros (one digit for 0) at p; returns the end. Writes
// 8 bytes at p (the caller's room has them).
char* WriteUpTo8Digits(char* p, uint32_t n) {
  // Branch-free: the count varies from number to number, a loop would mispredict.
  const int count = 1 + (n >= 10) + (n >= 100) + (n >= 1000) + (n >= 10000) + (n >= 100000) +
                    (n >= 1000000) + (n >= 10000000);
  const uint64_t d = EightDigits(n) >> (8 * (8 - count));  // drop the leading zeros
  std::memcpy(p, &d, 8);
  return p + count;
}

// n in decimal digits, most significant first; returns the end. Dragonbox gives a computed
// value's shortest form as 16 or 17 digits: split at 10^8 and 10^16, every piece is written
// with 32-bit arithmetic.
char* WriteDigits(char* p, uint64_t n) {
  constexpr uint64_t k1e8 = 100000000;
  if (n < k1e8) return WriteUpTo8Digits(p, static_cast<uint32_t>(n));
  if (n < k1e8 * k1e8) {
    p = WriteUpTo8Digits(p, static_cast<uint32_t>(n / k1e8));
    Write8Digits(p, static_cast<uint32_t>(n % k1e8));
    return p + 8;
  }
  p = WriteUpTo8Digits(p, static_cast<uint32_t>(n / (k1e8 * k1e8)));  // < 1845
  Write8Digits(p, static_cast<uint32_t>(n / k1e8 % k1e8));
  Write8Digits(p + 8, static_cast<uint32_t>(n % k1e8));
  return p + 16;
}

// The fast path of WriteNumber for published decimals: when v is the double nearest n / 10^k
// for some k <= 8 and |n| < 10^15, the shortest text that reads back as v is n's digits with
// the point k from the right (decimals of at most 15 digits map to distinct doubles, so no
// shorter one reads back as v): what to_chars prints, without its general search. Returns
// nullptr when v is not such a decimal (WriteNumber's general path then prints it, the same
// way). REQUIRES: kFixedMin <= |v| < kFixedMax; room for 8 bytes past the text.
char* WriteShortDecimal(char* p, double v) {
  static constexpr double kScale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  static constexpr uint64_t kIntScale[] = {1,      10,      100,      1000,      10000,
                                           100000, 1000000, 10000000, 100000000, 1000000000};
  const double mag = std::fabs(v);
  // If v = fl(n / 10^k), k <= 8, then x = fl(v * 1e8) is within 2.3e-16 * x of the integer
  // r = n * 10^(8-k): within 0.002 while x < 2^43. Then fl(r / 1e8) = fl(n / 10^k) = v, and
  // r's 8 last digits with their trailing zeros cut are n's decimals. Anything more than 0.01
  // from an integer is no such decimal (a computed value: a growth rate 5.234523...). Larger
  // values take the loop over k.
  const double x = mag * 1e8;
  if (x < 8.796093022208e12) {
    const uint64_t r = static_cast<uint64_t>(x + 0.5);  // x >= 0 and < 2^43: exact rounding
    if (std::fabs(x - static_cast<double>(r)) > 0.01) return nullptr;
    if (static_cast<double>(r) / 1e8 != mag) return nullptr;
    if (v < 0) *p++ = '-';
    p = WriteUpTo8Digits(p, static_cast<uint32_t>(r / 100000000));  // < 87961
    const auto decimals = static_cast<uint32_t>(r % 100000000);
    if (decimals == 0) return p;
    *p++ = '.';
    const uint64_t digits = EightDigits(decimals);
    std::memcpy(p, &digits, 8);
    // The last digits are the high bytes: the zeros among them ('0' ^ '0' = 0) are cut.
    const int trailing_zeros = std::countl_zero(digits ^ 0x3030303030303030) / 8;
    return p + 8 - trailing_zeros;
  }
  uint64_t digits;
  int k;
  for (k = 0;; ++k) {
    if (k > 9) return nullptr;
    const double n = std::round(mag * kScale[k]);
    if (n >= 1e15) return nullptr;
    if (n / kScale[k] == mag) {
      digits = static_cast<uint64_t>(n);
      break;
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
