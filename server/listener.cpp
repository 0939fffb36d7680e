// The accepting side of the server: acceptors, signals, shutdown. What a connection does is in
// connection.cpp. One thread (the caller of Run) runs the io_context, so the accept loops, the
// connection coroutines and the ConnectionManager need no locks; requests run on a thread pool.

#include "server/listener.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "server/internal/asio.hpp"
#include "server/internal/endpoint.hpp"

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using internal::kNoThrow;

// Every Listener running in this process, for StopAll() (RequestStop()).
std::mutex g_listeners_mu;
std::set<Listener*> g_listeners;

}  // namespace

Listener::Listener(const Options& options, internal::ServerLog log)
    : log_(std::move(log)),
      connections_(options.max_connections),
      pool_(options.threads != 0 ? options.threads
                                 : std::max<size_t>(2, std::thread::hardware_concurrency())),
      signals_(io_),
      handle_signals_(options.handle_signals) {}

Listener::~Listener() { pool_.join(); }

std::function<void(std::exception_ptr)> Listener::LogException(std::string what) {
  return [this, what = std::move(what)](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log_(what + ": " + ex.what());
    } catch (...) {
      log_(what + ": unknown exception");
    }
  };
}

void Listener::Stop() {
  asio::post(io_, [this] { StopNow(); });
}

void Listener::StopAll() {
  std::lock_guard<std::mutex> lock(g_listeners_mu);
  for (Listener* l : g_listeners) l->Stop();
}

void Listener::StopNow() {
  if (connections_.stopping()) return;
  log_("stopping: closing the listener and " + std::to_string(connections_.live()) +
       " connections");
  boost::system::error_code ignored;
  connections_.StopAll();
  for (auto& a : acceptors_) a->acceptor.close(ignored);
  signals_.cancel(ignored);
}

Status Listener::Listen(const tcp::endpoint& endpoint, Sessions sessions, std::string* bound) {
  auto a = std::make_unique<Acceptor>(io_);
  a->sessions = std::move(sessions);
  boost::system::error_code ec;
  auto fail = [&](const char* step) {
    return Status::IOError(std::string(step) + ": " + ec.message());
  };
  if (a->acceptor.open(endpoint.protocol(), ec)) return fail("open");
  if (a->acceptor.set_option(tcp::acceptor::reuse_address(true), ec)) return fail("set option");
  if (a->acceptor.bind(endpoint, ec)) return fail("bind");
  if (a->acceptor.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  a->bound = internal::FormatEndpoint(a->acceptor.local_endpoint(ec));
  *bound = a->bound;
  acceptors_.push_back(std::move(a));
  return Status::OK();
}

awaitable<void> Listener::Accept(Acceptor& a) {
  asio::steady_timer backoff(io_);
  while (!connections_.stopping()) {
    auto [ec, socket] = co_await a.acceptor.async_accept(kNoThrow);
    if (connections_.stopping() || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors and the like: wait a little instead of spinning.
      log_("accept failed: " + ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    boost::system::error_code ignored;
    tcp::endpoint remote = socket.remote_endpoint(ignored);
    std::string peer = ignored ? "?" : internal::FormatEndpoint(remote);
    socket.set_option(tcp::no_delay(true), ignored);
    // Out of memory for one more coroutine drops that connection, not the listener.
    try {
      if (connections_.full()) {
        asio::co_spawn(io_, a.sessions.refuse(std::move(socket), peer),
                       LogException("refusing " + peer));
      } else {
        // The place is taken here, not when the coroutine starts, so that a burst of accepts
        // cannot overshoot the limit. (If the spawn fails, the slot goes back with the
        // coroutine.)
        asio::co_spawn(io_, a.sessions.serve(std::move(socket), peer, connections_.Reserve()),
                       LogException("connection " + peer));
      }
    } catch (const std::exception& e) {
      log_(peer + ": dropped: " + e.what());
    }
  }
}

Status Listener::Run(const std::function<void()>& on_running) {
  if (handle_signals_) {
    boost::system::error_code ec;
    signals_.add(SIGINT, ec);
    signals_.add(SIGTERM, ec);
    signals_.async_wait([this](const boost::system::error_code& e, int signal_number) {
      if (e) return;
      log_("signal " + std::to_string(signal_number) + " received");
      StopNow();
    });
  }
  for (auto& a : acceptors_) asio::co_spawn(io_, Accept(*a), LogException("listener"));
  {
    std::lock_guard<std::mutex> lock(g_listeners_mu);
    g_listeners.insert(this);
  }
  for (auto& a : acceptors_) log_("listening on " + a->bound);
  if (on_running) {
    try {
      on_running();
    } catch (...) {
    }
  }
  // Every handler is a coroutine that catches its own exceptions, so run() only returns when
  // the work is drained; the loop is a belt to the braces of LogException.
  for (;;) {
    try {
      io_.run();
      break;
    } catch (const std::exception& e) {
      log_(std::string("unexpected error in the I/O loop: ") + e.what());
    }
  }
  {
    std::lock_guard<std::mutex> lock(g_listeners_mu);
    g_listeners.erase(this);
  }
  pool_.join();
  log_("stopped");
  return Status::OK();
}

}  // namespace ixdb::server
