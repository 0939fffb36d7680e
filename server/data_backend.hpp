#pragma once
// What the server's requests need from the rest of ixdb: running a query and loading files.
// StoreBackend (server/store_backend.hpp) is the real one, over a storage::Store; tests
// substitute their own. Internal to server/ and its tests.

#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/status.hpp"
#include "load/loader.hpp"
#include "query/formulas.hpp"
#include "query/query.hpp"
#include "query/table.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {

// How one query runs beyond its text (query::QueryOptions' as_of, cancel and deadline): the
// request's as-of date, and what may stop it early (the connection's cancel request, the
// server's --query-timeout).
struct QueryControl {
  std::optional<Date> as_of;  // read the store as known at the end of this day; nullopt: latest
  const std::atomic<bool>* cancel = nullptr;  // stops the query once true; nullptr: never
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// Implementations must be safe to call from several threads at once: requests run on a pool.
class DataBackend {
 public:
  virtual ~DataBackend() = default;
  // Runs one query on a fresh consistent snapshot. Errors are query::RunQuery's; Cancelled
  // when `control` stops it.
  virtual Result<query::Table> Query(std::string_view text, const QueryControl& control) = 0;
  // The same query in the form that renders cheapest (query::RunAnswer: a value query's
  // columns), for answers the server renders itself (HTTP csv, json, table). The default wraps
  // Query's Table (test fakes); a backend that wraps another must forward it.
  virtual Result<query::Answer> Answer(std::string_view text, const QueryControl& control) {
    auto table = Query(text, control);
    if (!table.ok()) return table.status();
    query::Answer answer;
    answer.table = std::move(*table);
    return answer;
  }
  // Loads `files` as one all-or-nothing load with `options`, as load::LoadFiles does (errors
  // are its errors, naming the files as the client named them); options.command is recorded
  // with the load. REQUIRES: !files.empty().
  virtual Result<load::LoadReport> Load(const std::vector<LoadFile>& files,
                                        const load::LoadOptions& options) = 0;
  // Defines named formula `def` (query::DefineFormula), or with `drop` removes def.code
  // (query::DropFormula); returns the line `ixdb define` prints. The default: NotSupported
  // (test fakes); a backend that wraps another must forward it.
  virtual Result<std::string> Define(const query::FormulaDefinition& def, bool drop) {
    (void)def;
    (void)drop;
    return Status::NotSupported("this server does not define formulas");
  }
};

}  // namespace ixdb::server
