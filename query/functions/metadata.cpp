// Metadata: series(...) selections, list, describe, search, and functions() (the registry).
// docs/query-language.md §8.
#include <algorithm>
#include <string>
#include <vector>

#include "common/strings.hpp"
#include "query/internal/evaluator.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

using storage::SeriesMeta;

// series(...) evaluates to the series it is bound to in this evaluation (the executor
// evaluates the expression once per selected series).
SeriesData SeriesCall(Evaluator& ev, const ast::Node&, const Ctx& ctx) {
  return ev.Read(*ev.bound(), ctx);
}

std::vector<Column> MetaColumns(bool describe) {
  std::vector<Column> c = {
      {"indicator", ColumnType::kString, ""},    {"name", ColumnType::kString, ""},
      {"name_en", ColumnType::kString, ""},      {"unit", ColumnType::kString, ""},
      {"measure", ColumnType::kString, ""},      {"frequency", ColumnType::kString, ""},
      {"cumulative", ColumnType::kString, ""},   {"region", ColumnType::kString, ""},
      {"level_series", ColumnType::kString, ""}, {"kind", ColumnType::kString, ""}};
  if (describe) {
    for (const char* name : {"source", "notes", "updated"}) {
      c.push_back(
          {name, name == std::string("updated") ? ColumnType::kDate : ColumnType::kString, ""});
    }
    c.push_back({"periods", ColumnType::kInteger, ""});
    c.push_back({"first_period", ColumnType::kPeriod, ""});
    c.push_back({"last_period", ColumnType::kPeriod, ""});
    c.push_back({"last_vintage", ColumnType::kDate, ""});
    c.push_back({"targets", ColumnType::kInteger, ""});
    c.push_back({"better", ColumnType::kString, ""});
    c.push_back({"formula", ColumnType::kString, ""});
  }
  return c;
}

std::vector<Cell> MetaCells(const SeriesMeta& m) {
  return {Str(m.code),
          OptStr(m.name_zh),
          OptStr(m.name_en),
          OptStr(m.unit),
          Str(storage::MeasureName(m.measure)),
          Str(FrequencyName(m.frequency)),
          Str(m.cumulative ? "true" : "false"),
          OptStr(m.region),
          OptStr(m.level_series),
          Str(m.IsFormula() ? "formula" : "data")};
}

// A formula's coverage: its values computed as the latest data gives them.
SeriesData FormulaValues(Executor& ex, const SeriesMeta& m) {
  Plan plan;
  ex.AddFormula(m, plan);
  Evaluator ev(ex.view(), plan, ex.text(), ex.options());
  return ev.Read(m, Ctx{});
}

Table Metadata(Executor& ex, const ast::Node& n, const Ctx&) {
  const bool describe = n.text == "describe";
  MetaList series;
  if (n.text == "search") {
    const std::string& text = n.bound[0].word;
    for (const SeriesMeta* m : ex.AllSeries()) {
      if (ContainsIgnoreCase(m->code, text) || ContainsIgnoreCase(m->name_zh, text) ||
          ContainsIgnoreCase(m->name_en, text)) {
        series.push_back(m);
      }
    }
  } else {
    const ast::Selector& sel = n.bound[0].selector;
    series = ex.Select(sel, n.pos);
    if (describe && series.empty() && sel.filters.empty() && sel.patterns.size() == 1 &&
        sel.patterns[0].find_first_of("*?") == std::string::npos) {
      ex.LookupSeries(sel.patterns[0], n.bound[0].pos);  // fails with suggestions
    }
  }
  RowCollector rc = ex.Rows(MetaColumns(describe));
  for (const SeriesMeta* selected : series) {
    const SeriesMeta& m = *selected;
    std::vector<Cell> row = MetaCells(m);
    if (describe) {
      row.push_back(OptStr(m.source));
      row.push_back(OptStr(m.notes));
      row.push_back(m.updated.days != 0 ? Str(FormatDate(m.updated)) : Cell{});
      if (m.IsFormula()) {
        const SeriesData d = FormulaValues(ex, m);
        row.push_back(Cell{static_cast<int64_t>(d.size())});
        if (d.size() > 0) {
          row.push_back(Str(FastPeriodText(d.period.front(), d.cumulative)));
          row.push_back(Str(FastPeriodText(d.period.back(), d.cumulative)));
        } else {
          row.insert(row.end(), 2, Cell{});
        }
        row.insert(row.end(),
                   {Cell{}, Cell{int64_t{0}}, Str(storage::BetterName(m.better)), Str(m.formula)});
        if (!rc.Add(std::move(row))) break;
        continue;
      }
      storage::ReadRequest req;
      auto r = ex.view().ReadSeries(m.code, req);
      if (!r.ok()) Fail(r.status());
      row.push_back(Cell{static_cast<int64_t>(r->size())});
      if (r->size() > 0) {
        row.push_back(Str(FastPeriodText(r->period.front(), m.cumulative)));
        row.push_back(Str(FastPeriodText(r->period.back(), m.cumulative)));
        row.push_back(Str(FormatDate(*std::max_element(r->vintage.begin(), r->vintage.end()))));
      } else {
        row.insert(row.end(), 3, Cell{});
      }
      auto t = ex.view().ReadTargets(m.code, std::nullopt);
      if (!t.ok()) Fail(t.status());
      row.push_back(Cell{static_cast<int64_t>(t->size())});
      row.push_back(Str(storage::BetterName(m.better)));
      row.push_back(Cell{});
    }
    if (!rc.Add(std::move(row))) break;
  }
  return rc.Finish({});
}

Table Functions(Executor& ex, const ast::Node&, const Ctx&) {
  RowCollector rc = ex.Rows({{"name", ColumnType::kString, ""},
                             {"signature", ColumnType::kString, ""},
                             {"summary", ColumnType::kString, ""},
                             {"example", ColumnType::kString, ""},
                             {"formula", ColumnType::kString, ""},
                             {"unit", ColumnType::kString, ""},
                             {"family", ColumnType::kString, ""},
                             {"returns", ColumnType::kString, ""}});
  for (const FunctionDef& f : FunctionRegistry::Get().all()) {
    std::vector<Cell> row = {Str(f.name),
                             Str(f.Signature()),
                             OptStr(f.summary),
                             OptStr(f.example),
                             OptStr(f.formula),
                             OptStr(f.unit_rule),
                             Str(f.family),
                             Str(f.shape == ResultShape::kTable ? "table"
                                 : f.wraps_tables               ? "series or table"
                                                                : "series")};
    if (!rc.Add(std::move(row))) break;
  }
  return rc.Finish({});
}

Param Sel() { return {"selector", ParamKind::kSelector, "", true, {}}; }

}  // namespace

void RegisterMetadataFunctions(FunctionRegistry& r) {
  r.Add({"series",
         "metadata",
         {Sel()},
         ResultShape::kSeries,
         "unit of each series",
         "several series at once, by code pattern and metadata",
         "the expression around it is evaluated once per selected series",
         "yoy(series(kind=level, freq=annual))",
         SeriesCall});
  r.Add({"list",
         "metadata",
         {Sel()},
         ResultShape::kTable,
         "",
         "series by the selectors of series(...)",
         "indicator,name,name_en,unit,measure,frequency,cumulative,region,level_series,kind (data "
         "or formula)",
         "list(kind=rate)",
         nullptr,
         Metadata});
  r.Add(
      {"describe",
       "metadata",
       {Sel()},
       ResultShape::kTable,
       "",
       "series with their coverage: periods, first and last period, last vintage, targets",
       "list() columns plus "
       "source,notes,updated,periods,first_period,last_period,last_vintage,targets,better,formula",
       "describe(gdp)",
       nullptr,
       Metadata});
  r.Add({"search",
         "metadata",
         {{"text", ParamKind::kText, "", false, {}}},
         ResultShape::kTable,
         "",
         "series whose code, Chinese or English name contains the text",
         "substring match",
         "search(零售)",
         nullptr,
         Metadata});
  r.Add({"functions",
         "metadata",
         {},
         ResultShape::kTable,
         "",
         "every function of the language",
         "name,signature,summary,example,formula,unit,family,returns",
         "functions()",
         nullptr,
         Functions});
}

}  // namespace ixdb::query
