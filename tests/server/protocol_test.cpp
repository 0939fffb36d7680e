#include "server/protocol.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "server/op_table.hpp"
#include "tests/common/test_util.hpp"
#include "tests/server/fuzz/protocol_fuzz_check.hpp"

namespace ixdb::server {
namespace {

TEST_CASE("Protocol: every status code survives the wire with its message", "[server]") {
  const Status statuses[] = {
      Status::NotFound("unknown series 'gpd'"),
      Status::InvalidArgument("1:9: expected ')'\n  ^"),
      Status::IOError("disk"),
      Status::Corruption("bad chunk"),
      Status::NotSupported("newer format"),
      Status::Busy("locked"),
      Status::LimitExceeded("too many rows"),
  };
  for (const Status& s : statuses) {
    std::string payload = EncodeError(s);
    auto table = DecodeTableResponse(payload);
    REQUIRE_FALSE(table.ok());
    REQUIRE(table.status().code() == s.code());
    REQUIRE(table.status().message() == s.message());
    REQUIRE(StatusCodeFromName(StatusCodeName(s.code())) == s.code());
    Status st = DecodeStatusResponse(payload);
    REQUIRE(st.code() == s.code());
  }
  // A code this client does not know still reads as a failure, never as success.
  auto r = DecodeTableResponse(R"({"ok":false,"code":"OK","error":"odd"})");
  REQUIRE(r.status().IsIOError());
  REQUIRE(r.status().message() == "odd");
  REQUIRE(DecodeStatusResponse(R"({"ok":false,"code":"Teapot","error":"x"})").IsIOError());
}

TEST_CASE("Protocol: an error that starts with line:column carries its position", "[server]") {
  REQUIRE(EncodeError(Status::NotFound("12:34: unknown series 'gpd'\n  gpd\n  ^")) ==
          R"({"ok":false,"code":"NotFound","error":"12:34: unknown series 'gpd'\n  gpd\n  ^",)"
          R"("position":{"line":12,"column":34}})");
  // Not a position: a file name first, no column, a zero, no space after the colon, none at all.
  for (const char* message : {"bad.csv:3:7: unparsable number", "3: what", "0:4: x", "1:2:x", "1:2",
                              "wrong token for loads", ""}) {
    INFO(message);
    REQUIRE_FALSE(ErrorPosition(message).has_value());
    REQUIRE(EncodeError(Status::InvalidArgument(message)).find("position") == std::string::npos);
  }
}

bool SameCell(const query::Cell& a, const query::Cell& b) {
  if (a.index() != b.index()) return false;
  if (const auto* d = std::get_if<double>(&a)) {
    return std::memcmp(d, &std::get<double>(b), sizeof(double)) == 0;  // bit for bit, -0.0 too
  }
  return a == b;
}

TEST_CASE("Protocol: a table survives the wire exactly (cells, kinds, doubles bit for bit)",
          "[server]") {
  query::Table t;
  t.columns = {{"indicator", query::ColumnType::kString, ""},
               {"period", query::ColumnType::kPeriod, ""},
               {"vintage", query::ColumnType::kDate, ""},
               {"value", query::ColumnType::kNumber, "亿元"},
               {"n", query::ColumnType::kInteger, "家"}};
  t.notes = {"yoy of rates in percentage points", "默认容差 0.5"};
  std::mt19937_64 rng(7);
  const double specials[] = {0.0,      -0.0,
                             5.0,      1.0 / 3,
                             20011.65, 5.7,
                             1e300,    1e-300,
                             4.9e-324, std::numeric_limits<double>::max(),
                             -1e22,    123456789012345678.0};
  const int64_t ints[] = {0, -1, 42, std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min()};
  for (int i = 0; i < 3000; ++i) {
    double d;
    if (i < 12) {
      d = specials[i];
    } else if (i % 2) {
      uint64_t bits = rng();
      std::memcpy(&d, &bits, sizeof d);
      if (!std::isfinite(d)) d = 1.5;
    } else {
      d = static_cast<double>(static_cast<int64_t>(rng() % 100000000)) / 1000.0;  // 3 decimals
    }
    t.rows.push_back({std::string("gdp_") + std::to_string(i), std::string("2023Q1-Q3"),
                      std::string("2024-01-20"), d, ints[i % 5]});
  }
  t.rows.push_back({std::monostate{}, std::string("武汉 \"quoted\" \\ \t\n\x01"), std::monostate{},
                    std::monostate{}, std::monostate{}});
  auto back = DecodeTableResponse(EncodeTable(t));
  REQUIRE_OK(back.status());
  REQUIRE(back->columns.size() == t.columns.size());
  for (size_t i = 0; i < t.columns.size(); ++i) {
    REQUIRE(back->columns[i].name == t.columns[i].name);
    REQUIRE(back->columns[i].type == t.columns[i].type);
    REQUIRE(back->columns[i].unit == t.columns[i].unit);
  }
  REQUIRE(back->notes == t.notes);
  REQUIRE(back->rows.size() == t.rows.size());
  size_t mismatches = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (!SameCell(back->rows[r][c], t.rows[r][c])) ++mismatches;
    }
  }
  REQUIRE(mismatches == 0);
}

TEST_CASE("Protocol: doubles stay doubles, NaN and infinities become null", "[server]") {
  query::Table t;
  t.columns = {{"value", query::ColumnType::kNumber, ""}};
  t.rows = {{5.0}, {std::nan("")}, {std::numeric_limits<double>::infinity()}, {int64_t{5}}};
  std::string payload = EncodeTable(t);
  REQUIRE(payload.find("[5.0]") != std::string::npos);
  REQUIRE(payload.find("[null],[null]") != std::string::npos);
  REQUIRE(payload.find("[5]") != std::string::npos);
  auto back = DecodeTableResponse(payload);
  REQUIRE_OK(back.status());
  REQUIRE(std::holds_alternative<double>(back->rows[0][0]));
  REQUIRE(std::holds_alternative<std::monostate>(back->rows[1][0]));
  REQUIRE(std::holds_alternative<std::monostate>(back->rows[2][0]));
  REQUIRE(std::holds_alternative<int64_t>(back->rows[3][0]));
}

TEST_CASE("Protocol: invalid UTF-8 in a table becomes U+FFFD, keeping the frame valid JSON",
          "[server]") {
  query::Table t;
  t.columns = {{"name", query::ColumnType::kString, ""}};
  // A stray continuation byte, a truncated 3-byte sequence, an overlong '/', a surrogate.
  t.rows = {{std::string("a\x80z")},
            {std::string("\xE6\xAD")},
            {std::string("\xC0\xAF")},
            {std::string("\xED\xA0\x80")},
            {std::string("武汉")}};
  auto back = DecodeTableResponse(EncodeTable(t));
  REQUIRE_OK(back.status());
  REQUIRE(std::get<std::string>(back->rows[0][0]) == "a\xEF\xBF\xBDz");
  REQUIRE(std::get<std::string>(back->rows[1][0]) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  REQUIRE(std::get<std::string>(back->rows[2][0]) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  REQUIRE(std::get<std::string>(back->rows[4][0]) == "武汉");
}

TEST_CASE("Protocol: malformed responses are IOError, not a crash", "[server]") {
  const char* cases[] = {
      "",
      "nope",
      "[]",
      R"({"ok":"yes"})",
      R"({"ok":true})",
      R"({"ok":true,"columns":[],"rows":{}})",
      R"({"ok":true,"columns":[{"name":1}],"rows":[]})",
      R"({"ok":true,"columns":[{"name":"a","type":"blob"}],"rows":[]})",
      R"({"ok":true,"columns":[{"name":"a"}],"rows":[[1,2]]})",
      R"({"ok":true,"columns":[{"name":"a"}],"rows":[[true]]})",
      R"({"ok":true,"columns":[{"name":"a"}],"rows":[[[1]]]})",
      R"({"ok":true,"columns":[],"rows":[],"notes":[1]})",
  };
  for (const char* c : cases) {
    INFO(c);
    auto r = DecodeTableResponse(c);
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.status().IsIOError());
  }
  REQUIRE(DecodeLoadResponse(R"({"ok":true})").status().IsIOError());
}

TEST_CASE("Protocol: load requests carry UTF-8 as text and other bytes as base64", "[server]") {
  std::vector<std::pair<std::string, std::string>> files = {
      {"utf8.csv", "indicator,period,value\ngdp,2023,20011.65\n武汉\n"},
      {"gbk.csv", std::string("\xCE\xE4\xBA\xBA,\x00\xFF\n", 8)},  // 武汉 in GBK, NUL, 0xFF
      {"a.csv", "x"},
      {"b.csv", "xy"},
  };
  auto req = EncodeLoadRequest(files, R"({"format":"long","vintage":"2024-01-20"})", "tok");
  REQUIRE_OK(req.status());
  REQUIRE(req->find("\"content\":\"indicator,period,value") != std::string::npos);
  REQUIRE(req->find("content_base64") != std::string::npos);
  auto parsed = ParseRequest(*req);
  REQUIRE_OK(parsed.status());
  REQUIRE(parsed->token == "tok");
  REQUIRE(parsed->format == "long");
  REQUIRE(parsed->vintage == "2024-01-20");
  REQUIRE(parsed->files.size() == files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    REQUIRE(parsed->files[i].name == files[i].first);
    REQUIRE(parsed->files[i].content == files[i].second);
  }
  // Every length modulo 3 of non-UTF-8 content.
  for (size_t n = 0; n < 40; ++n) {
    std::string bytes;
    for (size_t k = 0; k < n; ++k) bytes.push_back(static_cast<char>(0x80 + k * 37));
    auto r = EncodeLoadRequest({{"f", bytes}}, "", "");
    REQUIRE_OK(r.status());
    auto p = ParseRequest(*r);
    REQUIRE_OK(p.status());
    REQUIRE(p->files[0].content == bytes);
    REQUIRE(p->token.empty());
  }
  REQUIRE(EncodeLoadRequest(files, "[1]", "").status().IsInvalidArgument());
  REQUIRE(EncodeLoadRequest(files, "{", "").status().IsInvalidArgument());
}

TEST_CASE("Protocol: load response carries the summary and its text", "[server]") {
  LoadSummary s;
  s.write.load_id = 12;
  s.rows_read = 3;
  s.seconds = 0.25;
  std::string payload = EncodeLoadResponse(s, {"no vintage given"}, "loaded 1 file\n");
  REQUIRE(payload.find("\"load_id\":12") != std::string::npos);
  REQUIRE(payload.find("\"seconds\":0.25") != std::string::npos);
  auto text = DecodeLoadResponse(payload);
  REQUIRE_OK(text.status());
  REQUIRE(*text == "loaded 1 file\n");
  REQUIRE(DecodeStatusResponse(EncodePong()).ok());
  HelloInfo info;
  info.version = "0.1.0";
  info.max_frame_bytes = 1024;
  info.writes_allowed = true;
  info.query_timeout_ms = 1500;
  std::string hello = EncodeHello(info);
  REQUIRE(hello.find("\"protocol\":2") != std::string::npos);
  REQUIRE(hello.find("\"query_timeout_ms\":1500") != std::string::npos);
  REQUIRE(DecodeStatusResponse(hello).ok());
  // No key, none sent; a key comes back as sent.
  REQUIRE(hello.find("cancel_key") == std::string::npos);
  REQUIRE(DecodeHelloAnswer(hello)->cancel_key == "");
  REQUIRE(DecodeHelloAnswer(hello)->protocol == 2);
  info.cancel_key = "0123456789abcdef0123456789abcdef";
  REQUIRE(DecodeHelloAnswer(EncodeHello(info))->cancel_key == info.cancel_key);
  // A server of protocol 1 gave no key; a hello without "protocol" is not a hello.
  auto old = DecodeHelloAnswer(R"({"ok":true,"server":"ixdb","protocol":1})");
  REQUIRE(old.ok());
  CHECK(old->protocol == 1);
  CHECK(old->cancel_key.empty());
  CHECK(DecodeHelloAnswer(R"({"ok":true})").status().IsIOError());
}

TEST_CASE("Protocol: the fuzz corpus replays cleanly (decode, re-encode, decode again)",
          "[server]") {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(IXDB_SERVER_FUZZ_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    INFO(entry.path().string());
    REQUIRE(fuzz::CheckProtocolInput(content.str()).empty());
    ++files;
  }
  REQUIRE(files >= 7);
}

}  // namespace
}  // namespace ixdb::server
