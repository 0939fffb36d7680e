#pragma once
// Helpers of the in-process shell tests: a backend that echoes queries (exact output without a
// store), the demo data of data/wuhan in a store opened like `ixdb shell` opens it, and a way
// to run lines through a Session and collect what it printed.

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/backend.hpp"
#include "cli/session.hpp"
#include "cli/shell.hpp"
#include "load/loader.hpp"
#include "storage/store.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::cli::test {

using TempDir = ixdb::test::TempDir;

// Answers each query with a one-row table holding the query text, and fails the query "bad"
// like an unknown series, so the shell can be tested without a store.
class EchoBackend : public QueryBackend {
 public:
  std::vector<std::string> queries;
  std::optional<Date> as_of;

  Result<query::Table> Query(const std::string& text) override {
    queries.push_back(text);
    if (text == "bad") return Status::NotFound("unknown series 'bad' (did you mean: bed?)");
    query::Table t;
    t.columns = {{"indicator", query::ColumnType::kString, ""},
                 {"value", query::ColumnType::kNumber, ""}};
    t.rows.push_back({text, 1.5});
    return t;
  }
  Status Cancel() override { return Status::OK(); }
  Status SetAsOf(std::optional<Date> date) override {
    as_of = date;
    return Status::OK();
  }
  std::string Describe() const override { return "echo"; }
};

// A fresh store loaded from `files` (one all-or-nothing load), and the local backend over it
// as `ixdb shell` opens it. Without files: the demo data set of data/wuhan.
struct DemoBackend {
  ixdb::test::TempDir dir;
  std::unique_ptr<QueryBackend> backend;
  explicit DemoBackend(std::vector<std::string> files = {}) {
    if (files.empty()) {
      const std::string data = std::string(IXDB_SOURCE_DIR) + "/data/wuhan/";
      files = {data + "observations.csv", data + "targets.csv", data + "bulletins.csv",
               data + "history.csv"};
    }
    {
      std::unique_ptr<storage::Store> store;
      storage::Options o;
      o.sync = false;
      REQUIRE_OK(storage::Store::Open(o, dir.Sub("db"), &store));
      load::LoadOptions lo;
      lo.command = "cli tests";
      auto r = load::LoadFiles(*store, files, lo);
      REQUIRE_OK(r.status());
    }
    auto b = OpenLocalBackend(dir.Sub("db"));
    REQUIRE_OK(b.status());
    backend = std::move(*b);
  }
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct ShellRun {
  std::string out, err;
  int failures = 0;
  bool bailed = false;
};

// Runs `script` as the lines of standard input ("<stdin>" in errors), or with `options`.
inline ShellRun RunScript(QueryBackend& backend, const std::string& script,
                          ShellSettings settings = {}, ShellOptions options = {}) {
  options.read_rc = false;
  std::istringstream in(script);
  std::ostringstream out, err;
  const ShellOutcome o = RunShellScript(backend, settings, options, in, out, err);
  return ShellRun{out.str(), err.str(), o.failures, o.bailed};
}

}  // namespace ixdb::cli::test
