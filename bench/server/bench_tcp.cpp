// bench/server: the load generator of run.sh. N connections to an `ixdb serve`, each sending one
// query after another (or D at a time with --pipeline D) for a fixed time; prints queries/s and
// the latency percentiles of every answer. One I/O thread: it shares the machine's cores with
// the server, as pgbench does with PostgreSQL.
//
//   bench_tcp --connect HOST:PORT --clients N --seconds T --query Q [--query Q ...]
//                [--pipeline D] [--idle M] [--series K]
//     Q may hold "{s}", replaced for each request by a random series code m0000..m{K-1}; the
//     queries are taken in turn (a mix). --idle M holds M more connections open, idle, for the
//     whole run. Prints one line: "clients=N qps=... p50_ms=... p99_ms=... p999_ms=... errors=E".
//
//   bench_tcp --connect HOST:PORT --clients N --during-load FILE --token-file F --query Q
//     N clients send Q in a loop while FILE is loaded through the same server; every answer must
//     be byte-identical to Q's answer before the load or after it (one snapshot, never
//     between). Prints "consistency: before=... after=... between=... errors=..."; exit 1 if
//     any answer was between or failed.
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/client.hpp"
#include "server/frame.hpp"
#include "server/protocol.hpp"

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string host = "127.0.0.1", port = "7380";
  int clients = 1;
  double seconds = 10;
  int pipeline = 1;
  int idle = 0;
  int series = 2000;
  std::vector<std::string> queries;
  std::string during_load, token_file;
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "bench_tcp: %s\nusage: bench_tcp --connect HOST:PORT --clients N "
               "--seconds T --query Q [--query Q...] [--pipeline D] [--idle M] [--series K]\n"
               "       bench_tcp --connect HOST:PORT --clients N --during-load FILE "
               "--token-file F --query Q\n",
               why.c_str());
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(k + " needs a value");
      return argv[++i];
    };
    if (k == "--connect") {
      std::string hp = value();
      size_t colon = hp.rfind(':');
      if (colon == std::string::npos) Usage("--connect HOST:PORT");
      a.host = hp.substr(0, colon);
      a.port = hp.substr(colon + 1);
    } else if (k == "--clients") {
      a.clients = std::stoi(value());
    } else if (k == "--seconds") {
      a.seconds = std::stod(value());
    } else if (k == "--pipeline") {
      a.pipeline = std::max(1, std::stoi(value()));
    } else if (k == "--idle") {
      a.idle = std::stoi(value());
    } else if (k == "--series") {
      a.series = std::stoi(value());
    } else if (k == "--query") {
      a.queries.push_back(value());
    } else if (k == "--during-load") {
      a.during_load = value();
    } else if (k == "--token-file") {
      a.token_file = value();
    } else {
      Usage("unknown option " + k);
    }
  }
  if (a.queries.empty()) Usage("give at least one --query");
  if (a.clients < 1) Usage("--clients must be at least 1");
  return a;
}

// A query text with "{s}" replaced by a series code.
std::string Instantiate(const std::string& q, int series) {
  char code[16];
  std::snprintf(code, sizeof code, "m%04d", series);
  std::string out = q;
  for (size_t at; (at = out.find("{s}")) != std::string::npos;) out.replace(at, 3, code);
  return out;
}

std::string Frame(const std::string& payload) { return ixdb::server::EncodeFrame(payload); }

awaitable<bool> ReadAnswer(tcp::socket& socket, std::string* payload) {
  std::array<unsigned char, ixdb::server::kFrameHeaderBytes> header;
  co_await asio::async_read(socket, asio::buffer(header), use_awaitable);
  payload->resize(ixdb::server::DecodeFrameHeader(header.data()));
  co_await asio::async_read(socket, asio::buffer(*payload), use_awaitable);
  co_return payload->rfind(R"({"ok":true)", 0) == 0;
}

struct Totals {
  std::vector<uint32_t> latencies_us;  // of every answer
  uint64_t errors = 0;
  std::string first_error;
};

awaitable<void> RunClient(tcp::socket socket, const Args& args, Clock::time_point end, int index,
                          Totals& totals) {
  std::mt19937 rng(static_cast<unsigned>(index) * 7919u + 1);
  std::uniform_int_distribution<int> pick(0, args.series - 1);
  size_t next_query = static_cast<size_t>(index);
  std::deque<Clock::time_point> sent;
  std::string payload;
  auto send_one = [&]() -> awaitable<void> {
    const std::string& q = args.queries[next_query++ % args.queries.size()];
    std::string frame = Frame(ixdb::server::EncodeQueryRequest(Instantiate(q, pick(rng))));
    sent.push_back(Clock::now());
    co_await asio::async_write(socket, asio::buffer(frame), use_awaitable);
  };
  try {
    for (int i = 0; i < args.pipeline; ++i) co_await send_one();
    while (!sent.empty()) {
      bool ok = co_await ReadAnswer(socket, &payload);
      auto now = Clock::now();
      totals.latencies_us.push_back(static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(now - sent.front()).count()));
      sent.pop_front();
      if (!ok) {
        if (totals.errors++ == 0) totals.first_error = payload.substr(0, 300);
      }
      if (now < end) co_await send_one();
    }
  } catch (const std::exception& e) {
    if (totals.errors++ == 0) totals.first_error = e.what();
  }
}

double Percentile(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k] / 1000.0;
}

int RunLoad(const Args& args) {
  asio::io_context io(1);
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(args.host, args.port);
  std::vector<tcp::socket> idle;
  for (int i = 0; i < args.idle; ++i) {
    tcp::socket s(io);
    asio::connect(s, endpoints);
    idle.push_back(std::move(s));
  }
  // Every active connection is open before the clock starts.
  std::vector<tcp::socket> active;
  for (int i = 0; i < args.clients; ++i) {
    tcp::socket s(io);
    asio::connect(s, endpoints);
    s.set_option(tcp::no_delay(true));
    active.push_back(std::move(s));
  }
  std::vector<Totals> totals(static_cast<size_t>(args.clients));
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(args.seconds));
  for (int i = 0; i < args.clients; ++i) {
    asio::co_spawn(io,
                   RunClient(std::move(active[static_cast<size_t>(i)]), args, end, i,
                             totals[static_cast<size_t>(i)]),
                   asio::detached);
  }
  io.run();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<uint32_t> all;
  uint64_t errors = 0;
  std::string first_error;
  for (auto& t : totals) {
    all.insert(all.end(), t.latencies_us.begin(), t.latencies_us.end());
    errors += t.errors;
    if (first_error.empty()) first_error = t.first_error;
  }
  const double qps = static_cast<double>(all.size()) / elapsed;
  std::printf(
      "clients=%d idle=%d pipeline=%d answers=%zu qps=%.0f p50_ms=%.3f p99_ms=%.3f "
      "p999_ms=%.3f errors=%llu\n",
      args.clients, args.idle, args.pipeline, all.size(), qps, Percentile(all, 0.50),
      Percentile(all, 0.99), Percentile(all, 0.999), static_cast<unsigned long long>(errors));
  if (errors > 0) std::fprintf(stderr, "bench_tcp: first error: %s\n", first_error.c_str());
  return errors == 0 ? 0 : 1;
}

// --during-load: see the file comment.
int RunDuringLoad(const Args& args) {
  using ixdb::server::Client;
  std::string token;
  {
    std::ifstream in(args.token_file);
    std::getline(in, token);
  }
  std::ifstream file(args.during_load, std::ios::binary);
  if (!file) Usage("cannot read " + args.during_load);
  std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::string address = args.host + ":" + args.port;
  const std::string query = Instantiate(args.queries[0], 0);
  auto probe = [&]() -> std::string {
    auto c = Client::Connect(address);
    if (!c.ok()) return "";
    auto t = (*c)->Query(query);
    if (!t.ok()) return "";
    return ixdb::server::EncodeTable(*t);
  };
  const std::string before = probe();
  if (before.empty()) Usage("the query fails before the load");

  std::atomic<bool> load_done{false};
  std::atomic<int> ready{0};
  std::mutex mu;
  std::vector<std::string> seen_after_start;  // answers that may be before or after
  std::atomic<uint64_t> errors{0}, answers{0};
  // One thread per client: each is a blocking ixdb Client, as an analyst's would be.
  std::vector<std::thread> threads;
  for (int i = 0; i < args.clients; ++i) {
    threads.emplace_back([&] {
      auto c = Client::Connect(address);
      bool counted = false;
      int after_done = 0;
      std::set<std::string> seen;
      while (c.ok() && after_done < 2) {
        const bool done = load_done.load();
        auto t = (*c)->Query(query);
        if (!t.ok()) {
          ++errors;
          break;
        }
        ++answers;
        seen.insert(ixdb::server::EncodeTable(*t));
        if (!counted) {
          counted = true;
          ++ready;
        }
        if (done) ++after_done;
      }
      if (!c.ok()) {
        ++errors;
        ++ready;
      }
      std::lock_guard<std::mutex> lock(mu);
      seen_after_start.insert(seen_after_start.end(), seen.begin(), seen.end());
    });
  }
  while (ready.load() < args.clients) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto loader = Client::Connect(address, token);
  if (!loader.ok()) Usage("cannot connect to load: " + loader.status().ToString());
  auto t0 = Clock::now();
  auto loaded = (*loader)->Load({{args.during_load, content}}, "");
  double load_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  load_done = true;
  for (auto& th : threads) th.join();
  if (!loaded.ok()) {
    std::fprintf(stderr, "bench_tcp: the load failed: %s\n", loaded.status().ToString().c_str());
    return 1;
  }
  const std::string after = probe();
  uint64_t n_before = 0, n_after = 0, n_between = 0;
  for (const std::string& s : seen_after_start) {
    if (s == before) {
      ++n_before;
    } else if (s == after) {
      ++n_after;
    } else {
      ++n_between;
    }
  }
  std::printf(
      "consistency: clients=%d answers=%llu load_seconds=%.2f distinct_answers: "
      "before=%llu after=%llu between=%llu errors=%llu\n",
      args.clients, static_cast<unsigned long long>(answers.load()), load_seconds,
      static_cast<unsigned long long>(n_before), static_cast<unsigned long long>(n_after),
      static_cast<unsigned long long>(n_between), static_cast<unsigned long long>(errors.load()));
  return n_between == 0 && errors == 0 && before != after ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = Parse(argc, argv);
  try {
    return args.during_load.empty() ? RunLoad(args) : RunDuringLoad(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_tcp: %s\n", e.what());
    return 1;
  }
}
