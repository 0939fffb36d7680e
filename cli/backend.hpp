#pragma once
// Where `ixdb query` and `ixdb shell` send their queries: a local store opened read-only, or a
// remote server (`--connect HOST:PORT`). The shell works against this interface only, so it
// does not care which one it talks to.

#include <memory>
#include <optional>
#include <string>

#include "common/date.hpp"
#include "common/status.hpp"
#include "query/query.hpp"
#include "query/table.hpp"
#include "server/client.hpp"
#include "storage/store.hpp"

namespace ixdb::cli {

class QueryBackend {
 public:
  virtual ~QueryBackend() = default;

  // Runs one query. Errors are those of query::RunQuery (or the server's, passed through):
  // InvalidArgument with a caret line for a parse error, NotFound for an unknown series,
  // Cancelled after Cancel()... Not thread-safe: one Query at a time.
  virtual Result<query::Table> Query(const std::string& text) = 0;

  // The same query in the form that renders cheapest (query::RunAnswer): a local store answers
  // a value query with its columns. The default wraps Query's Table (a server sends tables).
  virtual Result<query::Answer> Answer(const std::string& text);

  // Asks the Query() running on another thread to stop: it returns Cancelled soon after (within
  // milliseconds for a local store). Without a running query it does nothing (the next Query
  // runs normally). Thread-safe; the shell calls it from its interrupt watcher thread on Ctrl-C.
  // NotSupported when the backend cannot cancel (the message says why).
  virtual Status Cancel() = 0;

  // Every later Query reads the store as known at the end of `date`, as if wrapped in
  // asof(..., date) (the shell's `.asof`); nullopt: the latest again. NotSupported when the
  // backend cannot (the message says why). Not thread-safe.
  virtual Status SetAsOf(std::optional<Date> date) = 0;

  // One line for people: "local store ./ixdb-data" or "server 127.0.0.1:7380".
  virtual std::string Describe() const = 0;
};

// Opens the store at `db_dir` read-only (for query, shell, loads, check). A writer in another
// process (ixdb serve, a load) may be replacing table files meanwhile, which can make RocksDB's
// read-only open fail on a file that just went away; such an open is retried a few times.
// NotFound (with a hint) when there is no store at `db_dir`.
Status OpenStoreForReading(const std::string& db_dir, std::unique_ptr<storage::Store>* store);

// Opens the store at `db_dir` for reading (while another process may be writing it). Each
// query sees a fresh consistent snapshot. NotFound when there is no store at `db_dir` (with
// a hint to load data first); otherwise the errors of storage::Store::Open.
Result<std::unique_ptr<QueryBackend>> OpenLocalBackend(const std::string& db_dir,
                                                       const query::QueryOptions& options = {});

// Connects to an ixdb server at "HOST:PORT". IOError when it cannot connect; InvalidArgument
// for a malformed address.
Result<std::unique_ptr<QueryBackend>> ConnectBackend(const std::string& host_port,
                                                     const std::string& token);
// The same with every client option (token, --timeout, --tls, --tls-ca).
Result<std::unique_ptr<QueryBackend>> ConnectBackend(const std::string& host_port,
                                                     const server::ClientOptions& options);

}  // namespace ixdb::cli
