// progress(x, P): how far the year has come toward each numeric annual target of x for P, from
// the latest in-year cumulative figure (时间过半、任务过半). docs/query-language.md §6.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "common/comparator.hpp"
#include "common/units.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"

namespace ixdb::query {

namespace {

using storage::SeriesMeta;

double ValueAt(const storage::SeriesValues& v, Period p) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.period[i] == p) return v.value[i];
  }
  return kNaN;
}

// The figure of the year so far: the latest period of year `year` with a value (a cumulative
// span, or the year itself for an annual series).
std::optional<size_t> LatestInYear(const storage::SeriesValues& v, int year) {
  std::optional<size_t> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.period[i].year() == year && !std::isnan(v.value[i])) out = i;
  }
  return out;
}

// Months of the year a figure covers: a year-to-date span from January, or the whole year.
int MonthsCovered(Period p) {
  switch (p.freq) {
    case Frequency::kAnnual:
      return 12;
    case Frequency::kQuarterly:
      return 3 * p.sub();
    default:
      return p.sub();
  }
}

struct ProgressRow {
  double so_far = kNaN, progress = kNaN, elapsed = 0, behind = kNaN;
  std::optional<Period> so_far_period;
  std::string note;
};

// One target: so_far in the target's terms (the level in its unit; for on=yoy / on=diff the
// change of the figure so far on the same span a year earlier).
ProgressRow ProgressOf(const SeriesMeta& m, const storage::SeriesValues& data,
                       const storage::Target& t, int year) {
  ProgressRow r;
  const auto at = LatestInYear(data, year);
  if (!at) {
    r.note = m.code + ": no figure for " + std::to_string(year) + " yet";
    return r;
  }
  const Period p = data.period[*at];
  r.so_far_period = p;
  r.elapsed = MonthsCovered(p) / 12.0 * 100;
  const std::string unit = t.unit.empty() ? m.unit : t.unit;
  double v = data.value[*at];
  if (t.on != storage::TargetOn::kLevel) {
    const double base = ValueAt(data, p.YearAgo());
    v = std::isnan(base)                  ? kNaN
        : t.on == storage::TargetOn::kYoy ? (base != 0 ? (v / base - 1) * 100 : kNaN)
                                          : DecimalDiff(v, base);
    r.so_far = v;
    r.note = m.code + ": a target on a change (on=" + storage::TargetOnName(t.on) +
             ") has no share done: compare so_far with the target";
    return r;
  }
  auto f = UnitConversionFactor(m.unit, unit);
  if (!f.ok()) {
    r.note = m.code + ": actual in " + (m.unit.empty() ? std::string("no unit") : m.unit) +
             " cannot be compared with a target in " + unit;
    return r;
  }
  r.so_far = ScaleByUnit(v, *f);
  const bool level = !IsPointsUnit(unit) && !storage::ChangesInPoints(m.measure);
  if (!level) {
    r.note = m.code + ": progress is a share of a level target; a growth or rate target (" + unit +
             ") compares so_far with the target";
    return r;
  }
  if (t.value != 0) {
    r.progress = r.so_far / t.value * 100;
    r.behind = r.elapsed - r.progress;
  }
  return r;
}

Table Progress(Executor& ex, const ast::Node& n, const Ctx& outer) {
  Ctx ctx = outer;
  MetaList series = ex.Selection(*n.bound[0].expr, &ctx);
  const ast::PeriodArg& year_arg = *n.bound[1].period;
  if (year_arg.parsed.period.freq != Frequency::kAnnual || year_arg.parsed.span ||
      year_arg.parsed.first) {
    ex.Err(year_arg.pos, "progress() takes a year (targets are annual), not " + year_arg.text);
  }
  const int year = year_arg.parsed.period.year();
  std::vector<Column> cols = {
      {"indicator", ColumnType::kString, ""},     {"period", ColumnType::kPeriod, ""},
      {"target", ColumnType::kNumber, ""},        {"so_far", ColumnType::kNumber, ""},
      {"so_far_period", ColumnType::kPeriod, ""}, {"progress", ColumnType::kNumber, "%"},
      {"elapsed", ColumnType::kNumber, "%"},      {"behind", ColumnType::kNumber, "pp"},
      {"unit", ColumnType::kString, ""}};
  RowCollector rc = ex.Rows(cols);
  std::vector<std::string> notes;
  bool any_target = false;
  const Date as_of = ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate;
  for (const SeriesMeta* selected : series) {
    const SeriesMeta& m = *selected;
    if (m.frequency != Frequency::kAnnual && !m.cumulative) {
      if (series.size() == 1) {
        ex.Err(n.bound[0].pos, "progress() follows a year-to-date figure; " + m.code + " is " +
                                   FrequencyName(m.frequency) +
                                   " (not cumulative): load its cumulative series, or use ytd()");
      }
      continue;
    }
    auto period = ResolvePeriod(year_arg.parsed, m.frequency, m.cumulative, m.code);
    if (!period.ok()) continue;
    auto targets = ex.view().ReadTargets(m.code, *period, as_of);
    if (!targets.ok()) Fail(targets.status());
    auto data = ReadAsCtx(ex.view(), m.code, ctx);
    if (!data.ok()) Fail(data.status());
    for (const storage::Target& t : *targets) {
      if (t.comparator == Comparator::kQualitative || t.comparator == Comparator::kRelative ||
          std::isnan(t.value)) {
        continue;
      }
      any_target = true;
      const ProgressRow r = ProgressOf(m, *data, t, year);
      if (!r.note.empty()) notes.push_back(r.note);
      std::vector<Cell> row = {
          Str(m.code),
          Str(FormatPeriod(t.period, m.cumulative)),
          Num(t.value),
          Num(r.so_far),
          r.so_far_period ? Str(FormatPeriod(*r.so_far_period, m.cumulative)) : Cell{},
          Num(r.progress),
          Num(r.elapsed),
          Num(r.behind),
          OptStr(t.unit.empty() ? m.unit : t.unit)};
      if (!rc.Add(std::move(row), m.cumulative)) break;
    }
  }
  if (!any_target && series.size() == 1) {
    ex.NotFoundAt(n.bound[0].pos, "no numeric annual target for " + series[0]->code + " in " +
                                      std::to_string(year));
  }
  notes.push_back(
      "progress = so_far / target * 100 (level targets); elapsed = months covered / 12 * "
      "100; behind = elapsed - progress (> 0: behind the calendar; for a ceiling <= it "
      "is room left)");
  return rc.Finish(std::move(notes));
}

}  // namespace

void RegisterProgressFunctions(FunctionRegistry& r) {
  r.Add({"progress",
         "targets",
         {{"x", ParamKind::kSeries, "", false, {}}, {"year", ParamKind::kPeriod, "", false, {}}},
         ResultShape::kTable,
         "the target's unit",
         "progress toward each numeric annual target of x from the latest in-year figure "
         "(时间过半、任务过半)",
         "indicator,period,target,so_far,so_far_period,progress,elapsed,behind,unit: progress = "
         "so_far / "
         "target * 100, elapsed = months covered / 12 * 100, behind = elapsed - progress",
         "progress(fai_ytd, 2024)",
         nullptr,
         Progress});
}

}  // namespace ixdb::query
