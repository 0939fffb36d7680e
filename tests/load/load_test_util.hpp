#pragma once
// Helpers for the loader tests: a fresh temporary directory and a store opened in it.

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "storage/store.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::test {

// A store in a fresh temporary directory (sync off: tests do not need power-loss durability).
class LoadTestStore {
 public:
  LoadTestStore() {
    storage::Options o;
    o.sync = false;
    const Status s = storage::Store::Open(o, dir_.path() + "/db", &store_);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  storage::Store& store() { return *store_; }
  const std::string& path() const { return dir_.path(); }
  std::string db_path() const { return dir_.path() + "/db"; }
  void Close() { store_.reset(); }
  void Reopen() {
    store_.reset();
    const Status s = storage::Store::Open(storage::Options{}, db_path(), &store_);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }

 private:
  TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

}  // namespace ixdb::test
