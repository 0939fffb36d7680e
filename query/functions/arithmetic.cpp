// Arithmetic and units beyond the operators (which the evaluator applies): share, exp, abs,
// round. docs/query-language.md §5.
#include <charconv>
#include <cmath>
#include <cstdlib>
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
    ev.Err(n.pos, "share(): cannot compare " + a.label + " (" + a.unit + ") with " + b.label +
                      " (" + b.unit + "): the units measure different things");
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

SeriesData Exp(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  if (!d.unit.empty()) {
    ev.Err(n.bound[0].pos, "exp() takes a number without a unit (exp(log(x)), exp(r / 100)); " +
                               d.label + " is in " + d.unit);
  }
  for (double& v : d.value) v = std::exp(v);
  d.measure = MeasureKind::kRatio;
  d.growth_lag = 0;
  d.Derived();
  return d;
}

SeriesData Abs(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  for (size_t i = 0; i < d.size(); ++i) {
    // |x| of a bound: the same bound for x >= 0, the opposite one below 0.
    if (d.value[i] < 0 && !d.qualifier.empty()) d.qualifier[i] = FlipQualifier(d.qualifier[i]);
    d.value[i] = std::fabs(d.value[i]);
  }
  d.Derived();
  return d;
}

// Rounds half away from zero to n decimals (n < 0: to tens, hundreds...), on the value's
// decimal digits: the value is first read to 12 significant digits, so that a published 2.675
// or a computed 7.4999999999999996 (exactly 7.5 in decimals) rounds as written.
double RoundHalfAway(double v, int n) {
  if (!std::isfinite(v)) return v;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 11);
  *r.ptr = '\0';
  // buf: [-]d.dddddddddddde[+-]XX -> digits D (12 of them) and the exponent of the first one.
  const bool negative = buf[0] == '-';
  const char* p = buf + (negative ? 1 : 0);
  int64_t digits = p[0] - '0';
  const char* q = p + 2;
  for (; *q != 'e'; ++q) digits = digits * 10 + (*q - '0');
  const int exponent = std::atoi(q + 1);
  // v = digits * 10^(exponent - 11); keep the digits down to 10^-n.
  const int drop = (11 - exponent) - n;  // digits below 10^-n
  if (drop <= 0) return v;
  if (drop > 12) return 0.0;  // |v| < 0.5 * 10^-n
  int64_t unit = 1;
  for (int i = 0; i < drop; ++i) unit *= 10;
  const int64_t kept = (digits + unit / 2) / unit;  // half away from zero (digits >= 0)
  if (kept == 0) return 0.0;
  // result = kept * 10^(-n)
  double out = n >= 0 ? static_cast<double>(kept) / std::pow(10.0, n)
                      : static_cast<double>(kept) * std::pow(10.0, -n);
  return negative ? -out : out;
}

SeriesData Round(Evaluator& ev, const ast::Node& n, const Ctx& ctx) {
  SeriesData d = ev.Arg(n, 0, ctx);
  const int64_t k = *n.bound[1].integer;
  if (k < -15 || k > 15) ev.Err(n.bound[1].pos, "round() needs n between -15 and 15");
  for (double& v : d.value) v = RoundHalfAway(v, static_cast<int>(k));
  d.Derived();
  return d;
}

Param S(const char* name) { return {name, ParamKind::kSeries, "", false, {}}; }

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& r) {
  r.Add({"share",
         "arithmetic",
         {S("a"), S("b")},
         ResultShape::kSeries,
         "%",
         "a as a share of b",
         "a[p] / b[p] * 100, b converted into a's unit",
         "share(annual(retail, sum), gdp)",
         Share});
  r.Add({"exp",
         "arithmetic",
         {S("x")},
         ResultShape::kSeries,
         "none (x has none)",
         "exponential",
         "e^x[p]",
         "exp(log(gdp))",
         Exp});
  r.Add({"abs",
         "arithmetic",
         {S("x")},
         ResultShape::kSeries,
         "unit of x",
         "absolute value",
         "|x[p]|",
         "abs(gdp_growth - 6)",
         Abs});
  r.Add({"round",
         "arithmetic",
         {S("x"), {"n", ParamKind::kInteger, "0", false, {}}},
         ResultShape::kSeries,
         "unit of x",
         "rounded half away from zero to n decimals",
         "n < 0 rounds to tens (-1), hundreds (-2)...; 2.675 -> 2.68 at n = 2",
         "round(gdp, -2)",
         Round});
}

}  // namespace ixdb::query
