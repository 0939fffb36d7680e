// Aggregates over the values of an expression: stats(x). docs/query-language.md §8.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/units.hpp"
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
  ex.ForEachBinding<Agg>(root, ctx, plan, std::numeric_limits<size_t>::max() / 2, map, [&](Agg&& a) {
    double f = 1;
    if (first) {
      agg.unit = a.unit;
      first_label = a.label;
      first = false;
    } else if (a.unit != agg.unit) {
      if (IsPointsUnit(a.unit) && IsPointsUnit(agg.unit)) {
        // % and pp combine as they do in +: both are percentages.
        if (ParseUnit(a.unit).percent) agg.unit = "%";
      } else {
        auto conv = UnitConversionFactor(a.unit, agg.unit);
        if (!conv.ok()) {
          ex.Err(n.pos, "stats(): cannot combine " + first_label + " (" +
                            (agg.unit.empty() ? std::string("no unit") : agg.unit) + ") and " +
                            a.label + " (" + (a.unit.empty() ? std::string("no unit") : a.unit) +
                            "): the units measure different things");
        }
        f = *conv;
      }
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
  std::vector<Column> cols = {{"series", ColumnType::kInteger, ""},
                              {"count", ColumnType::kInteger, ""},
                              {"nulls", ColumnType::kInteger, ""},
                              {"sum", ColumnType::kNumber, agg.unit},
                              {"mean", ColumnType::kNumber, agg.unit},
                              {"min", ColumnType::kNumber, agg.unit},
                              {"max", ColumnType::kNumber, agg.unit},
                              {"unit", ColumnType::kString, ""}};
  RowCollector rc = ex.Rows(cols);
  const bool any = agg.count > 0;
  rc.Add({Cell{static_cast<int64_t>(agg.series)}, Cell{static_cast<int64_t>(agg.count)},
          Cell{static_cast<int64_t>(agg.nulls)}, any ? Cell{agg.sum} : Cell{},
          any ? Cell{agg.sum / static_cast<double>(agg.count)} : Cell{},
          any ? Cell{agg.min} : Cell{}, any ? Cell{agg.max} : Cell{}, OptStr(agg.unit)});
  return rc.Finish({});
}

}  // namespace

void RegisterAggregateFunctions(FunctionRegistry& r) {
  r.Add({"stats", "aggregates", {{"x", ParamKind::kSeries, "", false, {}}}, ResultShape::kTable,
         "unit of x", "count, nulls, sum, mean, min and max over every value of x",
         "series,count,nulls,sum,mean,min,max,unit (values brought into the first series' unit)",
         "stats(yoy(series(*)))", nullptr, Stats});
}

}  // namespace ixdb::query
