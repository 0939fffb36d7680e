#include "common/utf8.hpp"

#include <catch2/catch.hpp>

namespace ixdb {

TEST_CASE("Utf8: validation rejects overlong forms, surrogates and truncated sequences",
          "[common]") {
  struct Case {
    std::string text;
    size_t first_bad;
  };
  const Case cases[] = {
      {"gdp 增长 5%", std::string_view::npos},
      {"", std::string_view::npos},
      {"abc\xC0\xAF", 3},                            // overlong '/'
      {"\xED\xA0\x80", 0},                           // a surrogate
      {"ok\xE6\xAD", 2},                             // truncated 3-byte sequence
      {"\xF4\x90\x80\x80", 0},                       // above U+10FFFF
      {std::string(20, 'a') + "\xFF", 20},           // past the 8-byte ASCII skip
      {"\xF0\x9F\x98\x80", std::string_view::npos},  // U+1F600
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(FindInvalidUtf8(c.text) == c.first_bad);
    CHECK(IsValidUtf8(c.text) == (c.first_bad == std::string_view::npos));
  }
}

TEST_CASE("Utf8: SanitizeUtf8 replaces each bad byte with U+FFFD", "[common]") {
  CHECK(SanitizeUtf8("武汉") == "武汉");
  CHECK(SanitizeUtf8("a\xFF"
                     "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(SanitizeUtf8("\xE6\xAD") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("Utf8: display width counts CJK as two columns", "[common]") {
  CHECK(DisplayWidth("gdp") == 3);
  CHECK(DisplayWidth("武汉") == 4);
  CHECK(DisplayWidth("地区生产总值（亿元）") == 20);
  CHECK(DisplayWidth("e\xCC\x81") == 1);  // e + combining acute accent
  CHECK(DisplayWidth("a\xFF") == 2);      // an invalid byte takes one column
  CHECK(CodePointCount("武汉gdp") == 5);
  CHECK(PrefixOfWidth("武汉市", 5) == "武汉");
  CHECK(PrefixOfWidth("武汉市", 6) == "武汉市");
  CHECK(PrefixOfWidth("ab武", 3) == "ab");
}

}  // namespace ixdb
