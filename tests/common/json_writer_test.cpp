#include "common/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "tests/common/test_util.hpp"

namespace ixdb {
namespace {

std::string Quoted(std::string_view raw) {
  std::string out;
  AppendJsonString(out, raw);
  return out;
}

TEST_CASE("AppendJsonString: escapes what JSON requires, keeps Chinese text as it is", "[common]") {
  const std::pair<std::string, std::string> cases[] = {
      {"", R"("")"},
      {"gdp", R"("gdp")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"a\\b", R"("a\\b")"},
      {"\n\r\t\b\f", R"("\n\r\t\b\f")"},
      {std::string("\x01\x1f\x7f", 3), R"("\u0001\u001f\u007f")"},
      {std::string("a\0b", 3), R"("a\u0000b")"},
      {"武汉 GDP 亿元", R"("武汉 GDP 亿元")"},
      {"😀", R"("😀")"},  // 4-byte sequences pass too
  };
  for (const auto& [raw, json] : cases) {
    INFO(raw);
    REQUIRE(Quoted(raw) == json);
  }
}

TEST_CASE("AppendJsonString: each byte that is not UTF-8 becomes U+FFFD", "[common]") {
  const std::string kFffd = "\xEF\xBF\xBD";
  // A stray continuation byte, a truncated 3-byte sequence, an overlong '/', a surrogate.
  REQUIRE(Quoted("a\x80z") == "\"a" + kFffd + "z\"");
  REQUIRE(Quoted("\xE6\xAD") == "\"" + kFffd + kFffd + "\"");
  REQUIRE(Quoted("\xC0\xAF") == "\"" + kFffd + kFffd + "\"");
  REQUIRE(Quoted("\xED\xA0\x80") == "\"" + kFffd + kFffd + kFffd + "\"");
  // 武汉 in GBK is CE E4 BA BA: CE is not followed by a continuation byte, and E4 BA BA happens
  // to be valid UTF-8 (人), so only the first byte is replaced.
  REQUIRE(Quoted("\xCE\xE4\xBA\xBA") == "\"" + kFffd + "人\"");
}

TEST_CASE("JsonWriter: commas and colons in nested objects and arrays", "[common]") {
  std::string out;
  JsonWriter json(out);
  json.BeginObject()
      .Key("ok")
      .Bool(true)
      .Key("columns")
      .BeginArray()
      .BeginObject()
      .Key("name")
      .String("value")
      .Key("unit")
      .String("亿元")
      .EndObject()
      .BeginObject()
      .EndObject()
      .EndArray()
      .Key("rows")
      .BeginArray()
      .BeginArray()
      .String("gdp")
      .Null()
      .Int(-3)
      .EndArray()
      .BeginArray()
      .EndArray()
      .EndArray()
      .Key("notes")
      .StringArray({"a", "b\n"})
      .Key("empty")
      .StringArray({})
      .EndObject();
  REQUIRE(out ==
          R"({"ok":true,"columns":[{"name":"value","unit":"亿元"},{}],"rows":[["gdp",null,-3],[]],)"
          R"("notes":["a","b\n"],"empty":[]})");
}

TEST_CASE("JsonWriter: appends one value where the string ends", "[common]") {
  std::string out = "[\n  ";
  JsonWriter(out).BeginObject().Key("k \"1\"").Uint(7).EndObject();
  out += ",\n  ";
  JsonWriter(out).String("x");
  REQUIRE(out == "[\n  {\"k \\\"1\\\"\":7},\n  \"x\"");
}

TEST_CASE("JsonWriter: integers exactly, at both ends of their range", "[common]") {
  std::string out;
  JsonWriter json(out);
  json.BeginArray()
      .Int(0)
      .Int(std::numeric_limits<int64_t>::min())
      .Int(std::numeric_limits<int64_t>::max())
      .Uint(std::numeric_limits<uint64_t>::max())
      .Number("20011.65")
      .EndArray();
  REQUIRE(out == "[0,-9223372036854775808,9223372036854775807,18446744073709551615,20011.65]");
}

TEST_CASE("JsonWriter: doubles are shortest, stay doubles, non-finite is null", "[common]") {
  const std::pair<double, std::string> cases[] = {
      {5.0, "5.0"},
      {-0.0, "-0.0"},
      {0.1, "0.1"},
      {20011.65, "20011.65"},
      {1.0 / 3, "0.3333333333333333"},
      {1e300, "1e+300"},
      {1e21, "1e+21"},
      {123456789012345678.0, "123456789012345680.0"},  // 17 significant digits, then a zero
      {4.9e-324, "5e-324"},                            // the smallest subnormal
      {std::numeric_limits<double>::quiet_NaN(), "null"},
      {std::numeric_limits<double>::infinity(), "null"},
      {-std::numeric_limits<double>::infinity(), "null"},
  };
  for (const auto& [value, text] : cases) {
    INFO(text);
    std::string out;
    JsonWriter(out).Double(value);
    REQUIRE(out == text);
  }
}

TEST_CASE("JsonWriter: random doubles read back bit for bit", "[common]") {
  std::mt19937_64 rng(20240120);
  size_t mismatches = 0;
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    std::string out;
    JsonWriter(out).Double(d);
    double back = 0;
    auto r = std::from_chars(out.data(), out.data() + out.size(), back);
    if (r.ec != std::errc() || r.ptr != out.data() + out.size() ||
        std::memcmp(&back, &d, sizeof d) != 0) {
      ++mismatches;
    }
  }
  REQUIRE(mismatches == 0);
}

}  // namespace
}  // namespace ixdb
