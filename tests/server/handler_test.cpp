#include "server/handler.hpp"

#include <random>

#include "tests/common/test_util.hpp"
#include "tests/server/server_test_util.hpp"

namespace ixdb::server {
namespace {

using testing::FakeBackend;

Response Handle(FakeBackend& backend, std::string_view payload, const HandlerConfig& config = {}) {
  return HandleRequest(Request{payload, "127.0.0.1:5555"}, backend, config);
}

TEST_CASE("HandleRequest: ping and hello", "[server]") {
  FakeBackend backend;
  Response r = Handle(backend, R"({"op":"ping"})");
  REQUIRE(r.ok);
  REQUIRE(r.payload == R"({"ok":true,"pong":true})");
  HandlerConfig config;
  config.version = "9.9.9";
  config.max_frame_bytes = 1000;
  config.token = "t";
  r = Handle(backend, R"({"op":"hello"})", config);
  REQUIRE(
      r.payload ==
      R"({"ok":true,"server":"ixdb","version":"9.9.9","protocol":2,"max_frame_bytes":1000,)"
      R"("writes":true,"token_required":true,"query_timeout_ms":60000,"max_result_bytes":268435456})");
}

TEST_CASE("HandleRequest: a query answers its table", "[server]") {
  FakeBackend backend;
  Response r = Handle(backend, R"({"op":"query","q":"rows 3"})");
  REQUIRE(r.ok);
  auto table = DecodeTableResponse(r.payload);
  REQUIRE_OK(table.status());
  query::Table expected = FakeBackend::Rows(3, "x");
  REQUIRE(table->rows == expected.rows);
  REQUIRE(table->notes == expected.notes);
  REQUIRE(table->columns[2].unit == "亿元");
}

TEST_CASE("HandleRequest: query errors pass the backend's code and message unchanged", "[server]") {
  FakeBackend backend;
  Response r = Handle(backend, R"({"op":"query","q":"fail"})");
  REQUIRE_FALSE(r.ok);
  REQUIRE(r.payload ==
          R"({"ok":false,"code":"InvalidArgument","error":"1:5: expected ')'\n  yoy(gdp\n      ^",)"
          R"("position":{"line":1,"column":5}})");
  auto t = DecodeTableResponse(r.payload);
  REQUIRE(t.status().IsInvalidArgument());
  REQUIRE(t.status().message() == "1:5: expected ')'\n  yoy(gdp\n      ^");
  r = Handle(backend, R"({"op":"query","q":"missing"})");
  REQUIRE(DecodeTableResponse(r.payload).status().IsNotFound());
}

TEST_CASE("HandleRequest: a backend that throws gives an error response", "[server]") {
  FakeBackend backend;
  Response r = Handle(backend, R"({"op":"query","q":"throw"})");
  REQUIRE_FALSE(r.ok);
  Status s = DecodeStatusResponse(r.payload);
  REQUIRE(s.IsIOError());
  REQUIRE(s.message() == "internal error: backend exploded");
}

TEST_CASE("HandleRequest: malformed JSON, unknown op and wrong types are InvalidArgument",
          "[server]") {
  FakeBackend backend;
  const char* cases[] = {"{\"op\":", "null", R"({"op":"shutdown"})", R"({"op":"query","q":1})",
                         R"({"op":"load","files":"a.csv"})"};
  for (const char* c : cases) {
    INFO(c);
    Response r = Handle(backend, c);
    REQUIRE_FALSE(r.ok);
    REQUIRE(DecodeStatusResponse(r.payload).IsInvalidArgument());
  }
  REQUIRE(backend.queries() == 0);
  REQUIRE(backend.load_count() == 0);
}

const char* kLoad =
    R"({"op":"load","token":"%s","files":[{"name":"a.csv","content":"h\nr1\nr2\n"}],)"
    R"("options":{"vintage":"2024-01-20"}})";

std::string LoadWithToken(const std::string& token) {
  std::string s = kLoad;
  s.replace(s.find("%s"), 2, token);
  return s;
}

TEST_CASE("HandleRequest: load without a configured token is accepted on loopback", "[server]") {
  FakeBackend backend;
  Response r = Handle(backend, LoadWithToken(""));
  REQUIRE(r.ok);
  auto text = DecodeLoadResponse(r.payload);
  REQUIRE_OK(text.status());
  // The same summary a local `ixdb load` prints.
  load::LoadReport expected;
  expected.rows_read = 3;
  expected.summary.load_id = 1;
  expected.summary.observations_added = 3;
  expected.notes = {"fake load"};
  REQUIRE(*text == load::FormatLoadSummary(expected));
  REQUIRE(text->find("note: fake load") != std::string::npos);
  REQUIRE(backend.load_count() == 1);
  REQUIRE(backend.load(0).options.vintage == DateFromYmd(2024, 1, 20));
  REQUIRE(backend.command(0) == "load (remote from 127.0.0.1:5555) a.csv");
}

TEST_CASE("HandleRequest: load needs the configured token", "[server]") {
  FakeBackend backend;
  HandlerConfig config;
  config.token = "s3cret";
  Response missing = Handle(backend, LoadWithToken(""), config);
  REQUIRE(DecodeStatusResponse(missing.payload).IsInvalidArgument());
  REQUIRE(DecodeStatusResponse(missing.payload).message() ==
          "this server requires a token for loads");
  Response wrong = Handle(backend, LoadWithToken("s3cre"), config);
  REQUIRE(DecodeStatusResponse(wrong.payload).message() == "wrong token for loads");
  Response longer = Handle(backend, LoadWithToken("s3cret!"), config);
  REQUIRE_FALSE(longer.ok);
  REQUIRE(backend.load_count() == 0);
  Response right = Handle(backend, LoadWithToken("s3cret"), config);
  REQUIRE(right.ok);
  REQUIRE(backend.load_count() == 1);
  // Queries never need the token.
  REQUIRE(Handle(backend, R"({"op":"query","q":"rows 1"})", config).ok);
}

TEST_CASE("HandleRequest: loads are refused when writes are disabled, token or not", "[server]") {
  FakeBackend backend;
  HandlerConfig config;
  config.writes_allowed = false;
  Response r = Handle(backend, LoadWithToken("anything"), config);
  REQUIRE(DecodeStatusResponse(r.payload).IsNotSupported());
  REQUIRE(backend.load_count() == 0);
}

TEST_CASE("HandleRequest: a failed load passes the loader's error", "[server]") {
  FakeBackend backend;
  Response r =
      Handle(backend, R"({"op":"load","files":[{"name":"bad.csv","content":"indicator\n"}]})");
  Status s = DecodeStatusResponse(r.payload);
  REQUIRE(s.IsInvalidArgument());
  REQUIRE(s.message() == "bad.csv:3:7: unparsable number 'abc'");
}

// Every answer, whatever the input, is a well-formed response frame payload.
TEST_CASE("HandleRequest: random and mutated payloads always get a well-formed answer",
          "[server]") {
  FakeBackend backend;
  HandlerConfig config;
  config.token = "t";
  const std::string seeds[] = {
      R"({"op":"ping"})",
      R"({"op":"hello"})",
      R"({"op":"query","q":"rows 2"})",
      R"({"op":"query","q":"fail"})",
      R"({"op":"load","token":"t","files":[{"name":"a.csv","content":"x\ny\n"}],)"
      R"("options":{"format":"long","vintage":"2024-01-20"}})",
      R"({"op":"load","files":[{"name":"b","content_base64":"1tDOxA=="}]})",
  };
  std::mt19937 rng(12345);
  const char kAlphabet[] = "{}[]\":,0123456789.eE+-truefalsnl \\u\x01\xff\xe6";
  int answered = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string p = seeds[rng() % std::size(seeds)];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !p.empty(); ++e) {
      size_t at = rng() % p.size();
      switch (rng() % 5) {
        case 0:
          p[at] = kAlphabet[rng() % (sizeof kAlphabet - 1)];
          break;
        case 1:
          p.erase(at, 1 + rng() % 8);
          break;
        case 2:
          p.insert(at, 1, kAlphabet[rng() % (sizeof kAlphabet - 1)]);
          break;
        case 3:
          p.resize(at);
          break;
        case 4:
          p[at] = static_cast<char>(rng());
          break;
      }
    }
    if (i % 10 == 0) {  // pure noise as well
      p.assign(rng() % 64, '\0');
      for (char& c : p) c = static_cast<char>(rng());
    }
    INFO(p);
    Response r = HandleRequest(Request{p, ""}, backend, config);
    Status s = DecodeStatusResponse(r.payload);
    // IOError would mean the answer itself did not parse as a response.
    REQUIRE_FALSE(s.IsIOError());
    REQUIRE(s.ok() == r.ok);
    ++answered;
  }
  REQUIRE(answered == 4000);
}

}  // namespace
}  // namespace ixdb::server
