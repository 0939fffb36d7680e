#pragma once
// What `GET /metrics` reports (Prometheus text format): queries and loads by outcome, query
// latency, HTTP requests by status, bytes, open connections. Counted for every listener (the
// queries and loads through MeteredBackend, server/metered_backend.hpp) and by the HTTP
// sessions. Internal to server/ and its tests.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.hpp"

namespace ixdb::server {

// Counters only: every Record* is a few relaxed atomic increments, safe from any thread.
class ServerMetrics {
 public:
  // Upper bounds (seconds) of the query latency histogram's buckets, as numbers and as their
  // `le` labels; +Inf is implied.
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30};
  static constexpr std::array<const char*, 14> kLatencyBucketLabels = {
      "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01",
      "0.025",  "0.05",    "0.1",    "0.25",  "1",      "5",     "30"};

  // One query that ended with `outcome` (Code::kOk for a success) after `elapsed`.
  void RecordQuery(Status::Code outcome, std::chrono::steady_clock::duration elapsed);
  // One load that ended with `outcome`; `rows` read by a successful one.
  void RecordLoad(Status::Code outcome, uint64_t rows);
  // One HTTP exchange: the status answered and the bytes read and written for it (headers
  // included).
  void RecordHttpRequest(int status, uint64_t bytes_received, uint64_t bytes_sent);
  void HttpConnectionOpened() { http_open_.fetch_add(1, std::memory_order_relaxed); }
  void HttpConnectionClosed() { http_open_.fetch_sub(1, std::memory_order_relaxed); }

  // The Prometheus text exposition format (version 0.0.4) of every counter, plus
  // `connections_open`, the connections the server serves now over all its listeners (which
  // only the I/O thread knows, so the caller passes it).
  std::string RenderPrometheus(size_t connections_open) const;

 private:
  static constexpr size_t kCodes = static_cast<size_t>(Status::Code::kInternal) + 1;
  using Counter = std::atomic<uint64_t>;

  std::array<Counter, kCodes> queries_{};
  std::array<Counter, kLatencyBuckets.size()> latency_buckets_{};  // not cumulative
  Counter latency_count_{0};
  Counter latency_micros_{0};  // the sum, in microseconds (an atomic double would need a CAS)
  std::array<Counter, kCodes> loads_{};
  Counter load_rows_{0};
  std::array<Counter, 600> http_status_{};  // by status code 0..599
  Counter http_received_{0};
  Counter http_sent_{0};
  std::atomic<int64_t> http_open_{0};
};

}  // namespace ixdb::server
