// Vintages: what was known when (asof, first), every version of a period (revisions), what
// one release changed (changes). docs/query-language.md §3.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "query/internal/evaluator.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/formula.hpp"
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
Ctx FirstCtx(const ast::Node& n, Ctx ctx) {
  ctx.mode = storage::ReadMode::kFirst;
  ctx.first_status = FirstStatus(n);
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
  MetaList series = ex.Selection(*n.bound[0].expr, &ctx);
  std::vector<Column> cols = {
      {"indicator", ColumnType::kString, ""},   {"period", ColumnType::kPeriod, ""},
      {"vintage", ColumnType::kDate, ""},       {"value", ColumnType::kNumber, ""},
      {"status", ColumnType::kString, ""},      {"stage", ColumnType::kString, ""},
      {"qualifier", ColumnType::kString, ""},   {"source", ColumnType::kString, ""},
      {"unit", ColumnType::kString, ""},        {"load", ColumnType::kInteger, ""},
      {"reverted_by", ColumnType::kInteger, ""}};
  RowCollector rc = ex.Rows(cols);
  const ast::Node::Bound& arg = n.bound[1];
  const bool single =
      arg.range && arg.range->from && arg.range->to && arg.range->from->text == arg.range->to->text;
  for (const SeriesMeta* selected : series) {
    const SeriesMeta& m = *selected;
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
    const ParsedPeriod* from =
        !single && arg.range && arg.range->from ? &arg.range->from->parsed : nullptr;
    const ParsedPeriod* to =
        !single && arg.range && arg.range->to ? &arg.range->to->parsed : nullptr;
    for (const auto& v : *r) {
      if (ctx.mode == storage::ReadMode::kAsOf && v.vintage > ctx.as_of) continue;
      if ((from || to) && !RowInRange(v.period, m.cumulative, from, to)) continue;
      std::vector<Cell> row = {
          Str(m.code),
          Str(FastPeriodText(v.period, m.cumulative)),
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
    std::vector<Cell> row = {
        Str(c.series),
        Str(FastPeriodText(v.period, m.cumulative)),
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

// ---- realtime ----------------------------------------------------------------------------
// The series whose publication dates drive realtime(e): the first series e reads (left to
// right), or the binding of series(...).
const SeriesMeta* DrivingSeries(const Evaluator& ev, const Plan& plan, const ast::Node& n) {
  const SeriesMeta* read = nullptr;
  if (n.kind == ast::Node::Kind::kSeries) read = plan.single.at(&n);
  if (n.kind == ast::Node::Kind::kCall && n.text == "series") read = ev.bound();
  if (read != nullptr && read->IsFormula()) {
    // A named formula has no releases: the series its expression reads first drives it.
    return DrivingSeries(ev, plan, *plan.formulas.at(read->code)->query.expr);
  }
  if (read != nullptr) return read;
  for (const auto& a : n.args) {
    if (const SeriesMeta* m = DrivingSeries(ev, plan, *a)) return m;
  }
  for (const auto& b : n.bound) {
    if (b.expr != nullptr) {
      if (const SeriesMeta* m = DrivingSeries(ev, plan, *b.expr)) return m;
    }
  }
  return nullptr;
}

// realtime(e): for each period p, e as known at the end of the day p was first published
// (the first release's vintage of the driving series): one evaluation per distinct date.
SeriesData Realtime(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  const ast::Node& arg = *n.bound[0].expr;
  const SeriesMeta* driver = DrivingSeries(ev, ev.plan(), arg);
  if (driver == nullptr) ev.Err(arg.pos, "realtime() needs an expression that reads a series");
  Ctx first = ctx;
  first.mode = storage::ReadMode::kFirst;
  first.first_status.reset();
  auto releases = ReadAsCtx(ev.view(), driver->code, first);
  if (!releases.ok()) Fail(releases.status());
  // Periods by the date they were first published (within an outer asof: known by then).
  std::map<int32_t, std::vector<Period>> by_date;
  for (size_t i = 0; i < releases->size(); ++i) {
    const Date d = releases->vintage[i];
    if (ctx.mode == storage::ReadMode::kAsOf && d > ctx.as_of) continue;
    by_date[d.days].push_back(releases->period[i]);
  }
  SeriesData out;
  bool first_eval = true;
  std::vector<std::pair<Period, size_t>> order;  // (period, row in out) to sort at the end
  for (const auto& [days, periods] : by_date) {
    Ctx c;
    c.mode = storage::ReadMode::kAsOf;
    c.as_of = Date{days};
    SeriesData d = ev.Arg(n, 0, c);
    if (first_eval) {
      out = d;
      out.period.clear();
      out.value.clear();
      out.qualifier.clear();
      out.extent.clear();
      out.from.clear();
      out.Derived();
      out.label = d.label;
      first_eval = false;
    }
    for (const Period p : periods) {
      auto it =
          std::lower_bound(d.period.begin(), d.period.end(), p,
                           [](const Period& a, const Period& b) { return a.index < b.index; });
      if (it == d.period.end() || it->index != p.index) continue;
      const size_t i = static_cast<size_t>(it - d.period.begin());
      out.period.push_back(p);
      out.value.push_back(d.value[i]);
      out.qualifier.push_back(d.QualifierAt(i));
      out.extent.push_back(d.ExtentAt(i));
      if (!d.from.empty()) out.from.push_back(d.from[i]);
    }
  }
  // Rows in period order.
  std::vector<size_t> idx(out.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(),
            [&](size_t a, size_t b) { return out.period[a].index < out.period[b].index; });
  SeriesData sorted = out;
  for (size_t k = 0; k < idx.size(); ++k) {
    sorted.period[k] = out.period[idx[k]];
    sorted.value[k] = out.value[idx[k]];
    sorted.qualifier[k] = out.qualifier[idx[k]];
    sorted.extent[k] = out.extent[idx[k]];
    if (!out.from.empty()) sorted.from[k] = out.from[idx[k]];
  }
  if (!sorted.AnyQualified()) sorted.qualifier.clear();
  if (std::all_of(sorted.extent.begin(), sorted.extent.end(), [](uint8_t e) { return e == 0; })) {
    sorted.extent.clear();
  }
  if (first_eval) {  // nothing published (as of the outer date): an empty series
    sorted.label = driver->code;
    sorted.freq = driver->frequency;
    sorted.cumulative = driver->cumulative;
    sorted.unit = driver->unit;
  }
  return sorted;
}

// ---- revstats ----------------------------------------------------------------------------
// Revision statistics of one series (docs/query-language.md §3): a revision is the latest value
// of a period minus its first release (or minus the value a stage recorded).
struct RevisionStats {
  uint64_t count = 0, revised = 0, up = 0, down = 0;
  double sum = 0, sum_abs = 0, sum_sq = 0, days = 0;
  void Add(double first, double latest, Date first_date, Date latest_date) {
    const double r = DecimalDiff(latest, first);
    ++count;
    sum += r;
    sum_abs += std::fabs(r);
    sum_sq += r * r;
    if (r != 0) {
      ++revised;
      days += latest_date.days - first_date.days;
    }
  }
  // upward / downward when the mean revision differs from 0 at the 5% level (t-test on the
  // revisions, n - 1 degrees of freedom); none otherwise; empty with fewer than 3 periods.
  std::string Bias() const {
    if (count < 3) return "";
    const double n = static_cast<double>(count), mean = sum / n;
    const double var = (sum_sq - n * mean * mean) / (n - 1);
    if (!(var > 0)) return mean > 0 ? "upward" : mean < 0 ? "downward" : "none";
    const double t = mean / std::sqrt(var / n);
    // Two-sided 5% critical values of Student's t for 2..30 degrees of freedom, then 1.96.
    static constexpr double kCritical[] = {0,     0,     4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                           2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                           2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                           2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    const size_t df = count - 1;
    const double crit = df < std::size(kCritical) ? kCritical[df] : 1.96;
    return t > crit ? "upward" : t < -crit ? "downward" : "none";
  }
};

Table Revstats(Executor& ex, const ast::Node& n, const Ctx& outer) {
  Ctx ctx = outer;
  MetaList series = ex.Selection(*n.bound[0].expr, &ctx);
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"stage", ColumnType::kString, ""},
                              {"count", ColumnType::kInteger, ""},
                              {"mean_revision", ColumnType::kNumber, ""},
                              {"mean_abs_revision", ColumnType::kNumber, ""},
                              {"bias", ColumnType::kString, ""},
                              {"first_to_latest", ColumnType::kNumber, "days"},
                              {"revised", ColumnType::kInteger, ""},
                              {"unit", ColumnType::kString, ""}};
  RowCollector rc = ex.Rows(cols);
  for (const SeriesMeta* selected : series) {
    const SeriesMeta& m = *selected;
    auto r = ex.view().ReadRevisionsInRange(m.code, std::nullopt, std::nullopt);
    if (!r.ok()) Fail(r.status());
    RevisionStats all;
    std::map<std::string, RevisionStats> by_stage;
    const std::vector<storage::Version>& v = *r;
    for (size_t begin = 0; begin < v.size();) {
      size_t end = begin;
      while (end < v.size() && v[end].period == v[begin].period) ++end;
      // The period's live versions as known at the context's date, oldest first.
      std::vector<const storage::Version*> live;
      for (size_t i = begin; i < end; ++i) {
        if (v[i].reverted_by != 0) continue;
        if (ctx.mode == storage::ReadMode::kAsOf && v[i].vintage > ctx.as_of) continue;
        live.push_back(&v[i]);
      }
      begin = end;
      if (live.empty() || live.back()->deleted || std::isnan(live.back()->value)) continue;
      const storage::Version* latest = live.back();
      const storage::Version* first = nullptr;
      std::map<std::string, const storage::Version*> stage_first;
      for (const storage::Version* x : live) {
        if (x->deleted || std::isnan(x->value)) continue;
        if (first == nullptr) first = x;
        if (!x->stage.empty()) stage_first.emplace(x->stage, x);
      }
      all.Add(first->value, latest->value, first->vintage, latest->vintage);
      for (const auto& [stage, x] : stage_first)
        by_stage[stage].Add(x->value, latest->value, x->vintage, latest->vintage);
    }
    auto row = [&](const std::string& stage, const RevisionStats& s) {
      const double cnt = static_cast<double>(s.count);
      return std::vector<Cell>{Str(m.code),
                               OptStr(stage),
                               Cell{static_cast<int64_t>(s.count)},
                               s.count ? Num(s.sum / cnt) : Cell{},
                               s.count ? Num(s.sum_abs / cnt) : Cell{},
                               OptStr(s.Bias()),
                               s.revised ? Num(s.days / static_cast<double>(s.revised)) : Cell{},
                               Cell{static_cast<int64_t>(s.revised)},
                               OptStr(m.unit)};
    };
    if (!rc.Add(row("", all))) break;
    for (const auto& [stage, s] : by_stage) {
      if (!rc.Add(row(stage, s))) break;
    }
  }
  return rc.Finish(
      {"revision = latest value - first release of a period (stage rows: - the value "
       "that stage recorded); bias: upward/downward when the mean revision differs from "
       "0 at the 5% level (t-test), none otherwise; first_to_latest: mean days from the "
       "first release to the latest version of revised periods"});
}

Param X() { return {"x", ParamKind::kSeries, "", false, {}}; }

}  // namespace

void RegisterVintageFunctions(FunctionRegistry& r) {
  r.Add({"asof",
         "vintages",
         {X(), {"date", ParamKind::kDate, "", false, {}}},
         ResultShape::kSeries,
         "unit of x",
         "what was known at the end of a day",
         "every series inside x read as the newest version with vintage <= date",
         "asof(gdp_growth, 2024-01-25)",
         AsofSeries,
         AsofTable,
         /*wraps_tables=*/true});
  r.Add({"first",
         "vintages",
         {X(),
          {"status", ParamKind::kWord, "", true, {"estimate", "preliminary", "final", "revised"}}},
         ResultShape::kSeries,
         "unit of x",
         "the first release of each period (with that status)",
         "every series inside x read as its oldest version with a value (and that status: "
         "first(x, \"preliminary\") skips the plan estimate)",
         "first(gdp_growth, \"preliminary\")",
         FirstSeries,
         FirstTable,
         /*wraps_tables=*/true});
  r.Add(
      {"realtime",
       "vintages",
       {X()},
       ResultShape::kSeries,
       "unit of e",
       "each period of e as it was first read: e as known the day that period was first published",
       "row p = e as of the first-release date of p (of the first series e reads)",
       "realtime(yoy(gdp))",
       Realtime});
  r.Add({"revstats",
         "vintages",
         {X()},
         ResultShape::kTable,
         "unit of x",
         "revision statistics per series (and per stage): how much first releases were revised",
         "indicator,stage,count,mean_revision,mean_abs_revision,bias,first_to_latest,revised,unit; "
         "revision = latest - first release",
         "revstats(gdp_growth)",
         nullptr,
         Revstats});
  r.Add({"revisions",
         "vintages",
         {X(), {"periods", ParamKind::kPeriodRange, "", true, {}}},
         ResultShape::kTable,
         "unit of x",
         "every version of a period (or of a range of periods, or of all), oldest first: a "
         "revision triangle",
         "indicator,period,vintage,value,status,stage,qualifier,source,unit,load,reverted_by",
         "revisions(gdp_growth, 2023)",
         nullptr,
         Revisions});
  r.Add({"changes",
         "vintages",
         {{"vintage", ParamKind::kDate, "", false, {}}},
         ResultShape::kTable,
         "unit of each series",
         "every value a release recorded, with what was known before it",
         "change = value - previous_value; kind new, revised or deleted",
         "changes(2024-01-28)",
         nullptr,
         Changes});
}

}  // namespace ixdb::query
