#pragma once
// Periods of economic data: annual 2023, quarterly 2023Q3, monthly 2023-07, and the
// cumulative (year-to-date) spans that Chinese statistics are published in (2023H1, 2023Q1-Q3,
// 2023M01-M05). See DOMAIN.md §2.
//
// A period is (frequency, index). The index counts periods from year 0, so that "the same period
// a year earlier" is index - PeriodsPerYear(freq) and consecutive periods are consecutive
// integers whatever rows are missing in between:
//   annual     index = year
//   quarterly  index = year * 4 + (quarter - 1)
//   monthly    index = year * 12 + (month - 1)
// A cumulative series is quarterly or monthly; its period 2023Q3 *means* January-September
// (the span ending with that quarter). Whether a period is read as a span is a property of
// the series, not of the period value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace ixdb {

// The numeric value is the number of periods per year. On-disk format: do not change.
enum class Frequency : uint8_t { kAnnual = 1, kQuarterly = 4, kMonthly = 12 };

inline int PeriodsPerYear(Frequency f) { return static_cast<int>(f); }
// "annual", "quarterly", "monthly".
const char* FrequencyName(Frequency f);
// Accepts annual/quarterly/monthly, A/Q/M, year/quarter/month, 年/季/月 (case-insensitive ASCII).
Result<Frequency> ParseFrequency(std::string_view text);

struct Period {
  Frequency freq = Frequency::kAnnual;
  int32_t index = 0;

  int year() const { return FloorDiv(index, PeriodsPerYear(freq)); }
  // 1-based quarter or month within the year; 1 for annual.
  int sub() const { return index - year() * PeriodsPerYear(freq) + 1; }
  Period Shifted(int32_t n) const { return Period{freq, index + n}; }
  // The same period one year earlier (calendar-aware lag).
  Period YearAgo() const { return Shifted(-PeriodsPerYear(freq)); }

  static Period Annual(int year) { return Period{Frequency::kAnnual, year}; }
  static Period Quarter(int year, int q) { return Period{Frequency::kQuarterly, year * 4 + q - 1}; }
  static Period Month(int year, int m) { return Period{Frequency::kMonthly, year * 12 + m - 1}; }

  auto operator<=>(const Period&) const = default;

 private:
  static int FloorDiv(int a, int b) { return (a >= 0 ? a : a - b + 1) / b; }
};

// What a period string said, before it is matched to a series.
struct ParsedPeriod {
  Period period;
  // Written as a year-to-date span: 2023H1, 2023Q1-Q3, 2023M01-M05, 上半年, 前三季度, 1-5月...
  // (A span covering a single first period, such as 2023Q1-Q1, is also a span.)
  bool span = false;
  // Set for a period that covers several periods of its frequency without being a year-to-date
  // span: the first of them (2023年下半年 / 2023H2: Q3..Q4, `period` Q4). No series holds such a
  // period; ranges and conditions read it as the months it covers.
  std::optional<Period> first = std::nullopt;
};

// Parses every period form ixdb accepts in files and queries:
//   2023, 2023年, 2023Q3, 2023-Q3, 2023q3, 2023-07, 2023M07, 2023-M07, 2023M7,
//   2023H1 / 2023-S1 (= 2023Q1-Q2 span), 2023Q1-Q3, 2023M01-M05, 2023-01-05? (no: that is a date),
//   2023H2 / 2023S2 / 2023年下半年 (the second half-year, Jul-Dec: not a year-to-date span),
//   2023年一季度 / 2023年第一季度, 2023年上半年, 2023年前三季度, 2023年1-5月, 2023年1—5月,
//   2023年5月, 2023年全年 (annual).
// Error message names what was wrong, e.g. "bad period '2023Q5': quarter must be 1-4".
Result<ParsedPeriod> ParsePeriod(std::string_view text);

// Maps a parsed period onto a series' frequency:
//  - annual series: only annual periods;
//  - non-cumulative quarterly/monthly: only plain periods of that frequency;
//  - cumulative quarterly/monthly: plain periods or spans of that frequency (both mean the span
//    ending there), and a bare year means the full-year span (Q4 / M12); a cumulative monthly
//    series also takes quarters and quarter spans as the month spans they are (一季度 = 1-3月,
//    上半年 = 1-6月, 前三季度 = 1-9月);
//  - with `extent` given, a plain monthly series takes NBS's combined 1-2月 (M01-M02) as one
//    two-month period: its period is M02 and *extent is set to 1 (else 0).
// Errors say why, e.g. "period 2023-07 is monthly but series gdp is quarterly".
Result<Period> ResolvePeriod(const ParsedPeriod& parsed, Frequency series_freq, bool cumulative,
                             std::string_view series_code = {}, uint8_t* extent = nullptr);

// Prints a period. Plain: 2023, 2023Q3, 2023-07. Cumulative (span form):
// Q1 -> 2023Q1, Q2 -> 2023H1, Q3 -> 2023Q1-Q3, Q4 -> 2023Q1-Q4; M01 -> 2023M01, M05 -> 2023M01-M05.
// Every printed form parses back to the same period.
std::string FormatPeriod(Period p, bool cumulative = false);

}  // namespace ixdb
