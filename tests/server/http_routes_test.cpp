// RouteHttp without sockets: every route, its parameters, content types and status codes, the
// token on /load, CORS. The socket side (keep-alive, limits) is in http_test.cpp.

#include "server/http_routes.hpp"

#include <mutex>

#include "common/date.hpp"
#include "common/strings.hpp"
#include "query/render.hpp"
#include "server/http_assets.hpp"
#include "server/protocol.hpp"
#include "tests/common/test_util.hpp"
#include "tests/server/server_test_util.hpp"

namespace ixdb::server {
namespace {

using testing::FakeBackend;

// FakeBackend's answers, plus a record of every query text.
class RecordingBackend : public FakeBackend {
 public:
  Result<query::Table> Query(std::string_view text, const QueryControl& control) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      texts_.emplace_back(text);
    }
    return FakeBackend::Query(text, control);
  }
  std::vector<std::string> texts() {
    std::lock_guard<std::mutex> lock(mu_);
    return texts_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> texts_;
};

struct Fixture {
  RecordingBackend backend;
  HandlerConfig handler;
  HttpConfig http;
  ServerMetrics metrics;

  HttpReply Call(std::string_view method, std::string_view target, std::string_view body = "",
                 std::string_view content_type = "", std::string_view authorization = "",
                 std::string_view origin = "") {
    HttpRequest request{method, target, content_type,    authorization,
                        origin, body,   "127.0.0.1:5555"};
    return RouteHttp(request, HttpContext{backend, handler, http, metrics, 3});
  }
  HttpReply Get(std::string_view target) { return Call("GET", target); }
};

std::string Header(const HttpReply& r, std::string_view name) {
  for (const HttpHeader& h : r.headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return "";
}

TEST_CASE("HTTP routes: GET /query renders as ixdb query --format does", "[server]") {
  Fixture f;
  const query::Table table = FakeBackend::Rows(9, "x");
  struct Case {
    const char* target;
    std::string body;
    const char* content_type;
  };
  const Case cases[] = {
      {"/query?q=rows+9&format=csv", query::RenderCsv(table), "text/csv; charset=utf-8"},
      {"/query?q=rows%209&format=csv&bom=1", query::RenderCsv(table, true),
       "text/csv; charset=utf-8"},
      {"/query?q=rows+9&format=json", query::RenderJson(table), "application/json"},
      {"/query?q=rows+9", query::RenderJson(table), "application/json"},  // json by default
      {"/query?q=rows+9&format=table", query::RenderText(table), "text/plain; charset=utf-8"},
      {"/query?q=rows+9&format=protocol", EncodeTable(table), "application/json"},
  };
  for (const Case& c : cases) {
    INFO(c.target);
    HttpReply r = f.Get(c.target);
    CHECK(r.status == 200);
    CHECK(r.content_type == c.content_type);
    CHECK(r.body == c.body);
  }
  REQUIRE(query::RenderCsv(table, true).rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(f.backend.texts() == std::vector<std::string>(6, "rows 9"));
}

TEST_CASE("HTTP routes: POST /query takes the body as the query, or a form's q", "[server]") {
  Fixture f;
  HttpReply r = f.Call("POST", "/query?format=csv", "rows 2");
  CHECK(r.status == 200);
  CHECK(r.body == query::RenderCsv(FakeBackend::Rows(2, "x")));
  // curl --data sends any body as a form: only one that starts with q= is read as one.
  r = f.Call("POST", "/query?format=csv", "rows 3", "application/x-www-form-urlencoded");
  CHECK(r.body == query::RenderCsv(FakeBackend::Rows(3, "x")));
  r = f.Call("POST", "/query", "q=rows+4&format=csv", "application/x-www-form-urlencoded");
  CHECK(r.status == 200);
  CHECK(r.body == query::RenderCsv(FakeBackend::Rows(4, "x")));
  CHECK(f.backend.texts() == std::vector<std::string>{"rows 2", "rows 3", "rows 4"});
  // As `ixdb query` takes a statement: the spaces around it and final `;` go (the shell's habit).
  r = f.Call("POST", "/query?format=csv", "\n  rows 5 ;\n");
  CHECK(r.body == query::RenderCsv(FakeBackend::Rows(5, "x")));
  CHECK(f.backend.texts().back() == "rows 5");
  // The query in two places is refused rather than one silently chosen.
  r = f.Call("POST", "/query?q=rows+1", "rows 2");
  CHECK(r.status == 400);
}

TEST_CASE("HTTP routes: errors carry the protocol's error object and their status", "[server]") {
  Fixture f;
  HttpReply r = f.Get("/query?q=fail&format=csv");
  CHECK(r.status == 400);
  CHECK(r.content_type == "application/json");
  CHECK(r.body == EncodeError(Status::InvalidArgument("1:5: expected ')'\n  yoy(gdp\n      ^")));
  CHECK(r.body.find(R"("position":{"line":1,"column":5})") != std::string::npos);
  r = f.Get("/query?q=missing");
  CHECK(r.status == 404);
  CHECK(DecodeStatusResponse(r.body).IsNotFound());
  r = f.Get("/query?q=throw");
  CHECK(r.status == 500);
  CHECK(DecodeStatusResponse(r.body).IsIOError());

  // Each ixdb code has its HTTP status.
  const std::pair<Status::Code, int> statuses[] = {
      {Status::Code::kInvalidArgument, 400}, {Status::Code::kNotFound, 404},
      {Status::Code::kLimitExceeded, 413},   {Status::Code::kBusy, 429},
      {Status::Code::kCancelled, 504},       {Status::Code::kNotSupported, 501},
      {Status::Code::kIOError, 500},         {Status::Code::kCorruption, 500},
      {Status::Code::kInternal, 500},
  };
  for (const auto& [code, status] : statuses) {
    INFO(StatusCodeName(code));
    CHECK(HttpStatusFor(code) == status);
  }
}

TEST_CASE("HTTP routes: bad parameters are refused before the query runs", "[server]") {
  Fixture f;
  const std::pair<const char*, const char*> cases[] = {
      {"/query?q=rows+1&format=xml", "unknown format 'xml'"},
      {"/query?q=rows+1&fromat=csv", "unknown parameter 'fromat' for /query"},
      {"/query?q=rows+1&bom=maybe", "parameter 'bom' must be 1 or 0"},
      {"/query", "no query"},
      {"/query?q=%zz", "bad request target"},
      {"/query?q=", "the query is empty"},  // as `ixdb query ''`
      {"/query?q=+%3B+%3B", "the query is empty"},
      {"/series?colour=red", "unknown parameter 'colour' for /series"},
      {"/functions?q=x", "unknown parameter 'q' for /functions"},
      {"/health?verbose=1", "unknown parameter 'verbose' for /health"},
  };
  for (const auto& [target, message] : cases) {
    INFO(target);
    HttpReply r = f.Get(target);
    CHECK(r.status == 400);
    Status s = DecodeStatusResponse(r.body);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find(message) != std::string::npos);
  }
  CHECK(f.backend.texts().empty());
  // A parameter starting with "_" (a script's cache buster) is let through.
  CHECK(f.Get("/query?q=rows+1&_=1712345").status == 200);
}

TEST_CASE("HTTP routes: /series turns its parameters into list() selectors", "[server]") {
  Fixture f;
  (void)f.Get("/series");
  (void)f.Get("/series?code=gdp*&unit=%E4%BA%BF%E5%85%83&format=csv");
  (void)f.Get("/series?name=a%22b");  // a value with a double quote gets single quotes
  CHECK(f.backend.texts() == std::vector<std::string>{"list()",
                                                      "list(code=\"gdp*\", unit=\"亿元\")",
                                                      "list(name='a\"b')"});
  HttpReply r = f.Get("/series?name=%22%27");
  CHECK(r.status == 400);
  CHECK(DecodeStatusResponse(r.body).message().find("both quote characters") != std::string::npos);
  (void)f.Get("/functions?format=csv");
  CHECK(f.backend.texts().back() == "functions()");
}

TEST_CASE("HTTP routes: /health, /metrics, the console, unknown paths and methods", "[server]") {
  Fixture f;
  f.handler.version = "9.9.9";
  f.handler.token = "t";
  HttpReply r = f.Get("/health");
  CHECK(r.status == 200);
  // The hello of the TCP protocol, without a cancel key (HTTP has no cancel request).
  CHECK(r.body ==
        R"({"ok":true,"server":"ixdb","version":"9.9.9","protocol":2,"max_frame_bytes":)" +
            std::to_string(f.handler.max_frame_bytes) +
            R"(,"writes":true,"token_required":true,"query_timeout_ms":60000,)"
            R"("max_result_bytes":)" +
            std::to_string(f.handler.max_result_bytes) + "}");

  f.metrics.RecordQuery(Status::Code::kOk, std::chrono::milliseconds(2));
  r = f.Get("/metrics");
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(r.body.find("ixdb_queries_total{outcome=\"ok\"} 1\n") != std::string::npos);
  CHECK(r.body.find("ixdb_connections_open 3\n") != std::string::npos);

  r = f.Get("/");
  const StaticAsset* index = FindStaticAsset("/index.html");
  REQUIRE(index != nullptr);
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(r.body == index->data);
  for (const StaticAsset& asset : StaticAssets()) {
    INFO(asset.path);
    CHECK(f.Get(asset.path).body == asset.data);
  }

  r = f.Get("/nothing/here");
  CHECK(r.status == 404);
  CHECK(DecodeStatusResponse(r.body).message().find("no such path: /nothing/here") !=
        std::string::npos);
  r = f.Call("DELETE", "/query?q=x");
  CHECK(r.status == 405);
  CHECK(Header(r, "Allow") == "GET, HEAD, POST, OPTIONS");
  r = f.Call("POST", "/health");
  CHECK(r.status == 405);
  r = f.Get("/load");
  CHECK(r.status == 405);
  CHECK(Header(r, "Allow") == "POST, OPTIONS");
  r = f.Call("OPTIONS", "/query");
  CHECK(r.status == 204);
  CHECK(Header(r, "Access-Control-Allow-Origin").empty());  // CORS is off by default
}

TEST_CASE("HTTP routes: CORS allows the one configured origin", "[server]") {
  Fixture f;
  f.http.cors_origin = "https://dash.example";
  HttpReply r = f.Call("GET", "/query?q=rows+1", "", "", "", "https://dash.example");
  CHECK(Header(r, "Access-Control-Allow-Origin") == "https://dash.example");
  CHECK(Header(r, "Vary") == "Origin");
  r = f.Call("GET", "/query?q=rows+1", "", "", "", "https://evil.example");
  CHECK(Header(r, "Access-Control-Allow-Origin").empty());
  r = f.Call("OPTIONS", "/load", "", "", "", "https://dash.example");
  CHECK(r.status == 204);
  CHECK(Header(r, "Access-Control-Allow-Methods") == "GET, HEAD, POST, OPTIONS");
  CHECK(Header(r, "Access-Control-Allow-Headers") == "Authorization, Content-Type");
  f.http.cors_origin = "*";
  r = f.Call("GET", "/health", "", "", "", "https://anyone.example");
  CHECK(Header(r, "Access-Control-Allow-Origin") == "*");
}

TEST_CASE("HTTP routes: /load needs the token as Bearer: 401 without, 403 wrong", "[server]") {
  Fixture f;
  f.handler.token = "s3cret";
  const std::string csv = "indicator,period,value\ngdp,2023,1\n";
  HttpReply r = f.Call("POST", "/load", csv, "text/csv");
  CHECK(r.status == 401);
  CHECK(Header(r, "WWW-Authenticate") == "Bearer realm=\"ixdb\"");
  CHECK(DecodeStatusResponse(r.body).message() == "this server requires a token for loads");
  r = f.Call("POST", "/load", csv, "text/csv", "Basic czNjcmV0");  // not a bearer token
  CHECK(r.status == 401);
  r = f.Call("POST", "/load", csv, "text/csv", "Bearer wrong");
  CHECK(r.status == 403);
  CHECK(DecodeStatusResponse(r.body).message() == "wrong token for loads");
  CHECK(f.backend.load_count() == 0);
  r = f.Call("POST", "/load?vintage=2024-01-20&name=gdp.csv", csv, "text/csv", "bearer s3cret");
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/json");
  CHECK(r.body.find("\"ok\":true") != std::string::npos);
  REQUIRE(f.backend.load_count() == 1);
  auto load = f.backend.load(0);
  REQUIRE(load.files.size() == 1);
  CHECK(load.files[0].name == "gdp.csv");
  CHECK(load.files[0].content == csv);
  CHECK(load.options.vintage == DateFromYmd(2024, 1, 20));
  CHECK(load.options.command == "load (remote from 127.0.0.1:5555) gdp.csv");

  // A server that takes no writes refuses with 403 whatever the token.
  f.handler.writes_allowed = false;
  r = f.Call("POST", "/load", csv, "text/csv", "Bearer s3cret");
  CHECK(r.status == 403);
  CHECK(DecodeStatusResponse(r.body).IsNotSupported());
  CHECK(f.backend.load_count() == 1);
}

TEST_CASE("HTTP routes: /load takes a multipart form of files and options", "[server]") {
  Fixture f;
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n"
      "indicator,period,value\na,2023,1\n\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"b.csv\"\r\n\r\n"
      "indicator,period,value\nb,2023,2\n\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"vintage\"\r\n\r\n"
      "2025-03-31\r\n"
      "--XyZ--\r\n";
  HttpReply r = f.Call("POST", "/load?format=long", body, "multipart/form-data; boundary=XyZ");
  INFO(r.body);
  CHECK(r.status == 200);
  REQUIRE(f.backend.load_count() == 1);
  auto load = f.backend.load(0);
  REQUIRE(load.files.size() == 2);
  CHECK(load.files[0].name == "a.csv");
  CHECK(load.files[0].content == "indicator,period,value\na,2023,1\n");
  CHECK(load.files[1].name == "b.csv");
  CHECK(load.options.vintage == DateFromYmd(2025, 3, 31));
  CHECK(load.options.format == load::Format::kLong);

  // What is wrong is said, and nothing is loaded.
  const std::pair<std::string, std::string> bad[] = {
      {"/load?vintage=2024-01-01", "vintage is given twice"},
      {"/load?vintag=2024-01-01", "unknown parameter 'vintag' for /load"},
  };
  for (const auto& [target, message] : bad) {
    INFO(target);
    r = f.Call("POST", target, body, "multipart/form-data; boundary=XyZ");
    CHECK(r.status == 400);
    CHECK(DecodeStatusResponse(r.body).message().find(message) != std::string::npos);
  }
  r = f.Call("POST", "/load?vintage=2024-13-01", "x,y\n", "text/csv");
  CHECK(r.status == 400);
  CHECK(DecodeStatusResponse(r.body).message().find("options.vintage") != std::string::npos);
  r = f.Call("POST", "/load", "", "text/csv");
  CHECK(r.status == 400);
  CHECK(f.backend.load_count() == 1);
  // A bad row is the loader's 400, with the file and line it names.
  r = f.Call("POST", "/load?name=bad.csv", "indicator,period,value\nx,2023,abc\n", "text/csv");
  CHECK(r.status == 400);
  CHECK(DecodeStatusResponse(r.body).message() == "bad.csv:3:7: unparsable number 'abc'");
}

}  // namespace
}  // namespace ixdb::server
