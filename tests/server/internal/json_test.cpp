#include "server/internal/json.hpp"

#include <charconv>
#include <cstring>
#include <random>

#include "tests/common/test_util.hpp"

namespace ixdb::server::internal {
namespace {

namespace json = boost::json;

TEST_CASE("ParseJson: numbers are read exactly, as std::from_chars reads them", "[server]") {
  // Boost.JSON 1.81 alone gets about a quarter of these one ulp off.
  std::mt19937_64 rng(42);
  size_t mismatches = 0;
  for (int i = 0; i < 5000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific, 16);
    std::string text = "[" + std::string(buf, r.ptr) + "]";
    json::value v;
    REQUIRE_OK(ParseJson(text, &v));
    double expected = 0;
    std::from_chars(buf, r.ptr, expected);
    double got = v.get_array()[0].as_double();
    if (std::memcmp(&got, &expected, sizeof got) != 0) ++mismatches;
  }
  REQUIRE(mismatches == 0);
  json::value v;
  REQUIRE_OK(ParseJson(R"({"i":-7,"u":18446744073709551615,"big":1e400})", &v));
  REQUIRE(v.at("i").as_int64() == -7);
  REQUIRE(v.at("u").as_uint64() == UINT64_MAX);
  REQUIRE(std::isinf(v.at("big").as_double()));  // out of range: Boost's infinity stays
}

TEST_CASE("ParseJson: errors name the byte, nesting is limited", "[server]") {
  json::value v;
  Status s = ParseJson(R"({"op":"ping"} x)", &v);
  REQUIRE(s.IsInvalidArgument());
  REQUIRE(s.message().rfind("malformed JSON at byte 14: ", 0) == 0);
  REQUIRE(ParseJson("", &v).message().rfind("malformed JSON at byte 0", 0) == 0);
  REQUIRE(ParseJson("\"\xff\"", &v).IsInvalidArgument());  // not UTF-8
  std::string deep = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  REQUIRE_OK(ParseJson(deep, &v));
  std::string deeper = "[" + deep + "]";
  REQUIRE(ParseJson(deeper, &v).IsInvalidArgument());
  REQUIRE_OK(ParseJson(" {} \n", &v));
}

TEST_CASE("GetString: absent, present, wrong type, and the path in messages", "[server]") {
  json::value v;
  REQUIRE_OK(ParseJson(R"({"name":"a.csv","size":3})", &v));
  const json::object& obj = v.get_object();
  std::string out = "kept";
  REQUIRE_OK(GetString(obj, "token", "token", false, &out));
  REQUIRE(out == "kept");
  REQUIRE_OK(GetString(obj, "name", "files[0].name", true, &out));
  REQUIRE(out == "a.csv");
  REQUIRE(GetString(obj, "q", "q", true, &out).message() == "missing \"q\" (a string)");
  REQUIRE(GetString(obj, "size", "files[2].size", true, &out).message() ==
          "\"files[2].size\" must be a string, not a number");
  REQUIRE(KindName(json::kind::null) == "null");
  REQUIRE(KindName(json::kind::array) == "an array");
}

TEST_CASE("WriteValue: a parsed value writes back as compact JSON", "[server]") {
  json::value v;
  REQUIRE_OK(ParseJson(
      R"( {"format" : "long", "n":[1, -2, 5.0, 0.1, true, null, {}], "s":"武汉\n"} )", &v));
  std::string out;
  JsonWriter writer(out);
  WriteValue(writer, v);
  REQUIRE(out == R"({"format":"long","n":[1,-2,5.0,0.1,true,null,{}],"s":"武汉\n"})");
}

}  // namespace
}  // namespace ixdb::server::internal
