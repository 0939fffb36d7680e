// Cancellation and time limits of queries (the shell's Ctrl-C, the server's cancel and
// --query-timeout): a full scan stops with Cancelled, and nothing else changes.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "query/query.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

TEST_CASE("Cancel: a set flag or a passed deadline stops the query with Cancelled", "[query]") {
  test::FixtureStore fixture;
  std::atomic<bool> cancel{true};
  QueryOptions o;
  o.cancel = &cancel;
  auto r = RunQuery(*fixture.store, "stats(yoy(series(*)))", o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsCancelled());
  CHECK(r.status().message() == "the query was cancelled");

  cancel = false;
  CHECK(RunQuery(*fixture.store, "stats(yoy(series(*)))", o).ok());

  QueryOptions late;
  late.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  auto t = RunQuery(*fixture.store, "gdp", late);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().IsCancelled());
  CHECK(t.status().message() == "the query ran past its time limit");
}

}  // namespace
}  // namespace ixdb::query
