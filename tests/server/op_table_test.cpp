#include "server/op_table.hpp"

#include <set>

#include "tests/common/test_util.hpp"

namespace ixdb::server {
namespace {

TEST_CASE("Protocol: requests that parse", "[server]") {
  auto ping = ParseRequest(R"({"op":"ping"})");
  REQUIRE_OK(ping.status());
  REQUIRE(ping->op == FindOp("ping"));
  auto hello = ParseRequest(R"(  {"op":"hello","client":"future field"} )");
  REQUIRE_OK(hello.status());
  REQUIRE(hello->op == FindOp("hello"));
  auto q = ParseRequest(R"({"op":"query","q":"yoy(gdp)[2020:] \u6b66\u6c49 武汉"})");
  REQUIRE_OK(q.status());
  REQUIRE(q->op == FindOp("query"));
  REQUIRE(q->query == "yoy(gdp)[2020:] 武汉 武汉");
  REQUIRE_FALSE(q->as_of.has_value());
  auto dated = ParseRequest(R"({"op":"query","q":"gdp","as_of":"2024-03-01"})");
  REQUIRE_OK(dated.status());
  REQUIRE(dated->as_of.has_value());
  REQUIRE(FormatDate(*dated->as_of) == "2024-03-01");
  auto load =
      ParseRequest(R"({"op":"load","token":"s3cret","files":[{"name":"a.csv","content":"x\n"},)"
                   R"({"name":"b.csv","content_base64":"1tDOxA=="}],)"
                   R"("options":{"format":"long","vintage":"2024-01-20","encoding":null}})");
  REQUIRE_OK(load.status());
  REQUIRE(load->op == FindOp("load"));
  REQUIRE(load->token == "s3cret");
  REQUIRE(load->files.size() == 2);
  REQUIRE(load->files[0].name == "a.csv");
  REQUIRE(load->files[0].content == "x\n");
  REQUIRE(load->files[1].content == "\xD6\xD0\xCE\xC4");  // 中文 in GB18030
  REQUIRE(load->format == "long");
  REQUIRE(load->vintage == "2024-01-20");
  REQUIRE(load->encoding == "auto");
}

TEST_CASE("Op table: every row has a distinct name, an answer, and is found by its name",
          "[server]") {
  std::set<std::string_view> names;
  for (const OpSpec* op : Ops()) {
    INFO(op->name);
    REQUIRE(!op->name.empty());
    REQUIRE(op->answer != nullptr);
    REQUIRE(names.insert(op->name).second);
    REQUIRE(FindOp(op->name) == op);
  }
  REQUIRE(names ==
          std::set<std::string_view>{"ping", "hello", "query", "load", "define", "cancel"});
  REQUIRE(FindOp("Ping") == nullptr);  // names are case-sensitive
  REQUIRE(FindOp("") == nullptr);
  // Only load and define write.
  for (const OpSpec* op : Ops()) {
    REQUIRE((op->access == Access::kWrite) == (op->name == "load" || op->name == "define"));
  }
}

struct BadRequest {
  std::string payload;
  std::string message_part;
};

void RequireRejected(const BadRequest& c) {
  INFO(c.payload);
  auto r = ParseRequest(c.payload);
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.status().IsInvalidArgument());
  INFO(r.status().message());
  REQUIRE(r.status().message().find(c.message_part) != std::string::npos);
}

TEST_CASE("Protocol: bad requests are rejected with a message saying what is wrong", "[server]") {
  // What every request shares: one JSON object with a string "op".
  const BadRequest cases[] = {
      {"", "malformed JSON at byte 0"},
      {"{", "malformed JSON"},
      {R"({"op":"ping"} x)", "malformed JSON at byte 14"},
      {R"({"op":"ping",})", "malformed JSON"},
      {"\"ping\"", "must be a JSON object, not a string"},
      {"[1,2]", "must be a JSON object, not an array"},
      {"{}", "missing \"op\""},
      {R"({"op":7})", "\"op\" must be a string, not a number"},
      // Invalid UTF-8 in a string, a lone surrogate escape, and nesting beyond the limit.
      {"{\"op\":\"query\",\"q\":\"\xff\"}", "malformed JSON"},
      {std::string(40, '[') + std::string(40, ']'), "malformed JSON"},
  };
  for (const BadRequest& c : cases) RequireRejected(c);
}

TEST_CASE("Op table: an unknown op names itself and lists the table's ops", "[server]") {
  const BadRequest cases[] = {
      {R"({"op":"drop"})",
       "unknown op \"drop\" (expected ping, hello, query, load, define or cancel)"},
      {R"({"op":""})", "unknown op \"\" (expected ping, hello, query, load, define or cancel)"},
      {R"({"op":"PING"})", "unknown op \"PING\""},
      // Shown as a JSON string: a quote or a newline cannot break the message.
      {R"({"op":"a\"b\nc"})", R"(unknown op "a\"b\nc" (expected)"},
  };
  for (const BadRequest& c : cases) RequireRejected(c);
  auto r = ParseRequest(R"({"op":"drop"})");
  REQUIRE(r.status().message() ==
          "unknown op \"drop\" (expected ping, hello, query, load, define or cancel)");
}

TEST_CASE("Op table: ping and hello have no members and ignore unknown ones", "[server]") {
  for (const char* payload :
       {R"({"op":"ping","q":5,"files":"x"})", R"({"op":"hello","token":7,"options":[]})"}) {
    INFO(payload);
    auto r = ParseRequest(payload);
    REQUIRE_OK(r.status());
    REQUIRE(r->query.empty());
    REQUIRE(r->files.empty());
    REQUIRE(r->token.empty());  // a read op's "token" is not read at all
  }
}

TEST_CASE("Op table: query's parse errors", "[server]") {
  const BadRequest cases[] = {
      {R"({"op":"query"})", "missing \"q\""},
      {R"({"op":"query","q":null})", "\"q\" must be a string, not null"},
      {R"({"op":"query","q":["gdp"]})", "\"q\" must be a string, not an array"},
      {R"({"op":"query","q":{"text":"gdp"}})", "\"q\" must be a string, not an object"},
      {R"({"op":"query","q":"gdp","as_of":20240301})", "\"as_of\" must be a string, not a number"},
      {R"({"op":"query","q":"gdp","as_of":"2024-02-30"})", "\"as_of\" must be a date YYYY-MM-DD"},
      {R"({"op":"query","q":"gdp","as_of":""})", "\"as_of\" must be a date YYYY-MM-DD"},
  };
  for (const BadRequest& c : cases) RequireRejected(c);
}

TEST_CASE("Op table: load's parse errors", "[server]") {
  const BadRequest cases[] = {
      {R"({"op":"load"})", "needs \"files\""},
      {R"({"op":"load","files":{}})", "\"files\" must be an array"},
      {R"({"op":"load","files":[]})", "\"files\" is empty"},
      {R"({"op":"load","files":[1]})", "\"files[0]\" must be an object"},
      {R"({"op":"load","files":[{"content":""}]})", "missing \"files[0].name\""},
      {R"({"op":"load","files":[{"name":"a"},{"name":"b"}]})", "missing \"files[0].content\""},
      {R"({"op":"load","files":[{"name":"a","content":true}]})",
       "\"files[0].content\" must be a string, not a boolean"},
      {R"({"op":"load","files":[{"name":"a","content":""},{"name":"b","content_base64":7}]})",
       "\"files[1].content_base64\" must be a string, not a number"},
      {R"({"op":"load","files":[{"name":"a","content_base64":"%%%%"}]})", "not valid base64"},
      {R"({"op":"load","files":[{"name":"a","content_base64":"abc"}]})", "not valid base64"},
      {R"({"op":"load","token":1,"files":[{"name":"a","content":""}]})",
       "\"token\" must be a string"},
      // The token is read before the files: its error comes first.
      {R"({"op":"load","token":1})", "\"token\" must be a string"},
      {R"({"op":"load","files":[{"name":"a","content":""}],"options":[]})",
       "\"options\" must be an object"},
      {R"({"op":"load","files":[{"name":"a","content":""}],"options":{"vintag":"2024-01-01"}})",
       "unknown load option \"vintag\" (expected format, encoding, vintage, codes or "
       "ignore_unknown_columns)"},
      {R"({"op":"load","files":[{"name":"a","content":""}],"options":{"format":5}})",
       "\"options.format\" must be a string"},
  };
  for (const BadRequest& c : cases) RequireRejected(c);
  // The option words are checked by the load's handler (load::ParseFormat...), not here.
  auto later = ParseRequest(
      R"({"op":"load","files":[{"name":"a","content":""}],"options":{"format":"xml"}})");
  REQUIRE_OK(later.status());
  REQUIRE(later->format == "xml");
}

TEST_CASE("Op table: define reads its members and refuses wrong ones", "[server]") {
  auto r = ParseRequest(
      R"({"op":"define","code":"gdp_pc","expression":"gdp / pop","name":"人均","unit":"元"})");
  REQUIRE_OK(r.status());
  CHECK(r->op->name == "define");
  CHECK(r->formula.code == "gdp_pc");
  CHECK(r->formula.expression == "gdp / pop");
  CHECK(r->formula.name == "人均");
  CHECK(r->formula.unit == "元");
  CHECK_FALSE(r->drop);
  auto d = ParseRequest(R"({"op":"define","code":"gdp_pc","drop":true})");
  REQUIRE_OK(d.status());
  CHECK(d->drop);
  const BadRequest cases[] = {
      {R"({"op":"define","expression":"gdp"})", "missing \"code\" (a string)"},
      {R"({"op":"define","code":"x"})", "define request needs \"expression\" (or \"drop\":true)"},
      {R"({"op":"define","code":"x","expression":3})",
       "\"expression\" must be a string, not a number"},
      {R"({"op":"define","code":"x","drop":"yes"})",
       "\"drop\" must be true or false, not a string"},
      {R"({"op":"define","code":"x","drop":true,"expression":"gdp"})",
       "with \"drop\" takes no \"expression\""},
  };
  for (const BadRequest& c : cases) RequireRejected(c);
}

}  // namespace
}  // namespace ixdb::server
