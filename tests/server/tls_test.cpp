// TLS over loopback: a certificate made by the test (Debian's openssl), a round trip, the
// refusals (a plaintext client on a TLS listener, a TLS client on a plaintext one, a certificate
// that is not trusted or does not name the host), the listen policy, and cancel over TLS.

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "server/client.hpp"
#include "tests/common/test_util.hpp"
#include "tests/server/server_test_util.hpp"

namespace ixdb::server {
namespace {

using testing::FakeBackend;
using testing::RawConnection;
using testing::RunningServer;
using namespace std::chrono_literals;

// A temporary directory with a self-signed certificate for `names` (subjectAltName entries such
// as "DNS:localhost,IP:127.0.0.1"), made once per name set.
class Certificate {
 public:
  explicit Certificate(const std::string& names) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ixdb-tls-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
    std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ixdb-test"
        " -addext subjectAltName=" +
        names + " -keyout '" + key() + "' -out '" + cert() + "' >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  ~Certificate() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
};

ServerOptions TlsOptions(const Certificate& c) {
  ServerOptions o;
  o.threads = 4;
  o.tls_cert_file = c.cert();
  o.tls_key_file = c.key();
  return o;
}

ClientOptions TlsClient(const Certificate& c) {
  ClientOptions o;
  o.tls = true;
  o.tls_ca_file = c.cert();
  return o;
}

TEST_CASE("TLS: a verified round trip answers exactly what a plaintext one does", "[server]") {
  Certificate cert("DNS:localhost,IP:127.0.0.1");
  FakeBackend backend;
  RunningServer server(backend, TlsOptions(cert));
  REQUIRE(server.listening());
  for (std::string host : {"127.0.0.1", "localhost"}) {
    INFO(host);
    auto c = Client::Connect(host + ":" + std::to_string(server.port()), TlsClient(cert));
    REQUIRE_OK(c.status());
    auto t = (*c)->Query("rows 50");
    REQUIRE_OK(t.status());
    REQUIRE(t->rows.size() == 50);
    for (int64_t i = 0; i < 50; ++i) {
      if (i % 7 == 3) continue;  // missing
      REQUIRE(std::get<double>(t->rows[i][2]) == FakeBackend::ValueOf(i));
    }
    // A big answer crosses many TLS records.
    auto big = (*c)->Query("megabytes 3");
    REQUIRE_OK(big.status());
    REQUIRE(std::get<std::string>(big->rows.at(0).at(0)).size() == (3u << 20));
  }
}

TEST_CASE("TLS: a plaintext client is refused with a clear error, and logged", "[server]") {
  Certificate cert("DNS:localhost,IP:127.0.0.1");
  FakeBackend backend;
  RunningServer server(backend, TlsOptions(cert));
  auto c = Client::Connect(server.endpoint());
  REQUIRE_FALSE(c.ok());
  INFO(c.status().ToString());
  REQUIRE(c.status().IsInvalidArgument());
  REQUIRE(c.status().message().find("accepts TLS connections only: connect with --tls") !=
          std::string::npos);
  REQUIRE(server.LogContains(": refused: not TLS"));
  REQUIRE(backend.queries() == 0);
}

TEST_CASE("TLS: a TLS client on a plaintext server says the server does not speak TLS",
          "[server]") {
  Certificate cert("DNS:localhost,IP:127.0.0.1");
  FakeBackend backend;
  ServerOptions o;
  o.threads = 2;
  RunningServer server(backend, o);
  auto c = Client::Connect(server.endpoint(), TlsClient(cert));
  REQUIRE_FALSE(c.ok());
  INFO(c.status().ToString());
  REQUIRE(c.status().message().find("TLS handshake with " + server.endpoint() + " failed") !=
          std::string::npos);
  REQUIRE(c.status().message().find("does not speak TLS") != std::string::npos);
}

TEST_CASE("TLS: an untrusted certificate or one for another host is refused by the client",
          "[server]") {
  Certificate cert("DNS:localhost,IP:127.0.0.1");
  Certificate other("DNS:example.invalid");
  FakeBackend backend;
  {
    RunningServer server(backend, TlsOptions(cert));
    // Not in the system's store (self-signed).
    ClientOptions system_store;
    system_store.tls = true;
    auto c = Client::Connect(server.endpoint(), system_store);
    REQUIRE_FALSE(c.ok());
    INFO(c.status().ToString());
    REQUIRE(c.status().message().find("certificate verify failed") != std::string::npos);
    REQUIRE(server.LogContains(": refused: TLS handshake failed"));
  }
  {
    // Trusted, but it names another host than 127.0.0.1.
    RunningServer server(backend, TlsOptions(other));
    auto c = Client::Connect(server.endpoint(), TlsClient(other));
    REQUIRE_FALSE(c.ok());
    INFO(c.status().ToString());
    REQUIRE(c.status().message().find("certificate verify failed") != std::string::npos);
  }
  REQUIRE(backend.queries() == 0);
}

TEST_CASE("TLS: missing or mismatched files stop the server before it listens", "[server]") {
  Certificate cert("DNS:localhost");
  Certificate other("DNS:localhost");
  FakeBackend backend;
  ServerOptions o = TlsOptions(cert);
  o.tls_key_file = "/nonexistent/key.pem";
  Status s = ServeWith(backend, o);
  REQUIRE(s.IsInvalidArgument());
  REQUIRE(s.message() == "cannot read the TLS key file /nonexistent/key.pem");
  o.tls_key_file = other.key();
  s = ServeWith(backend, o);
  INFO(s.ToString());
  REQUIRE(s.IsInvalidArgument());
  REQUIRE(s.message().find("does not match the certificate") != std::string::npos);
  o.tls_key_file.clear();
  s = ServeWith(backend, o);
  REQUIRE(s.message() == "TLS needs both --tls-cert F and --tls-key F");
}

TEST_CASE("Listen policy: beyond loopback a token needs TLS or --insecure", "[server]") {
  Certificate cert("DNS:localhost,IP:127.0.0.1");
  FakeBackend backend;
  ServerOptions o;
  o.threads = 2;
  o.listen = "0.0.0.0:0";
  o.handle_signals = false;
  // No token: refused (writes would be open to anyone).
  Status s = ServeWith(backend, o);
  REQUIRE(s.IsInvalidArgument());
  REQUIRE(s.message().find("set a token") != std::string::npos);
  // A token in clear text: refused.
  o.token = "s3cret";
  s = ServeWith(backend, o);
  REQUIRE(s.IsInvalidArgument());
  REQUIRE(s.message().find("the token would travel in clear text") != std::string::npos);
  REQUIRE(s.message().find("--insecure") != std::string::npos);
  // --insecure: listens, with a warning.
  o.insecure = true;
  {
    RunningServer server(backend, o);
    REQUIRE(server.listening());
    REQUIRE(server.LogContains("warning: listening on 0.0.0.0:0 without TLS (--insecure)"));
  }
  // TLS: listens without the warning. (Only loopback addresses are ever connected to.)
  o.insecure = false;
  o.tls_cert_file = cert.cert();
  o.tls_key_file = cert.key();
  {
    RunningServer server(backend, o);
    REQUIRE(server.listening());
    REQUIRE(server.LogCount("warning") == 0);
    auto c = Client::Connect("127.0.0.1:" + std::to_string(server.port()), TlsClient(cert));
    REQUIRE_OK(c.status());
  }
}

TEST_CASE("TLS: Cancel() reaches the server over a second TLS connection", "[server]") {
  Certificate cert("DNS:localhost,IP:127.0.0.1");
  FakeBackend backend;
  RunningServer server(backend, TlsOptions(cert));
  auto c = Client::Connect(server.endpoint(), TlsClient(cert));
  REQUIRE_OK(c.status());
  std::thread canceller([&] {
    std::this_thread::sleep_for(150ms);
    REQUIRE_OK((*c)->Cancel());
  });
  auto r = (*c)->Query("spin 30000");
  canceller.join();
  REQUIRE(r.status().IsCancelled());
  REQUIRE_OK((*c)->Query("rows 1").status());
}

TEST_CASE("TLS: connections beyond the limit get Busy inside TLS", "[server]") {
  Certificate cert("DNS:localhost,IP:127.0.0.1");
  FakeBackend backend;
  ServerOptions o = TlsOptions(cert);
  o.max_connections = 1;
  RunningServer server(backend, o);
  auto first = Client::Connect(server.endpoint(), TlsClient(cert));
  REQUIRE_OK(first.status());
  auto second = Client::Connect(server.endpoint(), TlsClient(cert));
  REQUIRE_FALSE(second.ok());
  REQUIRE(second.status().IsBusy());
  REQUIRE(server.LogContains("refused: too many connections"));
}

}  // namespace
}  // namespace ixdb::server
