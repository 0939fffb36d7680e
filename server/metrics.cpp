// The counters of /metrics and their rendering in the Prometheus text exposition format
// (https://prometheus.io/docs/instrumenting/exposition_formats/): HELP and TYPE lines, then one
// sample per line; histogram buckets are cumulative and end with le="+Inf".

#include "server/metrics.hpp"

#include "query/render.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void Sample(std::string& out, const std::string& name_and_labels, uint64_t value) {
  out += name_and_labels;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

std::string OutcomeName(size_t code) {
  const auto c = static_cast<Status::Code>(code);
  return c == Status::Code::kOk ? "ok" : std::string(StatusCodeName(c));
}

// Counts by outcome: "ok" and every failing code, the zeros too, so that a rate() over an
// outcome that has not happened yet is 0 rather than absent.
template <typename Counters>
void ByOutcome(std::string& out, const char* name, const Counters& counters) {
  for (size_t i = 0; i < counters.size(); ++i) {
    Sample(out, std::string(name) + "{outcome=\"" + OutcomeName(i) + "\"}",
           counters[i].load(kRelaxed));
  }
}

}  // namespace

void ServerMetrics::RecordQuery(Status::Code outcome, std::chrono::steady_clock::duration elapsed) {
  queries_[static_cast<size_t>(outcome) % kCodes].fetch_add(1, kRelaxed);
  const double seconds = std::chrono::duration<double>(elapsed).count();
  size_t b = 0;
  while (b < kLatencyBuckets.size() && seconds > kLatencyBuckets[b]) ++b;
  if (b < kLatencyBuckets.size()) latency_buckets_[b].fetch_add(1, kRelaxed);
  latency_count_.fetch_add(1, kRelaxed);
  latency_micros_.fetch_add(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()),
      kRelaxed);
}

void ServerMetrics::RecordLoad(Status::Code outcome, uint64_t rows) {
  loads_[static_cast<size_t>(outcome) % kCodes].fetch_add(1, kRelaxed);
  load_rows_.fetch_add(rows, kRelaxed);
}

void ServerMetrics::RecordHttpRequest(int status, uint64_t bytes_received, uint64_t bytes_sent) {
  if (status >= 0 && static_cast<size_t>(status) < http_status_.size()) {
    http_status_[static_cast<size_t>(status)].fetch_add(1, kRelaxed);
  }
  http_received_.fetch_add(bytes_received, kRelaxed);
  http_sent_.fetch_add(bytes_sent, kRelaxed);
}

std::string ServerMetrics::RenderPrometheus(size_t connections_open) const {
  std::string out;
  Header(out, "ixdb_queries_total", "counter",
         "Queries answered (TCP and HTTP), by outcome: ok or the error code.");
  ByOutcome(out, "ixdb_queries_total", queries_);

  Header(out, "ixdb_query_duration_seconds", "histogram",
         "Time to run a query and build its result (not to send it).");
  uint64_t cumulative = 0;
  for (size_t b = 0; b < kLatencyBuckets.size(); ++b) {
    cumulative += latency_buckets_[b].load(kRelaxed);
    Sample(
        out,
        "ixdb_query_duration_seconds_bucket{le=\"" + std::string(kLatencyBucketLabels[b]) + "\"}",
        cumulative);
  }
  const uint64_t count = latency_count_.load(kRelaxed);
  Sample(out, "ixdb_query_duration_seconds_bucket{le=\"+Inf\"}", count);
  out += "ixdb_query_duration_seconds_sum " +
         query::FormatNumber(static_cast<double>(latency_micros_.load(kRelaxed)) / 1e6) + "\n";
  Sample(out, "ixdb_query_duration_seconds_count", count);

  Header(out, "ixdb_loads_total", "counter", "Loads (TCP and HTTP), by outcome.");
  ByOutcome(out, "ixdb_loads_total", loads_);
  Header(out, "ixdb_load_rows_total", "counter", "Rows read by successful loads.");
  Sample(out, "ixdb_load_rows_total", load_rows_.load(kRelaxed));

  Header(out, "ixdb_connections_open", "gauge",
         "Connections being served now, over every listener (TCP and HTTP).");
  Sample(out, "ixdb_connections_open", connections_open);
  Header(out, "ixdb_http_connections_open", "gauge", "HTTP connections open now.");
  const int64_t http_open = http_open_.load(kRelaxed);
  Sample(out, "ixdb_http_connections_open", http_open > 0 ? static_cast<uint64_t>(http_open) : 0);

  Header(out, "ixdb_http_requests_total", "counter", "HTTP requests answered, by status code.");
  for (size_t s = 0; s < http_status_.size(); ++s) {
    const uint64_t n = http_status_[s].load(kRelaxed);
    if (n != 0) Sample(out, "ixdb_http_requests_total{code=\"" + std::to_string(s) + "\"}", n);
  }
  Header(out, "ixdb_http_received_bytes_total", "counter",
         "Bytes of HTTP requests read (headers and bodies).");
  Sample(out, "ixdb_http_received_bytes_total", http_received_.load(kRelaxed));
  Header(out, "ixdb_http_sent_bytes_total", "counter",
         "Bytes of HTTP responses written (headers and bodies).");
  Sample(out, "ixdb_http_sent_bytes_total", http_sent_.load(kRelaxed));
  return out;
}

}  // namespace ixdb::server
