// Serve(), ServeWith() and RequestStop(): the server put together from its parts. The listen
// address and the write policy are checked, the request handler configured, and a Listener gets
// one TCP acceptor whose connections speak frames (connection.hpp), in plaintext or, with a
// certificate, TLS (tls_connection.hpp), and, with --http, one whose connections speak HTTP
// (http_session.hpp).

#include "server/server.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <exception>
#include <utility>

#include "server/connection.hpp"
#include "server/handler.hpp"
#include "server/http_session.hpp"
#include "server/internal/endpoint.hpp"
#include "server/internal/log.hpp"
#include "server/internal/tls.hpp"
#include "server/listener.hpp"
#include "server/metered_backend.hpp"
#include "server/metrics.hpp"
#include "server/store_backend.hpp"
#include "server/tls_connection.hpp"

#ifndef IXDB_VERSION
#define IXDB_VERSION "unknown"
#endif

namespace ixdb::server {
namespace {

using boost::asio::ip::tcp;

// Connections that speak frames: served by ServeFrames, refused by RefuseFrames.
Listener::Sessions FrameSessions(ConnectionServices& services) {
  return Listener::Sessions{
      [&services](tcp::socket socket, std::string peer, ConnectionManager::Slot slot) {
        return ServeFrames(std::move(socket), std::move(peer), services, std::move(slot));
      },
      [&services](tcp::socket socket, std::string peer) {
        return RefuseFrames(std::move(socket), std::move(peer), services);
      },
  };
}

// Connections that speak HTTP: served by ServeHttp, refused by RefuseHttp.
Listener::Sessions HttpSessions(HttpServices& services) {
  return Listener::Sessions{
      [&services](tcp::socket socket, std::string peer, ConnectionManager::Slot slot) {
        return ServeHttp(std::move(socket), std::move(peer), services, std::move(slot));
      },
      [&services](tcp::socket socket, std::string peer) {
        return RefuseHttp(std::move(socket), std::move(peer), services);
      },
  };
}

// The listen address `text`, checked against who may listen where: loopback needs nothing;
// another address needs a token (it accepts writes) and, since the token would travel in clear
// text, TLS (`tls`: this listener speaks it) unless `insecure` says so.
Result<tcp::endpoint> CheckedEndpoint(const std::string& text, const ServerOptions& options,
                                      bool tls, const internal::ServerLog& log) {
  Result<tcp::endpoint> endpoint = internal::ResolveListenAddress(text);
  if (!endpoint.ok()) return endpoint.status();
  if (endpoint->address().is_loopback()) return endpoint;
  if (options.token.empty()) {
    return Status::InvalidArgument(
        "refusing to listen on " + text +
        ": it is not a loopback address, and the server accepts writes; set a token so that "
        "only clients that know it can load data");
  }
  if (tls) return endpoint;
  if (!options.insecure) {
    return Status::InvalidArgument(
        "refusing to listen on " + text +
        " with a token but without TLS: the token would travel in clear text; give "
        "--tls-cert F --tls-key F, or --insecure to accept that");
  }
  log("warning: listening on " + text +
      " without TLS (--insecure): queries, answers and the token travel in clear text");
  return endpoint;
}

Status Run(DataBackend& inner_backend, const ServerOptions& options) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument("TLS needs both --tls-cert F and --tls-key F");
  }
  const bool tls = !options.tls_cert_file.empty();
  const internal::ServerLog log(options.log);
  Result<tcp::endpoint> endpoint = CheckedEndpoint(options.listen, options, tls, log);
  if (!endpoint.ok()) return endpoint.status();
  Result<tcp::endpoint> http_endpoint = tcp::endpoint();
  if (!options.http_listen.empty()) {
    // The HTTP listener speaks no TLS.
    http_endpoint = CheckedEndpoint(options.http_listen, options, /*tls=*/false, log);
    if (!http_endpoint.ok()) return http_endpoint.status();
  }
  // (Every address is loopback, or there is a token.)
  const bool loopback = endpoint->address().is_loopback();
  std::unique_ptr<boost::asio::ssl::context> tls_context;
  if (tls) {
    auto made = internal::MakeServerTlsContext(options.tls_cert_file, options.tls_key_file);
    if (!made.ok()) return made.status();
    tls_context = std::move(*made);
  }
  CancelRegistry cancels;
  ServerMetrics metrics;
  MeteredBackend backend(inner_backend, metrics);
  HandlerConfig config;
  config.token = options.token;
  config.writes_allowed = loopback || !options.token.empty();
  config.max_frame_bytes = options.max_frame_bytes;
  config.query_timeout = std::chrono::milliseconds(
      static_cast<int64_t>(std::max(0.0, options.query_timeout_seconds) * 1000));
  config.max_result_bytes = options.max_result_bytes;
  config.version = IXDB_VERSION;
  config.cancels = &cancels;

  Listener::Options listener_options;
  listener_options.threads = options.threads;
  listener_options.max_connections = options.max_connections;
  listener_options.handle_signals = options.handle_signals;
  Listener listener(listener_options, log);
  ConnectionLimits limits;
  limits.max_frame_bytes = options.max_frame_bytes;
  limits.idle_timeout = std::chrono::seconds(std::max(1, options.idle_timeout_seconds));
  limits.max_unread_bytes = options.max_unread_bytes;
  ConnectionServices services{backend, config, limits, listener.workers(), listener.connections(),
                              log,     cancels};
  std::string bound;
  Status s = listener.Listen(
      *endpoint, tls ? TlsFrameSessions(services, *tls_context) : FrameSessions(services), &bound);
  if (!s.ok()) return Status::IOError("cannot listen on " + options.listen + ": " + s.message());
  HttpConfig http_config;
  http_config.cors_origin = options.http_cors_origin;
  HttpServices http_services{services, http_config, metrics};
  std::string http_bound;
  if (!options.http_listen.empty()) {
    s = listener.Listen(*http_endpoint, HttpSessions(http_services), &http_bound);
    if (!s.ok()) {
      return Status::IOError("cannot listen on " + options.http_listen + ": " + s.message());
    }
  }
  return listener.Run([&] {
    if (options.on_http_listening && !http_bound.empty()) options.on_http_listening(http_bound);
    if (options.on_listening) options.on_listening(bound);
  });
}

}  // namespace

Status ServeWith(DataBackend& backend, const ServerOptions& options) {
  try {
    return Run(backend, options);
  } catch (const std::exception& e) {
    return Status::IOError(std::string("server failed: ") + e.what());
  }
}

Status Serve(storage::Store& store, const ServerOptions& options) {
  StoreBackend backend(store, options.query);
  return ServeWith(backend, options);
}

void RequestStop() { Listener::StopAll(); }

}  // namespace ixdb::server
