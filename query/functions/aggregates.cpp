// Aggregates: stats(x) over every value of an expression, and the folds sum, avg, min, max and
// count of a series(...) selection into one series, period by period. docs/query-language.md §8.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "common/units.hpp"
#include "query/internal/evaluator.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/for_each_binding.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

// Values of several series are added only in one unit: each series' partial aggregate is
// brought into the first series' unit (亿元 + 万亿元), and series whose units measure different
// things (亿元 and 万人) are refused rather than summed.
Table Stats(Executor& ex, const ast::Node& n, const Ctx& ctx) {
  const ast::Node& root = *n.bound[0].expr;
  Plan plan = ex.MakePlan(root);
  struct Agg {
    uint64_t count = 0, nulls = 0, series = 0;
    double sum = 0, min = std::numeric_limits<double>::infinity(),
           max = -std::numeric_limits<double>::infinity();
    std::string unit, label;
  } agg;
  std::string first_label;
  bool first = true;
  // Each series is folded on its worker thread in its own unit; partial aggregates are added in
  // selection order so that the result does not depend on scheduling.
  auto map = [](SeriesData&& d, Agg& a) {
    a.series = 1;
    a.unit = std::move(d.unit);
    a.label = std::move(d.label);
    double sum = 0, mn = a.min, mx = a.max;
    uint64_t count = 0;
    for (double v : d.value) {
      if (std::isnan(v)) continue;
      ++count;
      sum += v;
      mn = v < mn ? v : mn;
      mx = v > mx ? v : mx;
    }
    a.count = count;
    a.nulls = d.value.size() - count;
    a.sum = sum;
    a.min = mn;
    a.max = mx;
  };
  ex.ForEachBinding<Agg>(
      root, ctx, plan, std::numeric_limits<size_t>::max() / 2, map, [&](Agg&& a) {
        double f = 1;
        if (first) {
          agg.unit = a.unit;
          first_label = a.label;
          first = false;
        } else if (a.unit != agg.unit) {
          // Combined as + combines them: % and pp as percentages, 万亿元 into 亿元.
          const SumUnit su = AddableUnits(agg.unit, a.unit);
          if (!su.ok) {
            ex.Err(n.pos, "stats(): cannot combine " + first_label + " (" +
                              (agg.unit.empty() ? std::string("no unit") : agg.unit) + ") and " +
                              a.label + " (" + (a.unit.empty() ? std::string("no unit") : a.unit) +
                              "): the units measure different things");
          }
          agg.unit = su.unit;
          f = su.factor;
        }
        agg.series += a.series;
        agg.count += a.count;
        agg.nulls += a.nulls;
        if (a.count > 0 && f != 1) {
          // Unit factors are positive powers of ten: min and max stay min and max.
          a.sum = ScaleByUnit(a.sum, f);
          a.min = ScaleByUnit(a.min, f);
          a.max = ScaleByUnit(a.max, f);
        }
        agg.sum += a.sum;
        agg.min = std::min(agg.min, a.min);
        agg.max = std::max(agg.max, a.max);
        return true;
      });
  std::vector<Column> cols = {
      {"series", ColumnType::kInteger, ""},    {"count", ColumnType::kInteger, ""},
      {"nulls", ColumnType::kInteger, ""},     {"sum", ColumnType::kNumber, agg.unit},
      {"mean", ColumnType::kNumber, agg.unit}, {"min", ColumnType::kNumber, agg.unit},
      {"max", ColumnType::kNumber, agg.unit},  {"unit", ColumnType::kString, ""}};
  RowCollector rc = ex.Rows(cols);
  const bool any = agg.count > 0;
  rc.Add({Cell{static_cast<int64_t>(agg.series)}, Cell{static_cast<int64_t>(agg.count)},
          Cell{static_cast<int64_t>(agg.nulls)}, any ? Cell{agg.sum} : Cell{},
          any ? Cell{agg.sum / static_cast<double>(agg.count)} : Cell{},
          any ? Cell{agg.min} : Cell{}, any ? Cell{agg.max} : Cell{}, OptStr(agg.unit)});
  return rc.Finish({});
}

// ---- folds of a selection ----------------------------------------------------------------
enum class Fold : uint8_t { kSum, kAvg, kMin, kMax, kCount };

Fold FoldOf(const std::string& name) {
  return name == "sum"   ? Fold::kSum
         : name == "avg" ? Fold::kAvg
         : name == "min" ? Fold::kMin
         : name == "max" ? Fold::kMax
                         : Fold::kCount;
}

// Per period: the running fold and how many series had a value there.
struct Cell_ {
  double value = 0;
  uint32_t present = 0, seen = 0;
  uint8_t qualifier = 0;
  uint8_t extent = 0;
  bool mixed_extent = false;
};

// A per-capita or per-10k figure (measure ratio), or a quotient x / y: summed over districts it
// means nothing (5G stations per 10k people of two districts do not add up). A product x * y of
// two units (price * quantity) is a level again and adds up. Over time (annual(x, sum), ytd)
// ratios are left to the user like levels: per-capita income is a flow and does add up.
bool IsQuotient(const SeriesData& d) {
  return d.measure == storage::MeasureKind::kRatio && d.unit.find('*') == std::string::npos &&
         d.unit.find('^') == std::string::npos;
}

// sum(e), avg(e), min(e), max(e), count(e) with e over series(...): one row per period. Values
// are brought into the first series' unit as + does (units that measure different things are
// an error); sum, avg, min and max keep the periods every series has, count every period.
SeriesData FoldCall(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  const Fold fold = FoldOf(n.text);
  const MetaList& selection = ev.Folded(n);
  const ast::Node& arg = *n.bound[0].expr;
  SeriesData out;
  out.label = ev.Text(n);
  if (selection.empty()) {
    ev.Note(out.label + ": the selection holds no series");
    return out;
  }
  std::map<int32_t, Cell_> cells;
  std::string first_text;
  for (size_t s = 0; s < selection.size(); ++s) {
    SeriesData d = ev.Eval(arg, ctx, selection[s]);
    if (d.scalar) ev.Err(arg.pos, n.text + "() needs a series, not a number");
    if (d.unit == kPercentProductUnit) ev.ErrPercentProduct(arg);
    double factor = 1;
    if (s == 0) {
      out.freq = d.freq;
      out.cumulative = d.cumulative;
      out.unit = fold == Fold::kCount ? "" : d.unit;
      out.measure = fold == Fold::kCount ? storage::MeasureKind::kCount : d.measure;
      first_text =
          selection[0]->code + " (" + (d.unit.empty() ? std::string("no unit") : d.unit) + ")";
      if (fold == Fold::kSum && d.Points()) {
        ev.Err(n.pos, "sum() of " + selection[0]->code + " (" + d.unit + ") adds rates; use avg");
      }
      if (fold == Fold::kSum && IsQuotient(d)) {
        ev.Err(n.pos, "sum() of " + selection[0]->code +
                          " adds ratios (per capita, per 10k, or a quotient) across series, which "
                          "means nothing; use avg, or sum the numerators and divide by the sum "
                          "of the denominators");
      }
    } else {
      if (d.freq != out.freq || d.cumulative != out.cumulative) {
        ev.Err(n.pos, n.text + "(): cannot align " + first_text + " with " + selection[s]->code +
                          " (" + FrequencyName(d.freq) + (d.cumulative ? ", cumulative" : "") +
                          ") by period; select series of one frequency (freq=...)");
      }
      if (fold != Fold::kCount) {
        const SumUnit su = AddableUnits(out.unit, d.unit);
        if (!su.ok) {
          ev.Err(n.pos, n.text + "(): cannot combine " + first_text + " and " + selection[s]->code +
                            " (" + (d.unit.empty() ? std::string("no unit") : d.unit) +
                            "): the units measure different things");
        }
        out.unit = su.unit;
        factor = su.factor;
      }
    }
    for (size_t i = 0; i < d.size(); ++i) {
      Cell_& c = cells[d.period[i].index];
      ++c.seen;
      if (c.seen == 1)
        c.extent = d.ExtentAt(i);
      else if (c.extent != d.ExtentAt(i))
        c.mixed_extent = true;  // 1-2月 with February alone
      const double v = ScaleByUnit(d.value[i], factor);
      if (std::isnan(v)) continue;
      ++c.present;
      c.qualifier = CombineQualifiers(c.qualifier, d.QualifierAt(i));
      if (c.present == 1) {
        c.value = v;
      } else if (fold == Fold::kSum || fold == Fold::kAvg) {
        c.value = DecimalSum(c.value, v);
      } else if (fold == Fold::kMin) {
        c.value = std::min(c.value, v);
      } else if (fold == Fold::kMax) {
        c.value = std::max(c.value, v);
      }
    }
  }
  const auto all = static_cast<uint32_t>(selection.size());
  for (const auto& [index, c] : cells) {
    double v = kNaN;
    if (fold == Fold::kCount) {
      v = c.present;
    } else if (c.present == all && !c.mixed_extent) {
      v = fold == Fold::kAvg ? c.value / all : c.value;
    } else if (c.seen < all) {
      continue;  // a period some series do not have
    }
    out.period.push_back(Period{out.freq, index});
    out.value.push_back(v);
    if (c.extent != 0 && !c.mixed_extent) {
      out.extent.resize(out.size(), 0);
      out.extent.back() = c.extent;
    } else if (!out.extent.empty()) {
      out.extent.resize(out.size(), 0);
    }
    if (fold != Fold::kCount && (c.qualifier != 0 || !out.qualifier.empty())) {
      out.SetQualifier(out.size() - 1, c.qualifier);
    }
  }
  return out;
}

}  // namespace

void RegisterAggregateFunctions(FunctionRegistry& r) {
  struct FoldInfo {
    const char* name;
    const char* summary;
    const char* formula;
    const char* unit;
  };
  const FoldInfo folds[] = {
      {"sum", "the sum over a selection of series, period by period (the sum over districts)",
       "sum over the selected series s of e_s[p], periods every series has",
       "unit of the first series"},
      {"avg", "the mean over a selection of series, period by period", "sum / number of series",
       "unit of the first series"},
      {"min", "the smallest value over a selection of series, period by period",
       "min over s of e_s[p]", "unit of the first series"},
      {"max", "the largest value over a selection of series, period by period",
       "max over s of e_s[p]", "unit of the first series"},
      {"count", "how many series of a selection have a value, period by period",
       "number of s with e_s[p] present, every period any series has", "none (a count)"},
  };
  for (const FoldInfo& f : folds) {
    FunctionDef def{f.name,
                    "aggregates",
                    {{"e", ParamKind::kSeries, "", false, {}}},
                    ResultShape::kSeries,
                    f.unit,
                    f.summary,
                    f.formula,
                    std::string(f.name) + "(series(dgdp_*))",
                    FoldCall};
    def.folds_selection = true;
    r.Add(std::move(def));
  }
  r.Add({"stats",
         "aggregates",
         {{"x", ParamKind::kSeries, "", false, {}}},
         ResultShape::kTable,
         "unit of x",
         "count, nulls, sum, mean, min and max over every value of x",
         "series,count,nulls,sum,mean,min,max,unit (values brought into the first series' unit)",
         "stats(yoy(series(*)))",
         nullptr,
         Stats});
}

}  // namespace ixdb::query
