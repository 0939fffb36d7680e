#include "server/tls_connection.hpp"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>

#include "server/frame.hpp"
#include "server/internal/asio.hpp"
#include "server/internal/deadline.hpp"
#include "server/internal/tls.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using internal::kNoThrow;

// Every TLS connection starts with a handshake record (content type 22).
constexpr unsigned char kTlsHandshakeRecord = 0x16;

void CloseSocket(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace

awaitable<bool> AcceptTls(TlsStream& stream, const std::string& peer,
                          ConnectionServices& services) {
  tcp::socket& socket = stream.next_layer();
  auto registration = services.connections.Register([&socket] { CloseSocket(socket); });
  internal::Deadline deadline(stream.get_executor(), socket);
  deadline.Arm(std::min<std::chrono::steady_clock::duration>(services.limits.idle_timeout,
                                                             std::chrono::seconds(10)));
  std::array<unsigned char, 1> first{};
  auto [peek_error, n] =
      co_await socket.async_receive(asio::buffer(first), tcp::socket::message_peek, kNoThrow);
  if (peek_error) {
    services.log(peer + (deadline.timed_out() ? ": refused: no TLS handshake within the timeout"
                                              : ": closed before the TLS handshake"));
    co_return false;
  }
  if (first[0] != kTlsHandshakeRecord) {
    services.log(peer + ": refused: not TLS (a plaintext client on a TLS listener)");
    // In plaintext, so that an ixdb client without --tls can show why.
    std::string payload = EncodeError(Status::InvalidArgument(
        "this server accepts TLS connections only: connect with --tls (ixdb) or tls=True "
        "(the Python client)"));
    auto header = EncodeFrameHeader(payload.size());
    std::array<asio::const_buffer, 2> bufs = {asio::buffer(header), asio::buffer(payload)};
    (void)co_await asio::async_write(socket, bufs, kNoThrow);
    co_return false;
  }
  auto [handshake_error] =
      co_await stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
  if (handshake_error) {
    services.log(peer + ": refused: TLS handshake failed: " +
                 (deadline.timed_out() ? std::string("timed out")
                                       : internal::DescribeTlsError(handshake_error)));
    co_return false;
  }
  co_return true;
}

namespace {

awaitable<void> ServeTlsFrames(tcp::socket socket, std::string peer, ConnectionServices& services,
                               asio::ssl::context& tls, ConnectionManager::Slot slot) {
  TlsStream stream(std::move(socket), tls);
  if (!co_await AcceptTls(stream, peer, services)) co_return;
  co_await ServeFrames(std::move(stream), std::move(peer), services, std::move(slot));
}

awaitable<void> RefuseTlsFrames(tcp::socket socket, std::string peer, ConnectionServices& services,
                                asio::ssl::context& tls) {
  TlsStream stream(std::move(socket), tls);
  if (!co_await AcceptTls(stream, peer, services)) co_return;
  co_await RefuseFrames(std::move(stream), std::move(peer), services);
}

}  // namespace

Listener::Sessions TlsFrameSessions(ConnectionServices& services, asio::ssl::context& tls) {
  return Listener::Sessions{
      [&services, &tls](tcp::socket socket, std::string peer, ConnectionManager::Slot slot) {
        return ServeTlsFrames(std::move(socket), std::move(peer), services, tls, std::move(slot));
      },
      [&services, &tls](tcp::socket socket, std::string peer) {
        return RefuseTlsFrames(std::move(socket), std::move(peer), services, tls);
      },
  };
}

}  // namespace ixdb::server
