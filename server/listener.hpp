#pragma once
// Accepts connections and hands each to a session (asio's server): owns the I/O thread's
// io_context, the worker pool that runs requests, the signals that stop the server and the live
// connections. Internal to server/ (Asio types).
//
// A listener hosts any number of acceptors, each with its own sessions: today one TCP acceptor
// whose connections speak frames (server.cpp); a TLS or HTTP acceptor is another Listen() call
// with other sessions, sharing the io_context, the workers, max_connections and shutdown.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "server/connection_manager.hpp"
#include "server/internal/log.hpp"

namespace ixdb::server {

class Listener {
 public:
  struct Options {
    // Threads that run requests (the I/O itself runs on the thread that calls Run).
    // 0: the number of cores, at least 2.
    size_t threads = 0;
    // Connections beyond this (over all acceptors) go to their acceptor's `refuse`.
    size_t max_connections = 256;
    // Stop on SIGINT/SIGTERM.
    bool handle_signals = true;
  };

  // What to do with an accepted connection. `serve` gets it while the server has room, with its
  // place among the served connections; `refuse` gets those beyond max_connections. Both return
  // a coroutine that owns the socket, registers it with connections() while it lives, and
  // catches everything.
  struct Sessions {
    std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket, std::string peer,
                                               ConnectionManager::Slot)>
        serve;
    std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket, std::string peer)>
        refuse;
  };

  Listener(const Options& options, internal::ServerLog log);
  ~Listener();  // joins the workers
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Opens, binds and listens on `endpoint`; `bound` gets the "HOST:PORT" actually bound (port 0
  // picks a free one). IOError naming the step that failed ("bind: Address already in use").
  // REQUIRES: before Run.
  Status Listen(const boost::asio::ip::tcp::endpoint& endpoint, Sessions sessions,
                std::string* bound);

  // Accepts on every endpoint until Stop() (or a signal), then: the acceptors close, every
  // connection is closed, requests already running finish, the workers are joined, and it
  // returns OK. `on_running` is called once everything listens. Runs the io_context on the
  // calling thread.
  Status Run(const std::function<void()>& on_running);

  // Thread-safe: the stop itself runs on the I/O thread.
  void Stop();
  // Stop() on every Listener running in this process (thread-safe). None running: no effect.
  static void StopAll();

  boost::asio::any_io_executor workers() { return pool_.get_executor(); }
  ConnectionManager& connections() { return connections_; }

 private:
  struct Acceptor {
    explicit Acceptor(boost::asio::io_context& io) : acceptor(io) {}
    boost::asio::ip::tcp::acceptor acceptor;
    Sessions sessions;
    std::string bound;
  };

  boost::asio::awaitable<void> Accept(Acceptor& acceptor);
  void StopNow();
  // The completion handler of every co_spawn: the coroutines catch what they can, so anything
  // arriving here is a bug worth a log line, never a crash.
  std::function<void(std::exception_ptr)> LogException(std::string what);

  internal::ServerLog log_;
  // Before io_: destroying io_ destroys suspended connection coroutines, whose slots and
  // registrations go back here.
  ConnectionManager connections_;
  boost::asio::io_context io_;
  boost::asio::thread_pool pool_;
  boost::asio::signal_set signals_;
  bool handle_signals_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
};

}  // namespace ixdb::server
