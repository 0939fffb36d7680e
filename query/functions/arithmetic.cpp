// Arithmetic and units beyond the operators (which the evaluator applies): share.
// docs/query-language.md §5.
#include <string>

#include "common/units.hpp"
#include "query/internal/evaluator.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

using storage::MeasureKind;

SeriesData Share(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData a = ev.Arg(n, 0, ctx);
  SeriesData b = ev.Arg(n, 1, ctx);
  auto f = UnitConversionFactor(b.unit, a.unit);
  if (!f.ok()) {
    ev.Err(n.pos, "share(): cannot compare " + a.label + " (" + a.unit + ") with " + b.label + " (" +
                   b.unit + "): the units measure different things");
  }
  ast::Node div;
  div.kind = ast::Node::Kind::kBinary;
  div.op = '/';
  div.pos = n.pos;
  std::string label = ev.Text(n);
  SeriesData r = ev.Binary(div, '/', std::move(a), std::move(b));
  for (double& v : r.value) v *= 100;
  r.label = std::move(label);
  r.unit = "%";
  r.measure = MeasureKind::kShare;
  return r;
}

Param S(const char* name) { return {name, ParamKind::kSeries, "", false, {}}; }

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& r) {
  r.Add({"share", "arithmetic", {S("a"), S("b")}, ResultShape::kSeries, "%",
         "a as a share of b", "a[p] / b[p] * 100, b converted into a's unit", "share(annual(retail, sum), gdp)",
         Share});
}

}  // namespace ixdb::query
