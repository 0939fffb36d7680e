// A blocking client over Asio: one connection (TCP, or TLS over it), one request at a time. Each
// blocking step runs the client's own io_context until the operation completes or the client's
// timeout passes.

#include "server/client.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>

#include "server/frame.hpp"
#include "server/internal/tls.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kConnectTimeout{10};

Status SplitHostPort(const std::string& host_port, std::string* host, std::string* port) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon + 1 == host_port.size()) {
    return Status::InvalidArgument("bad server address \"" + host_port +
                                   "\": expected HOST:PORT, e.g. 127.0.0.1:7380");
  }
  std::string h = host_port.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) {
    return Status::InvalidArgument("bad server address \"" + host_port + "\": no host");
  }
  *host = h;
  *port = host_port.substr(colon + 1);
  return Status::OK();
}

std::string FormatSeconds(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// Where a server is and how to talk to it (shared by a client's connections).
struct Endpoint {
  std::string address, host, port;
  ClientOptions options;
  std::shared_ptr<ssl::context> tls;  // set when options.tls
};

// One connection: a TCP socket and, with TLS, a stream over it. Each operation blocks until it
// completes or `deadline` passes (then it returns timed_out and the connection is unusable).
class Channel {
 public:
  explicit Channel(const Endpoint& endpoint) : endpoint_(endpoint) {}

  Status Open(Clock::time_point deadline) {
    Close();
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(endpoint_.host, endpoint_.port, ec);
    if (ec) return Status::IOError("cannot resolve " + endpoint_.address + ": " + ec.message());
    // Asynchronously, so that an address that drops packets fails after the timeout instead
    // of the kernel's minutes.
    ec = Run([&](auto handler) { asio::async_connect(socket_, endpoints, handler); }, deadline);
    if (ec == asio::error::timed_out) {
      return Status::IOError("cannot connect to " + endpoint_.address + ": timed out");
    }
    if (ec) return Status::IOError("cannot connect to " + endpoint_.address + ": " + ec.message());
    socket_.set_option(tcp::no_delay(true), ec);
    if (!endpoint_.tls) return Status::OK();
    tls_ = std::make_unique<ssl::stream<tcp::socket&>>(socket_, *endpoint_.tls);
    asio::ip::make_address(endpoint_.host, ec);
    if (ec) {  // a host name: tell the server which one (SNI)
      SSL_set_tlsext_host_name(tls_->native_handle(), endpoint_.host.c_str());
    }
    tls_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
    ec = Run([&](auto handler) { tls_->async_handshake(ssl::stream_base::client, handler); },
             deadline);
    if (ec) {
      Close();
      std::string why = ec == asio::error::timed_out ? "timed out" : internal::DescribeTlsError(ec);
      std::string hint;
      if (why.find("wrong version number") != std::string::npos ||
          why.find("packet length too long") != std::string::npos) {
        hint = " (the server does not speak TLS: is it started with --tls-cert and --tls-key?)";
      } else if (why.find("certificate verify failed") != std::string::npos) {
        hint = " (the server's certificate is not signed by a trusted CA or does not name " +
               endpoint_.host + "; give the CA with --tls-ca F)";
      }
      return Status::IOError("TLS handshake with " + endpoint_.address + " failed: " + why + hint);
    }
    return Status::OK();
  }

  bool is_open() const { return socket_.is_open(); }

  void Close() {
    boost::system::error_code ignored;
    tls_.reset();
    socket_.close(ignored);
  }

  boost::system::error_code Write(const std::array<asio::const_buffer, 2>& bufs,
                                  Clock::time_point deadline) {
    return Run(
        [&](auto handler) {
          if (tls_) {
            asio::async_write(*tls_, bufs, handler);
          } else {
            asio::async_write(socket_, bufs, handler);
          }
        },
        deadline);
  }

  boost::system::error_code Read(asio::mutable_buffer buf, Clock::time_point deadline) {
    return Run(
        [&](auto handler) {
          if (tls_) {
            asio::async_read(*tls_, buf, handler);
          } else {
            asio::async_read(socket_, buf, handler);
          }
        },
        deadline);
  }

  // The server never speaks unasked, so a readable socket between requests means that it
  // closed the connection.
  bool PeerClosed() {
    pollfd p{};
    p.fd = socket_.native_handle();
    p.events = POLLIN;
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  }

 private:
  // Starts one operation with a completion handler and runs the io_context until it completes
  // or `deadline` passes; on the deadline the socket's operations are cancelled and timed_out
  // is returned.
  template <typename Start>
  boost::system::error_code Run(Start start, Clock::time_point deadline) {
    std::optional<boost::system::error_code> result;
    start([&result](const boost::system::error_code& ec, auto&&...) { result = ec; });
    io_.restart();
    while (!result) {
      if (deadline == Clock::time_point::max()) {
        io_.run_one();
      } else if (io_.run_one_until(deadline) == 0 && !result) {
        boost::system::error_code ignored;
        socket_.cancel(ignored);
        while (!result) io_.run_one();
        return asio::error::timed_out;
      }
    }
    return *result;
  }

  const Endpoint& endpoint_;
  asio::io_context io_;
  tcp::socket socket_{io_};
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
};

// Sends one frame and reads the answer's frame on `channel`.
struct Exchange {
  boost::system::error_code error;
  bool write_failed = false;
  bool answer_started = false;  // some byte of the answer arrived
  std::string answer;
};

Exchange SendAndReceive(Channel& channel, const std::string& request, Clock::time_point deadline) {
  Exchange x;
  auto header = EncodeFrameHeader(request.size());
  std::array<asio::const_buffer, 2> bufs = {asio::buffer(header), asio::buffer(request)};
  boost::system::error_code write_error = channel.Write(bufs, deadline);
  // The server may have answered and closed before taking the whole request (a frame over its
  // limit): its error frame, if it arrived, says why, so read it first.
  std::array<unsigned char, kFrameHeaderBytes> answer_header;
  x.error = write_error == asio::error::timed_out
                ? write_error
                : channel.Read(asio::buffer(answer_header), deadline);
  if (!x.error) {
    x.answer_started = true;
    uint32_t length = DecodeFrameHeader(answer_header.data());
    while (x.answer.size() < length && !x.error) {
      size_t done = x.answer.size();
      x.answer.resize(done + std::min<size_t>(kFrameReadChunkBytes, length - done));
      x.error =
          channel.Read(asio::buffer(x.answer.data() + done, x.answer.size() - done), deadline);
    }
  }
  if (x.error && write_error && x.error != asio::error::timed_out) {
    x.error = write_error;
    x.write_failed = true;
  }
  return x;
}

bool IsClosed(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

class AsioClient : public Client {
 public:
  explicit AsioClient(Endpoint endpoint) : endpoint_(std::move(endpoint)), channel_(endpoint_) {}

  // Opens the connection and says hello, which gives the connection's cancel key.
  Status Connect() {
    Clock::time_point deadline = Deadline(kConnectTimeout);
    Status s = channel_.Open(deadline);
    if (!s.ok()) return s;
    Exchange x =
        SendAndReceive(channel_, EncodeHelloRequest(), Deadline(endpoint_.options.timeout));
    if (x.error) {
      channel_.Close();
      return Status::IOError("connection to " + endpoint_.address +
                             (x.error == asio::error::timed_out
                                  ? std::string(": no answer to hello within ") +
                                        FormatSeconds(endpoint_.options.timeout)
                                  : ": " + x.error.message()));
    }
    Result<HelloAnswer> hello = DecodeHelloAnswer(x.answer);
    if (!hello.ok()) {
      channel_.Close();
      return hello.status();
    }
    server_protocol_ = hello->protocol;
    std::lock_guard<std::mutex> lock(mu_);
    cancel_key_ = hello->cancel_key;
    return Status::OK();
  }

  using Client::Query;
  Result<query::Table> Query(const std::string& text, std::optional<Date> as_of) override {
    if (as_of && server_protocol_ < 2) {
      return Status::NotSupported("the server at " + endpoint_.address + " speaks protocol " +
                                  std::to_string(server_protocol_) +
                                  ", which cannot read as of a date; wrap the query instead: "
                                  "asof(QUERY, " +
                                  FormatDate(*as_of) + ")");
    }
    uint64_t id = next_query_id_++;
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_query_id_ = id;
    }
    Result<std::string> payload =
        RoundTrip(EncodeQueryRequest(text, id, as_of), /*idempotent=*/true);
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_query_id_ = 0;
    }
    if (!payload.ok()) return payload.status();
    return DecodeTableResponse(*payload);
  }

  Result<std::string> Load(const std::vector<std::pair<std::string, std::string>>& files,
                           const std::string& options_json) override {
    Result<std::string> request = EncodeLoadRequest(files, options_json, endpoint_.options.token);
    if (!request.ok()) return request.status();
    Result<std::string> payload = RoundTrip(*request, /*idempotent=*/false);
    if (!payload.ok()) return payload.status();
    return DecodeLoadResponse(*payload);
  }

  Result<std::string> Define(const std::string& code, const std::string& expression,
                             const std::string& name, const std::string& unit, bool drop) override {
    Result<std::string> payload =
        RoundTrip(EncodeDefineRequest(code, expression, name, unit, drop, endpoint_.options.token),
                  /*idempotent=*/false);
    if (!payload.ok()) return payload.status();
    return DecodeDefineResponse(*payload);
  }

  Status Cancel() override {
    std::string key;
    uint64_t id = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      key = cancel_key_;
      id = running_query_id_;
    }
    if (id == 0) return Status::OK();
    if (key.empty()) {
      return Status::NotSupported("the server at " + endpoint_.address +
                                  " gave no cancel key (an older server?)");
    }
    try {
      Channel side(endpoint_);
      Status s = side.Open(Deadline(kConnectTimeout));
      if (!s.ok()) return s;
      Exchange x = SendAndReceive(side, EncodeCancelRequest(key, id), Deadline(kConnectTimeout));
      if (x.error) {
        return Status::IOError("sending the cancel to " + endpoint_.address + ": " +
                               x.error.message());
      }
      Status answer = DecodeStatusResponse(x.answer);
      // NotFound: the connection closed meanwhile, so no query of it runs any more.
      return answer.IsNotFound() ? Status::OK() : answer;
    } catch (const std::exception& e) {
      return Status::IOError("sending the cancel to " + endpoint_.address + ": " + e.what());
    }
  }

 private:
  Clock::time_point Deadline(std::chrono::milliseconds limit) const {
    if (limit.count() <= 0) return Clock::time_point::max();
    return Clock::now() + limit;
  }

  // Sends one request and returns the response payload. After a network error the connection
  // is dropped and the next call reconnects first. The server may close a connection at any
  // moment between requests (idle timeout, an earlier oversize frame); an idempotent request
  // (a query) that finds the connection closed before any answer arrived is sent once more
  // on a fresh connection. A load is never sent twice.
  Result<std::string> RoundTrip(const std::string& request, bool idempotent) {
    if (request.size() > UINT32_MAX) {
      return Status::LimitExceeded("request of " + std::to_string(request.size()) +
                                   " bytes is larger than a frame can carry");
    }
    for (int attempt = 0;; ++attempt) {
      bool fresh = false;
      if (!channel_.is_open() || channel_.PeerClosed()) {
        Status s;
        try {
          s = Connect();
        } catch (const std::exception& e) {
          s = Status::IOError("cannot connect to " + endpoint_.address + ": " + e.what());
        }
        if (!s.ok()) return s;
        fresh = true;
      }
      Exchange x;
      try {
        x = SendAndReceive(channel_, request, Deadline(endpoint_.options.timeout));
      } catch (const std::bad_alloc&) {
        channel_.Close();
        return Status::LimitExceeded("out of memory reading the response from " +
                                     endpoint_.address);
      }
      if (!x.error) return std::move(x.answer);
      channel_.Close();
      if (x.error == asio::error::timed_out) return TimedOut(idempotent);
      const bool closed = IsClosed(x.error);
      if (closed && idempotent && !fresh && !x.answer_started && attempt == 0) continue;
      if (closed) {
        return Status::IOError("connection to " + endpoint_.address +
                               " closed by the server (request too large, idle timeout, or "
                               "the server stopped)");
      }
      return Status::IOError("connection to " + endpoint_.address + ": " + x.error.message());
    }
  }

  Status TimedOut(bool query) {
    const std::string waited = FormatSeconds(endpoint_.options.timeout);
    if (!query) {
      return Status::IOError("no answer from " + endpoint_.address + " within " + waited +
                             " (--timeout); the load may still complete: `ixdb loads` on the "
                             "server tells");
    }
    Status cancel = Cancel();
    return Status::Cancelled("no answer from " + endpoint_.address + " within " + waited +
                             " (--timeout S; 0 waits without limit): " +
                             (cancel.ok() ? "the query was cancelled on the server"
                                          : "cancelling it failed: " + cancel.message()));
  }

  Endpoint endpoint_;
  Channel channel_;
  uint64_t next_query_id_ = 1;
  std::mutex mu_;  // guards what Cancel() reads from another thread
  std::string cancel_key_;
  int64_t server_protocol_ = 1;  // from hello
  uint64_t running_query_id_ = 0;
};

}  // namespace

Result<std::unique_ptr<Client>> Client::Connect(const std::string& host_port,
                                                const ClientOptions& options) {
  try {
    Endpoint endpoint;
    endpoint.address = host_port;
    endpoint.options = options;
    Status s = SplitHostPort(host_port, &endpoint.host, &endpoint.port);
    if (!s.ok()) return s;
    if (options.tls) {
      auto ctx = internal::MakeClientTlsContext(options.tls_ca_file);
      if (!ctx.ok()) return ctx.status();
      endpoint.tls = std::move(*ctx);
    }
    auto client = std::make_unique<AsioClient>(std::move(endpoint));
    s = client->Connect();
    if (!s.ok()) return s;
    return std::unique_ptr<Client>(std::move(client));
  } catch (const std::exception& e) {
    return Status::IOError("cannot connect to " + host_port + ": " + e.what());
  }
}

Result<std::unique_ptr<Client>> Client::Connect(const std::string& host_port,
                                                const std::string& token) {
  ClientOptions options;
  options.token = token;
  return Connect(host_port, options);
}

}  // namespace ixdb::server
