// Growth over several periods and its pieces: cagr, avg_growth (年均增长), index, chain,
// contrib (拉动). docs/query-language.md §4 gives every formula.
#include <cmath>
#include <string>
#include <vector>

#include "common/units.hpp"
#include "query/internal/evaluator.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

using storage::MeasureKind;

bool IsPercent(const SeriesData& d) { return ParseUnit(d.unit).percent; }

// A one-row result at `to` covering from..to.
SeriesData OneRow(const SeriesData& d, Period from, Period to, double value, uint8_t qualifier) {
  SeriesData out;
  out.label = d.label;
  out.freq = d.freq;
  out.cumulative = d.cumulative;
  out.unit = "%";
  out.measure = MeasureKind::kGrowth;
  out.period = {to};
  out.value = {value};
  out.from = {from};
  if (qualifier != 0) out.qualifier = {qualifier};
  return out;
}

uint8_t QualifierAtPeriod(const SeriesData& d, Period p) {
  for (size_t i = 0; i < d.size() && !d.qualifier.empty(); ++i) {
    if (d.period[i].index == p.index) return d.qualifier[i];
  }
  return 0;
}

SeriesData Cagr(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  const Period from = ev.PeriodParam(n, 1, d);
  const Period to = ev.PeriodParam(n, 2, d);
  if (to.index <= from.index) ev.Err(n.bound[2].pos, "cagr() needs the end after the start");
  const double a = d.At(from), b = d.At(to);
  const double years = static_cast<double>(to.index - from.index) / PeriodsPerYear(d.freq);
  double r = kNaN;
  if (!std::isnan(a) && !std::isnan(b) && a > 0 && b >= 0)
    r = (std::pow(b / a, 1 / years) - 1) * 100;
  return OneRow(
      d, from, to, r,
      CombineQualifiers(QualifierAtPeriod(d, to), FlipQualifier(QualifierAtPeriod(d, from))));
}

// The rows of a growth series that are annual growth rates: every row of an annual series, the
// full-year spans (Q1-Q4, 1-12月) of a cumulative one. Other series: an error at `pos`.
void RequirePercent(const Evaluator& ev, const ast::Node& n, const SeriesData& d, size_t pos) {
  if (IsPercent(d)) return;
  ev.Err(pos, n.text + "() takes growth rates in %; " + d.label + " is in " +
                  (d.unit.empty() ? std::string("no unit") : d.unit) +
                  (n.text == "avg_growth" ? " (for levels: cagr(x, from, to))"
                                          : " (for levels: index(x, P))"));
}

SeriesData AnnualRates(Evaluator& ev, const ast::Node& n, SeriesData d, size_t pos) {
  RequirePercent(ev, n, d, pos);
  if (d.freq == Frequency::kAnnual) return d;
  if (!d.cumulative) {
    ev.Err(pos,
           n.text + "() needs annual growth rates; " + d.label + " is " + FrequencyName(d.freq) +
               " (not cumulative): use an annual series or a cumulative one (its full-year spans)");
  }
  const int ppy = PeriodsPerYear(d.freq);
  size_t w = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d.period[i].sub() != ppy) continue;
    d.period[w] = d.period[i];
    d.value[w] = d.value[i];
    if (!d.qualifier.empty()) d.qualifier[w] = d.qualifier[i];
    ++w;
  }
  d.period.resize(w);
  d.value.resize(w);
  if (!d.qualifier.empty()) d.qualifier.resize(w);
  d.extent.clear();
  d.Derived();
  return d;
}

// avg_growth(g, a, b): the geometric mean of the annual growth rates of a..b (十四五年均增长).
SeriesData AvgGrowth(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData raw = ev.Arg(n, 0, ctx);
  const Period from = ev.PeriodParam(n, 1, raw);
  const Period to = ev.PeriodParam(n, 2, raw);
  SeriesData d = AnnualRates(ev, n, std::move(raw), n.bound[0].pos);
  const int ppy = PeriodsPerYear(d.freq);
  if (to.index < from.index)
    ev.Err(n.bound[2].pos, "avg_growth() needs the end at or after the start");
  double product = 1;
  uint8_t q = 0;
  int years = 0;
  std::string missing;
  for (int32_t i = from.index; i <= to.index; i += ppy) {
    const Period p{d.freq, i};
    const double g = d.At(p);
    if (std::isnan(g)) {
      if (missing.empty()) missing = FormatPeriod(p, d.cumulative);
      continue;
    }
    product *= 1 + g / 100;
    q = CombineQualifiers(q, QualifierAtPeriod(d, p));
    ++years;
  }
  double r = kNaN;
  if (!missing.empty()) {
    ev.Note("avg_growth(): " + d.label + " has no growth rate for " + missing + ": no average");
  } else if (product > 0) {
    r = (std::pow(product, 1.0 / years) - 1) * 100;
  }
  return OneRow(d, from, to, r, q);
}

// index(x, P): x rebased to 100 at P; every row empty (with a note) when x[P] is missing or 0.
SeriesData Index(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  const Period base = ev.PeriodParam(n, 1, d);
  if (d.Points()) {
    ev.Err(n.bound[0].pos, "index() rebases a level; " + d.label + " holds " +
                               storage::MeasureName(d.measure) + " values (" + d.unit +
                               "): for growth rates use chain(x)");
  }
  const std::string base_text = FormatPeriod(base, d.cumulative);
  const double b = d.At(base);
  const uint8_t qb = FlipQualifier(QualifierAtPeriod(d, base));
  if (std::isnan(b) || b == 0) {
    ev.Note("index(): " + d.label + " has " + (std::isnan(b) ? "no value" : "the value 0") +
            " for " + base_text + ": every row is empty");
  }
  for (size_t i = 0; i < d.size(); ++i) {
    d.value[i] = std::isnan(b) || b == 0 ? kNaN : d.value[i] / b * 100;
    if (!d.qualifier.empty() || qb != 0) d.SetQualifier(i, CombineQualifiers(d.QualifierAt(i), qb));
  }
  d.unit = "index (" + base_text + "=100)";
  d.measure = MeasureKind::kLevel;
  d.growth_lag = 0;
  d.Derived();
  return d;
}

// chain(g): an index from growth rates on the previous period (annual rates, or the full-year
// spans of a cumulative series): 100 the period before the first rate, then x (1 + g/100).
SeriesData Chain(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData raw = ev.Arg(n, 0, ctx);
  if (raw.freq != Frequency::kAnnual && !raw.cumulative && IsPercent(raw) && raw.growth_lag != 1) {
    ev.Err(n.bound[0].pos,
           "chain() multiplies growth rates on the previous period; " + raw.label +
               (raw.growth_lag == PeriodsPerYear(raw.freq) ? " holds year-on-year (同比) rates"
                                                           : " holds rates of unknown base") +
               ": chaining them " + FrequencyName(raw.freq) + " by " + FrequencyName(raw.freq) +
               " would be wrong (use annual rates, or chain(pop(x)))");
  }
  const bool per_period = raw.freq != Frequency::kAnnual && !raw.cumulative;
  SeriesData d = per_period ? std::move(raw) : AnnualRates(ev, n, std::move(raw), n.bound[0].pos);
  RequirePercent(ev, n, d, n.bound[0].pos);
  const int step = per_period ? 1 : PeriodsPerYear(d.freq);
  SeriesData out;
  out.label = d.label;
  out.freq = d.freq;
  out.cumulative = d.cumulative;
  out.measure = MeasureKind::kLevel;
  size_t i = 0;
  while (i < d.size() && std::isnan(d.value[i])) ++i;  // the chain starts at the first rate
  if (i == d.size()) {
    out.unit = "index";
    return out;
  }
  const Period start{d.freq, d.period[i].index - step};
  out.unit = "index (" + FormatPeriod(start, d.cumulative) + "=100)";
  double level = 100;
  uint8_t q = 0;
  out.period.push_back(start);
  out.value.push_back(level);
  out.qualifier.push_back(0);
  bool broken = false;
  for (int32_t idx = d.period[i].index; idx <= d.period.back().index; idx += step) {
    const Period p{d.freq, idx};
    const double g = d.At(p);
    if (std::isnan(g) && !broken) {
      broken = true;
      ev.Note("chain(): " + d.label + " has no rate for " + FormatPeriod(p, d.cumulative) +
              ": the index is empty from there on");
    }
    level = broken ? kNaN : level * (1 + g / 100);
    q = CombineQualifiers(q, QualifierAtPeriod(d, p));
    out.period.push_back(p);
    out.value.push_back(level);
    out.qualifier.push_back(q);
  }
  if (!out.AnyQualified()) out.qualifier.clear();
  return out;
}

// contrib(part, total): part's change on a year earlier as points of total's level a year
// earlier: (part[p] - part[p-k]) / total[p-k] * 100 (拉动).
SeriesData Contrib(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData part = ev.Arg(n, 0, ctx);
  SeriesData total = ev.Arg(n, 1, ctx);
  for (const SeriesData* d : {&part, &total}) {
    if (d->Points()) {
      ev.Err(n.bound[d == &part ? 0 : 1].pos, "contrib() takes levels; " + d->label + " holds " +
                                                  storage::MeasureName(d->measure) + " values (" +
                                                  d->unit + ")");
    }
  }
  auto f = UnitConversionFactor(part.unit, total.unit);
  if (!f.ok()) {
    ev.Err(n.pos, "contrib(): cannot compare " + part.label + " (" + part.unit + ") with " +
                      total.label + " (" + total.unit + "): the units measure different things");
  }
  if (part.freq != total.freq || part.cumulative != total.cumulative) {
    ev.Err(n.pos, "contrib(): " + part.label + " and " + total.label +
                      " differ in frequency; convert one first, e.g. annual(x, sum)");
  }
  const int k = PeriodsPerYear(part.freq);
  // total a year earlier, placed at p.
  SeriesData base = total;
  for (Period& p : base.period) p = p.Shifted(k);
  SeriesData diff = part;
  WithEarlier(diff, k, [](double cur, double prev) { return DecimalDiff(cur, prev); });
  SeriesData out = part;
  for (size_t i = 0; i < out.size(); ++i) {
    const double t = base.At(out.period[i]);
    out.value[i] = t != 0 && !std::isnan(t) ? ScaleByUnit(diff.value[i], *f) / t * 100 : kNaN;
    const uint8_t q = CombineQualifiers(diff.QualifierAt(i),
                                        FlipQualifier(QualifierAtPeriod(base, out.period[i])));
    if (q != 0 || !out.qualifier.empty()) out.SetQualifier(i, q);
  }
  out.unit = "pp";
  out.measure = MeasureKind::kRate;
  out.growth_lag = 0;
  out.Derived();
  return out;
}

Param X(const char* name = "x") { return {name, ParamKind::kSeries, "", false, {}}; }
Param P(const char* name) { return {name, ParamKind::kPeriod, "", false, {}}; }

}  // namespace

void RegisterGrowthFunctions(FunctionRegistry& r) {
  FunctionDef cagr{"cagr",
                   "growth",
                   {X(), P("from"), P("to")},
                   ResultShape::kSeries,
                   "%",
                   "compound annual growth of a level from one period to another",
                   "((x[to] / x[from])^(1/y) - 1) * 100, y = years between them",
                   "cagr(gdp, 2019, 2023)",
                   Cagr};
  cagr.from_column = true;
  r.Add(std::move(cagr));
  FunctionDef avg{
      "avg_growth",
      "growth",
      {X("g"), P("from"), P("to")},
      ResultShape::kSeries,
      "%",
      "average annual growth over from..to from growth rates (年均增长)",
      "((prod over the years t of (1 + g_t/100))^(1/n) - 1) * 100, n years; annual rates or "
      "the full-year spans of a cumulative series",
      "avg_growth(gdp_growth, 2021, 2023)",
      AvgGrowth};
  avg.from_column = true;
  r.Add(std::move(avg));
  r.Add({"index",
         "growth",
         {X(), P("base")},
         ResultShape::kSeries,
         "index (P=100)",
         "x rebased to 100 at a period",
         "x[p] / x[base] * 100; empty when x[base] is missing or 0",
         "index(gdp, 2020)",
         Index});
  r.Add({"chain",
         "growth",
         {X("g")},
         ResultShape::kSeries,
         "index (P0=100)",
         "an index from growth rates on the previous period",
         "100 at the period before the first rate, then index[p] = index[p-1] * (1 + g[p]/100)",
         "chain(real_growth)",
         Chain});
  r.Add({"contrib",
         "growth",
         {X("part"), X("total")},
         ResultShape::kSeries,
         "pp",
         "contribution of a part to the growth of the total (拉动)",
         "(part[p] - part[p-k]) / total[p-k] * 100, k periods per year, part in total's unit",
         "contrib(industry, gva)",
         Contrib});
}

}  // namespace ixdb::query
