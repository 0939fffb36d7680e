// ixdb define (query::DefineFormula / DropFormula): a definition is checked like a query, with
// errors positioned in its expression, and nothing is stored when it fails.
#include "query/formulas.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "query/query.hpp"
#include "query/render.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

const Date kToday = DateFromYmd(2026, 12, 1);

std::vector<std::string> FormulaCodes(storage::Store& store) {
  auto r = store.NewReadView()->ListFormulas();
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& f : *r) out.push_back(f.code);
  return out;
}

TEST_CASE("Formulas: a definition learns its unit, frequency and uses from its expression",
          "[query]") {
  test::FixtureStore fixture;
  auto r = DefineFormula(*fixture.store, {"per_firm", " gdp / hitech_firms ", "人均", ""}, kToday);
  REQUIRE(r.ok());
  CHECK(r->formula == "gdp / hitech_firms");
  CHECK(r->formula_uses == std::vector<std::string>{"gdp", "hitech_firms"});
  CHECK(r->unit == "亿元/万家");
  CHECK(r->frequency == Frequency::kAnnual);
  CHECK(r->name_zh == "人均");
  CHECK(r->updated == kToday);
  CHECK(DefinedText(*r) == "defined per_firm = gdp / hitech_firms (亿元/万家, annual)");
  auto q = DefineFormula(*fixture.store, {"gdp_q", "gdp_cum in 万亿元", "", ""}, kToday);
  REQUIRE(q.ok());
  CHECK(q->unit == "万亿元");
  CHECK(q->frequency == Frequency::kQuarterly);
  CHECK(q->cumulative);
  // Redefining replaces; the unit follows the new expression.
  REQUIRE(DefineFormula(*fixture.store, {"per_firm", "gdp", "", "万亿元"}, kToday).ok());
  CHECK(fixture.store->NewReadView()->GetFormula("per_firm")->unit == "万亿元");
  auto t = RunQuery(*fixture.store, "per_firm[2023]");
  REQUIRE(t.ok());
  CHECK(RenderCsv(*t) == "indicator,period,value,unit\nper_firm,2023,2.001165,万亿元\n");
  REQUIRE(DropFormula(*fixture.store, "per_firm").ok());
  auto gone = RunQuery(*fixture.store, "per_firm");
  CHECK(gone.status().IsNotFound());
}

TEST_CASE("Formulas: bad definitions are refused, positioned, and store nothing", "[query]") {
  test::FixtureStore fixture;
  REQUIRE(DefineFormula(*fixture.store, {"a", "gdp * 2", "", ""}, kToday).ok());
  REQUIRE(DefineFormula(*fixture.store, {"b", "a + gdp", "", ""}, kToday).ok());
  struct Case {
    FormulaDefinition def;
    const char* error;  // Status::ToString()
  };
  const std::vector<Case> cases = {
      {{"c", "c + 1", "", ""},
       "Invalid argument: 1:1: formula c refers to itself: c -> c\n  c + 1\n  ^"},
      {{"a", "gdp + b", "", ""},
       "Invalid argument: 1:7: formula a refers to itself: a -> b -> a\n  gdp + b\n        ^"},
      {{"c", "gdp + gpd", "", ""},
       "Not found: 1:7: unknown series 'gpd'; did you mean gdp?\n  gdp + gpd\n        ^"},
      {{"c", "gdp + retail", "", ""},
       "Invalid argument: 1:5: cannot align gdp (annual) with retail (monthly) by period; convert "
       "one first, "
       "e.g. annual(x, sum) or discrete(x)\n  gdp + retail\n      ^"},
      {{"c", "gdp +", "", ""}, ""},
      {{"c", "1 + 2", "", ""},
       "Invalid argument: 1:1: a formula must give a series, not a number\n  1 + 2\n  ^"},
      {{"c", "list()", "", ""},
       "Invalid argument: 1:1: list() returns a table; a formula must give a series\n  list()\n  "
       "^"},
      {{"c", "yoy(series(kind=level))", "", ""},
       "Invalid argument: 1:5: a formula stands for one series: series(...) selects several and "
       "cannot be used "
       "in it\n  yoy(series(kind=level))\n      ^"},
      {{"c", "gdp where value > 1", "", ""}, ""},
      {{"c", "gdp", "", "%"},
       "Invalid argument: 1:1: --unit %: cannot convert gdp (亿元) to it: the units measure "
       "different things\n  "
       "gdp\n  ^"},
      {{"gdp", "a / 2", "", ""},
       "Invalid argument: gdp is a series of stored data: a formula needs a code of its own"},
      {{"9c", "gdp", "", ""}, ""},
      {{"c", "  ", "", ""}, "Invalid argument: formula c: the expression is empty"},
  };
  for (const Case& c : cases) {
    INFO(c.def.code << " = " << c.def.expression);
    auto r = DefineFormula(*fixture.store, c.def, kToday);
    REQUIRE_FALSE(r.ok());
    if (*c.error != '\0') CHECK(r.status().ToString() == c.error);
    CHECK(FormulaCodes(*fixture.store) == std::vector<std::string>{"a", "b"});
    CHECK(fixture.store->NewReadView()->GetFormula("a")->formula == "gdp * 2");
  }
  Status s = DropFormula(*fixture.store, "a");
  CHECK(s.ToString() == "Invalid argument: cannot drop formula a: formula b uses it");
  CHECK(DropFormula(*fixture.store, "nothing").IsNotFound());
  CHECK(DropFormula(*fixture.store, "gdp").ToString() ==
        "Invalid argument: gdp is a series of stored data, not a formula");
  REQUIRE(DropFormula(*fixture.store, "b").ok());
  REQUIRE(DropFormula(*fixture.store, "a").ok());
  CHECK(FormulaCodes(*fixture.store).empty());
}

}  // namespace
}  // namespace ixdb::query
