// Replays the fuzz seed corpus (tests/query/fuzz/corpus) and a few thousand random token
// strings through the parser and the executor, in the ordinary (gcc) build: every input gives
// a table or an error with a message, never a crash.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "query/parser.hpp"
#include "query/query.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

void RunOne(storage::Store& store, const std::string& text) {
  INFO("query: " << text);
  auto parsed = ParseQuery(text);
  if (!parsed.ok()) {
    CHECK(!parsed.status().message().empty());
    CHECK((parsed.status().IsInvalidArgument() || parsed.status().IsLimitExceeded()));
  }
  QueryOptions opts;
  opts.max_rows = 10000;
  auto r = RunQuery(store, text, opts);
  if (r.ok()) {
    for (const auto& row : r->rows) REQUIRE(row.size() == r->columns.size());
  } else {
    CHECK(!r.status().message().empty());
  }
}

TEST_CASE("Fuzz corpus: every seed input parses or fails cleanly, and runs", "[query]") {
  test::FixtureStore fixture;
  size_t n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(IXDB_QUERY_TEST_DIR) + "/fuzz/corpus")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    RunOne(*fixture.store, ss.str());
    ++n;
  }
  CHECK(n >= 100);
}

TEST_CASE("Fuzz replay: random token strings never crash the parser or the executor", "[query]") {
  test::FixtureStore fixture;
  const std::vector<std::string> tokens = {
      "gdp",       "gdp_growth", "retail",      "gdp_cum",    "retail_ytd", "unemployment_rate",
      "zero_base", "yoy(",       "pop(",        "diff(",      "lag(",       "lead(",
      "cagr(",     "log(",       "rolling(",    "discrete(",  "annual(",    "quarterly(",
      "share(",    "asof(",      "first(",      "revisions(", "changes(",   "targets(",
      "gap(",      "need(",      "series(",     "list(",      "describe(",  "search(",
      "stats(",    "(",          ")",           "[",          "]",          ":",
      ",",         "+",          "-",           "*",          "/",          " ",
      " in ",      "万亿元",     "%",           "2023",       "2024",       "2023Q1",
      "2023H1",    "2023-07",    "2023M01-M05", "2024-01-28", "0",          "1",
      "4",         "1000",       "1e308",       "sum",        "avg",        "end",
      "kind=rate", "unit=%",     "freq=q",      "name=零售",  "*",          "\"",
      "'",         " where ",    "value",       ">",          "=",          "null",
      " and ",     " or ",       " not ",       " order by ", " desc",      " limit ",
      "#",         "\n",         "\xff",        "\xe5\xa2",   "增长"};
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    std::string q;
    const int len = 1 + static_cast<int>(rng() % 14);
    for (int k = 0; k < len; ++k) q += tokens[rng() % tokens.size()];
    RunOne(*fixture.store, q);
  }
}

}  // namespace
}  // namespace ixdb::query
