#pragma once
// Connections of a TLS acceptor (`ixdb serve --tls-cert F --tls-key F`): the TLS handshake,
// then the frame protocol over the encrypted stream (connection.hpp). Internal to server/ (Asio
// and OpenSSL types).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <string>

#include "server/connection.hpp"
#include "server/listener.hpp"

namespace ixdb::server {

using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

// Does the server side of the handshake on `stream` (within the idle timeout, at most 10 s).
// A client that does not start with a TLS record (a plaintext ixdb client) gets a plaintext
// error frame saying that the server speaks TLS only. Every failure is logged as one
// "PEER: refused: ..." line; true when the stream is ready for frames. Any TLS listener (the
// frame one here, an HTTP one) can use it. Runs on the I/O thread.
boost::asio::awaitable<bool> AcceptTls(TlsStream& stream, const std::string& peer,
                                       ConnectionServices& services);

// The sessions of a TLS acceptor of frame connections: AcceptTls, then ServeFrames; over
// max_connections, AcceptTls then RefuseFrames (the Busy frame travels encrypted). `tls` must
// outlive the listener.
Listener::Sessions TlsFrameSessions(ConnectionServices& services, boost::asio::ssl::context& tls);

}  // namespace ixdb::server
