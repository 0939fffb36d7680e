// Frequency and span conversions: discrete (single periods from year-to-date levels), ytd (the
// reverse), ttm (trailing twelve months), quarterly and annual aggregation.
// docs/query-language.md §4.
#include <algorithm>
#include <cmath>
#include <optional>
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
  std::vector<uint8_t> qual(d.AnyQualified() ? d.size() : 0, 0);
  for (size_t i = 0; i < d.size(); ++i) {
    if (!qual.empty()) qual[i] = d.qualifier[i];
    if (d.period[i].sub() == 1) {
      out[i] = d.value[i];
    } else if (i > 0 && d.period[i - 1].index == d.period[i].index - 1) {
      out[i] = DecimalDiff(d.value[i], d.value[i - 1]);
      if (!qual.empty())
        qual[i] = CombineQualifiers(d.qualifier[i], FlipQualifier(d.qualifier[i - 1]));
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
  d.qualifier = std::move(qual);
  d.cumulative = false;
  d.Derived();
  return d;
}

// A level series that can be accumulated over the year (ytd, ttm): not annual, not rates.
void RequireLevels(Evaluator& ev, const ast::Node& n, const SeriesData& d) {
  if (d.freq == Frequency::kAnnual) {
    ev.Err(n.bound[0].pos,
           n.text + "() needs monthly or quarterly values; " + d.label + " is annual");
  }
  if (d.Points()) {
    ev.Err(n.bound[0].pos, n.text + "() adds up levels; " + d.label + " holds " +
                               storage::MeasureName(d.measure) + " values (" + d.unit +
                               "), which do not add up over the year");
  }
}

// ytd(x): the year-to-date spans of a discrete (当月/当季) level series. A combined 1-2月
// (one value for two months) is the 1-2月 span itself; a missing period leaves the rest of its
// year empty.
SeriesData Ytd(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  if (d.cumulative) {
    ev.Err(n.bound[0].pos,
           "ytd() accumulates single periods; " + d.label + " is already cumulative");
  }
  RequireLevels(ev, n, d);
  const int ppy = PeriodsPerYear(d.freq);
  double sum = 0;
  uint8_t q = 0;
  int32_t next = 0;  // the index the next row must have to continue its year
  bool open = false;
  for (size_t i = 0; i < d.size(); ++i) {
    const Period p = d.period[i];
    const int32_t first = p.index - d.ExtentAt(i);  // the first period the row covers
    if (first == FloorDiv(p.index, ppy) * ppy) {    // the row starts its year
      sum = 0;
      q = 0;
      open = true;
      next = first;
    }
    if (!open || first != next) {
      open = false;  // a period is missing: the rest of the year is unknown
      d.value[i] = kNaN;
      continue;
    }
    sum = DecimalSum(sum, d.value[i]);  // NaN propagates
    q = CombineQualifiers(q, d.QualifierAt(i));
    d.value[i] = sum;
    if (!d.qualifier.empty()) d.qualifier[i] = q;
    next = p.index + 1;
  }
  d.cumulative = true;
  d.extent.clear();
  d.Derived();
  return d;
}

// ttm(x): the total of the twelve months (four quarters) ending at each period. From a
// cumulative series: ytd(p) + full year(y-1) - ytd(p a year earlier); from a discrete one: the
// sum of the periods covering the last year. Empty until a full year is covered.
SeriesData Ttm(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  RequireLevels(ev, n, d);
  const int ppy = PeriodsPerYear(d.freq);
  std::vector<double> out(d.size(), kNaN);
  std::vector<uint8_t> qual(d.AnyQualified() ? d.size() : 0, 0);
  auto row_of = [&](int32_t index) -> std::optional<size_t> {
    auto it = std::lower_bound(d.period.begin(), d.period.end(), index,
                               [](const Period& a, int32_t b) { return a.index < b; });
    if (it == d.period.end() || it->index != index) return std::nullopt;
    return static_cast<size_t>(it - d.period.begin());
  };
  for (size_t i = 0; i < d.size(); ++i) {
    const Period p = d.period[i];
    if (d.cumulative) {
      if (p.sub() == ppy) {
        out[i] = d.value[i];
        if (!qual.empty()) qual[i] = d.qualifier[i];
        continue;
      }
      const auto year_before = row_of(FloorDiv(p.index, ppy) * ppy - 1);  // last year's full span
      const auto same_before = row_of(p.index - ppy);
      if (!year_before || !same_before) continue;
      out[i] = DecimalDiff(DecimalSum(d.value[i], d.value[*year_before]), d.value[*same_before]);
      if (!qual.empty()) {
        qual[i] = CombineQualifiers(CombineQualifiers(d.qualifier[i], d.qualifier[*year_before]),
                                    FlipQualifier(d.qualifier[*same_before]));
      }
      continue;
    }
    // Discrete: walk back over rows until exactly ppy periods are covered.
    int covered = 0;
    double sum = 0;
    uint8_t q = 0;
    int32_t expect = p.index;
    for (size_t k = i + 1; k-- > 0 && covered < ppy;) {
      if (d.period[k].index != expect) break;  // a gap
      covered += 1 + d.ExtentAt(k);
      sum = DecimalSum(sum, d.value[k]);
      q = CombineQualifiers(q, d.QualifierAt(k));
      expect = d.period[k].index - 1 - d.ExtentAt(k);
    }
    if (covered != ppy) continue;  // too few, or a combined 1-2月 straddling the window's start
    out[i] = sum;
    if (!qual.empty()) qual[i] = q;
  }
  d.value = std::move(out);
  d.qualifier = std::move(qual);
  d.cumulative = false;
  d.extent.clear();
  d.Derived();
  return d;
}

SeriesData ToFrequency(Evaluator& ev, const ast::Node& n, SeriesData d, Frequency to, Method m) {
  const int ratio = PeriodsPerYear(d.freq) / PeriodsPerYear(to);
  if (PeriodsPerYear(d.freq) <= PeriodsPerYear(to)) {
    ev.Err(n.pos, n.text + "() converts to a lower frequency; " + d.label + " is " +
                      FrequencyName(d.freq));
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
  // A year-on-year rate stays one (annual(gdp_growth, end)); others lose their base.
  out.growth_lag = d.growth_lag == PeriodsPerYear(d.freq) ? PeriodsPerYear(to) : 0;
  if (!d.extent.empty() && m == Method::kAvg && d.Points()) {
    ev.Err(n.pos, "avg of rates over a combined period (1-2月) would count it once: use end");
  }
  size_t i = 0;
  while (i < d.size()) {
    const int group = FloorDiv(d.period[i].index, ratio);
    double sum = 0;
    int present = 0;
    double last = kNaN;
    uint8_t q = 0, last_q = 0;
    size_t k = i;
    for (; k < d.size() && FloorDiv(d.period[k].index, ratio) == group; ++k) {
      if (!std::isnan(d.value[k])) {
        sum += d.value[k];
        present += 1 + d.ExtentAt(k);  // a combined 1-2月 stands for two months
        q = CombineQualifiers(q, d.QualifierAt(k));
      }
      if (d.period[k].index == group * ratio + ratio - 1) {
        last = d.value[k];
        last_q = d.QualifierAt(k);
      }
    }
    double v = kNaN;
    uint8_t vq = 0;
    if (m == Method::kEnd) {
      v = last;
      vq = last_q;
    } else if (present == ratio) {  // only complete periods
      v = m == Method::kSum ? sum : sum / ratio;
      vq = q;
    }
    out.period.push_back(Period{to, group});
    out.value.push_back(v);
    if (vq != 0 || !out.qualifier.empty()) out.SetQualifier(out.size() - 1, vq);
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
  r.Add({"ytd",
         "frequency",
         {X()},
         ResultShape::kSeries,
         "unit of x",
         "year-to-date spans from a discrete (当月/当季) level series",
         "ytd[p] = x[first period of the year] + ... + x[p]; a combined 1-2月 stays one two-month "
         "value",
         "ytd(discrete(retail_ytd))",
         Ytd});
  r.Add({"ttm",
         "frequency",
         {X()},
         ResultShape::kSeries,
         "unit of x",
         "trailing twelve-month (four-quarter) total ending at each period",
         "discrete: x[p-k+1] + ... + x[p]; cumulative: ytd(p) + full year(y-1) - ytd(p-k); k "
         "periods per "
         "year; empty until a full year is covered",
         "ttm(retail)",
         Ttm});
  r.Add({"discrete",
         "frequency",
         {X()},
         ResultShape::kSeries,
         "unit of x",
         "single quarters or months from a cumulative (year-to-date) level series",
         "x[p] for the first period of the year, else x[p] - x[p-1] within the year",
         "discrete(gdp_cum)",
         Discrete});
  r.Add({"quarterly",
         "frequency",
         {X(), M()},
         ResultShape::kSeries,
         "unit of x",
         "monthly to quarterly",
         "sum or mean of the quarter's months (all present), or the last (end)",
         "quarterly(retail, sum)",
         Quarterly});
  r.Add({"annual",
         "frequency",
         {X(), M()},
         ResultShape::kSeries,
         "unit of x",
         "monthly or quarterly to annual",
         "sum or mean of the year's periods (all present), or the last (end)",
         "annual(retail, sum)",
         Annual});
}

}  // namespace ixdb::query
