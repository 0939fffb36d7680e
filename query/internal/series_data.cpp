#include "query/internal/series_data.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/units.hpp"

namespace ixdb::query {

bool IsPointsUnit(std::string_view unit) {
  const UnitInfo u = ParseUnit(unit);
  return u.percent || u.percentage_points;
}

Result<storage::SeriesValues> ReadAsCtx(storage::ReadView& view, const std::string& code,
                                        const Ctx& ctx, std::optional<Period> from,
                                        std::optional<Period> to) {
  storage::ReadRequest req;
  req.mode = ctx.mode;
  req.as_of = ctx.as_of;
  req.from = from;
  req.to = to;
  req.values_only = true;  // the query layer takes metadata from its plan, never from a read
  if (ctx.mode != storage::ReadMode::kFirst || !ctx.first_status) return view.ReadSeries(code, req);
  // The first release with a given status: the oldest live version of each period with it.
  auto versions = view.ReadRevisionsInRange(code, from, to);
  if (!versions.ok()) return versions.status();
  storage::SeriesValues out;
  for (const storage::Version& v : *versions) {  // by period, then oldest first
    if (v.reverted_by != 0 || v.deleted || v.status != *ctx.first_status || std::isnan(v.value))
      continue;
    if (!out.period.empty() && out.period.back() == v.period) continue;  // already have its first
    out.period.push_back(v.period);
    out.vintage.push_back(v.vintage);
    out.value.push_back(v.value);
    out.status.push_back(static_cast<uint8_t>(v.status));
    out.qualifier.push_back(static_cast<uint8_t>(v.qualifier));
    out.extent.push_back(v.extent);
  }
  if (std::all_of(out.extent.begin(), out.extent.end(), [](uint8_t e) { return e == 0; })) {
    out.extent.clear();
  }
  return out;
}

uint8_t FlipQualifier(uint8_t q) {
  const auto k = static_cast<storage::Qualifier>(q);
  if (k == storage::Qualifier::kAtLeast) return static_cast<uint8_t>(storage::Qualifier::kAtMost);
  if (k == storage::Qualifier::kAtMost) return static_cast<uint8_t>(storage::Qualifier::kAtLeast);
  return q;
}

uint8_t CombineQualifiers(uint8_t a, uint8_t b) {
  if (a == 0 || a == b) return b;
  if (b == 0) return a;
  if (a == kQualifierMixed || b == kQualifierMixed) return kQualifierMixed;
  const auto about = static_cast<uint8_t>(storage::Qualifier::kAbout);
  if (a == about) return b;  // about X plus at least Y: still at least (about) X + Y
  if (b == about) return a;
  return kQualifierMixed;  // >= with <=
}

const char* QualifierText(uint8_t q) {
  if (q == kQualifierMixed) return "?";
  return storage::QualifierSymbol(static_cast<storage::Qualifier>(q));
}

bool SeriesData::AnyQualified() const {
  // A bound on a missing value says nothing (index() with no base leaves every value empty).
  for (size_t i = 0; i < qualifier.size() && i < value.size(); ++i) {
    if (qualifier[i] != 0 && !std::isnan(value[i])) return true;
  }
  return false;
}

bool SeriesData::Points() const { return storage::ChangesInPoints(measure) || IsPointsUnit(unit); }

std::string SeriesData::PeriodTextAt(size_t i) const {
  return FastPeriodText(period[i], cumulative || ExtentAt(i) != 0);
}

double SeriesData::At(Period p) const {
  auto it = std::lower_bound(period.begin(), period.end(), p,
                             [](const Period& a, const Period& b) { return a.index < b.index; });
  return (it != period.end() && it->index == p.index)
             ? value[static_cast<size_t>(it - period.begin())]
             : kNaN;
}

int DecimalPlaces(double v) {
  double scaled = v;
  for (int k = 0; k <= 9; ++k) {
    if (!(std::fabs(scaled) < 1e15)) return -1;
    if (std::fabs(scaled - std::round(scaled)) <= 1e-13 * std::max(1.0, std::fabs(scaled)))
      return k;
    scaled *= 10;
  }
  return -1;
}

double DecimalSum(double a, double b) {
  const double r = a + b;
  if (!std::isfinite(r)) return r;
  const int da = DecimalPlaces(a), db = DecimalPlaces(b);
  if (da < 0 || db < 0) return r;
  static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  const double scale = kPow10[std::max(da, db)];
  if (!(std::fabs(r * scale) < 1e15)) return r;
  return std::round(r * scale) / scale;
}

double DecimalProduct(double a, double b) {
  const double r = a * b;
  const int da = DecimalPlaces(a), db = DecimalPlaces(b);
  if (!std::isfinite(r) || da < 0 || db < 0 || da + db > 9) return r;
  const double scale = std::pow(10.0, da + db);
  if (!(std::fabs(r * scale) < 1e15)) return r;
  return std::round(r * scale) / scale;
}

double ScaleByUnit(double v, double factor) {
  if (!(factor > 0) || !std::isfinite(v)) return v * factor;
  const double e = std::round(std::log10(factor));
  const int d = DecimalPlaces(v);
  if (d < 0 || std::fabs(e) > 12 || std::fabs(factor / std::pow(10.0, e) - 1) > 1e-9) {
    return v * factor;
  }
  const double mantissa = std::round(v * std::pow(10.0, d));  // exact: |v * 10^d| < 1e15
  const int shift = static_cast<int>(e) - d;                  // result = mantissa * 10^shift
  return shift >= 0 ? mantissa * std::pow(10.0, shift) : mantissa / std::pow(10.0, -shift);
}

std::string NumberText(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::pair<int64_t, int64_t> MonthSpan(Period p) {
  switch (p.freq) {
    case Frequency::kAnnual:
      return {int64_t{p.index} * 12, int64_t{p.index} * 12 + 11};
    case Frequency::kQuarterly:
      return {int64_t{p.index} * 3, int64_t{p.index} * 3 + 2};
    case Frequency::kMonthly:
      return {p.index, p.index};
  }
  return {0, 0};
}

std::pair<int64_t, int64_t> BoundMonths(const ParsedPeriod& p) {
  auto m = MonthSpan(p.period);
  if (p.span) m.first = int64_t{p.period.year()} * 12;
  if (p.first) m.first = MonthSpan(*p.first).first;
  return m;
}

bool RowInRange(Period row, bool cumulative, const ParsedPeriod* from, const ParsedPeriod* to,
                uint8_t extent) {
  auto m = MonthSpan(row);
  if (extent != 0) m.first = MonthSpan(row.Shifted(-extent)).first;
  if (!cumulative) {
    if (from && m.first < BoundMonths(*from).first) return false;
    if (to && m.second > BoundMonths(*to).second) return false;
    return true;
  }
  const int64_t end = m.second;
  if (from) {
    const auto b = BoundMonths(*from);
    if (end < (from->span ? b.second : b.first)) return false;
  }
  if (to && end > BoundMonths(*to).second) return false;
  return true;
}

bool RowAfter(Period row, bool cumulative, const ParsedPeriod& bound) {
  const auto m = MonthSpan(row);
  return (cumulative ? m.second : m.first) > BoundMonths(bound).second;
}

bool RowBefore(Period row, bool cumulative, const ParsedPeriod& bound) {
  const auto m = MonthSpan(row);
  const auto b = BoundMonths(bound);
  if (cumulative) return m.second < (bound.span ? b.second : b.first);
  return m.second < b.first;
}

std::string FastPeriodText(Period p, bool cumulative) {
  char buf[kPeriodRoom];
  return std::string(buf, WritePeriodText(buf, p, cumulative));
}

char* WritePeriodText(char* out, Period p, bool cumulative) {
  const int y = p.year();
  if (y < 1000 || y > 9999) {
    const std::string text = FormatPeriod(p, cumulative);
    const size_t n = std::min(text.size(), kPeriodRoom);
    std::memcpy(out, text.data(), n);
    return out + n;
  }
  const int s = p.sub();
  char* o = out;
  *o++ = static_cast<char>('0' + y / 1000);
  *o++ = static_cast<char>('0' + y / 100 % 10);
  *o++ = static_cast<char>('0' + y / 10 % 10);
  *o++ = static_cast<char>('0' + y % 10);
  auto two = [&](int v) {
    *o++ = static_cast<char>('0' + v / 10);
    *o++ = static_cast<char>('0' + v % 10);
  };
  switch (p.freq) {
    case Frequency::kAnnual:
      break;
    case Frequency::kQuarterly:
      if (!cumulative || s == 1) {
        *o++ = 'Q';
        *o++ = static_cast<char>('0' + s);
      } else if (s == 2) {
        *o++ = 'H';
        *o++ = '1';
      } else {
        *o++ = 'Q';
        *o++ = '1';
        *o++ = '-';
        *o++ = 'Q';
        *o++ = static_cast<char>('0' + s);
      }
      break;
    case Frequency::kMonthly:
      if (!cumulative) {
        *o++ = '-';
        two(s);
      } else {
        *o++ = 'M';
        *o++ = '0';
        *o++ = '1';
        if (s != 1) {
          *o++ = '-';
          *o++ = 'M';
          two(s);
        }
      }
      break;
  }
  return o;
}

}  // namespace ixdb::query
