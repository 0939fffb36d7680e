#include "server/internal/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/error.hpp>
#include <filesystem>
#include <fstream>

namespace ixdb::server::internal {
namespace {

namespace ssl = boost::asio::ssl;

Status CheckReadable(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("cannot read the " + std::string(what) + " " + path);
  return Status::OK();
}

void RestrictVersions(ssl::context& ctx) {
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                           const std::string& key_file) {
  Status s = CheckReadable(cert_file, "TLS certificate file");
  if (!s.ok()) return s;
  s = CheckReadable(key_file, "TLS key file");
  if (!s.ok()) return s;
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  RestrictVersions(*ctx);
  boost::system::error_code ec;
  if (ctx->use_certificate_chain_file(cert_file, ec)) {
    return Status::InvalidArgument("TLS certificate " + cert_file + ": " + DescribeTlsError(ec));
  }
  if (ctx->use_private_key_file(key_file, ssl::context::pem, ec)) {
    std::string why = DescribeTlsError(ec);
    if (why.find("mismatch") != std::string::npos) {
      return Status::InvalidArgument("TLS key " + key_file + " does not match the certificate " +
                                     cert_file);
    }
    return Status::InvalidArgument("TLS key " + key_file + ": " + why);
  }
  // No session tickets: the protocol has no use for resumption, and a ticket arriving after the
  // handshake would look to a client like the server speaking unasked.
  SSL_CTX_set_num_tickets(ctx->native_handle(), 0);
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return Status::InvalidArgument("TLS key " + key_file + " does not match the certificate " +
                                   cert_file);
  }
  return ctx;
}

Result<std::unique_ptr<ssl::context>> MakeClientTlsContext(const std::string& ca_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  RestrictVersions(*ctx);
  ctx->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    if (ctx->set_default_verify_paths(ec)) {
      return Status::InvalidArgument("cannot load the system's certificate store: " +
                                     DescribeTlsError(ec));
    }
  } else {
    Status s = CheckReadable(ca_file, "CA file (--tls-ca)");
    if (!s.ok()) return s;
    if (ctx->load_verify_file(ca_file, ec)) {
      return Status::InvalidArgument("CA file " + ca_file + ": " + DescribeTlsError(ec));
    }
  }
  return ctx;
}

std::string DescribeTlsError(const boost::system::error_code& ec) {
  if (ec.category() != boost::asio::error::get_ssl_category()) return ec.message();
  // ERR_reason_error_string gives OpenSSL's reason ("certificate verify failed").
  const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
  return reason != nullptr ? std::string(reason) : ec.message();
}

}  // namespace ixdb::server::internal
