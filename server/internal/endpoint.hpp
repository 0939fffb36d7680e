#pragma once
// Listen addresses: "HOST:PORT" text to an endpoint and back. Internal to server/ (Asio types).

#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "common/status.hpp"

namespace ixdb::server::internal {

// "HOST:PORT" or "[IPV6]:PORT" (a host name is resolved; the first address is taken).
// InvalidArgument naming the text for a malformed address, a bad port, or a host that does not
// resolve.
Result<boost::asio::ip::tcp::endpoint> ResolveListenAddress(const std::string& text);

// "127.0.0.1:7380", "[::1]:7380".
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace ixdb::server::internal
