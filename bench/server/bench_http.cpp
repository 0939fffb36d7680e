// bench/server/bench_http: queries/s of `ixdb serve` over HTTP beside the TCP protocol, on the
// same server, data, queries and client count, in one run (http_run.sh drives it).
//
//   bench_http --protocol http|tcp --connect HOST:PORT --clients N --seconds T --query Q
//              [--series K] [--format csv|json|protocol]
//
// N connections, each sending one query after another (HTTP/1.1 keep-alive GET
// /query?format=F&q=..., or the protocol's query frames) for T seconds. "{s}" in Q is replaced
// for each request by a random series code s0000..s{K-1}. One I/O thread: it shares the
// machine's cores with the server. Prints one line:
//   "protocol=http format=csv clients=16 qps=... p50_ms=... p99_ms=... p999_ms=... errors=0
//    bytes=... client_cpu_us_per_q=..."
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "server/frame.hpp"
#include "server/protocol.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string protocol = "http";
  std::string host = "127.0.0.1", port;
  int clients = 16;
  double seconds = 10;
  std::string query = "yoy({s})";
  int series = 2000;
  std::string format = "csv";
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(
      stderr,
      "bench_http: %s\nusage: bench_http --protocol http|tcp --connect HOST:PORT "
      "[--clients N] [--seconds T] [--query Q] [--series K] [--format csv|json|protocol]\n",
      why.c_str());
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(k + " needs a value");
      return argv[++i];
    };
    if (k == "--protocol") {
      a.protocol = value();
    } else if (k == "--connect") {
      const std::string hp = value();
      const size_t colon = hp.rfind(':');
      if (colon == std::string::npos) Usage("--connect HOST:PORT");
      a.host = hp.substr(0, colon);
      a.port = hp.substr(colon + 1);
    } else if (k == "--clients") {
      a.clients = std::atoi(value().c_str());
    } else if (k == "--seconds") {
      a.seconds = std::atof(value().c_str());
    } else if (k == "--query") {
      a.query = value();
    } else if (k == "--series") {
      a.series = std::atoi(value().c_str());
    } else if (k == "--format") {
      a.format = value();
    } else {
      Usage("unknown option " + k);
    }
  }
  if (a.port.empty()) Usage("--connect is required");
  if (a.protocol != "http" && a.protocol != "tcp") Usage("--protocol is http or tcp");
  if (a.clients < 1 || a.seconds <= 0 || a.series < 1) Usage("bad --clients/--seconds/--series");
  return a;
}

std::string PercentEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The query with "{s}" replaced by a random series code.
std::string MakeQuery(const Args& a, std::mt19937& rng) {
  std::string q = a.query;
  const size_t at = q.find("{s}");
  if (at != std::string::npos) {
    char code[16];
    std::snprintf(code, sizeof code, "s%04d",
                  static_cast<int>(rng() % static_cast<unsigned>(a.series)));
    q.replace(at, 3, code);
  }
  return q;
}

struct Stats {
  std::vector<double> latencies_ms;
  long errors = 0;
  long long bytes = 0;
};

// One answer: its latency since `start`, its bytes, whether it was an error.
void Record(Stats& stats, Clock::time_point start, size_t bytes, bool ok) {
  stats.latencies_ms.push_back(
      std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  stats.bytes += static_cast<long long>(bytes);
  if (!ok) ++stats.errors;
}

// One HTTP/1.1 keep-alive connection (Beast, as a client library would): a GET, then the
// whole response; a status other than 200 counts as an error.
awaitable<void> HttpClient(const Args& a, tcp::endpoint ep, Clock::time_point end, Stats& stats,
                           unsigned seed) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await stream.async_connect(ep, use_awaitable);
  stream.socket().set_option(tcp::no_delay(true));
  std::mt19937 rng(seed);
  beast::flat_buffer buffer;
  while (Clock::now() < end) {
    http::request<http::empty_body> request(
        http::verb::get, "/query?format=" + a.format + "&q=" + PercentEncode(MakeQuery(a, rng)),
        11);
    request.set(http::field::host, "bench");
    http::response<http::string_body> response;
    const auto start = Clock::now();
    co_await http::async_write(stream, request, use_awaitable);
    const size_t bytes = co_await http::async_read(stream, buffer, response, use_awaitable);
    Record(stats, start, bytes, response.result() == http::status::ok);
  }
}

// One connection of the TCP protocol (framed as the server's own client frames it): a query
// frame, then the answer frame; an answer that is not {"ok":true...} counts as an error.
awaitable<void> TcpClient(const Args& a, tcp::endpoint ep, Clock::time_point end, Stats& stats,
                          unsigned seed) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(ep, use_awaitable);
  socket.set_option(tcp::no_delay(true));
  std::mt19937 rng(seed);
  std::string payload;
  while (Clock::now() < end) {
    const std::string frame =
        ixdb::server::EncodeFrame(ixdb::server::EncodeQueryRequest(MakeQuery(a, rng)));
    const auto start = Clock::now();
    co_await asio::async_write(socket, asio::buffer(frame), use_awaitable);
    unsigned char header[ixdb::server::kFrameHeaderBytes];
    co_await asio::async_read(socket, asio::buffer(header), use_awaitable);
    payload.resize(ixdb::server::DecodeFrameHeader(header));
    co_await asio::async_read(socket, asio::buffer(payload), use_awaitable);
    Record(stats, start, sizeof header + payload.size(),
           payload.compare(0, 10, "{\"ok\":true") == 0);
  }
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = Parse(argc, argv);
  asio::io_context io;
  tcp::resolver resolver(io);
  const tcp::endpoint ep = *resolver.resolve(a.host, a.port).begin();
  std::vector<Stats> stats(static_cast<size_t>(a.clients));
  long failed = 0;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.seconds));
  for (int c = 0; c < a.clients; ++c) {
    auto& s = stats[static_cast<size_t>(c)];
    const unsigned seed = 1234u + static_cast<unsigned>(c);
    auto done = [&failed](std::exception_ptr e) {
      if (e) ++failed;
    };
    if (a.protocol == "http") {
      asio::co_spawn(io, HttpClient(a, ep, end, s, seed), done);
    } else {
      asio::co_spawn(io, TcpClient(a, ep, end, s, seed), done);
    }
  }
  io.run();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  long errors = failed;
  long long bytes = 0;
  for (auto& s : stats) {
    all.insert(all.end(), s.latencies_ms.begin(), s.latencies_ms.end());
    errors += s.errors;
    bytes += s.bytes;
  }
  const double qps = static_cast<double>(all.size()) / elapsed;
  const double p50 = Percentile(all, 0.50), p99 = Percentile(all, 0.99),
               p999 = Percentile(all, 0.999);
  // The client's own CPU per query: it shares the cores with the server, so a heavier client
  // (Beast's parser against a bare frame read) lowers the server's figure too.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_us = 1e6 * static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  const double client_us = all.empty() ? 0 : cpu_us / static_cast<double>(all.size());
  const std::string what = a.protocol == "http" ? "http format=" + a.format : "tcp";
  std::printf(
      "protocol=%s clients=%d qps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f errors=%ld "
      "bytes=%lld client_cpu_us_per_q=%.1f\n",
      what.c_str(), a.clients, qps, p50, p99, p999, errors, bytes, client_us);
  return errors == 0 ? 0 : 1;
}
