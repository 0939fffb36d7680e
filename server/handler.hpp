#pragma once
// The meaning of a request, apart from the bytes that carry it. Internal to server/ and its
// tests. HandleRequest knows nothing of sockets (like Beast's handle_request): the connection
// coroutine reads a frame, hands its payload here, and writes back what comes out.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "load/loader.hpp"
#include "query/table.hpp"
#include "server/protocol.hpp"
#include "server/server.hpp"

namespace ixdb::server {

// What a request needs from the rest of ixdb. StoreBackend (below) is the real one; tests may
// substitute their own. Implementations must be safe to call from several threads at once.
class Backend {
 public:
  virtual ~Backend() = default;
  // Runs one query on a fresh consistent snapshot.
  virtual Result<query::Table> Query(std::string_view text) = 0;
  // Loads request.files as one all-or-nothing load with request's format, encoding and vintage
  // (text as sent: the backend validates them). `command` is recorded with the load.
  virtual Result<load::LoadReport> Load(const ParsedRequest& request,
                                        const std::string& command) = 0;
};

// Queries with query::RunQuery on a fresh snapshot (store.NewReadView()) per call; loads with load::LoadText
// (several files: staged in a private temporary directory and loaded with load::LoadFiles so
// that they are one all-or-nothing load). `store` must outlive it.
class StoreBackend : public Backend {
 public:
  StoreBackend(storage::Store& store, query::QueryOptions options)
      : store_(store), options_(options) {}
  Result<query::Table> Query(std::string_view text) override;
  Result<load::LoadReport> Load(const ParsedRequest& request,
                                const std::string& command) override;

 private:
  storage::Store& store_;
  query::QueryOptions options_;
};

// Write policy and what {"op":"hello"} reports.
struct HandlerConfig {
  // Non-empty: a load must carry exactly this token.
  std::string token;
  // False: every load is refused (a non-loopback listener without a token).
  bool writes_allowed = true;
  size_t max_frame_bytes = 64u << 20;
  std::string version = "unknown";
};

struct Request {
  std::string_view payload;  // one frame's JSON text
  std::string peer;          // "HOST:PORT" of the client, recorded with loads ("" if unknown)
};

struct Response {
  std::string payload;  // one frame's JSON text
  bool ok = true;       // false: an error response (for the server's log)
  std::string summary;  // one line for the log: "query ok: 3 rows", "load refused: ..."
};

// Decodes, checks and answers one request. Never throws and never fails: every problem
// (malformed JSON, unknown op, wrong types, a refused write, a query or load error) becomes an
// error response. Thread-safe if `backend` is.
Response HandleRequest(const Request& request, Backend& backend, const HandlerConfig& config);

// Runs the server of server.hpp over any backend (Serve() is this with a StoreBackend).
// Same contract as Serve().
Status ServeWith(Backend& backend, const ServerOptions& options);

}  // namespace ixdb::server
