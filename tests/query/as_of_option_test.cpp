// QueryOptions::as_of (the shell's `.asof DATE`): a whole query read as known at the end of a
// day, the same answers as wrapping it in asof(...), and an asof inside the query still wins.
#include <catch2/catch.hpp>
#include <string>

#include "query/query.hpp"
#include "query/render.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

std::string Csv(storage::Store& store, const std::string& q, const QueryOptions& o = {}) {
  auto r = RunQuery(store, q, o);
  INFO(q << ": " << r.status().ToString());
  REQUIRE(r.ok());
  return RenderCsv(*r);
}

TEST_CASE("QueryOptions::as_of: the whole query reads as known at the end of the day", "[query]") {
  test::FixtureStore fixture;
  QueryOptions o;
  o.as_of = DateFromYmd(2024, 1, 27);
  // The fixture's 2023 GDP was 20000 (estimate, 2024-01-20) until the bulletin of 2024-01-28.
  CHECK(Csv(*fixture.store, "gdp[2023:]", o) ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2023,20000,亿元,2024-01-20,estimate,>=\n");
  for (const char* q : {"gdp_growth[2023]", "yoy(gdp)", "targets(2024)",
                        "revisions(gdp_growth, 2023)", "need(hitech_firms, 2024)"}) {
    const std::string wrapped = "asof(" + std::string(q) + ", 2024-01-27)";
    CHECK(Csv(*fixture.store, q, o) == Csv(*fixture.store, wrapped));
  }
  // Clauses stay clauses.
  CHECK(Csv(*fixture.store, "gdp where period >= 2023", o) ==
        Csv(*fixture.store, "asof(gdp, 2024-01-27) where period >= 2023"));
  // An explicit asof or first inside the query decides for what it wraps.
  CHECK(Csv(*fixture.store, "asof(gdp, 2024-01-28)[2023:]", o) ==
        Csv(*fixture.store, "asof(gdp, 2024-01-28)[2023:]"));
  CHECK(Csv(*fixture.store, "first(gdp)", o) ==
        Csv(*fixture.store, "asof(first(gdp), 2024-01-27)"));
  // Without the option: the latest.
  CHECK(Csv(*fixture.store, "gdp[2023]") ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2023,20011.65,亿元,2024-01-28,preliminary,\n");
}

TEST_CASE("QueryOptions::as_of: RunValueQuery reads as of the day too", "[query]") {
  test::FixtureStore fixture;
  QueryOptions o;
  o.as_of = DateFromYmd(2024, 1, 27);
  auto r = RunValueQuery(*fixture.store, "gdp[2023]", o);
  REQUIRE(r.ok());
  REQUIRE(r->series.size() == 1);
  REQUIRE(r->series[0].value.size() == 1);
  CHECK(r->series[0].value[0] == 20000);
}

}  // namespace
}  // namespace ixdb::query
