#include "server/internal/endpoint.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cstdint>

namespace ixdb::server::internal {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

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
  if (p.empty() || p.size() > 5 ||
      !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad("port must be a number 0-65535");
  }
  unsigned long n = std::stoul(p);
  if (n > 65535) return bad("port must be a number 0-65535");
  *host = h;
  *port = static_cast<uint16_t>(n);
  return Status::OK();
}

}  // namespace

Result<tcp::endpoint> ResolveListenAddress(const std::string& text) {
  std::string host;
  uint16_t port = 0;
  Status s = ParseListen(text, &host, &port);
  if (!s.ok()) return s;
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  asio::io_context io;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve listen host \"" + host +
                                   "\": " + (ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

std::string FormatEndpoint(const tcp::endpoint& ep) {
  const asio::ip::address a = ep.address();
  std::string host = a.to_string();
  if (a.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

}  // namespace ixdb::server::internal
