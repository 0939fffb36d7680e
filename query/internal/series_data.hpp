#pragma once
// What the evaluator passes between functions (internal to query/): evaluated series as
// columns, the read context, and the numeric and formatting helpers every function family uses.
// Inside query/ errors travel as QueryError exceptions and become a Status at the edge
// (executor.cpp's Execute); no exception leaves the module.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
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
  // kFirst only: the first release with this status (first(x, "preliminary")).
  std::optional<storage::ObsStatus> first_status;
};

// One series read as `ctx` says (every reader of values goes through it, so that first(x,
// "preliminary") and asof apply the same way to expressions, targets and need).
// [from, to]: inclusive bounds (absent: open). Values only: meta, stage, source and strings of
// the result are empty.
Result<storage::SeriesValues> ReadAsCtx(storage::ReadView& view, const std::string& code,
                                        const Ctx& ctx, std::optional<Period> from = std::nullopt,
                                        std::optional<Period> to = std::nullopt);

// Qualifiers of values: storage::Qualifier's codes (0 none, 1 ~, 2 >=, 3 <=), and for values
// computed from bounds that point opposite ways (a >= figure minus another >= figure) one more:
// the result is neither a lower nor an upper bound.
inline constexpr uint8_t kQualifierMixed = 4;
// The qualifier of f(x) for f decreasing in x: >= and <= swap.
uint8_t FlipQualifier(uint8_t q);
// The qualifier of a value increasing in two qualified inputs.
uint8_t CombineQualifiers(uint8_t a, uint8_t b);
// "", "~", ">=", "<=", "?".
const char* QualifierText(uint8_t q);

// The internal unit of a product of two percentages (growth x share): never shown; divided by
// 100 it is in pp (拉动 = growth x last year's share / 100). docs/query-language.md §5.
inline constexpr std::string_view kPercentProductUnit = "%*%";

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
  std::vector<uint8_t> status;
  // Per row (empty: none): the qualifier of a published value (>=: 突破2万亿元), kept through
  // derivations so that a bound is never shown as an exact number (growth from a >= level is
  // itself a bound).
  std::vector<uint8_t> qualifier;
  // For growth rates: the periods between a value and its base (1: on the previous period, as
  // pop; PeriodsPerYear: year-on-year, as yoy and every stored growth rate); 0 when unknown.
  int growth_lag = 0;
  std::vector<Period> from;  // cagr: the start period of each row
  // Periods before `period` a row also covers (1: NBS's combined 1-2月 of a plain monthly
  // series, or the first figure of a year that discrete() could not split). Empty: all 0.
  std::vector<uint8_t> extent;
  bool scalar = false;  // a number literal (value in `number`)
  double number = 0;
  size_t size() const { return period.size(); }
  // Changes of this series are in percentage points (rates, shares, growth rates, % units).
  bool Points() const;
  // Drops the columns that only straight reads have (qualifiers stay: functions that move or
  // combine rows update them).
  void Derived() {
    raw = false;
    vintage.clear();
    status.clear();
  }
  uint8_t QualifierAt(size_t i) const { return qualifier.empty() ? 0 : qualifier[i]; }
  bool AnyQualified() const;
  // Sets row i's qualifier (allocating the column on the first non-zero one).
  void SetQualifier(size_t i, uint8_t q) {
    if (q == 0 && qualifier.empty()) return;
    qualifier.resize(size(), 0);
    qualifier[i] = q;
  }
  // The value at period p (by index), or NaN.
  double At(Period p) const;
  uint8_t ExtentAt(size_t i) const { return extent.empty() ? 0 : extent[i]; }
  // The text of row i's period: a year-to-date span for cumulative series and combined rows.
  std::string PeriodTextAt(size_t i) const;
};

// Row by row against the row `lag` periods earlier (calendar-aware: by period index, so a
// missing period gives a null, never a comparison with an older one; a combined 1-2月 only
// with a base of the same span): value[i] = fn(value[i], value[j]), NaN without a base. The
// qualifier of the result is increasing in the row and decreasing in its base. In place.
template <typename Fn>
void WithEarlier(SeriesData& d, int lag, const Fn& fn) {
  const size_t count = d.size();
  double* v = d.value.data();
  const Period* p = d.period.data();
  const bool combined = !d.extent.empty();
  const bool qualified = d.AnyQualified();
  if (!combined && !qualified && count > 0 &&
      p[count - 1].index - p[0].index == static_cast<int32_t>(count - 1)) {
    // No gaps (the common case): the base of row i is row i - lag; from the end, in place.
    const size_t l = static_cast<size_t>(lag);
    for (size_t i = count; i-- > l;) v[i] = fn(v[i], v[i - l]);
    for (size_t i = 0; i < std::min(l, count); ++i) v[i] = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  size_t j = count;  // candidate base row, moving down
  for (size_t i = count; i-- > 0;) {
    const int32_t target = p[i].index - lag;
    if (j > i) j = i;
    while (j > 0 && p[j - 1].index >= target) --j;
    // now j is the first row with index >= target (or 0)
    double r = std::numeric_limits<double>::quiet_NaN();
    uint8_t q = 0;
    if (j < i && p[j].index == target && (!combined || d.extent[j] == d.extent[i])) {
      r = fn(v[i], v[j]);
      if (qualified) q = CombineQualifiers(d.qualifier[i], FlipQualifier(d.qualifier[j]));
    }
    v[i] = r;
    if (qualified) d.qualifier[i] = q;
  }
}

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
// The same at `out` (room: kPeriodRoom); returns the end.
inline constexpr size_t kPeriodRoom = 32;
char* WritePeriodText(char* out, Period p, bool cumulative);

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
