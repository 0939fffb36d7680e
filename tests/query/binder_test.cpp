// The binder: every call checked against the function registry, with positioned errors that
// print the signature.
#include "query/internal/binder.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"
#include "query/parser.hpp"

namespace ixdb::query {
namespace {

Status BindText(const std::string& text, ast::Query* out = nullptr) {
  auto q = ParseQuery(text);
  if (!q.ok()) return q.status();
  try {
    Bind(*q, text);
  } catch (const QueryError& e) {
    return e.status;
  }
  if (out) *out = std::move(*q);
  return Status::OK();
}

TEST_CASE("Binder: calls that match their signature bind", "[query]") {
  for (const char* text : {"yoy(gdp)",
                           "diff(gdp)",
                           "diff(gdp, 4)",
                           "lag(x, 1000)",
                           "rolling(x, 3)",
                           "rolling(x, 3, sum)",
                           "annual(x, end)",
                           "cagr(x, 2019, 2023Q4)",
                           "asof(gdp, 2024-01-20)",
                           "asof(targets(2024), 2024-12-31)",
                           "first(revisions(gdp, 2023))",
                           "series(gdp*, kind=rate)",
                           "list()",
                           "describe(gdp)",
                           "search(零售 总额)",
                           "search(\"GDP growth\")",
                           "search(GDP)",
                           "targets()",
                           "targets(2024)",
                           "stats(yoy(series(*)))",
                           "changes(2024-01-28)",
                           "functions()",
                           "share(a, b)"}) {
    INFO(text);
    CHECK(BindText(text).ok());
  }
}

TEST_CASE("Binder: defaults are filled in", "[query]") {
  ast::Query q;
  REQUIRE(BindText("rolling(x, 3)", &q).ok());
  const ast::Node& call = *q.expr;
  REQUIRE(call.def != nullptr);
  REQUIRE(call.bound.size() == 4);
  CHECK(*call.bound[1].integer == 3);
  CHECK(call.bound[2].word == "avg");
  CHECK_FALSE(call.bound[2].given);
  CHECK(call.bound[3].word == "trailing");
  CHECK_FALSE(call.bound[3].given);
  REQUIRE(BindText("diff(x)", &q).ok());
  CHECK(*q.expr->bound[1].integer == 1);
}

TEST_CASE("Binder: errors name the place and print the signature", "[query]") {
  struct Case {
    std::string query;
    std::string message;  // a prefix of the error message
  };
  const std::vector<Case> cases = {
      {"foo(gdp)", "1:1: unknown function 'foo' (functions() lists every function)"},
      {"yo(gdp)", "1:1: unknown function 'yo'; did you mean yoy"},
      {"yoy(gdp, 2)", "1:10: yoy(x) takes 1 argument: this one is one too many"},
      {"yoy()", "1:5: yoy(x): x is missing (a series expression)"},
      {"asof(gdp)", "1:9: asof(x, date): date is missing (a date like 2024-01-20)"},
      {"asof(gdp, x)", "1:11: asof(x, date): date must be a date like 2024-01-20"},
      {"asof(gdp, 2024-13-01)", "1:11: not a date (expected YYYY-MM-DD): '2024-13-01'"},
      {"asof(gdp, 2024-02-30)", "1:11: not a date"},
      {"diff(gdp, x)", "1:11: diff(x, n=1): n must be a whole number"},
      {"diff(gdp, 1.5)", "1:11: diff(x, n=1): n must be a whole number"},
      {"rolling(gdp)", "1:12: rolling(x, n, method=avg, align=trailing): n is missing"},
      {"annual(gdp)", "1:11: annual(x, method:sum|avg|end): method is missing"},
      {"annual(gdp, median)",
       "1:13: annual(x, method:sum|avg|end): method must be sum, avg or end, not 'median'"},
      {"cagr(gdp, 2019)", "1:15: cagr(x, from, to): to is missing"},
      {"cagr(gdp, 2019, 2023Q5)", "1:17: bad period '2023Q5': quarter must be 1-4"},
      {"yoy(2023)", "1:5: yoy(x): x must be a series expression ('2023' is not one)"},
      {"search()", "1:8: search(text): text is missing"},
      {"series(kind=rate, colour=red)", "1:19: unknown filter 'colour'"},
      {"yoy(targets(2024))",
       "1:5: targets() returns a table and cannot be used inside an expression"},
      {"gdp + need(gdp, 2024)", "1:7: need() returns a table"},
      {"stats(list())", "1:7: list() returns a table"},
  };
  for (const auto& c : cases) {
    INFO(c.query);
    Status s = BindText(c.query);
    REQUIRE_FALSE(s.ok());
    CHECK(s.IsInvalidArgument());
    INFO(s.message());
    CHECK(s.message().rfind(c.message, 0) == 0);
  }
}

TEST_CASE("Registry: every function has a signature, a summary and an example", "[query]") {
  const auto& all = FunctionRegistry::Get().all();
  REQUIRE(all.size() >= 25);
  for (const FunctionDef& f : all) {
    INFO(f.name);
    CHECK(!f.summary.empty());
    CHECK(!f.example.empty());
    CHECK(f.Signature().rfind(f.name + "(", 0) == 0);
    CHECK((f.series != nullptr || f.table != nullptr));
    CHECK(FunctionRegistry::Get().Find(f.name) == &f);
    // The example binds (it is a real call of the function).
    CHECK(BindText(f.example).ok());
  }
}

}  // namespace
}  // namespace ixdb::query
