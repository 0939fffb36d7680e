#pragma once
// Helpers for the loader tests: a fresh temporary directory and a store opened in it.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "storage/store.hpp"

namespace ixdb::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ixdb-load-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string p = path_ + "/" + name;
    std::ofstream out(p, std::ios::binary);
    out << content;
    REQUIRE(out.good());
    return p;
  }

 private:
  std::string path_;
};

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
