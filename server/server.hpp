#pragma once
// The ixdb TCP server: answers remote queries and (with a token) loads over the network.
// The wire protocol is documented in docs/protocol.md. Only this module and server/*.cpp know
// Boost.Asio; no Asio type appears in this header.

#include <cstddef>
#include <functional>
#include <string>

#include "common/status.hpp"
#include "query/query.hpp"
#include "server/data_backend.hpp"
#include "storage/store.hpp"

namespace ixdb::server {

struct ServerOptions {
  // "HOST:PORT". Default: loopback only. Port 0 picks a free port (see on_listening).
  std::string listen = "127.0.0.1:7380";
  // "HOST:PORT" of the HTTP endpoint and web console (docs/http.md), served beside `listen` by
  // the same workers, with the same limits and token. Empty: none. A non-loopback address needs
  // a token, as for `listen`.
  std::string http_listen;
  // The origin allowed to call the HTTP endpoint from another site's scripts (CORS), "*" for
  // any. Empty: CORS off.
  std::string http_cors_origin;
  // Shared secret for writes. When the server listens on a non-loopback address, writes are
  // refused unless a token is set and the request carries it. Empty: no token.
  std::string token;
  // Connections beyond this are refused with an error frame. Default: 256.
  size_t max_connections = 256;
  // A request frame larger than this closes the connection with an error. Default: 64 MiB.
  size_t max_frame_bytes = 64u << 20;
  // A connection idle (or stalled mid-frame) this long is closed: each request frame must
  // arrive whole within this time of the previous response (or of connecting), and each
  // response must be taken by the client within it. Default: 300 s.
  int idle_timeout_seconds = 300;
  // A query running longer is stopped and answered Cancelled. 0: no limit. Default: 60 s.
  double query_timeout_seconds = 60;
  // A response larger than this is answered LimitExceeded instead. Default: 256 MiB.
  size_t max_result_bytes = 256u << 20;
  // A client that sends requests without reading the answers is disconnected once the answers
  // it has not taken (beyond the one being sent) exceed this. Default: 64 MiB.
  size_t max_unread_bytes = 64u << 20;
  // PEM files of the server's certificate (chain) and private key: both set, the listener
  // speaks TLS only. Both empty: plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Allows a non-loopback listener with a token but without TLS (the token then travels in
  // clear text). Without it such a server refuses to start.
  bool insecure = false;
  // Threads that run queries and loads (the I/O itself runs on the thread that calls Serve).
  // 0: the number of cores, at least 2.
  size_t threads = 0;
  // Stop on SIGINT/SIGTERM. Tests that run several servers may turn it off and use RequestStop.
  bool handle_signals = true;
  query::QueryOptions query;
  // Called once the socket listens, with the bound "HOST:PORT" (tests bind port 0).
  std::function<void(const std::string& endpoint)> on_listening;
  // The same for the HTTP endpoint, when there is one (called before on_listening).
  std::function<void(const std::string& endpoint)> on_http_listening;
  // Log lines (connections, requests, errors), called on the thread that runs Serve.
  // Default: none.
  std::function<void(const std::string& line)> log;
};

// Serves until SIGINT/SIGTERM (or RequestStop()), then drains and returns OK: the listener
// closes, every connection is closed, requests already running finish (a load is never cut
// short), and the threads are joined. Uses a small pool of threads (queries run off the I/O
// thread so a slow query does not stall other clients). `store` must outlive the call.
// Errors: IOError if the address cannot be bound; InvalidArgument for a bad listen string, a
// non-loopback address without a token, a non-loopback address with a token but without TLS
// (unless `insecure`), only one of the TLS files, or a TLS file that cannot be used.
Status Serve(storage::Store& store, const ServerOptions& options);

// The same over any backend (Serve() is this with a StoreBackend over `store`; tests use a
// backend that needs no store). `backend` must outlive the call.
Status ServeWith(DataBackend& backend, const ServerOptions& options);

// Asks every Serve() running in this process to stop (thread-safe; used by tests and by the
// CLI). Has no effect when none runs (and none started later is affected).
void RequestStop();

}  // namespace ixdb::server
