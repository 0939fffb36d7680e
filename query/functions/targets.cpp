// Plan targets: targets(P), gap(x, P), need(x, P). docs/query-language.md §6 gives the judging
// rules and the formulas of need.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/comparator.hpp"
#include "common/units.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

namespace {

using storage::MeasureKind;
using storage::SeriesMeta;

// The comparator as the targets table shows it (qualitative targets have none to show).
const char* ComparatorText(Comparator c) {
  return c == Comparator::kQualitative ? "" : ComparatorSymbol(c);
}

// ---- Targets -----------------------------------------------------------------------------------
double ActualAt(Executor& ex, const SeriesMeta& meta, Period p, const Ctx& ctx, Date* vintage,
                uint8_t* status) {
  storage::ReadRequest req;
  req.mode = ctx.mode;
  req.as_of = ctx.as_of;
  req.from = p;
  req.to = p;
  auto r = ex.view().ReadSeries(meta.code, req);
  if (!r.ok()) Fail(r.status());
  for (size_t i = 0; i < r->size(); ++i) {
    if (r->period[i] == p) {
      if (vintage) *vintage = r->vintage[i];
      if (status) *status = r->status[i];
      return r->value[i];
    }
  }
  return kNaN;
}

std::vector<Column> TargetColumns() {
  return {{"indicator", ColumnType::kString, ""},  {"period", ColumnType::kPeriod, ""},
          {"comparator", ColumnType::kString, ""}, {"target", ColumnType::kNumber, ""},
          {"actual", ColumnType::kNumber, ""},     {"gap", ColumnType::kNumber, ""},
          {"status", ColumnType::kString, ""},     {"unit", ColumnType::kString, ""},
          {"gap_unit", ColumnType::kString, ""},   {"tolerance", ColumnType::kNumber, ""},
          {"shortfall", ColumnType::kNumber, ""},  {"actual_vintage", ColumnType::kDate, ""},
          {"actual_status", ColumnType::kString, ""}, {"text", ColumnType::kString, ""},
          {"source", ColumnType::kString, ""},     {"note", ColumnType::kString, ""}};
}

// A <= target written 控制在X左右 carries the 左右 tolerance even when none was stored.
bool SaysAbout(const storage::Target& t) { return ixdb::SaysAbout(t.text) || ixdb::SaysAbout(t.source); }

Period SamePeriodFor(Period p, const SeriesMeta& other) {
  if (p.freq == other.frequency) return p;
  if (p.freq == Frequency::kAnnual && other.cumulative) {
    return other.frequency == Frequency::kQuarterly ? Period::Quarter(p.index, 4)
                                                    : Period::Month(p.index, 12);
  }
  if (other.frequency == Frequency::kAnnual && p.sub() == PeriodsPerYear(p.freq)) {
    return Period::Annual(p.year());
  }
  return Period{other.frequency, std::numeric_limits<int32_t>::min() / 2};  // matches nothing
}

std::vector<Cell> TargetRow(Executor& ex, const storage::Target& t, const Ctx& ctx,
                            std::string* note_out) {
  using C = Comparator;
  const SeriesMeta& m = ex.Meta(t.series);
  std::string note;
  const std::string unit = t.unit.empty() ? m.unit : t.unit;
  const bool pct = IsPointsUnit(unit);
  Date vintage{};
  uint8_t astatus = 0;
  double actual = ActualAt(ex, m, t.period, ctx, &vintage, &astatus);
  const bool have_actual = !std::isnan(actual);
  if (have_actual && !t.unit.empty() && t.unit != m.unit) {
    auto f = UnitConversionFactor(m.unit, t.unit);
    if (f.ok()) {
      actual = ScaleByUnit(actual, *f);
    } else {
      note = "actual in " + m.unit + " cannot be compared with a target in " + t.unit;
      actual = kNaN;
    }
  }
  double target = t.value;
  if (t.comparator == C::kRelative) {
    auto other = ex.view().GetSeries(t.relative_to);
    if (other.ok()) {
      target = ActualAt(ex, *other, SamePeriodFor(t.period, *other), ctx, nullptr, nullptr);
      note = "in step with " + t.relative_to;
    } else {
      note = "relative_to series " + t.relative_to + " not found";
    }
  }
  double tol = t.tolerance;
  if (std::isnan(tol)) {
    const bool about = t.comparator == C::kAbout || t.comparator == C::kRelative ||
                       (t.comparator == C::kAtMost && SaysAbout(t));
    tol = about ? ex.options().default_about_tolerance : 0;
  }
  std::string status;
  double gap = kNaN, shortfall = kNaN;
  if (t.comparator == C::kQualitative) {
    status = "qualitative";
  } else if (std::isnan(actual) || std::isnan(target)) {
    status = "pending";
  } else {
    gap = DecimalDiff(actual, target);
    // A relative epsilon absorbs binary rounding (6 - 0.3 vs 5.7) at the tolerance edge.
    const double eps = 1e-9 * std::max(1.0, std::fabs(target));
    bool met;
    if (t.comparator == C::kAtMost) {
      met = actual <= target + tol + eps;
      shortfall = DecimalDiff(actual, target);
    } else {
      met = actual >= target - tol - eps;
      shortfall = DecimalDiff(target, actual);
    }
    status = met ? "met" : "missed";
  }
  if (note_out) *note_out = note;
  const bool judged = t.comparator != C::kQualitative;
  return {Str(t.series),
          Str(FormatPeriod(t.period, m.cumulative)),
          OptStr(ComparatorText(t.comparator)),
          Num(target),
          Num(actual),
          Num(gap),
          Str(status),
          OptStr(unit),
          judged ? OptStr(pct ? "pp" : unit) : Cell{},
          judged ? Num(tol) : Cell{},
          Num(shortfall),
          have_actual ? Str(FormatDate(vintage)) : Cell{},
          have_actual ? OptStr(storage::ObsStatusName(static_cast<storage::ObsStatus>(astatus)))
                      : Cell{},
          OptStr(t.text),
          OptStr(t.source),
          OptStr(note)};
}

Table Targets(Executor& ex, const ast::Node& n, const Ctx& outer) {
  Ctx ctx = outer;
  const Date as_of = ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate;
  std::vector<storage::Target> targets;
  if (n.text == "targets") {
    auto r = ex.view().ReadTargets("", std::nullopt, as_of);
    if (!r.ok()) Fail(r.status());
    std::optional<std::pair<int64_t, int64_t>> span;
    if (n.bound[0].period) span = MonthSpan(n.bound[0].period->parsed.period);
    for (auto& t : *r) {
      if (span) {
        auto s = MonthSpan(t.period);
        if (s.first < span->first || s.second > span->second) continue;
      }
      targets.push_back(std::move(t));
    }
  } else {  // gap(x, period)
    std::vector<SeriesMeta> series = ex.Selection(*n.bound[0].expr, &ctx);
    for (const auto& m : series) {
      auto p = ResolvePeriod(n.bound[1].period->parsed, m.frequency, m.cumulative, m.code);
      if (!p.ok()) {
        if (series.size() == 1) ex.Err(n.bound[1].pos, p.status().message());
        continue;
      }
      auto r = ex.view().ReadTargets(m.code, *p, ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate);
      if (!r.ok()) Fail(r.status());
      for (auto& t : *r) targets.push_back(std::move(t));
    }
    if (targets.empty() && series.size() == 1) {
      Fail(Status::NotFound(FormatErrorAt(ex.text(), n.bound[0].pos,
                                          "no target for " + series[0].code + " in " +
                                              n.bound[1].period->text)));
    }
  }
  RowCollector rc = ex.Rows(TargetColumns());
  for (const auto& t : targets) {
    if (!rc.Add(TargetRow(ex, t, ctx, nullptr))) break;
  }
  return rc.Finish({"met: >= when actual >= target - tolerance; <= when actual <= target + "
                    "tolerance; = and ~ when actual >= target - tolerance. Default tolerance of ~ "
                    "targets: " + NumberText(ex.options().default_about_tolerance) +
                    "; of the others: 0"});
}

// ---- need ------------------------------------------------------------------------------------
Table Need(Executor& ex, const ast::Node& n, const Ctx& outer) {
  using C = Comparator;
  Ctx ctx = outer;
  std::vector<SeriesMeta> series = ex.Selection(*n.bound[0].expr, &ctx);
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"from_period", ColumnType::kPeriod, ""},
                              {"from_value", ColumnType::kNumber, ""},
                              {"target", ColumnType::kNumber, ""},
                              {"need", ColumnType::kNumber, ""},
                              {"need_unit", ColumnType::kString, ""},
                              {"unit", ColumnType::kString, ""},
                              {"comparator", ColumnType::kString, ""},
                              {"method", ColumnType::kString, ""},
                              {"note", ColumnType::kString, ""}};
  RowCollector rc = ex.Rows(cols);
  const Date as_of = ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate;
  bool any_target = false;
  for (const auto& m : series) {
    auto rp = ResolvePeriod(n.bound[1].period->parsed, m.frequency, m.cumulative, m.code);
    if (!rp.ok()) {
      if (series.size() == 1) ex.Err(n.bound[1].pos, rp.status().message());
      continue;
    }
    const Period period = *rp;
    auto tr = ex.view().ReadTargets(m.code, period, as_of);
    if (!tr.ok()) Fail(tr.status());
    for (const auto& t : *tr) {
      if (t.comparator == C::kQualitative || t.comparator == C::kRelative || std::isnan(t.value)) continue;
      any_target = true;
      const std::string unit = t.unit.empty() ? m.unit : t.unit;
      storage::ReadRequest req;
      req.mode = ctx.mode;
      req.as_of = ctx.as_of;
      auto data = ex.view().ReadSeries(m.code, req);
      if (!data.ok()) Fail(data.status());
      std::optional<Period> from;
      double from_value = kNaN, need = kNaN;
      std::string need_unit = "%", method, note;
      if (m.measure == MeasureKind::kGrowth) {
        // Growth target: the rest of the year given the cumulative figure so far.
        method = "rest of year";
        const int year = period.year();
        double year_value = kNaN;
        for (size_t i = 0; i < data->size(); ++i) {
          const Period p = data->period[i];
          if (p.year() != year || std::isnan(data->value[i])) continue;
          if (p.index >= period.index) {
            year_value = data->value[i];
          } else {
            from = p;
            from_value = data->value[i];
          }
        }
        if (!std::isnan(year_value)) {
          note = "the figure for the whole period is already published";
        } else if (!from) {
          need = t.value;
          note = "no figure for " + std::to_string(year) + " yet: the whole period needs the target";
        } else {
          // Weights: the level series' cumulative levels a year earlier, up to `from` and for
          // the whole year: (1+g)L_Y = (1+g1)L_k + (1+g2)(L_Y - L_k).
          double lk = kNaN, ly = kNaN;
          std::string why;
          if (m.level_series.empty()) {
            why = "series " + m.code + " names no level_series";
          } else {
            auto lm = ex.view().GetSeries(m.level_series);
            if (!lm.ok()) {
              why = "level_series " + m.level_series + " not found";
            } else {
              auto lv = ex.view().ReadSeries(m.level_series, req);
              if (!lv.ok()) Fail(lv.status());
              auto value_at = [&](Period p) {
                for (size_t i = 0; i < lv->size(); ++i) {
                  if (lv->period[i] == p) return lv->value[i];
                }
                return kNaN;
              };
              const Period k_prev = from->YearAgo();
              const Period y_prev = period.YearAgo();
              if (lm->frequency == m.frequency && lm->cumulative) {
                lk = value_at(k_prev);
                ly = value_at(y_prev);
              } else if (lm->frequency == m.frequency && !lm->cumulative) {
                double s = 0;
                const int ppy = PeriodsPerYear(m.frequency);
                const int32_t first = (year - 1) * ppy;
                bool complete = true;
                for (int32_t i = first; i < first + ppy; ++i) {
                  double v = value_at(Period{m.frequency, i});
                  if (std::isnan(v)) complete = false;
                  s += v;
                  if (i == k_prev.index) lk = complete ? s : kNaN;
                }
                ly = complete ? s : kNaN;
              } else {
                why = "level_series " + m.level_series + " is " + FrequencyName(lm->frequency) +
                      (lm->cumulative ? " cumulative" : "") + ": no split of the year";
              }
              if (why.empty() && (std::isnan(lk) || std::isnan(ly))) {
                why = "level_series " + m.level_series + " lacks " +
                      FormatPeriod(k_prev, lm->cumulative) + " or " +
                      FormatPeriod(y_prev, lm->cumulative) + " levels";
              }
            }
          }
          if (why.empty() && ly > lk && lk > 0) {
            need = (((1 + t.value / 100) * ly - (1 + from_value / 100) * lk) / (ly - lk) - 1) * 100;
            note = "weights from " + m.level_series + " a year earlier";
          } else {
            note = "cannot compute: weights missing (" + (why.empty() ? "bad levels" : why) + ")";
          }
        }
      } else if (IsPointsUnit(unit) || storage::ChangesInPoints(m.measure)) {
        method = "difference";
        need_unit = "pp";
        for (size_t i = 0; i < data->size(); ++i) {
          if (data->period[i].index < period.index && !std::isnan(data->value[i])) {
            from = data->period[i];
            from_value = data->value[i];
          }
        }
        if (from) need = DecimalDiff(t.value, from_value);
        else note = "no value before " + FormatPeriod(period, m.cumulative);
      } else {
        // Level target: compound growth per year from the latest actual before the period.
        method = "compound per year";
        for (size_t i = 0; i < data->size(); ++i) {
          if (data->period[i].index < period.index && !std::isnan(data->value[i])) {
            from = data->period[i];
            from_value = data->value[i];
          }
        }
        if (from && unit != m.unit) {
          auto f = UnitConversionFactor(m.unit, unit);
          if (f.ok()) {
            from_value = ScaleByUnit(from_value, *f);
          } else {
            note = "values in " + m.unit + " cannot be compared with a target in " + unit;
            from_value = kNaN;
          }
        }
        if (!from) {
          note = "no value before " + FormatPeriod(period, m.cumulative);
        } else if (!std::isnan(from_value) && from_value > 0) {
          const double years =
              static_cast<double>(period.index - from->index) / PeriodsPerYear(m.frequency);
          need = (std::pow(t.value / from_value, 1 / years) - 1) * 100;
          if (years != 1) note = "over " + NumberText(years) + " years";
        }
      }
      std::vector<Cell> row = {Str(m.code),
                               Str(FormatPeriod(period, m.cumulative)),
                               from ? Str(FormatPeriod(*from, m.cumulative)) : Cell{},
                               Num(from_value),
                               Num(t.value),
                               Num(need),
                               Str(need_unit),
                               OptStr(unit),
                               OptStr(ComparatorText(t.comparator)),
                               Str(method),
                               OptStr(note)};
      if (!rc.Add(std::move(row))) break;
    }
  }
  if (!any_target && series.size() == 1) {
    Fail(Status::NotFound(FormatErrorAt(ex.text(), n.bound[0].pos,
                                        "no numeric target for " + series[0].code + " in " +
                                            n.bound[1].period->text)));
  }
  return rc.Finish({});
}


Param X() { return {"x", ParamKind::kSeries, "", false, {}}; }
Param P(bool optional = false) { return {"period", ParamKind::kPeriod, "", optional, {}}; }

}  // namespace

void RegisterTargetFunctions(FunctionRegistry& r) {
  r.Add({"targets", "targets", {P(true)}, ResultShape::kTable, "unit of each target",
         "every target whose period lies within P, judged against the actual",
         "indicator,period,comparator,target,actual,gap,status: met, missed, pending or qualitative",
         "targets(2024)", nullptr, Targets});
  r.Add({"gap", "targets", {X(), P()}, ResultShape::kTable, "the target's unit; pp for % targets",
         "the targets of x for P with the gap to the actual", "gap = actual - target",
         "gap(gdp_growth, 2024)", nullptr, Targets});
  r.Add({"need", "targets", {X(), P()}, ResultShape::kTable, "% (growth) or pp (rates)",
         "the growth still required to reach each numeric target of x for P",
         "levels: ((target / from_value)^(1/y) - 1) * 100; rates: target - from_value; rest of the "
         "year from a cumulative figure so far",
         "need(hitech_firms_total, 2024)", nullptr, Need});
}

}  // namespace ixdb::query
