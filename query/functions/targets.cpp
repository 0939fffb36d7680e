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
#include "query/internal/evaluator.hpp"
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
                uint8_t* status, uint8_t* qualifier = nullptr) {
  auto r = ReadAsCtx(ex.view(), meta.code, ctx, p, p);
  if (!r.ok()) Fail(r.status());
  for (size_t i = 0; i < r->size(); ++i) {
    if (r->period[i] == p) {
      if (vintage) *vintage = r->vintage[i];
      if (status) *status = r->status[i];
      if (qualifier) *qualifier = r->qualifier.empty() ? 0 : r->qualifier[i];
      return r->value[i];
    }
  }
  return kNaN;
}

std::vector<Column> TargetColumns() {
  return {{"indicator", ColumnType::kString, ""},     {"period", ColumnType::kPeriod, ""},
          {"comparator", ColumnType::kString, ""},    {"target", ColumnType::kNumber, ""},
          {"actual", ColumnType::kNumber, ""},        {"gap", ColumnType::kNumber, ""},
          {"status", ColumnType::kString, ""},        {"unit", ColumnType::kString, ""},
          {"gap_unit", ColumnType::kString, ""},      {"tolerance", ColumnType::kNumber, ""},
          {"shortfall", ColumnType::kNumber, ""},     {"actual_vintage", ColumnType::kDate, ""},
          {"actual_status", ColumnType::kString, ""}, {"text", ColumnType::kString, ""},
          {"source", ColumnType::kString, ""},        {"note", ColumnType::kString, ""},
          {"target_high", ColumnType::kNumber, ""},   {"on", ColumnType::kString, ""}};
}

// A <= or >= target whose words say 左右 or 约 (控制在3%左右) carries the tolerance of "about":
// recorded by the loader (Target::about), or read from its text for targets stored without it.
bool SaysAbout(const storage::Target& t) {
  return t.about || ixdb::SaysAbout(t.text) || ixdb::SaysAbout(t.source);
}

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

// What a target's number is compared with: the unit the actual must be in. Empty `why` when
// the target can be judged; otherwise why not (a % target on a level, 亿美元 on 亿元, a pp
// target on the level of a rate).
struct TargetBasis {
  std::string actual_unit;  // the unit of the value judged (series unit, % for yoy, pp for diff)
  double factor = 1;        // actual (in actual_unit) * factor = actual in the target's unit
  std::string why;
};
TargetBasis BasisOf(const storage::Target& t, const SeriesMeta& m) {
  TargetBasis b;
  const std::string unit = t.unit.empty() ? m.unit : t.unit;
  const UnitInfo tu = ParseUnit(unit);
  const bool rate_series = IsPointsUnit(m.unit) || storage::ChangesInPoints(m.measure);
  switch (t.on) {
    case storage::TargetOn::kLevel:
      b.actual_unit = m.unit;
      break;
    case storage::TargetOn::kYoy:
      b.actual_unit = "%";
      if (!tu.percent) b.why = "a target on yoy is in %, not " + unit;
      return b;
    case storage::TargetOn::kDiff:
      b.actual_unit = rate_series && ParseUnit(m.unit).percent ? "pp" : m.unit;
      if (b.actual_unit == "pp") {
        if (!tu.percentage_points && !tu.percent)
          b.why = "a target on the change of a % series is in pp, not " + unit;
        return b;
      }
      break;
  }
  if (unit == b.actual_unit) return b;
  if (tu.percentage_points && ParseUnit(b.actual_unit).percent) {
    b.why = "a target in " + unit + " on " + m.code + " (" + m.unit +
            ") is a target on its change: give it on=diff";
    return b;
  }
  auto f = UnitConversionFactor(b.actual_unit, unit);
  if (!f.ok()) {
    b.why = "actual in " + (b.actual_unit.empty() ? std::string("no unit") : b.actual_unit) +
            " cannot be compared with a target in " +
            (unit.empty() ? std::string("no unit") : unit);
  } else {
    b.factor = *f;
  }
  return b;
}

// The value a target is judged on, read as `ctx` says: the level, its yoy (% change on the same
// period a year earlier) or its diff (on the period before; for a cumulative series the same
// span a year earlier), in `basis.actual_unit`.
// *qualifier: the value's, as the series qualifiers say (a level published as 突破2万亿元 is
// >= 20000); a yoy or diff rises with the value and falls with its base.
double JudgedValue(Executor& ex, const storage::Target& t, const SeriesMeta& m, const Ctx& ctx,
                   Date* vintage, uint8_t* status, uint8_t* qualifier) {
  const double v = ActualAt(ex, m, t.period, ctx, vintage, status, qualifier);
  if (t.on == storage::TargetOn::kLevel || std::isnan(v)) return v;
  const Period base =
      t.on == storage::TargetOn::kYoy || m.cumulative ? t.period.YearAgo() : t.period.Shifted(-1);
  uint8_t base_qualifier = 0;
  const double b = ActualAt(ex, m, base, ctx, nullptr, nullptr, &base_qualifier);
  if (std::isnan(b)) return kNaN;
  // v - b, and v / b - 1 for positive v and b, rise with v and fall with b. Any other sign makes
  // a bound point whichever way: say so (mixed) rather than guess.
  const bool monotone = t.on == storage::TargetOn::kDiff || (v > 0 && b > 0);
  const uint8_t combined = CombineQualifiers(*qualifier, FlipQualifier(base_qualifier));
  const auto about = static_cast<uint8_t>(storage::Qualifier::kAbout);
  *qualifier = monotone || combined == 0 || combined == about ? combined : kQualifierMixed;
  if (t.on == storage::TargetOn::kYoy) return b != 0 ? (v / b - 1) * 100 : kNaN;
  return DecimalDiff(v, b);
}

// The tolerance applied (docs/query-language.md §6): the target's own; else for "about" targets
// (~, 同步, 控制在X左右) 0.5 percentage points when the target is in % or pp, and 2% of the
// target for levels, counts and ratios, so that the same target gets the same status in any unit
// (约2万亿元 and 约20000亿元); strict < and > never have one; others 0.
double ToleranceOf(const storage::Target& t, double target, const std::string& unit,
                   const QueryOptions& o) {
  using C = Comparator;
  if (t.comparator == C::kLess || t.comparator == C::kGreater) return 0;
  if (!std::isnan(t.tolerance)) return t.tolerance;
  const bool about =
      t.comparator == C::kAbout || t.comparator == C::kRelative ||
      ((t.comparator == C::kAtMost || t.comparator == C::kAtLeast || t.comparator == C::kBetween) &&
       SaysAbout(t));
  if (!about) return 0;
  if (IsPointsUnit(unit)) return o.default_about_tolerance;
  return std::isnan(target) ? kNaN
                            : DecimalProduct(o.default_about_relative_tolerance, std::fabs(target));
}

// Whether a judgement on an actual with qualifier q holds for the true value too. An actual that
// is only a bound (突破2万亿元: the true value is >= 20000) decides a target one way only: a lower
// bound that meets a >= target meets it whatever the true value, one that misses says nothing;
// for a <= target the other way round. `up`: higher is better for the comparator.
bool BoundDecides(uint8_t q, Comparator c, bool up, bool met, double actual, double target,
                  double high, double tol, double eps) {
  const bool lower = q == static_cast<uint8_t>(storage::Qualifier::kAtLeast);
  const bool upper = q == static_cast<uint8_t>(storage::Qualifier::kAtMost);
  if (q == kQualifierMixed) return false;
  if (!lower && !upper) return true;  // exact or about: judged as published
  if (c == Comparator::kBetween) {
    // Only a miss on the side the bound points to is sure.
    return !met && (lower ? actual > high + tol + eps : actual < target - tol - eps);
  }
  return lower == up ? met : !met;
}

std::string BoundNote(uint8_t q) {
  if (q == kQualifierMixed) {
    return "the actual is computed from bounds that point opposite ways: met or missed cannot "
           "be told";
  }
  return std::string("the actual is only ") +
         (q == static_cast<uint8_t>(storage::Qualifier::kAtLeast) ? "a lower bound (>=)"
                                                                  : "an upper bound (<=)") +
         ": met or missed cannot be told";
}

std::vector<Cell> TargetRow(Executor& ex, const storage::Target& t, const Ctx& ctx,
                            std::string* note_out) {
  using C = Comparator;
  const SeriesMeta& m = ex.Meta(t.series);
  std::string note;
  const std::string unit = t.unit.empty() ? m.unit : t.unit;
  const bool lower_better = m.better == storage::Better::kLower;
  Date vintage{};
  uint8_t astatus = 0, aqualifier = 0;
  double actual = kNaN;
  bool have_actual = false;
  if (t.comparator != C::kQualitative) {
    const TargetBasis basis = BasisOf(t, m);
    if (!basis.why.empty()) {
      note = basis.why;
    } else {
      actual = JudgedValue(ex, t, m, ctx, &vintage, &astatus, &aqualifier);
      have_actual = !std::isnan(actual);
      if (have_actual && basis.factor != 1) actual = ScaleByUnit(actual, basis.factor);
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
  const double tol = ToleranceOf(t, target, unit, ex.options());
  std::string status;
  double gap = kNaN, shortfall = kNaN;
  if (t.comparator == C::kQualitative) {
    status = "qualitative";
  } else if (std::isnan(actual) || std::isnan(target) ||
             (t.comparator == C::kBetween && std::isnan(t.value_high))) {
    status = "pending";
  } else {
    gap = DecimalDiff(actual, target);
    // A relative epsilon absorbs binary rounding (6 - 0.3 vs 5.7) at the tolerance edge.
    const double eps = 1e-9 * std::max(1.0, std::fabs(target));
    // Which way is good: up for >= >, down for <= <, the indicator's direction for = ~ 同步.
    bool up = true;
    switch (t.comparator) {
      case C::kAtMost:
      case C::kLess:
        up = false;
        break;
      case C::kEqual:
      case C::kAbout:
      case C::kRelative:
        up = !lower_better;
        break;
      default:
        break;
    }
    bool met;
    if (t.comparator == C::kBetween) {
      met = actual >= target - tol - eps && actual <= t.value_high + tol + eps;
      shortfall = actual < target ? DecimalDiff(target, actual)
                  : actual > t.value_high
                      ? DecimalDiff(actual, t.value_high)
                      : std::max(DecimalDiff(target, actual), DecimalDiff(actual, t.value_high));
    } else if (t.comparator == C::kLess) {
      met = actual < target;
      shortfall = DecimalDiff(actual, target);
    } else if (t.comparator == C::kGreater) {
      met = actual > target;
      shortfall = DecimalDiff(target, actual);
    } else if (up) {
      met = actual >= target - tol - eps;
      shortfall = DecimalDiff(target, actual);
    } else {
      met = actual <= target + tol + eps;
      shortfall = DecimalDiff(actual, target);
    }
    status = met ? "met" : "missed";
    if (!BoundDecides(aqualifier, t.comparator, up, met, actual, target, t.value_high, tol, eps)) {
      status = "pending";
      gap = shortfall = kNaN;
      note = (note.empty() ? "" : note + "; ") + BoundNote(aqualifier);
    }
  }
  if (note_out) *note_out = note;
  const bool judged = t.comparator != C::kQualitative;
  const bool points_gap = IsPointsUnit(unit);
  return {Str(t.series),
          Str(FormatPeriod(t.period, m.cumulative)),
          OptStr(ComparatorText(t.comparator)),
          Num(target),
          Num(actual),
          Num(gap),
          Str(status),
          OptStr(unit),
          judged ? OptStr(points_gap ? "pp" : unit) : Cell{},
          judged ? Num(tol) : Cell{},
          Num(shortfall),
          have_actual ? Str(FormatDate(vintage)) : Cell{},
          have_actual ? OptStr(storage::ObsStatusName(static_cast<storage::ObsStatus>(astatus)))
                      : Cell{},
          OptStr(t.text),
          OptStr(t.source),
          OptStr(note),
          Num(t.value_high),
          t.on == storage::TargetOn::kLevel ? Cell{} : Str(storage::TargetOnName(t.on))};
}

Table Targets(Executor& ex, const ast::Node& n, const Ctx& outer) {
  Ctx ctx = outer;
  const Date as_of = ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate;
  std::vector<storage::Target> targets;
  if (n.text == "targets") {
    auto r = ex.view().ReadTargets("", std::nullopt, as_of);
    if (!r.ok()) Fail(r.status());
    const ParsedPeriod* bound = n.bound[0].period ? &n.bound[0].period->parsed : nullptr;
    for (auto& t : *r) {
      if (bound && !RowInRange(t.period, ex.Meta(t.series).cumulative, bound, bound)) continue;
      targets.push_back(std::move(t));
    }
  } else {  // gap(x, period)
    MetaList series = ex.Selection(*n.bound[0].expr, &ctx);
    for (const SeriesMeta* selected : series) {
      const SeriesMeta& m = *selected;
      auto p = ResolvePeriod(n.bound[1].period->parsed, m.frequency, m.cumulative, m.code);
      if (!p.ok()) {
        if (series.size() == 1) ex.Err(n.bound[1].pos, p.status().message());
        continue;
      }
      auto r = ex.view().ReadTargets(m.code, *p,
                                     ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate);
      if (!r.ok()) Fail(r.status());
      for (auto& t : *r) targets.push_back(std::move(t));
    }
    if (targets.empty() && series.size() == 1) {
      Fail(Status::NotFound(
          FormatErrorAt(ex.text(), n.bound[0].pos,
                        "no target for " + series[0]->code + " in " + n.bound[1].period->text)));
    }
  }
  RowCollector rc = ex.Rows(TargetColumns());
  for (const auto& t : targets) {
    if (!rc.Add(TargetRow(ex, t, ctx, nullptr), ex.Meta(t.series).cumulative)) break;
  }
  return rc.Finish(
      {"met: >= when actual >= target - tolerance; <= when actual <= target + tolerance; = and ~ "
       "when actual >= target - tolerance (<= target + tolerance for indicators where lower is "
       "better); between within [target - t, target_high + t]; < and > strictly",
       "default tolerance of ~ (and 控制在X左右) targets: " +
           NumberText(ex.options().default_about_tolerance) + " pp for targets in %, " +
           NumberText(ex.options().default_about_relative_tolerance * 100) +
           "% of the target for levels; of the others: 0"});
}

// ---- need ------------------------------------------------------------------------------------
// One need() row: where the series stands and the growth (or points) still required.
struct NeedResult {
  std::optional<Period> from;
  double from_value = kNaN, need = kNaN;
  std::string need_unit = "%", method, note;
  // The first input published only as a bound (突破2万亿元: >= 20000), e.g. "2024 of gdp is only
  // a lower bound (>=)": what is still needed then has no one right answer.
  std::string bound_input;
};

// The values of a series as `ctx` reads them.
storage::SeriesValues ReadAll(Executor& ex, const std::string& code, const Ctx& ctx) {
  auto data = ReadAsCtx(ex.view(), code, ctx);
  if (!data.ok()) Fail(data.status());
  return std::move(*data);
}

double ValueAt(const storage::SeriesValues& v, Period p) {
  auto it = std::lower_bound(v.period.begin(), v.period.end(), p);
  return it != v.period.end() && *it == p ? v.value[static_cast<size_t>(it - v.period.begin())]
                                          : kNaN;
}

// Records in r->bound_input that the value of `p` in `v` is published only as a bound.
void NoteBoundInput(const SeriesMeta& m, const storage::SeriesValues& v, Period p, NeedResult* r) {
  if (!r->bound_input.empty() || v.qualifier.empty()) return;
  auto it = std::lower_bound(v.period.begin(), v.period.end(), p);
  if (it == v.period.end() || *it != p) return;
  const uint8_t q = v.qualifier[static_cast<size_t>(it - v.period.begin())];
  if (q != static_cast<uint8_t>(storage::Qualifier::kAtLeast) &&
      q != static_cast<uint8_t>(storage::Qualifier::kAtMost)) {
    return;
  }
  r->bound_input =
      FormatPeriod(p, m.cumulative) + " of " + m.code + " is only " +
      (q == static_cast<uint8_t>(storage::Qualifier::kAtLeast) ? "a lower bound (>=)"
                                                               : "an upper bound (<=)");
}

// The latest period before `period` with a value (for a cumulative series only the periods of
// the same span length, `same_span`, or any period of `year` when year >= 0).
std::optional<Period> LatestBefore(const storage::SeriesValues& v, Period period,
                                   bool same_span_only) {
  std::optional<Period> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.period[i].index >= period.index || std::isnan(v.value[i])) continue;
    if (same_span_only && v.period[i].sub() != period.sub()) continue;
    out = v.period[i];
  }
  return out;
}

// The figure of `period`'s year published so far (the latest year-to-date span before it).
std::optional<Period> InYearFigure(const storage::SeriesValues& v, Period period) {
  std::optional<Period> out;
  for (size_t i = 0; i < v.size(); ++i) {
    const Period p = v.period[i];
    if (p.year() == period.year() && p.index < period.index && !std::isnan(v.value[i])) out = p;
  }
  return out;
}

// Annual growth target of a cumulative growth series with a figure so far (H1 growth g1): the
// growth the rest of the year needs, weighted by the level series' cumulative levels a year
// earlier: (1+g)L_Y = (1+g1)L_k + (1+g2)(L_Y - L_k).
NeedResult NeedGrowthRestOfYear(Executor& ex, const SeriesMeta& m,
                                const storage::SeriesValues& data, Period period, double target,
                                const Ctx& ctx) {
  NeedResult r;
  r.method = "rest of year";
  r.from = InYearFigure(data, period);
  if (!r.from) {
    r.need = target;
    r.note = "no figure for " + std::to_string(period.year()) +
             " yet: the whole period needs the target";
    return r;
  }
  r.from_value = ValueAt(data, *r.from);
  NoteBoundInput(m, data, *r.from, &r);
  double lk = kNaN, ly = kNaN;
  std::string why;
  if (m.level_series.empty()) {
    why = "series " + m.code + " names no level_series";
  } else if (auto lm = ex.view().GetSeries(m.level_series); !lm.ok()) {
    why = "level_series " + m.level_series + " not found";
  } else {
    const storage::SeriesValues lv = ReadAll(ex, m.level_series, ctx);
    const Period k_prev = r.from->YearAgo();
    const Period y_prev = period.YearAgo();
    if (lm->frequency == m.frequency && lm->cumulative) {
      lk = ValueAt(lv, k_prev);
      ly = ValueAt(lv, y_prev);
      NoteBoundInput(*lm, lv, k_prev, &r);
      NoteBoundInput(*lm, lv, y_prev, &r);
    } else if (lm->frequency == m.frequency && !lm->cumulative) {
      double sum = 0;
      const int ppy = PeriodsPerYear(m.frequency);
      const int32_t first = (period.year() - 1) * ppy;
      bool complete = true;
      for (int32_t i = first; i < first + ppy; ++i) {
        const double v = ValueAt(lv, Period{m.frequency, i});
        NoteBoundInput(*lm, lv, Period{m.frequency, i}, &r);
        if (std::isnan(v)) complete = false;
        sum += v;
        if (i == k_prev.index) lk = complete ? sum : kNaN;
      }
      ly = complete ? sum : kNaN;
    } else {
      why = "level_series " + m.level_series + " is " + FrequencyName(lm->frequency) +
            (lm->cumulative ? " cumulative" : "") + ": no split of the year";
    }
    if (why.empty() && (std::isnan(lk) || std::isnan(ly))) {
      why = "level_series " + m.level_series + " lacks " + FormatPeriod(k_prev, lm->cumulative) +
            " or " + FormatPeriod(y_prev, lm->cumulative) + " levels";
    }
  }
  if (why.empty() && ly > lk && lk > 0) {
    r.need = (((1 + target / 100) * ly - (1 + r.from_value / 100) * lk) / (ly - lk) - 1) * 100;
    r.note = "weights from " + m.level_series + " a year earlier";
  } else {
    r.note = "cannot compute: weights missing (" + (why.empty() ? "bad levels" : why) + ")";
  }
  return r;
}

// Level target of a cumulative (year-to-date) level series with a figure so far (1-5月 300
// toward 900 for the year): the growth the rest of the year needs against the same months a
// year earlier, (target - so_far) / (L_Y - L_k) - 1, L_k and L_Y last year's same span and year.
NeedResult NeedLevelRestOfYear(const SeriesMeta& m, const storage::SeriesValues& data,
                               Period period, double target, Period from, double factor) {
  NeedResult r;
  r.method = "rest of year";
  r.from = from;
  r.from_value = ScaleByUnit(ValueAt(data, from), factor);
  const double lk = ScaleByUnit(ValueAt(data, from.YearAgo()), factor);
  const double ly = ScaleByUnit(ValueAt(data, period.YearAgo()), factor);
  NoteBoundInput(m, data, from, &r);
  NoteBoundInput(m, data, from.YearAgo(), &r);
  NoteBoundInput(m, data, period.YearAgo(), &r);
  if (std::isnan(lk) || std::isnan(ly)) {
    r.note = "cannot compute: last year's " + FormatPeriod(from.YearAgo(), m.cumulative) + " or " +
             FormatPeriod(period.YearAgo(), m.cumulative) + " is missing";
  } else if (!(ly > lk)) {
    r.note = "cannot compute: last year's rest of the year is not positive";
  } else {
    r.need = ((target - r.from_value) / (ly - lk) - 1) * 100;
    r.note = "against the rest of " + std::to_string(period.year() - 1);
  }
  return r;
}

// Rate or share target: the points still to gain from the latest value.
NeedResult NeedDifference(const SeriesMeta& m, const storage::SeriesValues& data, Period period,
                          double target) {
  NeedResult r;
  r.method = "difference";
  r.need_unit = "pp";
  r.from = LatestBefore(data, period, false);
  if (r.from) {
    r.from_value = ValueAt(data, *r.from);
    NoteBoundInput(m, data, *r.from, &r);
    r.need = DecimalDiff(target, r.from_value);
  } else {
    r.note = "no value before " + FormatPeriod(period, m.cumulative);
  }
  return r;
}

// Level target: compound growth per year from the latest actual before the period (for a
// cumulative series, the latest full span of the same length: a year is not compared with
// a part of one).
NeedResult NeedCompound(const SeriesMeta& m, const storage::SeriesValues& data, Period period,
                        double target, double factor) {
  NeedResult r;
  r.method = "compound per year";
  r.from = LatestBefore(data, period, m.cumulative);
  if (!r.from) {
    r.note = "no value before " + FormatPeriod(period, m.cumulative);
    return r;
  }
  r.from_value = ScaleByUnit(ValueAt(data, *r.from), factor);
  NoteBoundInput(m, data, *r.from, &r);
  if (r.from_value > 0) {
    const double years =
        static_cast<double>(period.index - r.from->index) / PeriodsPerYear(m.frequency);
    r.need = (std::pow(target / r.from_value, 1 / years) - 1) * 100;
    if (years != 1) r.note = "over " + NumberText(years) + " years";
  }
  return r;
}

NeedResult NeedOf(Executor& ex, const SeriesMeta& m, const storage::Target& t, Period period,
                  const Ctx& ctx) {
  const storage::SeriesValues data = ReadAll(ex, m.code, ctx);
  if (m.measure == MeasureKind::kGrowth) {
    if (t.on == storage::TargetOn::kLevel && !ParseUnit(t.unit.empty() ? m.unit : t.unit).percent) {
      NeedResult r;
      r.note = "a growth series cannot reach a target in " + t.unit;
      return r;
    }
    if (!std::isnan(ValueAt(data, period))) {
      NeedResult r;
      r.method = "rest of year";
      r.note = "the figure for the whole period is already published";
      return r;
    }
    return NeedGrowthRestOfYear(ex, m, data, period, t.value, ctx);
  }
  const TargetBasis basis = BasisOf(t, m);
  if (!basis.why.empty()) {
    NeedResult r;
    r.note = basis.why;
    return r;
  }
  double target = t.value;
  NeedResult base_bound;  // the base of a change target may itself be a bound
  const bool points = IsPointsUnit(m.unit) || storage::ChangesInPoints(m.measure);
  // Targets on a change become the level they ask for: a year's yoy of g is the level of the
  // year before times (1 + g/100); a diff of d is the level before plus d.
  if (t.on != storage::TargetOn::kLevel) {
    const Period base =
        t.on == storage::TargetOn::kYoy || m.cumulative ? period.YearAgo() : period.Shifted(-1);
    const double b = ValueAt(data, base);
    if (std::isnan(b)) {
      NeedResult r;
      r.note = "no value for " + FormatPeriod(base, m.cumulative) + ", the base of the target";
      return r;
    }
    target = t.on == storage::TargetOn::kYoy ? b * (1 + t.value / 100) : DecimalSum(b, t.value);
    NoteBoundInput(m, data, base, &base_bound);
  }
  // A target of a change was computed in the series' own unit above.
  const double factor = t.on == storage::TargetOn::kLevel ? basis.factor : 1;
  NeedResult r;
  if (points) {
    r = NeedDifference(m, data, period, target);
  } else if (m.cumulative && !std::isnan(ValueAt(data, period))) {
    r.method = "rest of year";
    r.note = "the figure for the whole period is already published";
    return r;
  } else if (auto in_year = m.cumulative ? InYearFigure(data, period) : std::nullopt) {
    r = NeedLevelRestOfYear(m, data, period, target, *in_year, factor);
  } else {
    r = NeedCompound(m, data, period, target, factor);
  }
  if (r.bound_input.empty()) r.bound_input = base_bound.bound_input;
  return r;
}

// need() of one target. A need computed from a value published only as a bound has no one right
// answer (from >= 20000 toward 22000 needs at most +10%, perhaps nothing): empty, with a note.
NeedResult NeedFor(Executor& ex, const SeriesMeta& m, const storage::Target& t, Period period,
                   const Ctx& ctx) {
  NeedResult r = NeedOf(ex, m, t, period, ctx);
  if (!r.bound_input.empty() && !std::isnan(r.need)) {
    r.need = kNaN;
    r.note = r.bound_input + ": what is still needed cannot be told" +
             (r.note.empty() ? "" : "; " + r.note);
  }
  return r;
}

Table Need(Executor& ex, const ast::Node& n, const Ctx& outer) {
  using C = Comparator;
  Ctx ctx = outer;
  MetaList series = ex.Selection(*n.bound[0].expr, &ctx);
  std::vector<Column> cols = {
      {"indicator", ColumnType::kString, ""},   {"period", ColumnType::kPeriod, ""},
      {"from_period", ColumnType::kPeriod, ""}, {"from_value", ColumnType::kNumber, ""},
      {"target", ColumnType::kNumber, ""},      {"need", ColumnType::kNumber, ""},
      {"need_unit", ColumnType::kString, ""},   {"unit", ColumnType::kString, ""},
      {"comparator", ColumnType::kString, ""},  {"method", ColumnType::kString, ""},
      {"note", ColumnType::kString, ""}};
  RowCollector rc = ex.Rows(cols);
  const Date as_of = ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate;
  bool any_target = false;
  for (const SeriesMeta* selected : series) {
    const SeriesMeta& m = *selected;
    auto rp = ResolvePeriod(n.bound[1].period->parsed, m.frequency, m.cumulative, m.code);
    if (!rp.ok()) {
      if (series.size() == 1) ex.Err(n.bound[1].pos, rp.status().message());
      continue;
    }
    const Period period = *rp;
    auto tr = ex.view().ReadTargets(m.code, period, as_of);
    if (!tr.ok()) Fail(tr.status());
    for (const auto& t : *tr) {
      if (t.comparator == C::kQualitative || t.comparator == C::kRelative || std::isnan(t.value))
        continue;
      any_target = true;
      const std::string unit = t.unit.empty() ? m.unit : t.unit;
      const NeedResult r = NeedFor(ex, m, t, period, ctx);
      std::vector<Cell> row = {Str(m.code),
                               Str(FormatPeriod(period, m.cumulative)),
                               r.from ? Str(FormatPeriod(*r.from, m.cumulative)) : Cell{},
                               Num(r.from_value),
                               Num(t.value),
                               Num(r.need),
                               Str(r.need_unit),
                               OptStr(unit),
                               OptStr(ComparatorText(t.comparator)),
                               OptStr(r.method),
                               OptStr(r.note)};
      if (!rc.Add(std::move(row), m.cumulative)) break;
    }
  }
  if (!any_target && series.size() == 1) {
    Fail(Status::NotFound(FormatErrorAt(
        ex.text(), n.bound[0].pos,
        "no numeric target for " + series[0]->code + " in " + n.bound[1].period->text)));
  }
  return rc.Finish({});
}

Param X() { return {"x", ParamKind::kSeries, "", false, {}}; }
Param P(bool optional = false) { return {"period", ParamKind::kPeriod, "", optional, {}}; }

}  // namespace

void RegisterTargetFunctions(FunctionRegistry& r) {
  r.Add(
      {"targets",
       "targets",
       {P(true)},
       ResultShape::kTable,
       "unit of each target",
       "every target whose period lies within P, judged against the actual",
       "indicator,period,comparator,target,actual,gap,status: met, missed, pending or qualitative",
       "targets(2024)",
       nullptr,
       Targets});
  r.Add({"gap",
         "targets",
         {X(), P()},
         ResultShape::kTable,
         "the target's unit; pp for % targets",
         "the targets of x for P with the gap to the actual",
         "gap = actual - target",
         "gap(gdp_growth, 2024)",
         nullptr,
         Targets});
  r.Add({"need",
         "targets",
         {X(), P()},
         ResultShape::kTable,
         "% (growth) or pp (rates)",
         "the growth still required to reach each numeric target of x for P",
         "levels: ((target / from_value)^(1/y) - 1) * 100; rates: target - from_value; rest of the "
         "year from a cumulative figure so far",
         "need(hitech_firms, 2024)",
         nullptr,
         Need});
}

}  // namespace ixdb::query
