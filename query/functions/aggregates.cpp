// Aggregates over the values of an expression: stats(x). docs/query-language.md §8.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "query/internal/executor.hpp"
#include "query/internal/for_each_binding.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

Table Stats(Executor& ex, const ast::Node& n, const Ctx& ctx) {
  const ast::Node& root = *n.bound[0].expr;
  Plan plan = ex.MakePlan(root);
  struct Agg {
    uint64_t count = 0, nulls = 0, series = 0;
    double sum = 0, min = std::numeric_limits<double>::infinity(),
           max = -std::numeric_limits<double>::infinity();
    std::string unit;
  } agg;
  std::string unit;
  bool same_unit = true, first = true;
  // Each series is folded on its worker thread; partial sums are added in selection order so
  // that the result does not depend on scheduling.
  auto map = [](SeriesData&& d, Agg& a) {
    a.series = 1;
    a.unit = std::move(d.unit);
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
    if (first) unit = a.unit;
    same_unit = same_unit && unit == a.unit;
    first = false;
    agg.series += a.series;
    agg.count += a.count;
    agg.nulls += a.nulls;
    agg.sum += a.sum;
    agg.min = std::min(agg.min, a.min);
    agg.max = std::max(agg.max, a.max);
    return true;
  });
  std::vector<Column> cols = {{"series", ColumnType::kInteger, ""},
                              {"count", ColumnType::kInteger, ""},
                              {"nulls", ColumnType::kInteger, ""},
                              {"sum", ColumnType::kNumber, same_unit ? unit : ""},
                              {"mean", ColumnType::kNumber, same_unit ? unit : ""},
                              {"min", ColumnType::kNumber, same_unit ? unit : ""},
                              {"max", ColumnType::kNumber, same_unit ? unit : ""}};
  RowCollector rc = ex.Rows(cols);
  const bool any = agg.count > 0;
  rc.Add({Cell{static_cast<int64_t>(agg.series)}, Cell{static_cast<int64_t>(agg.count)},
          Cell{static_cast<int64_t>(agg.nulls)}, any ? Cell{agg.sum} : Cell{},
          any ? Cell{agg.sum / static_cast<double>(agg.count)} : Cell{},
          any ? Cell{agg.min} : Cell{}, any ? Cell{agg.max} : Cell{}});
  return rc.Finish({});
}

}  // namespace

void RegisterAggregateFunctions(FunctionRegistry& r) {
  r.Add({"stats", "aggregates", {{"x", ParamKind::kSeries, "", false, {}}}, ResultShape::kTable,
         "unit of x", "count, nulls, sum, mean, min and max over every value of x",
         "series,count,nulls,sum,mean,min,max", "stats(yoy(series(*)))", nullptr, Stats});
}

}  // namespace ixdb::query
