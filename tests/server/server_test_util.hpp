#pragma once
// Helpers for the server tests: a backend that needs no store, a server running on its own
// thread, and a raw blocking socket (plain POSIX, so the tests do not compile Asio).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/data_backend.hpp"
#include "server/frame.hpp"
#include "server/protocol.hpp"
#include "server/server.hpp"

namespace ixdb::server::testing {

// Queries: "rows N" answers a table of N rows (indicator, period, value, count) whose values
// are exact functions of the row number; "megabytes N" one cell of N MiB; "fail" answers the caret
// error a parse error has; "missing" answers NotFound; "slow MS" sleeps first; "spin MS" works for
// MS milliseconds (at most 60 s) but stops with Cancelled as soon as its cancel flag or deadline
// says so, as a real scan does; "throw" throws. Loads are recorded; a first file named bad.csv
// fails as a bad row does.
class FakeBackend : public DataBackend {
 public:
  static double ValueOf(int64_t i) {
    return static_cast<double>(i) / 3.0 + 1e-7 * static_cast<double>(i);
  }

  Result<query::Table> Query(std::string_view text, const QueryControl& control) override {
    queries_.fetch_add(1);
    std::string t(text);
    if (t.rfind("spin ", 0) == 0) {
      int64_t ms = 0;
      std::from_chars(t.data() + 5, t.data() + t.size(), ms);
      auto end = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(std::min<int64_t>(ms, 60000));
      while (std::chrono::steady_clock::now() < end) {
        if (control.cancel != nullptr && control.cancel->load())
          return Status::Cancelled("cancelled");
        if (std::chrono::steady_clock::now() > control.deadline)
          return Status::Cancelled("deadline");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      return Rows(1, "spin");
    }
    if (t == "fail") return Status::InvalidArgument("1:5: expected ')'\n  yoy(gdp\n      ^");
    if (t == "missing") return Status::NotFound("unknown series 'gpd' (did you mean gdp?)");
    if (t == "throw") throw std::runtime_error("backend exploded");
    if (t.rfind("slow ", 0) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(Number(t.substr(5))));
      return Rows(1, "slow");
    }
    if (t.rfind("rows ", 0) == 0) return Rows(Number(t.substr(5)), "x");
    if (t.rfind("megabytes ", 0) == 0) {  // one cell of N MiB
      query::Table table;
      table.columns = {{"blob", query::ColumnType::kString, ""}};
      table.rows.push_back({std::string(static_cast<size_t>(Number(t.substr(10))) << 20, 'b')});
      return table;
    }
    return Status::InvalidArgument("fake backend: unknown query '" + t + "'");
  }

  // The number a query names, clamped to 0..5000 (garbage: 0).
  static int64_t Number(const std::string& s) {
    int64_t n = 0;
    std::from_chars(s.data(), s.data() + s.size(), n);
    return std::clamp<int64_t>(n, 0, 5000);
  }

  static query::Table Rows(int64_t n, const std::string& tag) {
    query::Table table;
    table.columns = {{"indicator", query::ColumnType::kString, ""},
                     {"period", query::ColumnType::kPeriod, ""},
                     {"value", query::ColumnType::kNumber, "亿元"},
                     {"count", query::ColumnType::kInteger, ""}};
    for (int64_t i = 0; i < n; ++i) {
      query::Cell value = ValueOf(i);
      if (i % 7 == 3) value = std::monostate{};
      table.rows.push_back({std::string(tag) + "_" + std::to_string(i),
                            std::to_string(2000 + i % 30), value, int64_t{i * 1000003}});
    }
    table.notes = {"fake note: " + tag};
    return table;
  }

  struct RecordedLoad {
    std::vector<LoadFile> files;
    load::LoadOptions options;
  };

  Result<load::LoadReport> Load(const std::vector<LoadFile>& files,
                                const load::LoadOptions& options) override {
    std::lock_guard<std::mutex> lock(mu_);
    loads_.push_back({files, options});
    if (files[0].name == "bad.csv") {
      return Status::InvalidArgument("bad.csv:3:7: unparsable number 'abc'");
    }
    load::LoadReport report;
    report.rows_read = 0;
    for (const LoadFile& f : files) {
      for (char c : f.content) report.rows_read += c == '\n';
    }
    report.summary.load_id = loads_.size();
    report.summary.observations_added = report.rows_read;
    report.notes = {"fake load"};
    return report;
  }

  size_t load_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return loads_.size();
  }
  RecordedLoad load(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return loads_.at(i);
  }
  std::string command(size_t i) { return load(i).options.command; }
  int queries() const { return queries_.load(); }

 private:
  std::mutex mu_;
  std::vector<RecordedLoad> loads_;
  std::atomic<int> queries_{0};
};

// Runs ServeWith on a thread, bound to 127.0.0.1 port 0 unless options say otherwise; the
// destructor stops and joins it. Signals are left alone unless `signals`.
class RunningServer {
 public:
  RunningServer(DataBackend& backend, ServerOptions options, bool signals = false)
      : RunningServer([&backend](const ServerOptions& o) { return ServeWith(backend, o); },
                      std::move(options), signals) {}
  // The same for any serve function (e.g. Serve over a real store).
  RunningServer(std::function<Status(const ServerOptions&)> serve, ServerOptions options,
                bool signals = false)
      : options_(std::move(options)) {
    if (options_.listen == ServerOptions().listen) options_.listen = "127.0.0.1:0";
    options_.handle_signals = signals;
    std::future<std::string> endpoint = listening_.get_future();
    auto user_log = options_.log;
    options_.log = [this, user_log](const std::string& line) {
      {
        std::lock_guard<std::mutex> lock(log_mu_);
        log_.push_back(line);
      }
      if (user_log) user_log(line);
    };
    // (Called before on_listening, so the HTTP endpoint is known once the constructor returns.)
    options_.on_http_listening = [this](const std::string& ep) { http_endpoint_ = ep; };
    options_.on_listening = [this](const std::string& ep) { listening_.set_value(ep); };
    thread_ = std::thread([this, serve = std::move(serve)] {
      result_ = serve(options_);
      if (!result_.ok()) listening_.set_value("");
    });
    endpoint_ = endpoint.get();
    if (!endpoint_.empty()) port_ = std::stoi(endpoint_.substr(endpoint_.rfind(':') + 1));
    if (!http_endpoint_.empty()) {
      http_port_ = std::stoi(http_endpoint_.substr(http_endpoint_.rfind(':') + 1));
    }
  }
  ~RunningServer() { (void)Stop(); }

  // Stops the server (RequestStop) and waits for Serve to return; returns its status.
  Status Stop() {
    if (thread_.joinable()) {
      RequestStop();
      thread_.join();
    }
    return result_;
  }
  // Waits for Serve to return on its own (e.g. after a signal).
  Status Join() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }
  bool listening() const { return port_ != 0; }
  int port() const { return port_; }
  // The HTTP endpoint's port (options.http_listen), 0 when there is none.
  int http_port() const { return http_port_; }
  const std::string& endpoint() const { return endpoint_; }
  const Status& result() const { return result_; }
  std::vector<std::string> log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }
  // How many log lines contain `text`.
  size_t LogCount(const std::string& text) {
    size_t n = 0;
    for (const std::string& line : log()) n += line.find(text) != std::string::npos;
    return n;
  }
  // True when some log line contains `text` (waits up to `wait` for it to appear).
  bool LogContains(const std::string& text,
                   std::chrono::milliseconds wait = std::chrono::milliseconds(2000)) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    do {
      for (const std::string& line : log()) {
        if (line.find(text) != std::string::npos) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }

 private:
  ServerOptions options_;
  std::promise<std::string> listening_;
  std::thread thread_;
  std::string endpoint_;
  int port_ = 0;
  std::string http_endpoint_;
  int http_port_ = 0;
  Status result_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

// A blocking TCP connection to 127.0.0.1:port with a receive timeout, for sending raw bytes.
class RawConnection {
 public:
  explicit RawConnection(int port, int timeout_ms = 5000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Sends raw bytes; false if the connection is gone.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  bool SendFrame(std::string_view payload) { return Send(EncodeFrame(payload)); }
  // True if bytes (or EOF) are waiting to be read, without blocking.
  bool Readable() {
    pollfd p{};
    p.fd = fd_;
    p.events = POLLIN;
    return ::poll(&p, 1, 0) > 0;
  }
  // Reads one frame's payload; false on EOF, error or timeout.
  bool ReadFrame(std::string* payload) {
    unsigned char header[kFrameHeaderBytes];
    if (!ReadExactly(reinterpret_cast<char*>(header), sizeof header)) return false;
    payload->assign(DecodeFrameHeader(header), '\0');
    return ReadExactly(payload->data(), payload->size());
  }
  std::string Request(std::string_view payload) {
    std::string out;
    if (!SendFrame(payload) || !ReadFrame(&out)) return "<no response>";
    return out;
  }
  // Reads what has arrived (at most n bytes; waits up to the receive timeout): the count, 0 on
  // EOF, -1 on error or timeout.
  ssize_t ReadSome(char* p, size_t n) { return ::recv(fd_, p, n, 0); }
  // True if the server closed the connection (EOF) within the receive timeout.
  bool ClosedByPeer() {
    char c;
    for (;;) {
      ssize_t n = ::recv(fd_, &c, 1, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      // Data: keep reading until EOF.
    }
  }

 private:
  bool ReadExactly(char* p, size_t n) {
    while (n > 0) {
      ssize_t r = ::recv(fd_, p, n, 0);
      if (r <= 0) return false;
      p += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace ixdb::server::testing
