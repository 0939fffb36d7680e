#pragma once
// One HTTP/1.1 connection (Boost.Beast): reads requests, hands each to RouteHttp on the worker
// pool, and writes the replies in order, keeping the connection alive when the client asks.
// It owns the I/O and the limits (the body limit, the idle timeout); the meaning of a request
// is RouteHttp's. The HTTP twin of connection.hpp, sharing its services (backend, handler
// configuration, limits, workers, connection slots, log). Internal to server/ (Asio types).
//
// A template over the stream, like ServeFrames, so that a TLS stream can be served the same way
// once its handshake is done; the instantiations are in http_session.cpp (tcp::socket so far).

#include <boost/asio/awaitable.hpp>
#include <string>

#include "server/connection.hpp"
#include "server/http_routes.hpp"
#include "server/metrics.hpp"

namespace ixdb::server {

// What the HTTP connections of a server share, outliving the last of them.
struct HttpServices {
  ConnectionServices& connection;
  const HttpConfig& http;
  ServerMetrics& metrics;
};

// Serves requests on `stream` until the client closes it, a limit or the idle timeout closes it,
// or the server stops; then closes it and gives `slot` back. A request whose headers exceed
// 256 KiB is answered 431, a body over limits.max_frame_bytes 413 (before it is read when its
// Content-Length says so), a malformed request 400; each then closes the connection. Catches
// everything. Runs on the I/O thread.
template <typename Stream>
boost::asio::awaitable<void> ServeHttp(Stream stream, std::string peer, HttpServices& services,
                                       ConnectionManager::Slot slot);

// Answers a connection over max_connections with 429 and the Busy error object (within 5 s at
// most) and closes it. Catches everything.
template <typename Stream>
boost::asio::awaitable<void> RefuseHttp(Stream stream, std::string peer, HttpServices& services);

}  // namespace ixdb::server
