// The server over real loopback sockets, with a backend that needs no store: framing, limits,
// timeouts, concurrency and shutdown. (server_test.cpp covers the real store behind it.)

#include <csignal>
#include <random>

#include "server/client.hpp"
#include "server/handler.hpp"
#include "tests/common/test_util.hpp"
#include "tests/server/server_test_util.hpp"

namespace ixdb::server {
namespace {

using testing::FakeBackend;
using testing::RawConnection;
using testing::RunningServer;
using namespace std::chrono_literals;

ServerOptions TestOptions() {
  ServerOptions o;
  o.threads = 4;
  return o;
}

// By value: REQUIRE_OK binds a reference, which must not point into a temporary Result.
Status QueryStatus(Client& c, const std::string& q) {
  auto r = c.Query(q);
  return r.status();
}

std::unique_ptr<Client> MustConnect(const RunningServer& server, const std::string& token = {}) {
  auto c = Client::Connect(server.endpoint(), token);
  REQUIRE_OK(c.status());
  return std::move(*c);
}

TEST_CASE("Server: listens on 127.0.0.1 port 0 and reports the bound port", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  REQUIRE(server.listening());
  REQUIRE(server.endpoint().rfind("127.0.0.1:", 0) == 0);
  REQUIRE(server.port() > 0);
  RawConnection c(server.port());
  REQUIRE(c.Request(EncodePingRequest()) == EncodePong());
  REQUIRE_OK(server.Stop());
}

TEST_CASE("Server: many clients at once each get their own exact answers", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  constexpr int kThreads = 8, kQueries = 50;
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto c = Client::Connect(server.endpoint());
      if (!c.ok()) {
        failed += kQueries;
        return;
      }
      for (int i = 0; i < kQueries; ++i) {
        int n = (t * kQueries + i) % 23;
        auto table = (*c)->Query("rows " + std::to_string(n));
        if (!table.ok()) {
          ++failed;
        } else if (table->rows != FakeBackend::Rows(n, "x").rows) {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(failed == 0);
  REQUIRE(wrong == 0);
  REQUIRE(backend.queries() == kThreads * kQueries);
  REQUIRE_OK(server.Stop());
}

TEST_CASE("Server: a slow query does not hold up other clients", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  std::atomic<bool> slow_done{false};
  std::thread slow([&] {
    auto c = Client::Connect(server.endpoint());
    if (c.ok()) (void)(*c)->Query("slow 1500");
    slow_done = true;
  });
  while (backend.queries() == 0) std::this_thread::sleep_for(1ms);
  auto c = MustConnect(server);
  for (int i = 0; i < 20; ++i) REQUIRE_OK(QueryStatus(*c, "rows 2"));
  REQUIRE_FALSE(slow_done.load());
  slow.join();
  REQUIRE_OK(server.Stop());
}

TEST_CASE("Server: pipelined requests are answered in order", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection c(server.port());
  REQUIRE(c.Send(EncodeFrame(EncodeQueryRequest("slow 50")) + EncodeFrame(EncodePingRequest()) +
                 EncodeFrame(EncodeQueryRequest("rows 1"))));
  std::string a, b, d;
  REQUIRE(c.ReadFrame(&a));
  REQUIRE(c.ReadFrame(&b));
  REQUIRE(c.ReadFrame(&d));
  REQUIRE(std::get<std::string>(DecodeTableResponse(a)->rows[0][0]) == "slow_0");
  REQUIRE(b == EncodePong());
  REQUIRE(std::get<std::string>(DecodeTableResponse(d)->rows[0][0]) == "x_0");
}

TEST_CASE("Server: a bad request gets an error frame and the connection stays usable", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection c(server.port());
  const std::string bad[] = {"",
                             "not json",
                             "{\"op\":",
                             R"({"op":"drop"})",
                             "[]",
                             std::string("\x00\xff\xfe", 3),
                             R"({"op":"query","q":42})"};
  for (const std::string& payload : bad) {
    INFO(payload);
    std::string response = c.Request(payload);
    Status s = DecodeStatusResponse(response);
    REQUIRE(s.IsInvalidArgument());
    REQUIRE(c.Request(EncodePingRequest()) == EncodePong());
  }
}

TEST_CASE("Server: an oversize frame closes only that connection", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_frame_bytes = 1024;
  RunningServer server(backend, o);
  RawConnection other(server.port());
  REQUIRE(other.Request(EncodePingRequest()) == EncodePong());

  RawConnection big(server.port());
  REQUIRE(big.Send(EncodeFrame(EncodeQueryRequest(std::string(2000, 'x')))));
  std::string response;
  REQUIRE(big.ReadFrame(&response));
  Status s = DecodeStatusResponse(response);
  REQUIRE(s.IsLimitExceeded());
  REQUIRE(s.message().find("exceeds the limit of 1024 bytes") != std::string::npos);
  REQUIRE(big.ClosedByPeer());
  REQUIRE(server.LogContains("refused: frame of"));

  // A frame of exactly the limit is fine; the other connection never noticed.
  std::string q = EncodeQueryRequest("rows 1");
  q.insert(q.size() - 1, std::string(1024 - q.size(), ' '));
  REQUIRE(q.size() == 1024);
  REQUIRE(DecodeTableResponse(other.Request(q)).ok());
  REQUIRE(other.Request(EncodePingRequest()) == EncodePong());
  REQUIRE(backend.queries() == 1);
}

TEST_CASE("Server: the client reports the server's reason for refusing a large request",
          "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_frame_bytes = 1024;
  RunningServer server(backend, o);
  auto c = MustConnect(server);
  auto r = c->Query(std::string(5000, 'y'));
  REQUIRE(r.status().IsLimitExceeded());
  // The next request reconnects by itself.
  REQUIRE_OK(QueryStatus(*c, "rows 1"));
}

TEST_CASE("Server: garbage bytes (an HTTP request) get an error and a close", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection c(server.port());
  REQUIRE(c.Send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  std::string response;
  REQUIRE(c.ReadFrame(&response));
  Status s = DecodeStatusResponse(response);
  REQUIRE(s.IsLimitExceeded());
  REQUIRE(s.message().find("is this an ixdb client?") != std::string::npos);
  REQUIRE(c.ClosedByPeer());
  RawConnection after(server.port());
  REQUIRE(after.Request(EncodePingRequest()) == EncodePong());
}

TEST_CASE("Server: random byte streams neither crash it nor disturb other clients", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_frame_bytes = 256;
  RunningServer server(backend, o);
  RawConnection bystander(server.port());
  std::mt19937 rng(2024);
  auto noise = [&](size_t n) {
    std::string b(n, '\0');
    for (char& c : b) c = static_cast<char>(rng());
    return b;
  };
  for (int i = 0; i < 60; ++i) {
    RawConnection c(server.port());
    switch (i % 3) {
      case 0: {  // whole frames of noise: one error answer each, connection still usable
        int frames = 1 + static_cast<int>(rng() % 3);
        for (int f = 0; f < frames; ++f) REQUIRE(c.SendFrame(noise(rng() % 200)));
        for (int f = 0; f < frames; ++f) {
          std::string response;
          REQUIRE(c.ReadFrame(&response));
          REQUIRE(DecodeStatusResponse(response).IsInvalidArgument());
        }
        REQUIRE(c.Request(EncodePingRequest()) == EncodePong());
        break;
      }
      case 1:  // any 4 bytes as a header, then noise, then gone
        (void)c.Send(noise(4 + rng() % 300));
        break;
      case 2: {  // a frame cut short
        std::string frame = EncodeFrame(noise(50 + rng() % 150));
        (void)c.Send(frame.substr(0, rng() % frame.size()));
        break;
      }
    }
    if (i % 10 == 0) REQUIRE(bystander.Request(EncodePingRequest()) == EncodePong());
  }
  REQUIRE(bystander.Request(EncodeQueryRequest("rows 3")).find("x_2") != std::string::npos);
  REQUIRE(backend.queries() == 1);
  REQUIRE_OK(server.Stop());
}

TEST_CASE("Server: a client that disconnects mid-frame is dropped cleanly", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  for (int i = 0; i < 3; ++i) {
    RawConnection c(server.port());
    std::string frame = EncodeFrame(EncodeQueryRequest("rows 5"));
    REQUIRE(c.Send(frame.substr(0, i == 0 ? 2 : frame.size() / 2)));
    c.Close();
  }
  REQUIRE(server.LogContains("closed mid-frame"));
  RawConnection after(server.port());
  REQUIRE(after.Request(EncodePingRequest()) == EncodePong());
  REQUIRE(backend.queries() == 0);
  REQUIRE_OK(server.Stop());
}

TEST_CASE("Server: a connection stalled mid-frame or idle is closed after the idle timeout",
          "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.idle_timeout_seconds = 1;
  RunningServer server(backend, o);
  RawConnection stalled(server.port());
  RawConnection idle(server.port());
  REQUIRE(stalled.Send(EncodeFrame(EncodePingRequest()).substr(0, 7)));
  auto start = std::chrono::steady_clock::now();
  REQUIRE(stalled.ClosedByPeer());
  REQUIRE(idle.ClosedByPeer());
  auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE(waited >= 900ms);
  REQUIRE(waited < 4s);
  REQUIRE(server.LogContains("timed out mid-frame"));
  REQUIRE(server.LogContains("idle timeout"));
  // A client that keeps talking is not affected, and the Client reconnects after a timeout.
  auto c = MustConnect(server);
  for (int i = 0; i < 3; ++i) {
    REQUIRE_OK(QueryStatus(*c, "rows 1"));
    std::this_thread::sleep_for(400ms);
  }
  std::this_thread::sleep_for(1500ms);
  REQUIRE_OK(QueryStatus(*c, "rows 1"));
}

TEST_CASE("Server: a client that does not take its response is closed after the idle timeout",
          "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.idle_timeout_seconds = 1;
  RunningServer server(backend, o);
  RawConnection sluggish(server.port());
  // Far more than the socket buffers hold; never read.
  REQUIRE(sluggish.SendFrame(EncodeQueryRequest("megabytes 48")));
  REQUIRE(server.LogContains("refused: the client took no answer", std::chrono::seconds(5)));
  RawConnection other(server.port());
  REQUIRE(other.Request(EncodePingRequest()) == EncodePong());
}

TEST_CASE("Server: connections beyond the limit are refused with Busy", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  RunningServer server(backend, o);
  auto a = std::make_unique<RawConnection>(server.port());
  RawConnection b(server.port());
  REQUIRE(a->Request(EncodePingRequest()) == EncodePong());
  REQUIRE(b.Request(EncodePingRequest()) == EncodePong());
  RawConnection c(server.port());
  std::string response;
  REQUIRE(c.ReadFrame(&response));
  Status s = DecodeStatusResponse(response);
  REQUIRE(s.IsBusy());
  REQUIRE(s.message() == "too many connections (the limit is 2)");
  REQUIRE(c.ClosedByPeer());
  // Once one leaves, there is room again.
  a.reset();
  REQUIRE(server.LogContains("closed by client"));
  RawConnection d(server.port());
  REQUIRE(d.Request(EncodePingRequest()) == EncodePong());
}

TEST_CASE("Server: a burst of connections cannot overshoot the limit", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_connections = 3;
  RunningServer server(backend, o);
  std::vector<std::unique_ptr<RawConnection>> conns;
  for (int i = 0; i < 10; ++i) conns.push_back(std::make_unique<RawConnection>(server.port()));
  // Let the refusals go out first, so that no request is sent to a connection being closed.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server.LogCount("refused") < 7 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  std::this_thread::sleep_for(50ms);
  int served = 0, busy = 0;
  for (auto& c : conns) {
    std::string response;
    if (c->Readable()) {
      REQUIRE(c->ReadFrame(&response));
    } else {
      response = c->Request(EncodePingRequest());
    }
    if (response == EncodePong()) ++served;
    if (DecodeStatusResponse(response).IsBusy()) ++busy;
  }
  REQUIRE(served == 3);
  REQUIRE(busy == 7);
}

TEST_CASE("Server: RequestStop closes connections, lets running requests finish, returns OK",
          "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection idle(server.port());
  REQUIRE(idle.Request(EncodePingRequest()) == EncodePong());
  RawConnection busy(server.port());
  REQUIRE(busy.SendFrame(EncodeQueryRequest("slow 300")));
  while (backend.queries() == 0) std::this_thread::sleep_for(1ms);
  auto start = std::chrono::steady_clock::now();
  REQUIRE_OK(server.Stop());
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(took < 3s);
  REQUIRE(idle.ClosedByPeer());
  REQUIRE(busy.ClosedByPeer());
  REQUIRE(server.LogContains("stopped", 0ms));
  // Nothing listens any more.
  RawConnection after(server.port(), 500);
  REQUIRE_FALSE(after.connected());
}

TEST_CASE("Server: SIGTERM stops it", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  RunningServer server(backend, o, /*signals=*/true);
  RawConnection c(server.port());
  REQUIRE(c.Request(EncodePingRequest()) == EncodePong());
  REQUIRE(::kill(::getpid(), SIGTERM) == 0);
  REQUIRE_OK(server.Join());
  REQUIRE(c.ClosedByPeer());
  REQUIRE(server.LogContains("signal 15 received", 0ms));
}

TEST_CASE("Server: listen addresses are checked before serving", "[server]") {
  FakeBackend backend;
  const char* bad[] = {"7380",
                       "localhost",
                       "127.0.0.1:",
                       ":7380",
                       "127.0.0.1:99999",
                       "127.0.0.1:80a",
                       "::1:7380",
                       "no-such-host.invalid:7380"};
  for (const char* listen : bad) {
    INFO(listen);
    ServerOptions o = TestOptions();
    o.listen = listen;
    Status s = ServeWith(backend, o);
    REQUIRE(s.IsInvalidArgument());
  }
  // A non-loopback address needs a token, since the server accepts writes.
  ServerOptions open = TestOptions();
  open.listen = "0.0.0.0:0";
  Status s = ServeWith(backend, open);
  REQUIRE(s.IsInvalidArgument());
  REQUIRE(s.message().find("not a loopback address") != std::string::npos);
  open.token = "s3cret";
  // ... and TLS, or --insecure (tls_test.cpp tests the rest of the policy).
  open.insecure = true;
  RunningServer with_token(backend, open);
  REQUIRE(with_token.listening());
  REQUIRE(with_token.endpoint().rfind("0.0.0.0:", 0) == 0);
  REQUIRE_OK(with_token.Stop());
}

TEST_CASE("Server and client: IPv6 loopback in brackets", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.listen = "[::1]:0";
  RunningServer server(backend, o);
  if (!server.listening()) {
    // A machine without IPv6 cannot bind it; the address itself was understood.
    REQUIRE(server.Join().IsIOError());
    return;
  }
  REQUIRE(server.endpoint().rfind("[::1]:", 0) == 0);
  auto c = Client::Connect(server.endpoint());
  REQUIRE_OK(c.status());
  REQUIRE_OK(QueryStatus(**c, "rows 1"));
}

TEST_CASE("Server: a port already in use is IOError", "[server]") {
  FakeBackend backend;
  RunningServer first(backend, TestOptions());
  ServerOptions o = TestOptions();
  o.listen = first.endpoint();
  Status s = ServeWith(backend, o);
  REQUIRE(s.IsIOError());
  REQUIRE(s.message().find("cannot listen on " + first.endpoint()) != std::string::npos);
}

TEST_CASE("Client: loads carry the token, errors come back with the server's code", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.token = "s3cret";
  RunningServer server(backend, o);
  std::vector<std::pair<std::string, std::string>> files = {{"a.csv", "h\n1\n"}, {"b.csv", "h\n"}};
  auto without = MustConnect(server);
  auto refused = without->Load(files, R"({"format":"long"})");
  REQUIRE(refused.status().IsInvalidArgument());
  REQUIRE(refused.status().message() == "this server requires a token for loads");
  REQUIRE(backend.load_count() == 0);

  auto with = MustConnect(server, "s3cret");
  auto loaded = with->Load(files, R"({"format":"long","vintage":"2024-01-20"})");
  REQUIRE_OK(loaded.status());
  REQUIRE(loaded->find("load #1: 3 rows") == 0);
  REQUIRE(backend.load_count() == 1);
  REQUIRE(backend.load(0).files[1].name == "b.csv");
  REQUIRE(backend.load(0).options.format == load::Format::kLong);
  REQUIRE(backend.command(0).find("load (remote from 127.0.0.1:") == 0);

  auto bad = with->Load({{"bad.csv", "x\n"}}, "");
  REQUIRE(bad.status().IsInvalidArgument());
  REQUIRE(bad.status().message() == "bad.csv:3:7: unparsable number 'abc'");
  auto parse = with->Query("fail");
  REQUIRE(parse.status().IsInvalidArgument());
  REQUIRE(parse.status().message() == "1:5: expected ')'\n  yoy(gdp\n      ^");
  REQUIRE(with->Query("missing").status().IsNotFound());
  // The connection is still good after errors.
  REQUIRE_OK(QueryStatus(*with, "rows 4"));
}

TEST_CASE("Client: connecting to nothing names the address", "[server]") {
  int port;
  {
    FakeBackend backend;
    RunningServer server(backend, TestOptions());
    port = server.port();
  }
  auto c = Client::Connect("127.0.0.1:" + std::to_string(port));
  REQUIRE(c.status().IsIOError());
  REQUIRE(c.status().message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  REQUIRE(Client::Connect("no-port").status().IsInvalidArgument());
  REQUIRE(Client::Connect(":7380").status().IsInvalidArgument());
}

TEST_CASE("Client: a server that goes away mid-session gives IOError, not a crash", "[server]") {
  FakeBackend backend;
  auto server = std::make_unique<RunningServer>(backend, TestOptions());
  auto c = MustConnect(*server);
  REQUIRE_OK(QueryStatus(*c, "rows 1"));
  server.reset();
  auto r = c->Query("rows 1");
  REQUIRE(r.status().IsIOError());
}

}  // namespace
}  // namespace ixdb::server
