#pragma once
// TLS contexts (OpenSSL through Asio's SSL support) for the server and the client. Internal to
// server/ (Asio and OpenSSL types).

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/status.hpp"

namespace ixdb::server::internal {

// A server context with the certificate chain of `cert_file` and the private key of `key_file`
// (PEM), TLS 1.2 or later. InvalidArgument naming the file and OpenSSL's reason when one cannot
// be read or they do not match.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

// A client context that verifies the server's certificate against `ca_file` (PEM), or the
// system's certificate store when it is empty; TLS 1.2 or later. InvalidArgument naming the
// file when it cannot be read.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeClientTlsContext(const std::string& ca_file);

// OpenSSL's reason for a failed handshake, for people: "certificate verify failed (self-signed
// certificate)" rather than an error number.
std::string DescribeTlsError(const boost::system::error_code& ec);

}  // namespace ixdb::server::internal
