#pragma once
// The meaning of a request, apart from the bytes that carry it (asio's request_handler).
// Internal to server/ and its tests. HandleRequest knows nothing of sockets (like Beast's
// handle_request): a connection reads a frame, hands its payload here, and writes back what
// comes out. What each op means is in its row of the op table (server/op_table.hpp).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "server/cancel_registry.hpp"
#include "server/data_backend.hpp"

namespace ixdb::server {

// Write policy, per-request limits and what {"op":"hello"} reports (ServerOptions' values).
struct HandlerConfig {
  // Non-empty: a write (a load) must carry exactly this token.
  std::string token;
  // False: every write is refused (a non-loopback listener without a token).
  bool writes_allowed = true;
  size_t max_frame_bytes = 64u << 20;
  // A query running longer is stopped and answered Cancelled. Zero: no limit.
  std::chrono::milliseconds query_timeout = std::chrono::seconds(60);
  // A response larger than this is answered LimitExceeded instead.
  size_t max_result_bytes = 256u << 20;
  std::string version = "unknown";
  // Where a cancel request finds the connection its key names (shared by every connection of
  // the server; thread-safe). nullptr: cancel requests find none.
  CancelRegistry* cancels = nullptr;
};

struct Request {
  std::string_view payload;  // one frame's JSON text
  std::string peer;          // "HOST:PORT" of the client, recorded with loads ("" if unknown)
  // The connection's place in config.cancels: hello reports its key, a query runs under it so
  // that a cancel can stop it. nullptr (no connection, as in tests): no key, not cancellable.
  CancelRegistry::Registration* connection = nullptr;
};

struct Response {
  std::string payload;  // one frame's JSON text
  bool ok = true;       // false: an error response (for the server's log)
  std::string summary;  // one line for the log: "query ok: 3 rows", "load refused: ..."
};

// Decodes, checks and answers one request: parses it through the op table, refuses a write the
// policy does not allow, and runs the op's row. Never throws and never fails: every problem
// (malformed JSON, unknown op, wrong types, a refused write, a query or load error) becomes an
// error response. Thread-safe if `backend` is.
Response HandleRequest(const Request& request, DataBackend& backend, const HandlerConfig& config);

// The write policy (docs/protocol.md §4) for a request of the op `op_name` carrying `token` (""
// when none): NotSupported when the server takes no writes, InvalidArgument when a token is
// required and `token` is not it (the message says whether it was missing or wrong), else OK.
// Compares in constant time. HandleRequest applies it to every Access::kWrite op; the HTTP endpoint
// applies it before reading a load's files.
Status CheckWriteAccess(std::string_view op_name, std::string_view token,
                        const HandlerConfig& config);

// The error response for `status` (REQUIRES: !status.ok()); `what` starts its log line
// ("load failed", "bad request").
Response ErrorResponse(const Status& status, std::string what);

}  // namespace ixdb::server
