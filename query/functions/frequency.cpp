// Frequency and span conversions: discrete (single periods from year-to-date levels),
// quarterly and annual aggregation. docs/query-language.md §4.
#include <cmath>
#include <string>

#include "query/internal/evaluator.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

SeriesData Discrete(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  if (!d.cumulative) {
    ev.Err(n.pos, "discrete() needs a cumulative (year-to-date) series; " + d.label + " is not");
  }
  if (d.Points()) {
    ev.Err(n.pos, "discrete() derives single periods from cumulative levels; " + d.label +
                   " holds " + storage::MeasureName(d.measure) + " values (" + d.unit +
                   "), and single-period growth cannot be derived from cumulative growth rates");
  }
  std::vector<double> out(d.size(), kNaN);
  std::vector<uint8_t> extent;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d.period[i].sub() == 1) {
      out[i] = d.value[i];
    } else if (i > 0 && d.period[i - 1].index == d.period[i].index - 1) {
      out[i] = DecimalDiff(d.value[i], d.value[i - 1]);
    } else if (i == 0 || d.period[i - 1].year() != d.period[i].year()) {
      // The year's first figure is a span of several periods (NBS's combined 1-2月): it stays
      // one combined period rather than an empty January and February.
      out[i] = d.value[i];
      extent.resize(d.size(), 0);
      extent[i] = static_cast<uint8_t>(d.period[i].sub() - 1);
    }
  }
  d.value = std::move(out);
  d.extent = std::move(extent);
  d.cumulative = false;
  d.Derived();
  return d;
}

SeriesData ToFrequency(Evaluator& ev, const ast::Node& n, SeriesData d, Frequency to, Method m) {
  const int ratio = PeriodsPerYear(d.freq) / PeriodsPerYear(to);
  if (PeriodsPerYear(d.freq) <= PeriodsPerYear(to)) {
    ev.Err(n.pos, n.text + "() converts to a lower frequency; " +
                   d.label + " is " + FrequencyName(d.freq));
  }
  if (d.cumulative && m != Method::kEnd) {
    ev.Err(n.pos, "cumulative series " + d.label +
                   " already adds up the year: use end, or discrete(x) before sum/avg");
  }
  if (m == Method::kSum && d.Points()) {
    ev.Err(n.pos, "a sum of " + d.label + " (" + d.unit + ") adds rates; use avg or end");
  }
  SeriesData out;
  out.label = d.label;
  out.freq = to;
  out.cumulative = d.cumulative && to != Frequency::kAnnual;
  out.unit = d.unit;
  out.measure = d.measure;
  if (!d.extent.empty() && m == Method::kAvg && d.Points()) {
    ev.Err(n.pos, "avg of rates over a combined period (1-2月) would count it once: use end");
  }
  size_t i = 0;
  while (i < d.size()) {
    const int group = FloorDiv(d.period[i].index, ratio);
    double sum = 0;
    int present = 0;
    double last = kNaN;
    size_t k = i;
    for (; k < d.size() && FloorDiv(d.period[k].index, ratio) == group; ++k) {
      if (!std::isnan(d.value[k])) {
        sum += d.value[k];
        present += 1 + d.ExtentAt(k);  // a combined 1-2月 stands for two months
      }
      if (d.period[k].index == group * ratio + ratio - 1) last = d.value[k];
    }
    double v = kNaN;
    if (m == Method::kEnd) {
      v = last;
    } else if (present == ratio) {  // only complete periods
      v = m == Method::kSum ? sum : sum / ratio;
    }
    out.period.push_back(Period{to, group});
    out.value.push_back(v);
    i = k;
  }
  return out;
}

SeriesData Annual(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  return ToFrequency(ev, n, ev.Arg(n, 0, ctx), Frequency::kAnnual, ParseMethod(n.bound[1].word));
}
SeriesData Quarterly(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  return ToFrequency(ev, n, ev.Arg(n, 0, ctx), Frequency::kQuarterly, ParseMethod(n.bound[1].word));
}

Param X() { return {"x", ParamKind::kSeries, "", false, {}}; }
Param M() { return {"method", ParamKind::kWord, "", false, {"sum", "avg", "end"}}; }

}  // namespace

void RegisterFrequencyFunctions(FunctionRegistry& r) {
  r.Add({"discrete", "frequency", {X()}, ResultShape::kSeries, "unit of x",
         "single quarters or months from a cumulative (year-to-date) level series",
         "x[p] for the first period of the year, else x[p] - x[p-1] within the year",
         "discrete(gdp_cum)", Discrete});
  r.Add({"quarterly", "frequency", {X(), M()}, ResultShape::kSeries, "unit of x",
         "monthly to quarterly", "sum or mean of the quarter's months (all present), or the last (end)",
         "quarterly(retail, sum)", Quarterly});
  r.Add({"annual", "frequency", {X(), M()}, ResultShape::kSeries, "unit of x",
         "monthly or quarterly to annual", "sum or mean of the year's periods (all present), or the last (end)",
         "annual(retail, sum)", Annual});
}

}  // namespace ixdb::query
