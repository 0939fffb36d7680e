// Cancel, time limits and the other per-connection limits over real loopback sockets, with a
// backend that needs no store ("spin MS" works until cancelled, as a real scan does).

#include <chrono>
#include <fstream>
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
using Clock = std::chrono::steady_clock;

ServerOptions TestOptions() {
  ServerOptions o;
  o.threads = 4;
  return o;
}

// The value of a string member of a JSON text, found by hand (the tests see no JSON library).
std::string StringMember(const std::string& json, const std::string& name) {
  std::string needle = "\"" + name + "\":\"";
  size_t at = json.find(needle);
  if (at == std::string::npos) return "";
  size_t start = at + needle.size();
  return json.substr(start, json.find('"', start) - start);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST_CASE("Server: hello gives each connection its own cancel key", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection a(server.port()), b(server.port());
  std::string hello_a = a.Request(EncodeHelloRequest());
  std::string hello_b = b.Request(EncodeHelloRequest());
  INFO(hello_a);
  REQUIRE(hello_a.find("\"query_timeout_ms\":60000") != std::string::npos);
  REQUIRE(hello_a.find("\"max_result_bytes\":268435456") != std::string::npos);
  std::string key_a = StringMember(hello_a, "cancel_key");
  REQUIRE(key_a.size() == 32);
  REQUIRE(StringMember(hello_b, "cancel_key").size() == 32);
  REQUIRE(key_a != StringMember(hello_b, "cancel_key"));
  // The key is the connection's: a second hello says the same.
  REQUIRE(StringMember(a.Request(EncodeHelloRequest()), "cancel_key") == key_a);
}

TEST_CASE("Server: a cancel on a second connection stops the first one's query", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection busy(server.port(), 20000), other(server.port());
  std::string key = StringMember(busy.Request(EncodeHelloRequest()), "cancel_key");
  REQUIRE(key.size() == 32);
  auto start = Clock::now();
  REQUIRE(busy.SendFrame(R"({"op":"query","id":"q1","q":"spin 30000"})"));
  std::this_thread::sleep_for(100ms);
  // A cancel naming another query id leaves it running.
  REQUIRE(other.Request(R"({"op":"cancel","cancel_key":")" + key + R"(","query_id":"q0"})") ==
          R"({"ok":true,"cancelled":false})");
  REQUIRE(other.Request(R"({"op":"cancel","cancel_key":")" + key + R"(","query_id":"q1"})") ==
          R"({"ok":true,"cancelled":true})");
  std::string answer;
  REQUIRE(busy.ReadFrame(&answer));
  auto took = Clock::now() - start;
  INFO(answer);
  REQUIRE(answer.rfind(R"({"id":"q1","ok":false,"code":"Cancelled")", 0) == 0);
  REQUIRE(answer.find("cancel request") != std::string::npos);
  REQUIRE(Seconds(took) < 2.0);
  // The connection goes on, and its next query is not cancelled by the old request.
  REQUIRE(busy.Request(R"({"op":"query","q":"spin 10"})").find("\"ok\":true") != std::string::npos);
  REQUIRE(server.LogContains("cancel: query stopped"));
}

TEST_CASE("Server: a cancel with an unknown key is NotFound, a bad one InvalidArgument",
          "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection c(server.port());
  std::string unknown =
      c.Request(R"({"op":"cancel","cancel_key":"00000000000000000000000000000000"})");
  REQUIRE(unknown.find("\"code\":\"NotFound\"") != std::string::npos);
  REQUIRE(c.Request(R"({"op":"cancel"})").find("\"code\":\"InvalidArgument\"") !=
          std::string::npos);
  REQUIRE(c.Request(R"({"op":"cancel","cancel_key":7})").find("must be a string") !=
          std::string::npos);
  REQUIRE(c.Request(R"({"op":"cancel","cancel_key":"x","query_id":[1]})")
              .find(R"(\"query_id\" must be a string or an integer)") != std::string::npos);
}

TEST_CASE("Server: request ids are echoed, and must be strings or integers", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  RawConnection c(server.port());
  REQUIRE(c.Request(R"({"op":"ping","id":7})") == R"({"id":7,"ok":true,"pong":true})");
  REQUIRE(c.Request(R"({"op":"ping","id":"a\"b"})") == R"({"id":"a\"b","ok":true,"pong":true})");
  REQUIRE(c.Request(R"({"op":"query","id":9,"q":"missing"})")
              .rfind(R"({"id":9,"ok":false,"code":"NotFound")", 0) == 0);
  REQUIRE(c.Request(R"({"op":"ping","id":1.5})").find(R"(\"id\" must be a string or an integer)") !=
          std::string::npos);
}

TEST_CASE("Client: Cancel() from another thread stops the query Query() waits for", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  auto c = Client::Connect(server.endpoint());
  REQUIRE_OK(c.status());
  // Nothing runs: a no-op.
  REQUIRE_OK((*c)->Cancel());
  auto start = Clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(150ms);
    REQUIRE_OK((*c)->Cancel());
  });
  auto r = (*c)->Query("spin 30000");
  canceller.join();
  REQUIRE(r.status().IsCancelled());
  REQUIRE(Seconds(Clock::now() - start) < 2.0);
  auto again = (*c)->Query("rows 2");
  REQUIRE_OK(again.status());
  REQUIRE(again->rows.size() == 2);
}

TEST_CASE("Server: --query-timeout stops a long query with Cancelled", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.query_timeout_seconds = 0.2;
  RunningServer server(backend, o);
  RawConnection c(server.port(), 10000);
  REQUIRE(c.Request(EncodeHelloRequest()).find("\"query_timeout_ms\":200") != std::string::npos);
  auto start = Clock::now();
  std::string answer = c.Request(R"({"op":"query","q":"spin 30000"})");
  double took = Seconds(Clock::now() - start);
  INFO(answer);
  REQUIRE(answer.find("\"code\":\"Cancelled\"") != std::string::npos);
  REQUIRE(answer.find("limit of 0.2 s (--query-timeout)") != std::string::npos);
  REQUIRE(took >= 0.2);
  REQUIRE(took < 0.2 + 0.5);
  // A short query is untouched.
  REQUIRE(c.Request(R"({"op":"query","q":"spin 20"})").find("\"ok\":true") != std::string::npos);
}

TEST_CASE("Client: --timeout gives up, says so, and cancels the query on the server", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, TestOptions());
  ClientOptions co;
  co.timeout = 300ms;
  auto c = Client::Connect(server.endpoint(), co);
  REQUIRE_OK(c.status());
  auto start = Clock::now();
  auto r = (*c)->Query("spin 30000");
  INFO(r.status().ToString());
  REQUIRE(r.status().IsCancelled());
  REQUIRE(r.status().message().find("within 0.3 s (--timeout") != std::string::npos);
  REQUIRE(r.status().message().find("the query was cancelled on the server") != std::string::npos);
  REQUIRE(Seconds(Clock::now() - start) < 2.0);
  // The server stopped the query rather than letting it spin for 30 s.
  REQUIRE(server.LogContains("cancel: query stopped"));
  REQUIRE(server.LogContains("query failed: Cancelled"));
  auto again = (*c)->Query("rows 1");
  REQUIRE_OK(again.status());
}

TEST_CASE("Server: --max-result-bytes answers LimitExceeded instead of a larger response",
          "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_result_bytes = 1u << 20;
  RunningServer server(backend, o);
  auto c = Client::Connect(server.endpoint());
  REQUIRE_OK(c.status());
  auto big = (*c)->Query("megabytes 2");
  REQUIRE(big.status().IsLimitExceeded());
  REQUIRE(big.status().message().find("limit of 1048576 bytes per response (--max-result-bytes)") !=
          std::string::npos);
  auto small = (*c)->Query("rows 10");
  REQUIRE_OK(small.status());
  REQUIRE(server.LogContains("refused: response too large"));
}

// Resident memory of this process (which hosts the server), from /proc.
size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

TEST_CASE("Server: a client that sends queries but reads no answers is cut off, memory bounded",
          "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_unread_bytes = 1u << 20;
  RunningServer server(backend, o);
  // Warm up (threads, allocator) so that the growth measured is the connection's.
  {
    RawConnection warm(server.port());
    for (int i = 0; i < 20; ++i)
      REQUIRE(warm.Request(R"({"op":"query","q":"rows 3000"})").size() > 100000);
  }
  const size_t before = ResidentBytes();
  RawConnection slow(server.port());
  // Each answer is ~150 KB; 2,000 unread would be ~300 MB. The loop stops when the server
  // closes the connection (a send fails) or after 2,000 requests.
  // Requests are padded to 10 KB so that the client's sends block once the server stops taking
  // them (2,000 of 40 bytes would all fit in the kernel's buffers at once).
  int sent = 0;
  const std::string request =
      R"({"op":"query","q":"rows 3000","padding":")" + std::string(10000, 'p') + "\"}";
  while (sent < 2000 && slow.SendFrame(request)) ++sent;
  REQUIRE(server.LogContains("refused: slow reader", 5000ms));
  REQUIRE(sent < 2000);
  const size_t after = ResidentBytes();
  INFO("resident before " << before << ", after " << after << ", requests sent " << sent);
  REQUIRE(after < before + (64u << 20));
  // Others are served as before.
  RawConnection fine(server.port());
  REQUIRE(fine.Request(EncodePingRequest()) == EncodePong());
}

TEST_CASE("Server: a client that pipelines and reads later is not a slow reader", "[server]") {
  FakeBackend backend;
  ServerOptions o = TestOptions();
  o.max_unread_bytes = 1u << 20;
  RunningServer server(backend, o);
  RawConnection c(server.port());
  // 20 answers of ~5 KB: well under the bound even if all wait.
  for (int i = 0; i < 20; ++i) REQUIRE(c.SendFrame(R"({"op":"query","q":"rows 100"})"));
  for (int i = 0; i < 20; ++i) {
    std::string answer;
    REQUIRE(c.ReadFrame(&answer));
    REQUIRE(answer.find("\"ok\":true") != std::string::npos);
  }
  // A single answer larger than the bound is fine when nothing else waits.
  std::string big = c.Request(R"({"op":"query","q":"megabytes 3"})");
  REQUIRE(big.size() > (3u << 20));
  REQUIRE(server.LogCount("slow reader") == 0);
}

}  // namespace
}  // namespace ixdb::server
