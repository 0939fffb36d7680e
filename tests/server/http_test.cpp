// The HTTP endpoint over real sockets on 127.0.0.1: the golden queries answer the bytes that
// `ixdb query --format csv|json` prints (the same renderers over the same RunQuery), keep-alive,
// HEAD, 100-continue, the limits (body, headers, connections, idle time), the token on /load
// against a real store, and the TCP protocol still served beside it.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/strings.hpp"
#include "load/loader.hpp"
#include "query/query.hpp"
#include "query/render.hpp"
#include "server/client.hpp"
#include "server/http_routes.hpp"
#include "server/protocol.hpp"
#include "server/server.hpp"
#include "tests/common/test_util.hpp"
#include "tests/server/http_test_util.hpp"
#include "tests/server/server_test_util.hpp"

namespace ixdb::server {
namespace {

using testing::FakeBackend;
using testing::HttpClient;
using testing::HttpResult;
using testing::RunningServer;
using testing::UrlEncode;

const std::string kSource = IXDB_SOURCE_DIR;

ServerOptions HttpOptions() {
  ServerOptions o;
  o.http_listen = "127.0.0.1:0";
  return o;
}

// A store loaded from `files`, for the golden queries.
class LoadedStore {
 public:
  explicit LoadedStore(const std::vector<std::string>& files) {
    storage::Options o;
    o.sync = false;
    Status s = storage::Store::Open(o, dir_.path() + "/db", &store_);
    INFO(s.ToString());
    REQUIRE(s.ok());
    load::LoadOptions lo;
    lo.command = "http tests";
    lo.vintage = DateFromYmd(2024, 2, 15);  // as the query tests' fixture store
    auto r = load::LoadFiles(*store_, files, lo);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
  }
  storage::Store& store() { return *store_; }
  size_t LoadCount() {
    auto loads = store_->NewReadView()->ListLoads();
    REQUIRE(loads.ok());
    return loads->size();
  }

 private:
  ixdb::test::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

// The queries of the golden files in `dir` (cases with an option line need other query
// options than a server's, and are left out).
std::vector<std::string> GoldenQueries(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".test") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> queries;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    bool has_option = false;
    while (std::getline(in, line)) {
      if (line.empty()) has_option = false;
      if (line.rfind("option: ", 0) == 0) has_option = true;
      if (line.rfind("query: ", 0) == 0 && !has_option) queries.push_back(line.substr(7));
    }
  }
  return queries;
}

// What `ixdb query --format F` prints for `q` on `store` (or the error object and its status
// that the endpoint must answer instead).
struct Expected {
  int status;
  std::string body;
};
Expected Local(storage::Store& store, const std::string& q, const std::string& format) {
  // `ixdb query` refuses a blank statement before it runs (cli/commands.cpp, CmdQuery).
  if (Trim(q).empty()) {
    return {400, EncodeError(Status::InvalidArgument("the query is empty"))};
  }
  auto table = query::RunQuery(store, q);
  if (!table.ok()) return {HttpStatusFor(table.status().code()), EncodeError(table.status())};
  return {200, format == "csv" ? query::RenderCsv(*table) : query::RenderJson(*table)};
}

// Every golden query of `golden_dir`, as GET and POST, in CSV and JSON, on one keep-alive
// connection: the same bytes as the CLI's renderers. Returns the number of queries.
size_t CheckGolden(LoadedStore& data, const std::string& golden_dir) {
  RunningServer server([&](const ServerOptions& o) { return Serve(data.store(), o); },
                       HttpOptions());
  REQUIRE(server.http_port() != 0);
  HttpClient client(server.http_port());
  REQUIRE(client.connected());
  const std::vector<std::string> queries = GoldenQueries(golden_dir);
  for (const std::string& q : queries) {
    for (const char* format : {"csv", "json"}) {
      INFO(q << " as " << format);
      const Expected want = Local(data.store(), q, format);
      HttpResult got = client.Get("/query?format=" + std::string(format) + "&q=" + UrlEncode(q));
      CHECK(got.status == want.status);
      CHECK(got.body == want.body);
      CHECK(got.Header("Content-Type") == (want.status == 200 && std::string(format) == "csv"
                                               ? "text/csv; charset=utf-8"
                                               : "application/json"));
      got = client.Request("POST", "/query?format=" + std::string(format), q);
      CHECK(got.status == want.status);
      CHECK(got.body == want.body);
    }
  }
  return queries.size();
}

TEST_CASE("HTTP: the golden queries answer the bytes of ixdb query --format csv|json", "[server]") {
  const std::string fixtures = kSource + "/tests/query/fixtures/";
  LoadedStore data({fixtures + "observations.csv", fixtures + "targets.csv"});
  CHECK(CheckGolden(data, kSource + "/tests/query/golden") >= 100);
}

TEST_CASE("HTTP: the golden queries of the demo data with its history", "[server]") {
  const std::string wuhan = kSource + "/data/wuhan/";
  LoadedStore data({wuhan + "observations.csv", wuhan + "bulletins.csv", wuhan + "targets.csv",
                    wuhan + "history.csv"});
  CHECK(CheckGolden(data, kSource + "/tests/query/golden/history") >= 8);
}

// The GET endpoints beside /query, on a real store and socket: each answers what its query
// answers in the CLI; the console's files; CORS; the row limit of the query options.
TEST_CASE("HTTP: /series /functions /health / and the row limit on a real store", "[server]") {
  const std::string fixtures = kSource + "/tests/query/fixtures/";
  LoadedStore data({fixtures + "observations.csv", fixtures + "targets.csv"});
  auto local = [&](const std::string& q) {
    auto table = query::RunQuery(data.store(), q);
    INFO(q << ": " << table.status().ToString());
    REQUIRE(table.ok());
    return query::RenderCsv(*table);
  };
  {
    ServerOptions o = HttpOptions();
    o.http_cors_origin = "http://localhost:3000";
    RunningServer server([&](const ServerOptions& opts) { return Serve(data.store(), opts); }, o);
    HttpClient c(server.http_port());
    HttpResult r = c.Get("/series?format=csv&code=gdp*&unit=" + UrlEncode("亿元"));
    CHECK(r.status == 200);
    CHECK(r.body == local("list(code=\"gdp*\", unit=\"亿元\")"));
    CHECK(r.body.find("\ngdp,") != std::string::npos);  // the filter matched something

    r = c.Get("/functions?format=csv");
    CHECK(r.status == 200);
    CHECK(r.body == local("functions()"));
    CHECK(r.body.find("\nrevisions,") != std::string::npos);

    r = c.Get("/health");
    CHECK(r.status == 200);
    CHECK(r.Header("Content-Type") == "application/json");
    CHECK(r.body.find("\"max_frame_bytes\":") != std::string::npos);

    r = c.Get("/", {{"Origin", "http://localhost:3000"}});
    CHECK(r.status == 200);
    CHECK(r.Header("Content-Type") == "text/html; charset=utf-8");
    CHECK(r.body.find("<script") != std::string::npos);
    CHECK(r.Header("Access-Control-Allow-Origin") == "http://localhost:3000");
    r = c.Get("/health", {{"Origin", "http://elsewhere.example"}});
    CHECK(r.Header("Access-Control-Allow-Origin").empty());
  }
  {
    // A result over max_rows is 413 with the query layer's message, as the TCP answer says.
    ServerOptions o = HttpOptions();
    o.query.max_rows = 3;
    RunningServer server([&](const ServerOptions& opts) { return Serve(data.store(), opts); }, o);
    HttpClient c(server.http_port());
    HttpResult r = c.Get("/query?format=csv&q=" + UrlEncode("list()"));
    CHECK(r.status == 413);
    Status limit = DecodeStatusResponse(r.body);
    CHECK(limit.IsLimitExceeded());
    auto tcp = Client::Connect(server.endpoint(), "");
    REQUIRE_OK(tcp.status());
    CHECK((*tcp)->Query("list()").status().ToString() == limit.ToString());
  }
}

TEST_CASE("HTTP: keep-alive, HEAD, and the TCP protocol beside it", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, HttpOptions());
  REQUIRE(server.http_port() != 0);
  REQUIRE(server.http_port() != server.port());
  HttpClient http(server.http_port());
  for (int i = 1; i <= 5; ++i) {
    HttpResult r = http.Get("/query?format=csv&q=rows+" + std::to_string(i));
    CHECK(r.status == 200);
    CHECK(r.body == query::RenderCsv(FakeBackend::Rows(i, "x")));
    CHECK(r.Header("Connection") != "close");
  }
  HttpResult head = http.Request("HEAD", "/query?format=csv&q=rows+5");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.Header("Content-Length") ==
        std::to_string(query::RenderCsv(FakeBackend::Rows(5, "x")).size()));
  // The connection is still in step after the HEAD.
  CHECK(http.Get("/health").status == 200);

  auto tcp = Client::Connect(server.endpoint(), "");
  REQUIRE_OK(tcp.status());
  auto table = (*tcp)->Query("rows 2");
  REQUIRE_OK(table.status());
  CHECK(table->rows.size() == 2);

  // Connection: close is honoured.
  HttpResult last = http.Request("GET", "/health", "", {{"Connection", "close"}});
  CHECK(last.status == 200);
  CHECK(last.Header("Connection") == "close");
  CHECK(http.ClosedByPeer());
}

TEST_CASE("HTTP: a body over the limit is 413 before it is read, headers over 256 KiB 431",
          "[server]") {
  FakeBackend backend;
  ServerOptions o = HttpOptions();
  o.max_frame_bytes = 1000;
  RunningServer server(backend, o);
  {
    HttpClient c(server.http_port());
    // curl's way: Expect: 100-continue, then the body only if the server agrees.
    REQUIRE(
        c.SendRaw("POST /query?format=csv HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
                  "Expect: 100-continue\r\n\r\n"));
    HttpResult r = c.ReadResponse();
    CHECK(r.status == 413);
    Status s = DecodeStatusResponse(r.body);
    CHECK(s.code() == Status::Code::kLimitExceeded);
    CHECK(s.message() == "request body of 5000 bytes exceeds the limit of 1000 bytes");
    CHECK(c.ClosedByPeer());
  }
  {
    // A chunked body has no length up front: refused once it passes the limit.
    HttpClient c(server.http_port());
    std::string chunk(600, 'a');
    REQUIRE(
        c.SendRaw("POST /query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "258\r\n" +
                  chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
    HttpResult r = c.ReadResponse();
    CHECK(r.status == 413);
    CHECK(DecodeStatusResponse(r.body).code() == Status::Code::kLimitExceeded);
  }
  {
    // Under the limit with 100-continue: the server says continue, then answers.
    HttpClient c(server.http_port());
    REQUIRE(
        c.SendRaw("POST /query?format=csv HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                  "Expect: 100-continue\r\n\r\n"));
    REQUIRE(c.SendRaw("rows 2"));
    HttpResult r = c.ReadResponse();
    CHECK(r.status == 200);
    CHECK(r.body == query::RenderCsv(FakeBackend::Rows(2, "x")));
  }
  {
    HttpClient c(server.http_port());
    HttpResult r = c.Get("/health", {{"X-Padding", std::string(300 << 10, 'p')}});
    CHECK(r.status == 431);
  }
  {
    HttpClient c(server.http_port());
    REQUIRE(c.SendRaw("NOT HTTP AT ALL\r\n\r\n"));
    HttpResult r = c.ReadResponse();
    CHECK(r.status == 400);
    CHECK(DecodeStatusResponse(r.body).message().find("malformed HTTP request") !=
          std::string::npos);
  }
  // None of that reached the backend.
  CHECK(backend.queries() == 1);
}

TEST_CASE("HTTP: connections over max_connections are 429 Busy, the slots are shared with TCP",
          "[server]") {
  FakeBackend backend;
  ServerOptions o = HttpOptions();
  o.max_connections = 2;
  RunningServer server(backend, o);
  HttpClient first(server.http_port());
  REQUIRE(first.Get("/health").status == 200);
  testing::RawConnection tcp(server.port());
  REQUIRE(tcp.Request(EncodePingRequest()) == EncodePong());
  HttpClient third(server.http_port());
  HttpResult r = third.Get("/health");
  CHECK(r.status == 429);
  CHECK(r.Header("Retry-After") == "1");
  Status s = DecodeStatusResponse(r.body);
  CHECK(s.IsBusy());
  CHECK(s.message() == "too many connections (the limit is 2)");
  CHECK(third.ClosedByPeer());
  // The served ones go on.
  CHECK(first.Get("/health").status == 200);
}

TEST_CASE("HTTP: an idle connection is closed after the idle timeout", "[server]") {
  FakeBackend backend;
  ServerOptions o = HttpOptions();
  o.idle_timeout_seconds = 1;
  RunningServer server(backend, o);
  HttpClient c(server.http_port(), 5000);
  REQUIRE(c.Get("/health").status == 200);
  const auto start = std::chrono::steady_clock::now();
  CHECK(c.ClosedByPeer());
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= std::chrono::milliseconds(800));
  CHECK(waited < std::chrono::milliseconds(4000));
  CHECK(server.LogContains("http idle timeout"));
}

TEST_CASE("HTTP: /load on a real store: 401 without the token, 403 wrong, nothing written",
          "[server]") {
  const std::string fixtures = kSource + "/tests/query/fixtures/";
  LoadedStore data({fixtures + "observations.csv"});
  ServerOptions o = HttpOptions();
  o.token = "s3cret";
  RunningServer server([&](const ServerOptions& opts) { return Serve(data.store(), opts); }, o);
  const size_t before = data.LoadCount();
  const std::string csv =
      "indicator,period,value,unit,measure,frequency,name\nfresh,2023,12.5,万人,count,annual,"
      "新指标\n";
  HttpClient c(server.http_port());
  HttpResult r = c.Request("POST", "/load?vintage=2024-03-01", csv, {{"Content-Type", "text/csv"}});
  CHECK(r.status == 401);
  CHECK(r.Header("WWW-Authenticate") == "Bearer realm=\"ixdb\"");
  r = c.Request("POST", "/load?vintage=2024-03-01", csv, {{"Authorization", "Bearer nope"}});
  CHECK(r.status == 403);
  CHECK(data.LoadCount() == before);
  CHECK(c.Get("/query?q=fresh").status == 404);

  r = c.Request("POST", "/load?vintage=2024-03-01&name=fresh.csv", csv,
                {{"Authorization", "Bearer s3cret"}});
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(r.body.find("\"load_id\":") != std::string::npos);
  CHECK(r.body.find("load #") != std::string::npos);
  CHECK(data.LoadCount() == before + 1);
  r = c.Get("/query?format=csv&q=fresh");
  CHECK(r.status == 200);
  CHECK(r.body ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "fresh,2023,12.5,万人,2024-03-01,,\n");
  // A bad file loads nothing, and the error names its row.
  r = c.Request("POST", "/load?name=bad.csv", "indicator,period,value\nfresh,2024,abc\n",
                {{"Authorization", "Bearer s3cret"}});
  CHECK(r.status == 400);
  CHECK(DecodeStatusResponse(r.body).message().rfind("bad.csv:2:", 0) == 0);
  CHECK(data.LoadCount() == before + 1);
}

TEST_CASE("HTTP: /metrics counts TCP and HTTP queries by outcome, and the open connections",
          "[server]") {
  FakeBackend backend;
  RunningServer server(backend, HttpOptions());
  HttpClient http(server.http_port());
  REQUIRE(http.Get("/query?q=rows+1").status == 200);
  REQUIRE(http.Get("/query?q=missing").status == 404);
  testing::RawConnection tcp(server.port());
  (void)tcp.Request(EncodeQueryRequest("rows 3"));
  HttpResult m = http.Get("/metrics");
  CHECK(m.status == 200);
  CHECK(m.Header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(m.body.find("ixdb_queries_total{outcome=\"ok\"} 2\n") != std::string::npos);
  CHECK(m.body.find("ixdb_queries_total{outcome=\"NotFound\"} 1\n") != std::string::npos);
  CHECK(m.body.find("ixdb_query_duration_seconds_count 3\n") != std::string::npos);
  CHECK(m.body.find("ixdb_connections_open 2\n") != std::string::npos);
  CHECK(m.body.find("ixdb_http_connections_open 1\n") != std::string::npos);
  CHECK(m.body.find("ixdb_http_requests_total{code=\"200\"} 1\n") != std::string::npos);
  CHECK(m.body.find("ixdb_http_requests_total{code=\"404\"} 1\n") != std::string::npos);
}

TEST_CASE("HTTP: a non-loopback --http needs a token, as --listen does", "[server]") {
  FakeBackend backend;
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.http_listen = "0.0.0.0:0";
  o.handle_signals = false;
  Status s = ServeWith(backend, o);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("refusing to listen on 0.0.0.0:0") == 0);
  o.http_listen = "127.0.0.1:nope";
  CHECK(ServeWith(backend, o).IsInvalidArgument());
}

TEST_CASE("HTTP: a client that closes its connection stops its query, a pipelined one does not",
          "[server]") {
  FakeBackend backend;
  RunningServer server(backend, HttpOptions());
  {
    testing::RawConnection c(server.http_port());
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(c.Send("GET /query?q=spin%2030000&format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    c.Close();
    // The 30 s query stops within moments of the close, not at its end.
    REQUIRE(server.LogContains("(the client left while it ran)", std::chrono::milliseconds(5000)));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(server.LogContains("closed by client while its request ran"));
  }
  // The next request sent before the first one's answer is still there: both are answered.
  HttpClient c(server.http_port());
  REQUIRE(
      c.SendRaw("GET /query?q=spin%20300&format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  HttpResult first = c.ReadResponse();
  CHECK(first.status == 200);
  CHECK(first.body.find("spin") != std::string::npos);
  CHECK(c.ReadResponse().status == 200);
  CHECK(server.LogCount("(the client left while it ran)") == 1);
}

TEST_CASE("HTTP: stopping the server closes open HTTP connections", "[server]") {
  FakeBackend backend;
  RunningServer server(backend, HttpOptions());
  HttpClient c(server.http_port());
  REQUIRE(c.Get("/health").status == 200);
  REQUIRE_OK(server.Stop());
  CHECK(c.ClosedByPeer());
}

}  // namespace
}  // namespace ixdb::server
