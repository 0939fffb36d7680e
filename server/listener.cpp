// The socket side of the server: accepting, framing, limits, timeouts, shutdown. Meaning lives
// in handler.cpp. One thread (the caller of Serve) runs the io_context, so the connection
// coroutines and the registry below need no locks; requests run on a thread pool.

#include <boost/asio.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "server/frame.hpp"
#include "server/handler.hpp"
#include "server/protocol.hpp"
#include "server/server.hpp"

#ifndef IXDB_VERSION
#define IXDB_VERSION "unknown"
#endif

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(use_awaitable);

std::string FormatEndpoint(const tcp::endpoint& ep) {
  const asio::ip::address a = ep.address();
  std::string host = a.to_string();
  if (a.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

// "HOST:PORT" or "[IPV6]:PORT" into a host and a port.
Status ParseListen(const std::string& text, std::string* host, uint16_t* port) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("bad listen address \"" + text + "\": " + why +
                                   " (expected HOST:PORT, e.g. 127.0.0.1:7380)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  std::string h = text.substr(0, colon), p = text.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return bad("write an IPv6 address in brackets, [::1]:7380");
  }
  if (h.empty()) return bad("no host");
  if (p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char c) {
        return c >= '0' && c <= '9';
      })) {
    return bad("port must be a number 0-65535");
  }
  unsigned long n = std::stoul(p);
  if (n > 65535) return bad("port must be a number 0-65535");
  *host = h;
  *port = static_cast<uint16_t>(n);
  return Status::OK();
}

class Server;

// Every Server running in this process, for RequestStop().
std::mutex g_servers_mu;
std::set<Server*> g_servers;

class Server {
 public:
  Server(DataBackend& backend, const ServerOptions& options)
      : backend_(backend),
        options_(options),
        pool_(options.threads != 0 ? options.threads
                                   : std::max<size_t>(2, std::thread::hardware_concurrency())),
        acceptor_(io_),
        signals_(io_) {}

  ~Server() { pool_.join(); }

  Status Run();

  // Thread-safe: the stop itself runs on the I/O thread.
  void Stop() {
    asio::post(io_, [this] { StopNow(); });
  }

 private:
  awaitable<void> Listen();
  awaitable<void> ServeConnection(tcp::socket socket, std::string peer);
  awaitable<void> Refuse(tcp::socket socket, std::string peer);
  awaitable<boost::system::error_code> WriteFrame(tcp::socket& socket, const std::string& payload);
  void StopNow();
  void Log(const std::string& line) {
    if (!options_.log) return;
    try {
      options_.log(line);
    } catch (...) {  // a failing logger must not take the server down
    }
  }
  // The completion handler of every co_spawn: the coroutines catch what they can, so anything
  // arriving here is a bug worth a log line, never a crash.
  auto LogException(std::string what) {
    return [this, what = std::move(what)](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        Log(what + ": " + ex.what());
      } catch (...) {
        Log(what + ": unknown exception");
      }
    };
  }
  std::chrono::steady_clock::duration IdleTimeout() const {
    return std::chrono::seconds(std::max(1, options_.idle_timeout_seconds));
  }

  DataBackend& backend_;
  const ServerOptions& options_;
  HandlerConfig config_;
  asio::io_context io_;
  asio::thread_pool pool_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  // Sockets of live connections (served or being refused), closed by StopNow().
  std::unordered_set<tcp::socket*> sockets_;
  // Connections being served (accepted and not yet closed), for max_connections.
  size_t serving_ = 0;
  bool stopping_ = false;
};

void Server::StopNow() {
  if (stopping_) return;
  stopping_ = true;
  Log("stopping: closing the listener and " + std::to_string(sockets_.size()) + " connections");
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel(ignored);
  for (tcp::socket* s : sockets_) {
    s->shutdown(tcp::socket::shutdown_both, ignored);
    s->close(ignored);
  }
}

awaitable<boost::system::error_code> Server::WriteFrame(tcp::socket& socket,
                                                        const std::string& payload) {
  auto header = EncodeFrameHeader(payload.size());
  std::array<asio::const_buffer, 2> bufs = {asio::buffer(header), asio::buffer(payload)};
  auto [ec, n] = co_await asio::async_write(socket, bufs, kNoThrow);
  co_return ec;
}

// Closes a connection's pending I/O when its deadline passes: each Arm() sets a new deadline
// (replacing the previous one); when it expires, the socket's pending operations are cancelled
// and they complete with operation_aborted, which the connection reads as a timeout since
// timed_out() is then true. Cheaper to compile than racing every read against a timer.
// The wait's handler shares only `state_`: a wait that completed just before the Deadline was
// re-armed, disarmed or destroyed finds the new expiry (or no socket) there and does nothing.
class Deadline {
 public:
  Deadline(asio::io_context& io, tcp::socket& socket)
      : timer_(io), state_(std::make_shared<State>()) {
    state_->socket = &socket;
  }
  ~Deadline() { state_->socket = nullptr; }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void Arm(std::chrono::steady_clock::duration timeout) {
    state_->expiry = std::chrono::steady_clock::now() + timeout;
    timer_.expires_at(state_->expiry);  // a wait already pending completes as aborted
    timer_.async_wait([state = state_](const boost::system::error_code& ec) {
      if (ec || state->socket == nullptr ||
          state->expiry > std::chrono::steady_clock::now()) {
        return;
      }
      state->timed_out = true;
      boost::system::error_code ignored;
      state->socket->cancel(ignored);
    });
  }
  void Disarm() {
    state_->expiry = std::chrono::steady_clock::time_point::max();
    timer_.cancel();
  }
  bool timed_out() const { return state_->timed_out; }

 private:
  struct State {
    std::chrono::steady_clock::time_point expiry = std::chrono::steady_clock::time_point::max();
    tcp::socket* socket = nullptr;
    bool timed_out = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

awaitable<void> Server::Listen() {
  asio::steady_timer backoff(io_);
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
    if (stopping_ || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors and the like: wait a little instead of spinning.
      Log("accept failed: " + ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    boost::system::error_code ignored;
    tcp::endpoint remote = socket.remote_endpoint(ignored);
    std::string peer = ignored ? "?" : FormatEndpoint(remote);
    socket.set_option(tcp::no_delay(true), ignored);
    // Out of memory for one more coroutine drops that connection, not the listener.
    try {
      if (serving_ >= options_.max_connections) {
        asio::co_spawn(io_, Refuse(std::move(socket), peer), LogException("refusing " + peer));
      } else {
        // Counted here, not when the coroutine starts, so that a burst of accepts cannot
        // overshoot the limit.
        ++serving_;
        try {
          asio::co_spawn(io_, ServeConnection(std::move(socket), peer),
                         LogException("connection " + peer));
        } catch (...) {
          --serving_;
          throw;
        }
      }
    } catch (const std::exception& e) {
      Log(peer + ": dropped: " + e.what());
    }
  }
}

awaitable<void> Server::Refuse(tcp::socket socket, std::string peer) {
  sockets_.insert(&socket);
  Log(peer + ": refused: " + std::to_string(serving_) + " connections already");
  try {
    Deadline deadline(io_, socket);
    deadline.Arm(std::min<std::chrono::steady_clock::duration>(IdleTimeout(),
                                                               std::chrono::seconds(5)));
    std::string payload = EncodeError(Status::Busy(
        "too many connections (the limit is " + std::to_string(options_.max_connections) + ")"));
    (void)co_await WriteFrame(socket, payload);
    // (A timeout cancels the write; the connection is closed either way.)
  } catch (...) {
  }
  sockets_.erase(&socket);
}

awaitable<void> Server::ServeConnection(tcp::socket socket, std::string peer) {
  sockets_.insert(&socket);
  Log(peer + ": connected");
  std::string reason = "closed by client";
  // Catch here so that one connection's failure closes only that connection.
  try {
    Deadline deadline(io_, socket);
    // Reads exactly `buf`; a cancellation by the deadline reads as timed_out.
    auto read = [&](asio::mutable_buffer buf) -> awaitable<boost::system::error_code> {
      auto [ec, n] = co_await asio::async_read(socket, buf, kNoThrow);
      if (ec && deadline.timed_out()) ec = asio::error::timed_out;
      co_return ec;
    };
    auto write = [&](const std::string& frame_payload) -> awaitable<boost::system::error_code> {
      deadline.Arm(IdleTimeout());
      boost::system::error_code ec = co_await WriteFrame(socket, frame_payload);
      if (ec && deadline.timed_out()) ec = asio::error::timed_out;
      co_return ec;
    };
    std::string payload;
    while (!stopping_) {
      // The whole next frame must arrive within the idle timeout: a client that stalls
      // mid-frame (or never sends) is closed.
      deadline.Arm(IdleTimeout());
      std::array<unsigned char, kFrameHeaderBytes> header;
      boost::system::error_code ec = co_await read(asio::buffer(header));
      if (ec) {
        if (ec == asio::error::timed_out) reason = "idle timeout";
        else if (ec != asio::error::eof) reason = "read failed: " + ec.message();
        break;
      }
      uint32_t length = DecodeFrameHeader(header.data());
      if (length > options_.max_frame_bytes) {
        // The frame boundary is lost (its body is not read): answer, then close.
        std::string error = EncodeError(Status::LimitExceeded(
            "frame of " + std::to_string(length) + " bytes exceeds the limit of " +
            std::to_string(options_.max_frame_bytes) +
            " bytes (frames are a 4-byte big-endian length and a JSON request; is this an ixdb "
            "client?)"));
        (void)co_await write(error);
        reason = "frame too large (" + std::to_string(length) + " bytes)";
        break;
      }
      payload.clear();
      while (payload.size() < length && !ec) {
        size_t done = payload.size();
        payload.resize(done + std::min<size_t>(kFrameReadChunkBytes, length - done));
        ec = co_await read(asio::buffer(payload.data() + done, payload.size() - done));
      }
      if (ec) {
        reason = ec == asio::error::timed_out ? "timed out mid-frame"
                                              : "closed mid-frame: " + ec.message();
        break;
      }
      // No deadline while the request runs: a long query is not the client's idleness.
      deadline.Disarm();
      // Off the I/O thread: a slow query must not hold up the other connections.
      Request request{payload, peer};
      Response response = co_await asio::co_spawn(
          pool_,
          [&]() -> awaitable<Response> { co_return HandleRequest(request, backend_, config_); },
          use_awaitable);
      Log(peer + ": " + response.summary);
      if (stopping_) {
        reason = "server stopping";
        break;
      }
      ec = co_await write(response.payload);
      if (ec) {
        reason = ec == asio::error::timed_out ? "timed out sending the response"
                                              : "write failed: " + ec.message();
        break;
      }
    }
    if (stopping_) reason = "server stopping";
  } catch (const std::exception& e) {
    reason = std::string("error: ") + e.what();
  } catch (...) {
    reason = "unknown error";
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  sockets_.erase(&socket);
  --serving_;
  Log(peer + ": " + reason);
}

Status Server::Run() {
  std::string host;
  uint16_t port = 0;
  Status s = ParseListen(options_.listen, &host, &port);
  if (!s.ok()) return s;

  boost::system::error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, port);
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument("cannot resolve listen host \"" + host +
                                     "\": " + (ec ? ec.message() : "no address"));
    }
    endpoint = results.begin()->endpoint();
  }
  const bool loopback = endpoint.address().is_loopback();
  if (!loopback && options_.token.empty()) {
    return Status::InvalidArgument(
        "refusing to listen on " + options_.listen +
        ": it is not a loopback address, and the server accepts writes; set a token so that "
        "only clients that know it can load data");
  }
  config_.token = options_.token;
  config_.writes_allowed = loopback || !options_.token.empty();
  config_.max_frame_bytes = options_.max_frame_bytes;
  config_.version = IXDB_VERSION;

  auto fail = [&](const char* step) {
    return Status::IOError("cannot listen on " + options_.listen + ": " + step + ": " +
                           ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec)) return fail("open");
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec)) return fail("set option");
  if (acceptor_.bind(endpoint, ec)) return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  std::string bound = FormatEndpoint(acceptor_.local_endpoint(ec));

  if (options_.handle_signals) {
    signals_.add(SIGINT, ec);
    signals_.add(SIGTERM, ec);
    signals_.async_wait([this](const boost::system::error_code& e, int signal_number) {
      if (e) return;
      Log("signal " + std::to_string(signal_number) + " received");
      StopNow();
    });
  }
  asio::co_spawn(io_, Listen(), LogException("listener"));
  {
    std::lock_guard<std::mutex> lock(g_servers_mu);
    g_servers.insert(this);
  }
  Log("listening on " + bound);
  if (options_.on_listening) {
    try {
      options_.on_listening(bound);
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
      Log(std::string("unexpected error in the I/O loop: ") + e.what());
    }
  }
  {
    std::lock_guard<std::mutex> lock(g_servers_mu);
    g_servers.erase(this);
  }
  pool_.join();
  Log("stopped");
  return Status::OK();
}

}  // namespace

Status ServeWith(DataBackend& backend, const ServerOptions& options) {
  try {
    Server server(backend, options);
    return server.Run();
  } catch (const std::exception& e) {
    return Status::IOError(std::string("server failed: ") + e.what());
  }
}

void RequestStop() {
  std::lock_guard<std::mutex> lock(g_servers_mu);
  for (Server* s : g_servers) s->Stop();
}

}  // namespace ixdb::server
