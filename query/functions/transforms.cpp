// Transforms of one series along its periods: yoy, pop, diff, lag, lead, cagr, log, rolling.
// docs/query-language.md §4 gives every formula.
#include <algorithm>
#include <cmath>
#include <string>

#include "query/internal/evaluator.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

using storage::MeasureKind;

// Largest n accepted by diff/lag/lead: 1000 periods (83 years of months).
constexpr int64_t kMaxShift = 1000;
// Largest rolling window: 120 periods (ten years of months); a window costs n per row.
constexpr int64_t kMaxWindow = 120;

// x against the value `lag` periods earlier (calendar-aware: by period index, so a missing
// period gives a null, never a comparison with an older one).
SeriesData Change(SeriesData d, int lag, bool percent_if_level) {
  const bool points = d.Points();
  const bool percent = percent_if_level && !points;
  // In place, from the end: the base of row i is a row j < i, not yet overwritten.
  size_t count = d.size();
  double* v = d.value.data();
  const Period* p = d.period.data();
  const bool combined = !d.extent.empty();
  if (!combined && count > 0 && p[count - 1].index - p[0].index == static_cast<int32_t>(count - 1)) {
    // No gaps (the common case): the base of row i is row i - lag; a branch-free loop.
    const size_t l = static_cast<size_t>(lag);
    for (size_t i = count; i-- > l;) {
      const double base = v[i - l], cur = v[i];
      v[i] = percent ? (base != 0 ? (cur / base - 1) * 100 : kNaN) : DecimalDiff(cur, base);
    }
    for (size_t i = 0; i < std::min(l, count); ++i) v[i] = kNaN;
    count = 0;  // done
  }
  size_t j = count;  // candidate base row, moving down
  for (size_t i = count; i-- > 0;) {
    const int32_t target = p[i].index - lag;
    if (j > i) j = i;
    while (j > 0 && p[j - 1].index >= target) --j;
    // now j is the first row with index >= target (or 0)
    double r = kNaN;
    // A combined period (1-2月) compares only with a base of the same span.
    if (j < i && p[j].index == target && (!combined || d.extent[j] == d.extent[i])) {
      const double base = v[j], cur = v[i];
      if (percent) {
        if (base != 0) r = (cur / base - 1) * 100;  // NaN in either stays NaN
      } else {
        r = DecimalDiff(cur, base);
      }
    }
    v[i] = r;
  }
  if (percent) {
    d.unit = "%";
    d.measure = MeasureKind::kGrowth;
  } else if (points) {
    d.unit = "pp";
    d.measure = MeasureKind::kRate;
  }
  d.Derived();
  return d;
}

SeriesData Shift(SeriesData d, int64_t k) {
  for (Period& p : d.period) p = p.Shifted(static_cast<int32_t>(k));
  d.Derived();
  return d;
}

SeriesData Rolling(Evaluator& ev, const ast::Node& n, SeriesData d, int64_t w, Method m) {
  if (d.cumulative) {
    ev.Err(n.pos, "rolling() over cumulative series " + d.label +
                   " would add overlapping spans; use rolling(discrete(x), n)");
  }
  if (m == Method::kSum && d.Points()) {
    ev.Err(n.pos, "a rolling sum of " + d.label + " (" + d.unit + ") adds rates; use avg");
  }
  std::vector<double> out(d.size(), kNaN);
  for (size_t i = 0; i < d.size(); ++i) {
    if (i + 1 < static_cast<size_t>(w)) continue;
    const size_t first = i + 1 - static_cast<size_t>(w);
    if (d.period[i].index - d.period[first].index != w - 1) continue;  // a period is missing
    bool combined = false;
    for (size_t k = first; k <= i && !d.extent.empty(); ++k) combined = combined || d.extent[k] != 0;
    if (combined) continue;  // a combined 1-2月 is not two periods of the window
    double s = 0;
    for (size_t k = first; k <= i; ++k) s += d.value[k];  // NaN propagates
    out[i] = m == Method::kSum ? s : s / static_cast<double>(w);
  }
  d.value = std::move(out);
  d.Derived();
  return d;
}

SeriesData Cagr(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  const Period from = ev.PeriodParam(n, 1, d);
  const Period to = ev.PeriodParam(n, 2, d);
  if (to.index <= from.index) ev.Err(n.bound[2].pos, "cagr() needs the end after the start");
  const double a = d.At(from), b = d.At(to);
  const double years = static_cast<double>(to.index - from.index) / PeriodsPerYear(d.freq);
  double r = kNaN;
  if (!std::isnan(a) && !std::isnan(b) && a > 0 && b >= 0) r = (std::pow(b / a, 1 / years) - 1) * 100;
  SeriesData out;
  out.label = d.label;
  out.freq = d.freq;
  out.cumulative = d.cumulative;
  out.unit = "%";
  out.measure = MeasureKind::kGrowth;
  out.period = {to};
  out.value = {r};
  out.from = {from};
  return out;
}

SeriesData Yoy(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  const int k = PeriodsPerYear(d.freq);
  return Change(std::move(d), k, true);
}

SeriesData Pop(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  if (d.cumulative) {
    ev.Err(n.pos, "pop() of cumulative series " + d.label +
                      " would compare spans of different length (H1 with Q1); use "
                      "pop(discrete(x)) for levels or yoy(x)");
  }
  return Change(std::move(d), 1, true);
}

SeriesData Diff(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  const int64_t k = *n.bound[1].integer;
  if (k < 1 || k > kMaxShift) ev.Err(n.bound[1].pos, "diff() needs n between 1 and " + std::to_string(kMaxShift));
  if (d.cumulative && k % PeriodsPerYear(d.freq) != 0) {
    ev.Err(n.bound[1].pos, "diff() of cumulative series " + d.label + " needs n a multiple of " +
                               std::to_string(PeriodsPerYear(d.freq)) +
                               " (the same span a year earlier); use diff(discrete(x), n)");
  }
  return Change(std::move(d), static_cast<int>(k), false);
}

SeriesData LagOrLead(Evaluator& ev, const ast::Node& n, const Ctx& ctx, bool lag) {
  SeriesData d = ev.Arg(n, 0, ctx);
  const int64_t k = *n.bound[1].integer;
  if (k < 0 || k > kMaxShift) {
    ev.Err(n.bound[1].pos, n.text + "() needs n between 0 and " + std::to_string(kMaxShift));
  }
  return Shift(std::move(d), lag ? k : -k);
}
SeriesData Lag(Evaluator& ev, const ast::Node& n, const Ctx& ctx) { return LagOrLead(ev, n, ctx, true); }
SeriesData Lead(Evaluator& ev, const ast::Node& n, const Ctx& ctx) { return LagOrLead(ev, n, ctx, false); }

SeriesData Log(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  for (double& v : d.value) v = (std::isnan(v) || v <= 0) ? kNaN : std::log(v);
  d.unit = "";
  d.measure = MeasureKind::kRatio;
  d.Derived();
  return d;
}

SeriesData RollingCall(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  const int64_t w = *n.bound[1].integer;
  if (w < 1 || w > kMaxWindow) ev.Err(n.bound[1].pos, "rolling() needs n between 1 and " + std::to_string(kMaxWindow));
  return Rolling(ev, n, ev.Arg(n, 0, ctx), w, ParseMethod(n.bound[2].word));
}

Param X() { return {"x", ParamKind::kSeries, "", false, {}}; }
Param N(const char* name, const char* def) { return {name, ParamKind::kInteger, def, false, {}}; }
Param P(const char* name) { return {name, ParamKind::kPeriod, "", false, {}}; }

}  // namespace

void RegisterTransformFunctions(FunctionRegistry& r) {
  r.Add({"yoy", "transforms", {X()}, ResultShape::kSeries, "% for levels, counts and ratios; pp for rates, shares and growth rates",
         "year-over-year change", "levels: (x[p] / x[p-k] - 1) * 100; rates: x[p] - x[p-k] (k periods per year)",
         "yoy(gdp)", Yoy});
  r.Add({"pop", "transforms", {X()}, ResultShape::kSeries, "% or pp, as yoy", "change on the previous period",
         "levels: (x[p] / x[p-1] - 1) * 100; rates: x[p] - x[p-1]", "pop(retail)", Pop});
  r.Add({"diff", "transforms", {X(), N("n", "1")}, ResultShape::kSeries, "unit of x; pp for %",
         "difference from n periods earlier", "x[p] - x[p-n]", "diff(gdp)", Diff});
  r.Add({"lag", "transforms", {X(), N("n", "1")}, ResultShape::kSeries, "unit of x",
         "the series moved n periods later", "x[p-n]", "lag(gdp, 1)", Lag});
  r.Add({"lead", "transforms", {X(), N("n", "1")}, ResultShape::kSeries, "unit of x",
         "the series moved n periods earlier", "x[p+n]", "lead(gdp, 1)", Lead});
  r.Add({"cagr", "transforms", {X(), P("from"), P("to")}, ResultShape::kSeries, "%",
         "compound annual growth from one period to another",
         "((x[to] / x[from])^(1/y) - 1) * 100, y = years between them", "cagr(gdp, 2019, 2023)", Cagr});
  r.Add({"log", "transforms", {X()}, ResultShape::kSeries, "none", "natural logarithm",
         "ln x[p], empty when x[p] <= 0", "log(gdp)", Log});
  r.Add({"rolling", "transforms",
         {X(), N("n", ""), {"method", ParamKind::kWord, "avg", false, {"avg", "sum"}}},
         ResultShape::kSeries, "unit of x", "moving average (or sum) over n periods",
         "mean or sum of x[p-n+1] ... x[p]", "rolling(retail, 3)", RollingCall});
}

}  // namespace ixdb::query
