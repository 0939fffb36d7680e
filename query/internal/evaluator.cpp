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
    case K::kNumber: return NumberText(n.number);
    case K::kSeries: return n.text;
    case K::kNegate: return "-" + ExprText(*n.args[0], bound, 4);
    case K::kRange: return ExprText(*n.args[0], bound, parent_prec, right);  // rows show periods
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
      std::string s = n.text + "(";
      for (size_t i = 0; i < n.call_args.size(); ++i) {
        const ast::CallArg& a = n.call_args[i];
        if (i) s += ",";
        switch (a.kind) {
          case ast::CallArg::Kind::kExpr: s += ExprText(*a.expr, bound); break;
          case ast::CallArg::Kind::kString: s += "\"" + a.text + "\""; break;
          case ast::CallArg::Kind::kFilter: s += a.key + "=" + a.text; break;
          default: s += a.text; break;
        }
      }
      return s + ")";
    }
  }
  return "?";
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
      auto it = cache_.find(&n);
      if (it != cache_.end()) return it->second;
      SeriesData d = Read(plan_.single.at(&n), ctx);
      if (plan_.driver != nullptr) cache_.emplace(&n, d);  // reused for every binding
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
      if (n.args[0]->kind != ast::Node::Kind::kSeries) d.label = ExprText(n, bound);
      else d.label = "-" + d.label;
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
  return d;
}

Period Evaluator::PeriodParam(const ast::Node& call, size_t param, const SeriesData& d) const {
  return ResolveArg(*call.bound.at(param).period, d);
}

SeriesData Evaluator::Read(const storage::SeriesMeta& meta, const Ctx& ctx) {
  if (Status c = CheckCancelled(options_); !c.ok()) Fail(c);
  storage::ReadRequest req;
  req.mode = ctx.mode;
  req.as_of = ctx.as_of;
  auto r = view_.ReadSeries(meta.code, req);
  if (!r.ok()) Fail(r.status());
  storage::SeriesValues& v = *r;
  SeriesData d;
  d.label = meta.code;
  d.freq = meta.frequency;
  d.cumulative = meta.cumulative;
  d.unit = meta.unit;
  d.measure = meta.measure;
  d.period = std::move(v.period);
  d.value = std::move(v.value);
  d.raw = true;
  d.vintage = std::move(v.vintage);
  d.status = std::move(v.status);
  d.qualifier = std::move(v.qualifier);
  d.extent = std::move(v.extent);
  return d;
}

SeriesData Evaluator::Binary(const ast::Node& n, char op, SeriesData a, SeriesData b) {
  const storage::SeriesMeta* bound = bound_;
  auto apply = [op](double x, double y) {
    switch (op) {
      case '+': return DecimalSum(x, y);
      case '-': return DecimalDiff(x, y);
      case '*': return x * y;
      case '^': return std::pow(x, y);
      default: return y == 0 ? kNaN : x / y;
    }
  };
  std::string label = n.args.size() == 2 ? ExprText(n, bound) : std::string();
  const std::string a_text = n.args.size() == 2 ? ExprText(*n.args[0], bound) : a.label;
  const std::string b_text = n.args.size() == 2 ? ExprText(*n.args[1], bound) : b.label;
  if (a.scalar && b.scalar) {
    SeriesData d;
    d.scalar = true;
    d.number = apply(a.number, b.number);
    d.label = NumberText(d.number);
    return d;
  }
  // Units of the result, and the factor that brings b into a's unit.
  double factor = 1;
  std::string unit;
  MeasureKind measure = a.scalar ? b.measure : a.measure;
  auto name = [](const SeriesData& d, const std::string& text) {
    return text + " (" + (d.unit.empty() ? std::string("no unit") : d.unit) + ")";
  };
  const char* verb = op == '+'   ? "add"
                     : op == '-' ? "subtract"
                     : op == '*' ? "multiply"
                     : op == '^' ? "raise"
                                 : "divide";
  if (op == '+' || op == '-') {
    if (a.scalar) {
      unit = b.unit;
    } else if (b.scalar) {
      unit = a.unit;
    } else if (a.unit == b.unit) {
      unit = a.unit;
      if (op == '-' && ParseUnit(a.unit).percent) {
        unit = "pp";  // the difference of two rates is in percentage points
        measure = MeasureKind::kRate;
      }
    } else if (IsPointsUnit(a.unit) && IsPointsUnit(b.unit)) {
      unit = ParseUnit(a.unit).percent || ParseUnit(b.unit).percent ? "%" : "pp";
    } else {
      auto f = UnitConversionFactor(b.unit, a.unit);
      if (!f.ok()) {
        Err(n.pos, std::string("cannot ") + verb + " " + name(a, a_text) + " and " + name(b, b_text) +
                       ": the units measure different things");
      }
      factor = *f;
      unit = a.unit;
    }
  } else if (op == '^') {
    // A power keeps the base's unit only for the exponent 1; (1 + g/100)^(1/n) is a factor.
    measure = MeasureKind::kRatio;
    if (b.scalar && b.number == 1) {
      unit = a.unit;
      measure = a.measure;
    } else if (!b.scalar && !b.unit.empty()) {
      Err(n.pos, std::string("the exponent ") + name(b, b_text) + " must be a number without a unit");
    }
  } else if (op == '*') {
    measure = MeasureKind::kRatio;
    if (a.scalar || b.unit.empty()) {
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
    if (b.scalar) {
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
  SeriesData out;
  out.label = std::move(label);
  out.unit = unit;
  out.measure = measure;
  if (a.scalar || b.scalar) {
    SeriesData& s = a.scalar ? b : a;
    out.freq = s.freq;
    out.cumulative = s.cumulative;
    out.period = std::move(s.period);
    out.value = std::move(s.value);
    out.extent = std::move(s.extent);
    const double k = a.scalar ? a.number : b.number;
    for (double& v : out.value) v = a.scalar ? apply(k, v) : apply(v, k);
    return out;
  }
  if (a.freq != b.freq || a.cumulative != b.cumulative) {
    auto desc = [](const SeriesData& d, const std::string& text) {
      return text + " (" + FrequencyName(d.freq) + (d.cumulative ? ", cumulative" : "") + ")";
    };
    Err(n.pos, "cannot align " + desc(a, a_text) + " with " + desc(b, b_text) +
                   " by period; convert one first, e.g. annual(x, sum) or discrete(x)");
  }
  out.freq = a.freq;
  out.cumulative = a.cumulative;
  out.period.reserve(std::min(a.size(), b.size()));
  out.value.reserve(std::min(a.size(), b.size()));
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
      out.value.push_back(same_span ? apply(a.value[i], ScaleByUnit(b.value[j], factor)) : kNaN);
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
  if (d.unit == n.text) return d;
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
      d.qualifier[w] = d.qualifier[i];
    }
    if (!d.from.empty()) d.from[w] = d.from[i];
    if (!d.extent.empty()) d.extent[w] = d.extent[i];
    ++w;
  }
  d.period.resize(w);
  d.value.resize(w);
  if (d.raw) {
    d.vintage.resize(w);
    d.status.resize(w);
    d.qualifier.resize(w);
  }
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
