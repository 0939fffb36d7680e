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
//   "protocol=http clients=16 qps=... p50_ms=... p99_ms=... p999_ms=... errors=0 bytes=..."
#include <boost/asio.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;
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
  std::fprintf(stderr,
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

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Stats {
  std::vector<double> latencies_ms;
  long errors = 0;
  long long bytes = 0;
};

// One HTTP/1.1 keep-alive connection: a GET, then the response's headers and its
// Content-Length body; a status other than 200 counts as an error.
awaitable<void> HttpClient(const Args& a, tcp::endpoint ep, Clock::time_point end, Stats& stats,
                           unsigned seed) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(ep, use_awaitable);
  socket.set_option(tcp::no_delay(true));
  std::mt19937 rng(seed);
  std::string buffer;
  while (Clock::now() < end) {
    const std::string request = "GET /query?format=" + a.format + "&q=" +
                                PercentEncode(MakeQuery(a, rng)) +
                                " HTTP/1.1\r\nHost: bench\r\n\r\n";
    const auto start = Clock::now();
    co_await asio::async_write(socket, asio::buffer(request), use_awaitable);
    const size_t head = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer),
                                                        "\r\n\r\n", use_awaitable);
    const std::string headers = buffer.substr(0, head);
    size_t length = 0;
    for (const char* name : {"Content-Length: ", "content-length: "}) {
      const size_t p = headers.find(name);
      if (p != std::string::npos) length = std::strtoull(headers.c_str() + p + 16, nullptr, 10);
    }
    if (buffer.size() < head + length) {
      const size_t have = buffer.size();
      buffer.resize(head + length);
      co_await asio::async_read(socket, asio::buffer(buffer.data() + have, head + length - have),
                                use_awaitable);
    }
    stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start)
                                     .count());
    if (headers.compare(9, 3, "200") != 0) ++stats.errors;
    stats.bytes += static_cast<long long>(head + length);
    buffer.erase(0, head + length);
  }
}

// One connection of the TCP protocol: a query frame, then the answer frame; an answer that is
// not {"ok":true...} counts as an error.
awaitable<void> TcpClient(const Args& a, tcp::endpoint ep, Clock::time_point end, Stats& stats,
                          unsigned seed) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(ep, use_awaitable);
  socket.set_option(tcp::no_delay(true));
  std::mt19937 rng(seed);
  std::string payload;
  while (Clock::now() < end) {
    const std::string body = "{\"op\":\"query\",\"q\":" + JsonString(MakeQuery(a, rng)) + "}";
    const uint32_t n = static_cast<uint32_t>(body.size());
    const unsigned char header[4] = {static_cast<unsigned char>(n >> 24),
                                     static_cast<unsigned char>(n >> 16),
                                     static_cast<unsigned char>(n >> 8),
                                     static_cast<unsigned char>(n)};
    const auto start = Clock::now();
    std::array<asio::const_buffer, 2> out = {asio::buffer(header), asio::buffer(body)};
    co_await asio::async_write(socket, out, use_awaitable);
    unsigned char in[4];
    co_await asio::async_read(socket, asio::buffer(in), use_awaitable);
    const uint32_t length = (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) |
                            (uint32_t{in[2]} << 8) | uint32_t{in[3]};
    payload.resize(length);
    co_await asio::async_read(socket, asio::buffer(payload), use_awaitable);
    stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start)
                                     .count());
    if (payload.compare(0, 10, "{\"ok\":true") != 0) ++stats.errors;
    stats.bytes += 4 + length;
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
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(a.seconds));
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
  const std::string what = a.protocol == "http" ? "http format=" + a.format : "tcp";
  std::printf("protocol=%s clients=%d qps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f errors=%ld "
              "bytes=%lld\n",
              what.c_str(), a.clients, qps, p50, p99, p999, errors, bytes);
  return errors == 0 ? 0 : 1;
}
