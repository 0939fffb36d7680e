// Serve(), ServeWith() and RequestStop(): the server put together from its parts. The listen
// address and the write policy are checked, the request handler configured, and a Listener gets
// one TCP acceptor whose connections speak frames (connection.hpp). Another listener (TLS,
// HTTP) is one more Listen() here with its own sessions.

#include "server/server.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "server/connection.hpp"
#include "server/handler.hpp"
#include "server/internal/endpoint.hpp"
#include "server/internal/log.hpp"
#include "server/listener.hpp"
#include "server/store_backend.hpp"

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

Status Run(DataBackend& backend, const ServerOptions& options) {
  Result<tcp::endpoint> endpoint = internal::ResolveListenAddress(options.listen);
  if (!endpoint.ok()) return endpoint.status();
  const bool loopback = endpoint->address().is_loopback();
  if (!loopback && options.token.empty()) {
    return Status::InvalidArgument(
        "refusing to listen on " + options.listen +
        ": it is not a loopback address, and the server accepts writes; set a token so that "
        "only clients that know it can load data");
  }
  HandlerConfig config;
  config.token = options.token;
  config.writes_allowed = loopback || !options.token.empty();
  config.max_frame_bytes = options.max_frame_bytes;
  config.version = IXDB_VERSION;

  const internal::ServerLog log(options.log);
  Listener::Options listener_options;
  listener_options.threads = options.threads;
  listener_options.max_connections = options.max_connections;
  listener_options.handle_signals = options.handle_signals;
  Listener listener(listener_options, log);
  ConnectionLimits limits;
  limits.max_frame_bytes = options.max_frame_bytes;
  limits.idle_timeout = std::chrono::seconds(std::max(1, options.idle_timeout_seconds));
  ConnectionServices services{backend, config, limits, listener.workers(), listener.connections(),
                              log};
  std::string bound;
  Status s = listener.Listen(*endpoint, FrameSessions(services), &bound);
  if (!s.ok()) return Status::IOError("cannot listen on " + options.listen + ": " + s.message());
  return listener.Run([&] {
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
