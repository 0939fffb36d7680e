#include "query/internal/output_text.hpp"

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
  // A computed value (a growth rate: 5.234523...) is no such decimal; tell it in one step where
  // that is safe. If v = fl(n / 10^k), k <= 9, then x = fl(v * 1e9) is within 2.3e-16 * x of the
  // integer n * 10^(9-k): within 0.002 while x < 2^43, so a fraction above 0.01 rules every k out.
  const double x = mag * 1e9;
  if (x < 8.796093022208e12 && std::fabs(x - std::round(x)) > 0.01) return nullptr;
  for (int k = 0; k <= 9; ++k) {
    const double n = std::round(mag * kScale[k]);
    if (n >= 1e15) return nullptr;
    if (n / kScale[k] != mag) continue;
    const uint64_t digits = static_cast<uint64_t>(n);
    if (v < 0) *p++ = '-';
    p = std::to_chars(p, p + 16, digits / kIntScale[k]).ptr;
    if (k == 0) return p;
    *p++ = '.';
    uint64_t frac = digits % kIntScale[k];
    for (int i = k - 1; i >= 0; --i, frac /= 10) p[i] = static_cast<char>('0' + frac % 10);
    return p + k;
  }
  return nullptr;
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
