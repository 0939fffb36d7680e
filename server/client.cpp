// A blocking client over Asio: one TCP connection, one request at a time.

#include "server/client.hpp"

#include <poll.h>

#include <boost/asio.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>

#include "server/frame.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

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

class AsioClient : public Client {
 public:
  AsioClient(std::string address, std::string host, std::string port, std::string token)
      : address_(std::move(address)),
        host_(std::move(host)),
        port_(std::move(port)),
        token_(std::move(token)) {}

  Status Connect() {
    boost::system::error_code ec;
    socket_.close(ec);
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(host_, port_, ec);
    if (ec) return Status::IOError("cannot resolve " + address_ + ": " + ec.message());
    // Asynchronously, so that an address that drops packets fails after kConnectTimeout
    // instead of the kernel's minutes.
    boost::system::error_code connect_error = asio::error::would_block;
    asio::async_connect(socket_, endpoints,
                        [&](const boost::system::error_code& e, const tcp::endpoint&) {
                          connect_error = e;
                        });
    io_.restart();
    io_.run_for(kConnectTimeout);
    if (connect_error == asio::error::would_block) {
      socket_.close(ec);
      io_.restart();
      io_.run();  // lets the cancelled operation complete
      return Status::IOError("cannot connect to " + address_ + ": timed out after " +
                             std::to_string(kConnectTimeout.count()) + " s");
    }
    if (connect_error) {
      return Status::IOError("cannot connect to " + address_ + ": " + connect_error.message());
    }
    socket_.set_option(tcp::no_delay(true), ec);
    return Status::OK();
  }

  Result<query::Table> Query(const std::string& text) override {
    Result<std::string> payload = RoundTrip(EncodeQueryRequest(text), /*idempotent=*/true);
    if (!payload.ok()) return payload.status();
    return DecodeTableResponse(*payload);
  }

  Result<std::string> Load(const std::vector<std::pair<std::string, std::string>>& files,
                           const std::string& options_json) override {
    Result<std::string> request = EncodeLoadRequest(files, options_json, token_);
    if (!request.ok()) return request.status();
    Result<std::string> payload = RoundTrip(*request, /*idempotent=*/false);
    if (!payload.ok()) return payload.status();
    return DecodeLoadResponse(*payload);
  }

  Result<std::string> Define(const std::string& code, const std::string& expression, const std::string& name,
                             const std::string& unit, bool drop) override {
    Result<std::string> payload =
        RoundTrip(EncodeDefineRequest(code, expression, name, unit, drop, token_), /*idempotent=*/false);
    if (!payload.ok()) return payload.status();
    return DecodeDefineResponse(*payload);
  }

 private:
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
      // The server never speaks unasked, so a readable socket between requests means it
      // closed the connection: connect again before sending anything.
      if (!socket_.is_open() || PeerClosed()) {
        Status s = Connect();
        if (!s.ok()) return s;
        fresh = true;
      }
      response_started_ = false;
      try {
        auto header = EncodeFrameHeader(request.size());
        std::array<asio::const_buffer, 2> bufs = {asio::buffer(header), asio::buffer(request)};
        boost::system::error_code write_error;
        asio::write(socket_, bufs, write_error);
        // The server may have answered and closed before taking the whole request (a frame
        // over its limit): its error frame, if it arrived, says why, so read it first.
        try {
          return ReadFrame();
        } catch (const boost::system::system_error&) {
          if (write_error) throw boost::system::system_error(write_error);
          throw;
        }
      } catch (const boost::system::system_error& e) {
        boost::system::error_code ignored;
        socket_.close(ignored);
        bool closed = e.code() == asio::error::eof || e.code() == asio::error::connection_reset ||
                      e.code() == asio::error::broken_pipe;
        if (closed && idempotent && !fresh && !response_started_ && attempt == 0) continue;
        if (closed) {
          return Status::IOError("connection to " + address_ +
                                 " closed by the server (request too large, idle timeout, or "
                                 "the server stopped)");
        }
        return Status::IOError("connection to " + address_ + ": " + e.code().message());
      } catch (const std::bad_alloc&) {
        boost::system::error_code ignored;
        socket_.close(ignored);
        return Status::LimitExceeded("out of memory reading the response from " + address_);
      }
    }
  }

  std::string ReadFrame() {
    std::array<unsigned char, kFrameHeaderBytes> header;
    asio::read(socket_, asio::buffer(header));
    response_started_ = true;
    uint32_t length = DecodeFrameHeader(header.data());
    std::string payload;
    while (payload.size() < length) {
      size_t done = payload.size();
      payload.resize(done + std::min<size_t>(kFrameReadChunkBytes, length - done));
      asio::read(socket_, asio::buffer(payload.data() + done, payload.size() - done));
    }
    return payload;
  }

  bool PeerClosed() {
    pollfd p{};
    p.fd = socket_.native_handle();
    p.events = POLLIN;
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  }

  std::string address_, host_, port_, token_;
  bool response_started_ = false;
  asio::io_context io_;
  tcp::socket socket_{io_};
};

}  // namespace

Result<std::unique_ptr<Client>> Client::Connect(const std::string& host_port,
                                                const std::string& token) {
  try {
    std::string host, port;
    Status s = SplitHostPort(host_port, &host, &port);
    if (!s.ok()) return s;
    auto client = std::make_unique<AsioClient>(host_port, host, port, token);
    s = client->Connect();
    if (!s.ok()) return s;
    return std::unique_ptr<Client>(std::move(client));
  } catch (const std::exception& e) {
    return Status::IOError("cannot connect to " + host_port + ": " + e.what());
  }
}

}  // namespace ixdb::server
