#pragma once
// Helpers for the query tests: a store in a fresh temporary directory, loaded from the
// fixture CSVs in tests/query/fixtures, and a shortest-form CSV rendering of tables.

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "load/loader.hpp"
#include "storage/store.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::query::test {

using TempDir = ixdb::test::TempDir;

// A fresh store (sync off: tests need no power-loss durability).
inline std::unique_ptr<storage::Store> OpenStore(const TempDir& dir) {
  storage::Options o;
  o.sync = false;
  std::unique_ptr<storage::Store> store;
  const Status s = storage::Store::Open(o, dir.path() + "/db", &store);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return store;
}

// The fixture store shared by the golden tests: observations.csv + targets.csv.
struct FixtureStore {
  TempDir dir;
  std::unique_ptr<storage::Store> store;
  FixtureStore()
      : FixtureStore({std::string(IXDB_QUERY_TEST_DIR) + "/fixtures/observations.csv",
                      std::string(IXDB_QUERY_TEST_DIR) + "/fixtures/targets.csv"}) {}
  explicit FixtureStore(const std::vector<std::string>& files)
      : FixtureStore(std::vector<std::vector<std::string>>{files}) {}
  // One load per list of files, in order.
  explicit FixtureStore(const std::vector<std::vector<std::string>>& loads) {
    store = OpenStore(dir);
    load::LoadOptions opts;
    opts.command = "query tests";
    opts.vintage = DateFromYmd(2024, 2, 15);  // rows without a vintage; keeps output date-free
    for (const auto& files : loads) {
      auto r = load::LoadFiles(*store, files, opts);
      INFO(r.status().ToString());
      REQUIRE(r.ok());
    }
  }
};

}  // namespace ixdb::query::test
