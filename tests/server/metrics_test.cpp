#include "server/metrics.hpp"

#include <sstream>

#include "tests/common/test_util.hpp"

namespace ixdb::server {
namespace {

// The value of the sample line that starts with `name_and_labels ` ("" when absent).
std::string SampleValue(const std::string& text, const std::string& name_and_labels) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name_and_labels + " ", 0) == 0) return line.substr(name_and_labels.size() + 1);
  }
  return "";
}

TEST_CASE("Metrics: counters and the latency histogram in the Prometheus text format", "[server]") {
  ServerMetrics m;
  using std::chrono::microseconds;
  m.RecordQuery(Status::Code::kOk, microseconds(50));          // le 0.0001
  m.RecordQuery(Status::Code::kOk, microseconds(300));         // le 0.0005
  m.RecordQuery(Status::Code::kNotFound, microseconds(2000));  // le 0.0025
  m.RecordQuery(Status::Code::kOk, std::chrono::seconds(60));  // only +Inf
  m.RecordLoad(Status::Code::kOk, 120);
  m.RecordLoad(Status::Code::kInvalidArgument, 0);
  m.RecordHttpRequest(200, 100, 1000);
  m.RecordHttpRequest(200, 50, 10);
  m.RecordHttpRequest(404, 7, 3);
  m.HttpConnectionOpened();
  m.HttpConnectionOpened();
  m.HttpConnectionClosed();
  const std::string text = m.RenderPrometheus(5);

  CHECK(SampleValue(text, "ixdb_queries_total{outcome=\"ok\"}") == "3");
  CHECK(SampleValue(text, "ixdb_queries_total{outcome=\"NotFound\"}") == "1");
  CHECK(SampleValue(text, "ixdb_queries_total{outcome=\"Cancelled\"}") == "0");
  // Buckets are cumulative.
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_bucket{le=\"0.0001\"}") == "1");
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_bucket{le=\"0.00025\"}") == "1");
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_bucket{le=\"0.0005\"}") == "2");
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_bucket{le=\"0.0025\"}") == "3");
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_bucket{le=\"30\"}") == "3");
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_bucket{le=\"+Inf\"}") == "4");
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_count") == "4");
  // 50 + 300 + 2000 µs + 60 s.
  CHECK(SampleValue(text, "ixdb_query_duration_seconds_sum") == "60.00235");
  CHECK(SampleValue(text, "ixdb_loads_total{outcome=\"ok\"}") == "1");
  CHECK(SampleValue(text, "ixdb_loads_total{outcome=\"InvalidArgument\"}") == "1");
  CHECK(SampleValue(text, "ixdb_load_rows_total") == "120");
  CHECK(SampleValue(text, "ixdb_http_requests_total{code=\"200\"}") == "2");
  CHECK(SampleValue(text, "ixdb_http_requests_total{code=\"404\"}") == "1");
  CHECK(SampleValue(text, "ixdb_http_requests_total{code=\"500\"}").empty());  // none: no line
  CHECK(SampleValue(text, "ixdb_http_received_bytes_total") == "157");
  CHECK(SampleValue(text, "ixdb_http_sent_bytes_total") == "1013");
  CHECK(SampleValue(text, "ixdb_http_connections_open") == "1");
  CHECK(SampleValue(text, "ixdb_connections_open") == "5");
  // Every metric has its HELP and TYPE lines, and the text ends with a newline.
  for (const char* name : {"ixdb_queries_total", "ixdb_query_duration_seconds", "ixdb_loads_total",
                           "ixdb_connections_open", "ixdb_http_requests_total"}) {
    INFO(name);
    CHECK(text.find(std::string("# HELP ") + name + " ") != std::string::npos);
    CHECK(text.find(std::string("# TYPE ") + name + " ") != std::string::npos);
  }
  CHECK(text.back() == '\n');
}

}  // namespace
}  // namespace ixdb::server
