// Vintages: what was known when (asof, first), every version of a period (revisions), what
// one release changed (changes). docs/query-language.md §3.
#include <string>
#include <vector>

#include "query/internal/evaluator.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

namespace {

using storage::SeriesMeta;

Ctx AsofCtx(const ast::Node& n, Ctx ctx) {
  ctx.mode = storage::ReadMode::kAsOf;
  ctx.as_of = *n.bound[1].date;
  return ctx;
}
Ctx FirstCtx(const ast::Node&, Ctx ctx) {
  ctx.mode = storage::ReadMode::kFirst;
  return ctx;
}

SeriesData AsofSeries(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  return ev.Arg(n, 0, AsofCtx(n, ctx));
}
Table AsofTable(Executor& ex, const ast::Node& n, const Ctx& ctx) {
  return ex.EvalTable(*n.bound[0].expr, AsofCtx(n, ctx));
}
SeriesData FirstSeries(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  return ev.Arg(n, 0, FirstCtx(n, ctx));
}
Table FirstTable(Executor& ex, const ast::Node& n, const Ctx& ctx) {
  return ex.EvalTable(*n.bound[0].expr, FirstCtx(n, ctx));
}

// revisions(x): every version of every period; revisions(x, P): of one period (a year on a
// cumulative series is its full-year span); revisions(x, a:b): of the periods the range selects
// (the span rule of ranges).
Table Revisions(Executor& ex, const ast::Node& n, const Ctx& outer) {
  Ctx ctx = outer;
  std::vector<SeriesMeta> series = ex.Selection(*n.bound[0].expr, &ctx);
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"vintage", ColumnType::kDate, ""},
                              {"value", ColumnType::kNumber, ""},
                              {"status", ColumnType::kString, ""},
                              {"stage", ColumnType::kString, ""},
                              {"qualifier", ColumnType::kString, ""},
                              {"source", ColumnType::kString, ""},
                              {"unit", ColumnType::kString, ""},
                              {"load", ColumnType::kInteger, ""},
                              {"reverted_by", ColumnType::kInteger, ""}};
  RowCollector rc = ex.Rows(cols);
  const ast::Node::Bound& arg = n.bound[1];
  const bool single = arg.range && arg.range->from && arg.range->to &&
                      arg.range->from->text == arg.range->to->text;
  for (const auto& m : series) {
    storage::ReadView& view = ex.view();
    Result<std::vector<storage::Version>> r = std::vector<storage::Version>{};
    if (single) {
      auto p = ResolvePeriod(arg.range->from->parsed, m.frequency, m.cumulative, m.code);
      if (!p.ok()) {
        if (series.size() == 1) ex.Err(arg.pos, p.status().message());
        continue;
      }
      r = view.ReadRevisions(m.code, *p);
    } else {
      r = view.ReadRevisionsInRange(m.code, std::nullopt, std::nullopt);
    }
    if (!r.ok()) Fail(r.status());
    const ParsedPeriod* from = !single && arg.range && arg.range->from ? &arg.range->from->parsed : nullptr;
    const ParsedPeriod* to = !single && arg.range && arg.range->to ? &arg.range->to->parsed : nullptr;
    for (const auto& v : *r) {
      if (ctx.mode == storage::ReadMode::kAsOf && v.vintage > ctx.as_of) continue;
      if ((from || to) && !RowInRange(v.period, m.cumulative, from, to)) continue;
      std::vector<Cell> row = {Str(m.code),
                               Str(FormatPeriod(v.period, m.cumulative)),
                               Str(FormatDate(v.vintage)),
                               v.deleted ? Cell{} : Num(v.value),
                               v.deleted ? Str("deleted") : OptStr(storage::ObsStatusName(v.status)),
                               OptStr(v.stage),
                               OptStr(storage::QualifierSymbol(v.qualifier)),
                               OptStr(v.source),
                               OptStr(m.unit),
                               Cell{static_cast<int64_t>(v.load_id)},
                               v.reverted_by ? Cell{static_cast<int64_t>(v.reverted_by)} : Cell{}};
      if (!rc.Add(std::move(row), m.cumulative)) break;
    }
  }
  return rc.Finish({});
}

Table Changes(Executor& ex, const ast::Node& n, const Ctx&) {
  auto r = ex.view().ReadChanges(*n.bound[0].date);
  if (!r.ok()) Fail(r.status());
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"value", ColumnType::kNumber, ""},
                              {"vintage", ColumnType::kDate, ""},
                              {"status", ColumnType::kString, ""},
                              {"previous_value", ColumnType::kNumber, ""},
                              {"previous_status", ColumnType::kString, ""},
                              {"change", ColumnType::kNumber, ""},
                              {"kind", ColumnType::kString, ""},
                              {"unit", ColumnType::kString, ""}};
  RowCollector rc = ex.Rows(cols);
  for (const auto& c : *r) {
    const SeriesMeta& m = ex.Meta(c.series);
    const auto& v = c.version;
    const char* kind = v.deleted ? "deleted" : !c.had_previous ? "new" : "revised";
    std::vector<Cell> row = {Str(c.series),
                             Str(FormatPeriod(v.period, m.cumulative)),
                             v.deleted ? Cell{} : Num(v.value),
                             Str(FormatDate(v.vintage)),
                             v.deleted ? Str("deleted") : OptStr(storage::ObsStatusName(v.status)),
                             c.had_previous ? Num(c.previous_value) : Cell{},
                             c.had_previous ? OptStr(storage::ObsStatusName(c.previous_status)) : Cell{},
                             c.had_previous && !v.deleted ? Num(DecimalDiff(v.value, c.previous_value)) : Cell{},
                             Str(kind),
                             OptStr(m.unit)};
    if (!rc.Add(std::move(row), m.cumulative)) break;
  }
  return rc.Finish({});
}

Param X() { return {"x", ParamKind::kSeries, "", false, {}}; }

}  // namespace

void RegisterVintageFunctions(FunctionRegistry& r) {
  r.Add({"asof", "vintages", {X(), {"date", ParamKind::kDate, "", false, {}}}, ResultShape::kSeries,
         "unit of x", "what was known at the end of a day",
         "every series inside x read as the newest version with vintage <= date",
         "asof(gdp_growth, 2024-01-25)", AsofSeries, AsofTable, /*wraps_tables=*/true});
  r.Add({"first", "vintages", {X()}, ResultShape::kSeries, "unit of x", "the first release of each period",
         "every series inside x read as its oldest version with a value", "first(gdp)", FirstSeries,
         FirstTable, /*wraps_tables=*/true});
  r.Add({"revisions", "vintages", {X(), {"periods", ParamKind::kPeriodRange, "", true, {}}},
         ResultShape::kTable, "unit of x",
         "every version of a period (or of a range of periods, or of all), oldest first: a revision triangle",
         "indicator,period,vintage,value,status,stage,qualifier,source,unit,load,reverted_by",
         "revisions(gdp_growth, 2023)", nullptr, Revisions});
  r.Add({"changes", "vintages", {{"vintage", ParamKind::kDate, "", false, {}}}, ResultShape::kTable,
         "unit of each series", "every value a release recorded, with what was known before it",
         "change = value - previous_value; kind new, revised or deleted", "changes(2024-01-28)",
         nullptr, Changes});
}

}  // namespace ixdb::query
