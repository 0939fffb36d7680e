// Transforms of one series along its periods: yoy, pop, pca, diff, lag, lead, log, rolling.
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

// x against the value `lag` periods earlier: % change for levels, difference for rates.
SeriesData Change(SeriesData d, int lag, bool percent_if_level) {
  const bool points = d.Points();
  const bool percent = percent_if_level && !points;
  if (percent) {
    WithEarlier(d, lag,
                [](double cur, double base) { return base != 0 ? (cur / base - 1) * 100 : kNaN; });
    d.unit = "%";
    d.measure = MeasureKind::kGrowth;
    d.growth_lag = lag;
  } else {
    WithEarlier(d, lag, [](double cur, double base) { return DecimalDiff(cur, base); });
    if (points) {
      d.unit = "pp";
      d.measure = MeasureKind::kRate;
    }
    d.growth_lag = 0;
  }
  d.Derived();
  return d;
}

SeriesData Shift(SeriesData d, int64_t k) {
  for (Period& p : d.period) p = p.Shifted(static_cast<int32_t>(k));
  d.Derived();
  return d;
}

// The window of row i: rows first..last, with weights (1 each; a centered window of even n is
// the 2 x n average: half weights at its two ends, as in classical decomposition).
struct Window {
  size_t first = 0, last = 0;
  bool half_ends = false;
};

bool WindowOf(const SeriesData& d, size_t i, int64_t w, bool center, Window* out) {
  const int64_t before = center ? w / 2 : w - 1;
  const int64_t after = center ? w / 2 : 0;
  out->half_ends = center && w % 2 == 0;
  if (static_cast<int64_t>(i) < before ||
      static_cast<int64_t>(i + after) >= static_cast<int64_t>(d.size())) {
    return false;
  }
  out->first = i - static_cast<size_t>(before);
  out->last = i + static_cast<size_t>(after);
  // Every period of the window present (no gap), none a combined 1-2月 (two periods in one).
  if (d.period[out->last].index - d.period[out->first].index != before + after) return false;
  for (size_t k = out->first; k <= out->last && !d.extent.empty(); ++k) {
    if (d.extent[k] != 0) return false;
  }
  return true;
}

SeriesData Rolling(Evaluator& ev, const ast::Node& n, SeriesData d, int64_t w, Method m,
                   bool center) {
  if (d.cumulative) {
    ev.Err(n.pos, "rolling() over cumulative series " + d.label +
                      " would add overlapping spans; use rolling(discrete(x), n)");
  }
  if (m == Method::kSum && d.Points()) {
    ev.Err(n.pos, "a rolling sum of " + d.label + " (" + d.unit + ") adds rates; use avg");
  }
  std::vector<double> out(d.size(), kNaN);
  std::vector<uint8_t> qual(d.AnyQualified() ? d.size() : 0, 0);
  for (size_t i = 0; i < d.size(); ++i) {
    Window win;
    if (!WindowOf(d, i, w, center, &win)) continue;
    double s = 0;
    uint8_t q = 0;
    for (size_t k = win.first; k <= win.last; ++k) {
      const bool end = win.half_ends && (k == win.first || k == win.last);
      s += end ? d.value[k] / 2 : d.value[k];  // NaN propagates
      q = CombineQualifiers(q, d.QualifierAt(k));
    }
    out[i] = m == Method::kSum ? s : s / static_cast<double>(w);
    if (!qual.empty()) qual[i] = q;
  }
  d.value = std::move(out);
  d.qualifier = std::move(qual);
  d.Derived();
  return d;
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
  if (k < 1 || k > kMaxShift)
    ev.Err(n.bound[1].pos, "diff() needs n between 1 and " + std::to_string(kMaxShift));
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
SeriesData Lag(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  return LagOrLead(ev, n, ctx, true);
}
SeriesData Lead(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  return LagOrLead(ev, n, ctx, false);
}

SeriesData Log(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  for (double& v : d.value) v = (std::isnan(v) || v <= 0) ? kNaN : std::log(v);
  d.unit = "";
  d.measure = MeasureKind::kRatio;
  d.growth_lag = 0;
  d.Derived();
  return d;
}

SeriesData RollingCall(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  const int64_t w = *n.bound[1].integer;
  if (w < 1 || w > kMaxWindow)
    ev.Err(n.bound[1].pos, "rolling() needs n between 1 and " + std::to_string(kMaxWindow));
  return Rolling(ev, n, ev.Arg(n, 0, ctx), w, ParseMethod(n.bound[2].word),
                 n.bound[3].word == "center");
}

// pca(x): the period's growth compounded over a year (FRED's pca, EViews' @pca).
SeriesData Pca(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  if (d.cumulative) {
    ev.Err(n.pos, "pca() of cumulative series " + d.label +
                      " would compare spans of different length; use pca(discrete(x))");
  }
  if (d.Points()) {
    ev.Err(n.pos, "pca() annualizes the growth of a level; " + d.label + " holds " +
                      storage::MeasureName(d.measure) + " values (" + d.unit + "): use diff(x)");
  }
  const double k = PeriodsPerYear(d.freq);
  WithEarlier(d, 1, [k](double cur, double base) {
    return base > 0 && cur >= 0 ? (std::pow(cur / base, k) - 1) * 100 : kNaN;
  });
  d.unit = "%";
  d.measure = MeasureKind::kGrowth;
  d.growth_lag = 0;  // annualized: not a growth on the previous period any more
  d.Derived();
  return d;
}

Param X() { return {"x", ParamKind::kSeries, "", false, {}}; }
Param N(const char* name, const char* def) { return {name, ParamKind::kInteger, def, false, {}}; }

}  // namespace

void RegisterTransformFunctions(FunctionRegistry& r) {
  r.Add({"yoy",
         "transforms",
         {X()},
         ResultShape::kSeries,
         "% for levels, counts and ratios; pp for rates, shares and growth rates",
         "year-over-year change",
         "levels: (x[p] / x[p-k] - 1) * 100; rates: x[p] - x[p-k] (k periods per year)",
         "yoy(gdp)",
         Yoy});
  r.Add({"pop",
         "transforms",
         {X()},
         ResultShape::kSeries,
         "% or pp, as yoy",
         "change on the previous period",
         "levels: (x[p] / x[p-1] - 1) * 100; rates: x[p] - x[p-1]",
         "pop(retail)",
         Pop});
  r.Add({"diff",
         "transforms",
         {X(), N("n", "1")},
         ResultShape::kSeries,
         "unit of x; pp for %",
         "difference from n periods earlier",
         "x[p] - x[p-n]",
         "diff(gdp)",
         Diff});
  r.Add({"lag",
         "transforms",
         {X(), N("n", "1")},
         ResultShape::kSeries,
         "unit of x",
         "the series moved n periods later",
         "x[p-n]",
         "lag(gdp, 1)",
         Lag});
  r.Add({"lead",
         "transforms",
         {X(), N("n", "1")},
         ResultShape::kSeries,
         "unit of x",
         "the series moved n periods earlier",
         "x[p+n]",
         "lead(gdp, 1)",
         Lead});
  r.Add({"pca",
         "transforms",
         {X()},
         ResultShape::kSeries,
         "%",
         "growth on the previous period, annualized (FRED pca, EViews @pca)",
         "((x[p] / x[p-1])^k - 1) * 100, k periods per year",
         "pca(exports_q)",
         Pca});
  r.Add({"log",
         "transforms",
         {X()},
         ResultShape::kSeries,
         "none",
         "natural logarithm",
         "ln x[p], empty when x[p] <= 0",
         "log(gdp)",
         Log});
  r.Add(
      {"rolling",
       "transforms",
       {X(),
        N("n", ""),
        {"method", ParamKind::kWord, "avg", false, {"avg", "sum"}},
        {"align", ParamKind::kWord, "trailing", false, {"trailing", "center"}}},
       ResultShape::kSeries,
       "unit of x",
       "moving average (or sum) over n periods, trailing or centered",
       "trailing: mean or sum of x[p-n+1] ... x[p]; center: of x[p-h] ... x[p+h], h = n/2 (even n: "
       "the 2 x n average, half weights at both ends)",
       "rolling(retail, 3, avg, center)",
       RollingCall});
}

}  // namespace ixdb::query
