#pragma once
// One client connection of the frame protocol (asio's connection): reads request frames, hands
// each payload to HandleRequest on the worker pool, and writes the responses back in order. It
// owns the I/O, the frame limit and the timeouts; the meaning of a request is the handler's.
// Internal to server/ (Asio types).
//
// The connection is a template over its stream, so that the same loop serves a plain TCP socket
// and a TLS stream (boost::asio::ssl::stream<tcp::socket>, tls_connection.cpp) once its
// handshake is done. Stream: an Asio AsyncReadStream + AsyncWriteStream whose lowest_layer() is
// a TCP socket; the instantiations are in connection.cpp.
//
// Reading and writing are two coroutines over the one stream: requests are read and run one at
// a time, in order, while their answers are written; a client that sends requests without
// reading the answers is closed once the answers it has not taken exceed max_unread_bytes.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>

#include "server/connection_manager.hpp"
#include "server/data_backend.hpp"
#include "server/handler.hpp"
#include "server/internal/log.hpp"

namespace ixdb::server {

// What bounds a connection (ServerOptions' limits).
struct ConnectionLimits {
  // A request frame announcing more closes the connection after an error frame.
  size_t max_frame_bytes = 64u << 20;
  // Each request frame must arrive whole within this time of the previous response (or of
  // connecting), and each response must be taken within it.
  std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(300);
  // Answers written but not yet taken by the client (beyond the one being sent) above this
  // close the connection: a client that pipelines requests without reading cannot make the
  // server hold its answers without bound.
  size_t max_unread_bytes = 64u << 20;
};

// What the connections of a server share, set up before the first is accepted and outliving
// the last.
struct ConnectionServices {
  DataBackend& backend;
  const HandlerConfig& config;
  ConnectionLimits limits;
  // Where requests run: off the I/O thread, so that a slow query does not stall the others.
  boost::asio::any_io_executor workers;
  ConnectionManager& connections;
  const internal::ServerLog& log;
  // Each served connection registers here for its cancel key (thread-safe).
  CancelRegistry& cancels;
};

// Serves request frames on `stream` until the client closes it, a limit or a timeout closes it,
// or the server stops; then closes it and gives `slot` back. Catches everything: one
// connection's failure closes only that connection. `peer` ("HOST:PORT") names it in the log
// and in the loads it makes. Runs on the I/O thread.
template <typename Stream>
boost::asio::awaitable<void> ServeFrames(Stream stream, std::string peer,
                                         ConnectionServices& services,
                                         ConnectionManager::Slot slot);

// Answers a connection over max_connections with one Busy error frame (within 5 s at most)
// and closes it. Catches everything.
template <typename Stream>
boost::asio::awaitable<void> RefuseFrames(Stream stream, std::string peer,
                                          ConnectionServices& services);

}  // namespace ixdb::server
