#include "query/internal/evaluator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/units.hpp"
#include "query/internal/function_registry.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

using storage::MeasureKind;

std::string ExprText(const ast::Node& n, const storage::SeriesMeta* bound, int parent_prec,
                     bool right) {
  using K = ast::Node::Kind;
  switch (n.kind) {
    case K::kNumber:
      return NumberText(n.number);
    case K::kSeries:
      return n.text;
    case K::kNegate:
      return "-" + ExprText(*n.args[0], bound, 4);
    case K::kRange:
      return ExprText(*n.args[0], bound, parent_prec, right);  // rows show periods
    case K::kConvert: {
      std::string s = ExprText(*n.args[0], bound, 1) + " in " + n.text;
      return parent_prec > 0 ? "(" + s + ")" : s;
    }
    case K::kBinary: {
      const int prec = (n.op == '+' || n.op == '-') ? 1 : n.op == '^' ? 3 : 2;
      // ^ is right-associative: its left operand needs parentheses at equal precedence.
      const bool left_assoc = n.op != '^';
      std::string s = ExprText(*n.args[0], bound, prec, !left_assoc) + std::string(1, n.op) +
                      ExprText(*n.args[1], bound, prec, left_assoc);
      return (prec < parent_prec || (right && prec == parent_prec)) ? "(" + s + ")" : s;
    }
    case K::kCall: {
      if (n.text == "series" && bound) return bound->code;
      // A fold's series(...) is its own selection, whatever the query's binding is.
      const storage::SeriesMeta* inner = n.def && n.def->folds_selection ? nullptr : bound;
      std::string s = n.text + "(";
      for (size_t i = 0; i < n.call_args.size(); ++i) {
        const ast::CallArg& a = n.call_args[i];
        if (i) s += ",";
        switch (a.kind) {
          case ast::CallArg::Kind::kExpr:
            s += ExprText(*a.expr, inner);
            break;
          case ast::CallArg::Kind::kString:
            s += "\"" + a.text + "\"";
            break;
          case ast::CallArg::Kind::kFilter:
            s += a.key + "=" + a.text;
            break;
          default:
            s += a.text;
            break;
        }
      }
      return s + ")";
    }
  }
  return "?";
}

SumUnit AddableUnits(const std::string& a, const std::string& b) {
  SumUnit r;
  if (a == b) {
    r.unit = a;
  } else if (IsPointsUnit(a) && IsPointsUnit(b)) {
    r.unit = ParseUnit(a).percent || ParseUnit(b).percent ? "%" : "pp";
  } else if (auto f = UnitConversionFactor(b, a); f.ok()) {
    r.factor = *f;
    r.unit = a;
  } else {
    r.ok = false;
  }
  return r;
}

Method ParseMethod(std::string_view word) {
  return word == "sum" ? Method::kSum : word == "avg" ? Method::kAvg : Method::kEnd;
}

void Evaluator::Err(size_t pos, const std::string& msg) const {
  Fail(Status::InvalidArgument(FormatErrorAt(text_, pos, msg)));
}

std::string Evaluator::Text(const ast::Node& n) const { return ExprText(n, bound_); }

SeriesData Evaluator::Eval(const ast::Node& n, const Ctx& ctx, const storage::SeriesMeta* bound) {
  using K = ast::Node::Kind;
  bound_ = bound;
  switch (n.kind) {
    case K::kNumber: {
      SeriesData d;
      d.scalar = true;
      d.number = n.number;
      d.label = NumberText(n.number);
      return d;
    }
    case K::kSeries: {
      if (!plan_.Repeats()) return Read(*plan_.single.at(&n), ctx);
      const CacheKey key = KeyOf(n, ctx);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
      SeriesData d = Read(*plan_.single.at(&n), ctx);
      cache_.emplace(key, d);  // reused for every binding
      return d;
    }
    case K::kNegate: {
      SeriesData d = Eval(*n.args[0], ctx, bound);
      if (d.scalar) {
        d.number = -d.number;
        d.label = NumberText(d.number);
        return d;
      }
      for (double& v : d.value) v = -v;
      for (uint8_t& q : d.qualifier) q = FlipQualifier(q);
      if (n.args[0]->kind != ast::Node::Kind::kSeries)
        d.label = ExprText(n, bound);
      else
        d.label = "-" + d.label;
      d.Derived();
      return d;
    }
    case K::kBinary: {
      SeriesData a = Eval(*n.args[0], ctx, bound);
      SeriesData b = Eval(*n.args[1], ctx, bound);
      bound_ = bound;
      return Binary(n, n.op, std::move(a), std::move(b));
    }
    case K::kRange:
      return RangeFilter(n, Eval(*n.args[0], ctx, bound));
    case K::kConvert:
      return ConvertUnit(n, Eval(*n.args[0], ctx, bound));
    case K::kCall: {
      // The binder checked that only series-valued functions appear inside expressions.
      if (n.def->folds_selection && plan_.driver != nullptr) {
        // A fold does not depend on the query's binding: evaluated once per context.
        const CacheKey key = KeyOf(n, ctx);
        auto it = cache_.find(key);
        if (it != cache_.end()) return it->second;
        SeriesData d = n.def->series(*this, n, ctx);
        bound_ = bound;
        cache_.emplace(key, d);
        return d;
      }
      SeriesData d = n.def->series(*this, n, ctx);
      bound_ = bound;
      return d;
    }
  }
  Err(n.pos, "cannot evaluate");
}

SeriesData Evaluator::Arg(const ast::Node& call, size_t param, const Ctx& ctx) {
  const storage::SeriesMeta* bound = bound_;
  const ast::Node& arg = *call.bound.at(param).expr;
  SeriesData d = Eval(arg, ctx, bound);
  bound_ = bound;
  if (d.scalar) Err(arg.pos, call.text + "() needs a series, not a number");
  if (d.unit == kPercentProductUnit) ErrPercentProduct(arg);
  return d;
}

void Evaluator::ErrPercentProduct(const ast::Node& n) const {
  Err(n.pos, Text(n) +
                 " multiplies two percentages: divide it by 100 for percentage points "
                 "(拉动 = growth * share / 100 is in pp)");
}

const MetaList& Evaluator::Folded(const ast::Node& call) const { return plan_.folded.at(&call); }

void Evaluator::Note(std::string note) {
  if (std::find(notes_.begin(), notes_.end(), note) == notes_.end())
    notes_.push_back(std::move(note));
}

Evaluator::CacheKey Evaluator::KeyOf(const ast::Node& n, const Ctx& ctx) {
  return {&n, ctx.mode, ctx.as_of.days,
          ctx.first_status ? static_cast<int>(*ctx.first_status) : -1};
}

Period Evaluator::PeriodParam(const ast::Node& call, size_t param, const SeriesData& d) const {
  return ResolveArg(*call.bound.at(param).period, d);
}

SeriesData Evaluator::Read(const storage::SeriesMeta& meta, const Ctx& ctx) {
  if (Status c = CheckCancelled(options_); !c.ok()) Fail(c);
  if (meta.IsFormula()) return ReadFormula(meta, ctx);
  auto r = ReadAsCtx(view_, meta.code, ctx);
  if (!r.ok()) Fail(r.status());
  storage::SeriesValues& v = *r;
  SeriesData d;
  d.label = meta.code;
  d.freq = meta.frequency;
  d.cumulative = meta.cumulative;
  d.unit = meta.unit;
  d.measure = meta.measure;
  // Reported growth rates are year-on-year (同比) unless derived otherwise.
  if (meta.measure == MeasureKind::kGrowth) d.growth_lag = PeriodsPerYear(meta.frequency);
  d.period = std::move(v.period);
  d.value = std::move(v.value);
  d.raw = true;
  d.vintage = std::move(v.vintage);
  d.status = std::move(v.status);
  d.qualifier = std::move(v.qualifier);
  if (!d.AnyQualified()) d.qualifier.clear();
  d.extent = std::move(v.extent);
  return d;
}

namespace {

double Apply(char op, double x, double y) {
  switch (op) {
    case '+':
      return DecimalSum(x, y);
    case '-':
      return DecimalDiff(x, y);
    case '*':
      return x * y;
    case '^':
      return std::pow(x, y);
    default:
      return y == 0 ? kNaN : x / y;
  }
}

// The qualifier of x op y from those of x and y (values positive, as published levels are):
// increasing in x, and in y except for - and /.
uint8_t QualifierOf(char op, uint8_t qx, uint8_t qy) {
  return CombineQualifiers(qx, op == '-' || op == '/' ? FlipQualifier(qy) : qy);
}

std::string UnitName(const SeriesData& d, const std::string& text) {
  return text + " (" + (d.unit.empty() ? std::string("no unit") : d.unit) + ")";
}

}  // namespace

SeriesData Evaluator::Binary(const ast::Node& n, char op, SeriesData a, SeriesData b) {
  const storage::SeriesMeta* bound = bound_;
  std::string label = n.args.size() == 2 ? ExprText(n, bound) : std::string();
  const std::string a_text = n.args.size() == 2 ? ExprText(*n.args[0], bound) : a.label;
  const std::string b_text = n.args.size() == 2 ? ExprText(*n.args[1], bound) : b.label;
  if (a.scalar && b.scalar) {
    SeriesData d;
    d.scalar = true;
    d.number = Apply(op, a.number, b.number);
    d.label = NumberText(d.number);
    return d;
  }
  // Units of the result, and the factor that brings b into a's unit (docs/query-language.md §5).
  double factor = 1;
  std::string unit;
  MeasureKind measure = a.scalar ? b.measure : a.measure;
  const char* verb = op == '+'   ? "add"
                     : op == '-' ? "subtract"
                     : op == '*' ? "multiply"
                     : op == '^' ? "raise"
                                 : "divide";
  const bool a_pct = !a.scalar && IsPointsUnit(a.unit), b_pct = !b.scalar && IsPointsUnit(b.unit);
  if (op == '+' || op == '-') {
    if (a.scalar || b.scalar) {
      unit = a.scalar ? b.unit : a.unit;
    } else {
      const SumUnit su = AddableUnits(a.unit, b.unit);
      if (!su.ok) {
        Err(n.pos, std::string("cannot ") + verb + " " + UnitName(a, a_text) + " and " +
                       UnitName(b, b_text) + ": the units measure different things");
      }
      unit = su.unit;
      factor = su.factor;
      if (op == '-' && a.unit == b.unit && ParseUnit(a.unit).percent) {
        unit = "pp";  // the difference of two rates is in percentage points
        measure = MeasureKind::kRate;
      }
    }
  } else if (op == '^') {
    // A power keeps the base's unit for the exponent 1; (1 + g/100)^(1/n) is a factor without
    // one; a base with a unit raised to y is in unit^y (5 % squared is 25 %^2, not 25), which no
    // later + or comparison accepts as the unit itself.
    measure = MeasureKind::kRatio;
    if (b.scalar && b.number == 1) {
      unit = a.unit;
      measure = a.measure;
    } else if (!b.scalar && !b.unit.empty()) {
      Err(n.pos, "the exponent " + UnitName(b, b_text) + " must be a number without a unit");
    } else if (!a.scalar && !a.unit.empty()) {
      if (!b.scalar) {
        Err(n.pos, "cannot raise " + UnitName(a, a_text) +
                       " to a series of exponents: its unit would differ from row to row");
      }
      unit = a.unit + "^" + NumberText(b.number);
    }
  } else if (op == '*') {
    measure = MeasureKind::kRatio;
    if (a_pct && b_pct) {
      unit = std::string(kPercentProductUnit);  // growth * share: divide by 100 for pp
    } else if (a.scalar || b.unit.empty()) {
      unit = a.scalar ? b.unit : a.unit;
      measure = a.scalar ? b.measure : a.measure;
    } else if (b.scalar || a.unit.empty()) {
      unit = b.scalar ? a.unit : b.unit;
      measure = b.scalar ? a.measure : b.measure;
    } else {
      unit = a.unit + "*" + b.unit;
    }
  } else {
    measure = MeasureKind::kRatio;
    if (b.scalar && b.number == 100 && a.unit == kPercentProductUnit) {
      unit = "pp";  // growth * share / 100: a contribution in percentage points
      measure = MeasureKind::kRate;
    } else if (b.scalar && b.number == 100 && a_pct) {
      unit = "";  // 5.2 (%) / 100 = 0.052: the same quantity as a fraction
    } else if (b.scalar) {
      unit = a.unit;
      measure = a.measure;
    } else if (a.scalar) {
      unit = b.unit.empty() ? "" : "1/" + b.unit;
    } else if (a.unit == b.unit) {
      unit = "";
    } else {
      auto f = UnitConversionFactor(b.unit, a.unit);
      if (f.ok()) {
        factor = *f;
        unit = "";
      } else {
        unit = (a.unit.empty() ? "1" : a.unit) + "/" + (b.unit.empty() ? "1" : b.unit);
      }
    }
  }
  if (a.scalar || b.scalar)
    return WithScalar(n, op, std::move(a), std::move(b), std::move(label), unit, measure);
  return Aligned(n, op, std::move(a), std::move(b), factor, std::move(label), unit, measure, a_text,
                 b_text);
}

// A series with a number: row by row; the qualifier follows the direction of the operation.
SeriesData Evaluator::WithScalar(const ast::Node&, char op, SeriesData a, SeriesData b,
                                 std::string label, std::string unit, MeasureKind measure) {
  const bool scalar_left = a.scalar;
  SeriesData& s = scalar_left ? b : a;
  const double k = scalar_left ? a.number : b.number;
  SeriesData out;
  out.label = std::move(label);
  out.unit = std::move(unit);
  out.measure = measure;
  out.freq = s.freq;
  out.cumulative = s.cumulative;
  out.period = std::move(s.period);
  out.value = std::move(s.value);
  out.extent = std::move(s.extent);
  out.qualifier = std::move(s.qualifier);
  if ((op == '+' || op == '-') && s.growth_lag != 0 && unit == s.unit)
    out.growth_lag = s.growth_lag;
  for (double& v : out.value) v = scalar_left ? Apply(op, k, v) : Apply(op, v, k);
  // Is the result decreasing in the series (positive values)? Then >= and <= swap.
  bool flips = false;
  switch (op) {
    case '+':
      flips = false;
      break;
    case '-':
      flips = scalar_left;
      break;  // k - x
    case '*':
      flips = k < 0;
      break;
    case '/':
      flips = scalar_left ? k > 0 : k < 0;
      break;  // k / x; x / (negative k)
    default:
      flips = scalar_left ? k < 1 : k < 0;
      break;  // k ^ x; x ^ (negative k)
  }
  if (flips) {
    for (uint8_t& q : out.qualifier) q = FlipQualifier(q);
  }
  return out;
}

// Two series aligned by period (rows where both have the period).
SeriesData Evaluator::Aligned(const ast::Node& n, char op, SeriesData a, SeriesData b,
                              double factor, std::string label, std::string unit,
                              MeasureKind measure, const std::string& a_text,
                              const std::string& b_text) {
  if (a.freq != b.freq || a.cumulative != b.cumulative) {
    auto desc = [](const SeriesData& d, const std::string& text) {
      return text + " (" + FrequencyName(d.freq) + (d.cumulative ? ", cumulative" : "") + ")";
    };
    Err(n.pos, "cannot align " + desc(a, a_text) + " with " + desc(b, b_text) +
                   " by period; convert one first, e.g. annual(x, sum) or discrete(x)");
  }
  SeriesData out;
  out.label = std::move(label);
  out.unit = std::move(unit);
  out.measure = measure;
  out.freq = a.freq;
  out.cumulative = a.cumulative;
  out.period.reserve(std::min(a.size(), b.size()));
  out.value.reserve(std::min(a.size(), b.size()));
  const bool qualified = a.AnyQualified() || b.AnyQualified();
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a.period[i].index < b.period[j].index) {
      ++i;
    } else if (b.period[j].index < a.period[i].index) {
      ++j;
    } else {
      out.period.push_back(a.period[i]);
      // A combined 1-2月 is not combined with February alone.
      const bool same_span = a.ExtentAt(i) == b.ExtentAt(j);
      out.value.push_back(same_span ? Apply(op, a.value[i], ScaleByUnit(b.value[j], factor))
                                    : kNaN);
      if (qualified) out.qualifier.push_back(QualifierOf(op, a.QualifierAt(i), b.QualifierAt(j)));
      if (a.ExtentAt(i) != 0) {
        out.extent.resize(out.period.size(), 0);
        out.extent.back() = a.ExtentAt(i);
      } else if (!out.extent.empty()) {
        out.extent.resize(out.period.size(), 0);
      }
      ++i;
      ++j;
    }
  }
  return out;
}

SeriesData Evaluator::ConvertUnit(const ast::Node& n, SeriesData d) {
  if (d.scalar) Err(n.pos, "a number has no unit to convert");
  if (d.unit == kPercentProductUnit) ErrPercentProduct(*n.args[0]);
  if (d.unit == n.text) return d;
  if (d.unit.empty() && ParseUnit(n.text).percent) {
    // A ratio computed by hand (a / b * 100) labelled as the percentage it is: values unchanged.
    d.unit = n.text;
    return d;
  }
  auto f = UnitConversionFactor(d.unit, n.text);
  if (!f.ok()) {
    Err(n.pos, "cannot convert " + Text(*n.args[0]) + " (" + (d.unit.empty() ? "no unit" : d.unit) +
                   ") to " + n.text + ": the units measure different things");
  }
  for (double& v : d.value) v = ScaleByUnit(v, *f);
  d.unit = n.text;
  return d;
}

SeriesData Evaluator::RangeFilter(const ast::Node& n, SeriesData d) {
  if (d.scalar) Err(n.pos, "a range needs a series, not a number");
  const ParsedPeriod* from = n.has_from ? &n.periods[0].parsed : nullptr;
  const ParsedPeriod* to = n.has_to ? &n.periods[1].parsed : nullptr;
  if (from && to && BoundMonths(*from).first > BoundMonths(*to).second) {
    Err(n.periods[1].pos, "the range ends before it starts");
  }
  size_t w = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    if (!RowInRange(d.period[i], d.cumulative, from, to, d.ExtentAt(i))) continue;
    d.period[w] = d.period[i];
    d.value[w] = d.value[i];
    if (d.raw) {
      d.vintage[w] = d.vintage[i];
      d.status[w] = d.status[i];
    }
    if (!d.qualifier.empty()) d.qualifier[w] = d.qualifier[i];
    if (!d.from.empty()) d.from[w] = d.from[i];
    if (!d.extent.empty()) d.extent[w] = d.extent[i];
    ++w;
  }
  d.period.resize(w);
  d.value.resize(w);
  if (d.raw) {
    d.vintage.resize(w);
    d.status.resize(w);
  }
  if (!d.qualifier.empty()) d.qualifier.resize(w);
  if (!d.from.empty()) d.from.resize(w);
  if (!d.extent.empty()) d.extent.resize(w);
  return d;
}

Period Evaluator::ResolveArg(const ast::PeriodArg& p, const SeriesData& d) const {
  auto r = ResolvePeriod(p.parsed, d.freq, d.cumulative, d.label);
  if (!r.ok()) Fail(Status::InvalidArgument(FormatErrorAt(text_, p.pos, r.status().message())));
  return *r;
}

}  // namespace ixdb::query
