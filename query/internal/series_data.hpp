#pragma once
// What the evaluator passes between functions (internal to query/): evaluated series as
// columns, the read context, and the numeric and formatting helpers every function family uses.
// Inside query/ errors travel as QueryError exceptions and become a Status at the edge
// (executor.cpp's Execute); no exception leaves the module.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/status.hpp"
#include "query/table.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

struct QueryError {
  Status status;
};
[[noreturn]] inline void Fail(Status s) { throw QueryError{std::move(s)}; }

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// How series are read: the latest version of each period, as known at a date, or the first
// release (with a given status when `first_status` is set).
struct Ctx {
  storage::ReadMode mode = storage::ReadMode::kLatest;
  Date as_of = kMaxDate;
};

// Evaluated series: columns of periods and values plus what the transforms need to know.
struct SeriesData {
  std::string label;  // the indicator column
  Frequency freq = Frequency::kAnnual;
  bool cumulative = false;
  std::string unit;
  storage::MeasureKind measure = storage::MeasureKind::kLevel;
  std::vector<Period> period;
  std::vector<double> value;
  // Straight from storage: the vintage/status/qualifier columns are filled.
  bool raw = false;
  std::vector<Date> vintage;
  std::vector<uint8_t> status, qualifier;
  std::vector<Period> from;  // cagr: the start period of each row
  // Periods before `period` a row also covers (1: NBS's combined 1-2月 of a plain monthly
  // series, or the first figure of a year that discrete() could not split). Empty: all 0.
  std::vector<uint8_t> extent;
  bool scalar = false;       // a number literal (value in `number`)
  double number = 0;
  size_t size() const { return period.size(); }
  // Changes of this series are in percentage points (rates, shares, growth rates, % units).
  bool Points() const;
  // Drops the columns that only straight reads have.
  void Derived() {
    raw = false;
    vintage.clear();
    status.clear();
    qualifier.clear();
  }
  // The value at period p (by index), or NaN.
  double At(Period p) const;
  uint8_t ExtentAt(size_t i) const { return extent.empty() ? 0 : extent[i]; }
  // The text of row i's period: a year-to-date span for cumulative series and combined rows.
  std::string PeriodTextAt(size_t i) const;
};

// True for % and pp units.
bool IsPointsUnit(std::string_view unit);

// Decimal places (0..9) of a value that came from text (5.7 -> 1), or -1 when it has more.
int DecimalPlaces(double v);
// a + b and a - b for published decimals: the double nearest the exact decimal result
// (5.2 - 6 = -0.8, not -0.7999999999999998); computed operands keep binary arithmetic.
double DecimalSum(double a, double b);
inline double DecimalDiff(double a, double b) { return DecimalSum(a, -b); }
// a * b for published decimals: the double nearest the exact product (0.02 * 2.2 = 0.044).
double DecimalProduct(double a, double b);
// v converted by a power-of-ten unit factor, exactly for published decimals
// (20011.65 亿元 = 2.001165 万亿元).
double ScaleByUnit(double v, double factor);

// The shortest round-trip text of a number.
std::string NumberText(double v);
// FormatPeriod(p, cumulative) without snprintf (results print a period per row).
std::string FastPeriodText(Period p, bool cumulative);

inline Cell Num(double v) { return std::isnan(v) ? Cell{} : Cell{v}; }
inline Cell Str(std::string s) { return Cell{std::move(s)}; }
inline Cell OptStr(std::string s) { return s.empty() ? Cell{} : Cell{std::move(s)}; }

inline int FloorDiv(int a, int b) { return (a >= 0 ? a : a - b + 1) / b; }

// The months a period covers, as [first, last] month numbers (year * 12 + month - 1), the
// period read as a plain (non-cumulative) period.
std::pair<int64_t, int64_t> MonthSpan(Period p);

// The span rule (docs/query-language.md §2, "Ranges"): which rows a period bound selects.
// A bound means every month it covers: a plain period its own months (2023Q2: Apr-Jun), a
// year-to-date span January to its end (2023H1: Jan-Jun), a half-year its six months.
//  - A row of a plain series is kept when all its months lie within [from, to].
//  - A row of a cumulative series (a year-to-date span) is kept when its END lies within the
//    bounds; a span bound stands for its end alone, so x[2023H1] is the 1-6月 figure exactly,
//    while a plain bound keeps every span ending within it (x[2023Q2]: 1-4月, 1-5月, 1-6月).
// An absent bound is open.
std::pair<int64_t, int64_t> BoundMonths(const ParsedPeriod& p);
// `extent`: periods before `row` the row also covers (a combined 1-2月).
bool RowInRange(Period row, bool cumulative, const ParsedPeriod* from, const ParsedPeriod* to,
                uint8_t extent = 0);
// Strict comparisons of a row with a bound: the row lies entirely after (before) the bound.
bool RowAfter(Period row, bool cumulative, const ParsedPeriod& bound);
bool RowBefore(Period row, bool cumulative, const ParsedPeriod& bound);

}  // namespace ixdb::query
