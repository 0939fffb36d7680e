#pragma once
// The ixdb TCP server: answers remote queries and (with a token) loads over the network.
// The wire protocol is documented in docs/protocol.md. Only this module and server/*.cpp know
// Boost.Asio; no Asio type appears in this header.

#include <cstddef>
#include <functional>
#include <string>

#include "common/status.hpp"
#include "query/query.hpp"
#include "storage/store.hpp"

namespace ixdb::server {

struct ServerOptions {
  // "HOST:PORT". Default: loopback only. Port 0 picks a free port (see on_listening).
  std::string listen = "127.0.0.1:7380";
  // Shared secret for writes. When the server listens on a non-loopback address, writes are
  // refused unless a token is set and the request carries it. Empty: no token.
  std::string token;
  // Connections beyond this are refused with an error frame. Default: 256.
  size_t max_connections = 256;
  // A request frame larger than this closes the connection with an error. Default: 64 MiB.
  size_t max_frame_bytes = 64u << 20;
  // A connection idle (or stalled mid-frame) this long is closed. Default: 300 s.
  int idle_timeout_seconds = 300;
  query::QueryOptions query;
  // Called once the socket listens, with the bound "HOST:PORT" (tests bind port 0).
  std::function<void(const std::string& endpoint)> on_listening;
  // Log lines (connections, errors). Default: none.
  std::function<void(const std::string& line)> log;
};

// Serves until SIGINT/SIGTERM (or Stop()), then drains and returns. Uses a small pool of
// threads (queries run off the I/O thread so a slow query does not stall other clients).
// Errors: IOError if the address cannot be bound; InvalidArgument for a bad listen string or
// a non-loopback address without a token.
Status Serve(storage::Store& store, const ServerOptions& options);

// Asks a running Serve() in this process to stop (thread-safe; used by tests).
void RequestStop();

}  // namespace ixdb::server
