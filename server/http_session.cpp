// The request loop of one HTTP connection (Beast's awaitable server example, with the frame
// connection's deadline and slots). The coroutine runs on the I/O thread and owns the stream;
// routes run on the worker pool.

#include "server/http_session.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <exception>
#include <memory>

#include "common/strings.hpp"
#include "server/internal/asio.hpp"
#include "server/internal/deadline.hpp"
#include "server/protocol.hpp"

#ifndef IXDB_VERSION
#define IXDB_VERSION "unknown"
#endif

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using internal::kNoThrow;

// Room for a query of 64 KiB (the language's limit) percent-encoded in a GET URL.
constexpr uint32_t kMaxHeaderBytes = 256u << 10;
// How long, and how much, a connection closed after an error is still read from, so that the
// client gets the error instead of a reset (closing a socket with unread input resets it).
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 1u << 20;

template <typename Stream>
void CloseStream(Stream& stream) {
  boost::system::error_code ignored;
  stream.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
  stream.lowest_layer().close(ignored);
}

// Ends the sending side, then reads and drops what the client still sends (a body that was
// refused) until it closes, kLingerBytes or kLingerTime, so that it can read the reply.
template <typename Stream>
awaitable<void> LingeringClose(Stream& stream, internal::Deadline& deadline) {
  boost::system::error_code ignored;
  stream.lowest_layer().shutdown(tcp::socket::shutdown_send, ignored);
  deadline.Arm(kLingerTime);
  std::array<char, 16384> sink;
  size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kNoThrow);
    if (ec) break;
    drained += n;
  }
  CloseStream(stream);
}

http::response<http::string_body> MakeResponse(HttpReply& reply, unsigned version, bool keep_alive,
                                               bool head) {
  http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
  res.set(http::field::server, "ixdb/" IXDB_VERSION);
  res.set("X-Content-Type-Options", "nosniff");
  if (!reply.content_type.empty()) res.set(http::field::content_type, reply.content_type);
  for (const HttpHeader& h : reply.headers) res.insert(h.name, h.value);
  res.keep_alive(keep_alive);
  res.body() = std::move(reply.body);
  res.prepare_payload();
  if (head) {
    // The headers of the GET, Content-Length included, without the body (RFC 9110 §9.3.2).
    const size_t length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

// The refusal of a body over the limit, with its announced length when there is one (0: none).
Status BodyTooLarge(uint64_t length, size_t limit) {
  return Status::LimitExceeded("request body" +
                               (length != 0 ? " of " + std::to_string(length) + " bytes" : "") +
                               " exceeds the limit of " + std::to_string(limit) + " bytes");
}

// Why reading a request's headers failed: the reason the connection ends and, when the server
// refuses the request (its framing lost or over a limit), the HTTP status of the answer it
// sends first (0: none, the client left or the read failed).
struct HeaderReadFailure {
  std::string reason;
  int status = 0;
  Status error;
};

HeaderReadFailure ClassifyHeaderReadFailure(const boost::system::error_code& ec, bool timed_out) {
  if (timed_out) return {"idle timeout", 0, Status()};
  if (ec == http::error::end_of_stream || ec == asio::error::eof)
    return {"closed by client", 0, Status()};
  if (ec == http::error::header_limit) {
    return {"headers too large", 431,
            Status::LimitExceeded("request headers larger than " + std::to_string(kMaxHeaderBytes) +
                                  " bytes")};
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    return {"malformed request", 400,
            Status::InvalidArgument("malformed HTTP request: " + ec.message())};
  }
  return {"read failed: " + ec.message(), 0, Status()};
}

// One line for the log: the method, the path (queries cut, they can be long) and the status.
std::string RequestLine(std::string_view method, std::string_view target, int status) {
  std::string t(target.substr(0, 160));
  if (target.size() > t.size()) t += "...";
  return std::string(method) + " " + t + " " + std::to_string(status);
}

// Reads the body of the request whose headers `parser` holds, answering "100 Continue" first
// when the client waits for it (curl does before a large body).
struct BodyRead {
  std::string failure;  // why the connection ends; empty: the body is read
  bool too_large = false;
  size_t bytes = 0;
};

template <typename Stream>
awaitable<BodyRead> ReadBody(Stream& stream, beast::flat_buffer& buffer,
                             http::request_parser<http::string_body>& parser,
                             internal::Deadline& deadline) {
  BodyRead out;
  if (EqualsIgnoreCase(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
    auto [ec, n] = co_await http::async_write(stream, go_on, kNoThrow);
    if (ec) {
      out.failure = "write failed: " + ec.message();
      co_return out;
    }
  }
  if (parser.is_done()) co_return out;
  auto [ec, n] = co_await http::async_read(stream, buffer, parser, kNoThrow);
  out.bytes = n;
  if (ec == http::error::body_limit) {
    out.too_large = true;
    out.failure = "body too large";
  } else if (ec) {
    out.failure =
        deadline.timed_out() ? "timed out mid-request" : "closed mid-request: " + ec.message();
  }
  co_return out;
}

// Watches `socket` while a request runs, and sets *left when the client closes it (a clean close
// or a reset): the browser tab closed, curl interrupted. Only the end of the stream is looked
// for, by peeking: a client that sends its next request early (pipelining) is still there, and
// the watch ends with its first byte, which stays for the next read. Ended by socket.cancel();
// the handler holds `left` and the descriptor only, never the socket, so that it may run late.
template <typename Socket>
void WatchForHangUp(Socket& socket, std::shared_ptr<std::atomic<bool>> left) {
  socket.async_wait(Socket::wait_read, [fd = socket.native_handle(), left = std::move(left)](
                                           const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the request finished first
    char c;
    const ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      left->store(true);
    }
  });
}

}  // namespace

template <typename Stream>
awaitable<void> ServeHttp(Stream stream, std::string peer, HttpServices& services,
                          ConnectionManager::Slot slot) {
  ConnectionServices& base = services.connection;
  const ConnectionLimits& limits = base.limits;
  const internal::ServerLog& log = base.log;
  ConnectionManager& connections = base.connections;
  auto registration = connections.Register([&stream] { CloseStream(stream); });
  services.metrics.HttpConnectionOpened();
  log(peer + ": http connected");
  std::string reason = "closed by client";
  bool linger = false;
  // Catch here so that one connection's failure closes only that connection.
  try {
    internal::Deadline deadline(stream.get_executor(), stream.lowest_layer());
    beast::flat_buffer buffer;
    // Answers an error that ends the connection (the request's framing is lost or refused).
    auto refuse = [&](int status, Status error, unsigned version) -> awaitable<void> {
      HttpReply reply = HttpErrorReply(error);
      reply.status = status;
      auto res = MakeResponse(reply, version, false, false);
      deadline.Arm(limits.idle_timeout);
      auto [ec, sent] = co_await http::async_write(stream, res, kNoThrow);
      services.metrics.RecordHttpRequest(status, 0, sent);
      log(peer + ": http " + std::to_string(status) + ": " + error.ToString());
    };
    while (!connections.stopping()) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      // No body limit while the headers are read: Beast would stop at a Content-Length over it
      // before the headers are done, when the announced length cannot be asked for (an
      // assertion in Beast). It is checked below, once they are in.
      parser.body_limit(boost::none);
      // The whole of the next request's headers must arrive within the idle timeout.
      deadline.Arm(limits.idle_timeout);
      auto [ec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
      if (ec) {
        HeaderReadFailure failure = ClassifyHeaderReadFailure(ec, deadline.timed_out());
        if (failure.status != 0) {
          co_await refuse(failure.status, failure.error, 11);
          linger = true;
        }
        reason = failure.reason;
        break;
      }
      const unsigned version = parser.get().version();
      if (const auto announced = parser.content_length();
          announced && *announced > limits.max_frame_bytes) {
        co_await refuse(413, BodyTooLarge(*announced, limits.max_frame_bytes), version);
        linger = true;
        reason = "body too large";
        break;
      }
      parser.body_limit(limits.max_frame_bytes);  // a chunked body: refused once it passes it
      BodyRead body = co_await ReadBody(stream, buffer, parser, deadline);
      if (body.too_large) {
        co_await refuse(413, BodyTooLarge(0, limits.max_frame_bytes), version);
        linger = true;
      }
      if (!body.failure.empty()) {
        reason = body.failure;
        break;
      }
      const size_t body_bytes = body.bytes;
      // No deadline while the request runs: a long query is not the client's idleness.
      deadline.Disarm();
      const http::request<http::string_body>& req = parser.get();
      HttpRequest request{req.method_string(),
                          req.target(),
                          req[http::field::content_type],
                          req[http::field::authorization],
                          req[http::field::origin],
                          req.body(),
                          peer};
      auto client_left = std::make_shared<std::atomic<bool>>(false);
      const HttpContext context{base.backend,     base.config,          services.http,
                                services.metrics, connections.served(), client_left.get()};
      WatchForHangUp(stream.lowest_layer(), client_left);
      // Off the I/O thread: a slow query must not hold up the other connections.
      HttpReply reply = co_await asio::co_spawn(
          base.workers, [&]() -> awaitable<HttpReply> { co_return RouteHttp(request, context); },
          use_awaitable);
      boost::system::error_code ignored;
      stream.lowest_layer().cancel(ignored);  // ends the watch
      if (connections.stopping()) {
        reason = "server stopping";
        break;
      }
      if (client_left->load()) {
        services.metrics.RecordHttpRequest(reply.status, header_bytes + body_bytes, 0);
        log(peer + ": " + RequestLine(req.method_string(), req.target(), reply.status) + ": " +
            reply.summary + " (the client left while it ran)");
        reason = "closed by client while its request ran";
        break;
      }
      const int status = reply.status;
      const std::string line =
          RequestLine(req.method_string(), req.target(), status) + ": " + reply.summary;
      const bool keep_alive = req.keep_alive();
      auto res = MakeResponse(reply, version, keep_alive, req.method() == http::verb::head);
      deadline.Arm(limits.idle_timeout);
      auto [wec, sent] = co_await http::async_write(stream, res, kNoThrow);
      services.metrics.RecordHttpRequest(status, header_bytes + body_bytes, sent);
      log(peer + ": " + line);
      if (wec) {
        reason = deadline.timed_out() ? "timed out sending the response"
                                      : "write failed: " + wec.message();
        break;
      }
      if (!keep_alive) {
        reason = "closed after the response (no keep-alive)";
        break;
      }
    }
    if (connections.stopping()) reason = "server stopping";
    if (linger && !connections.stopping()) co_await LingeringClose(stream, deadline);
  } catch (const std::exception& e) {
    reason = std::string("error: ") + e.what();
  } catch (...) {
    reason = "unknown error";
  }
  CloseStream(stream);
  registration.Unregister();
  slot.Release();
  services.metrics.HttpConnectionClosed();
  log(peer + ": http " + reason);
}

template <typename Stream>
awaitable<void> RefuseHttp(Stream stream, std::string peer, HttpServices& services) {
  ConnectionServices& base = services.connection;
  auto registration = base.connections.Register([&stream] { CloseStream(stream); });
  base.log(peer + ": http refused: " + std::to_string(base.connections.served()) +
           " connections already");
  try {
    internal::Deadline deadline(stream.get_executor(), stream.lowest_layer());
    deadline.Arm(std::min<std::chrono::steady_clock::duration>(base.limits.idle_timeout,
                                                               std::chrono::seconds(5)));
    // The request's headers are read first, so that the client is writing no more when the
    // answer comes (else closing would reset the connection and lose the answer).
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
    if (!ec) {
      HttpReply reply =
          HttpErrorReply(Status::Busy("too many connections (the limit is " +
                                      std::to_string(base.connections.max_served()) + ")"));
      reply.headers.push_back({"Retry-After", "1"});
      auto res = MakeResponse(reply, parser.get().version(), false, false);
      auto [wec, sent] = co_await http::async_write(stream, res, kNoThrow);
      services.metrics.RecordHttpRequest(reply.status, n, sent);
      co_await LingeringClose(stream, deadline);
    }
  } catch (...) {
  }
  CloseStream(stream);
}

template awaitable<void> ServeHttp<tcp::socket>(tcp::socket, std::string, HttpServices&,
                                                ConnectionManager::Slot);
template awaitable<void> RefuseHttp<tcp::socket>(tcp::socket, std::string, HttpServices&);

}  // namespace ixdb::server
