#include "common/base64.hpp"

#include <string>

#include "tests/common/test_util.hpp"

namespace ixdb {
namespace {

std::string Encode(std::string_view bytes) {
  std::string out;
  AppendBase64(out, bytes);
  return out;
}

TEST_CASE("Base64: the test vectors of RFC 4648 section 10, both ways", "[common]") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) {
    INFO(bytes);
    REQUIRE(Encode(bytes) == text);
    auto back = DecodeBase64(text);
    REQUIRE_OK(back.status());
    REQUIRE(*back == bytes);
  }
  // 中文 in GB18030 (D6 D0 CE C4), as a client sends a GBK export.
  REQUIRE(Encode("\xD6\xD0\xCE\xC4") == "1tDOxA==");
  // Appends: what is already in `out` stays.
  std::string out = "x:";
  AppendBase64(out, "foo");
  REQUIRE(out == "x:Zm9v");
}

TEST_CASE("Base64: every byte value and every length modulo 3 round-trips", "[common]") {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (size_t n = 0; n <= all.size(); n += 1 + n / 8) {
    std::string bytes = all.substr(all.size() - n);
    std::string text = Encode(bytes);
    REQUIRE(text.size() == (n + 2) / 3 * 4);
    auto back = DecodeBase64(text);
    REQUIRE_OK(back.status());
    REQUIRE(*back == bytes);
  }
}

TEST_CASE("Base64: bad text is InvalidArgument naming where it goes wrong", "[common]") {
  struct Case {
    std::string text;
    std::string message_part;
  };
  const Case cases[] = {
      {"abc", "base64 of 3 characters: the length must be a multiple of 4"},
      {"Zm9vY", "base64 of 5 characters"},
      {"%%%%", "character 0 is not in the alphabet"},
      {"Zm9v Zg=", "character 4 is not in the alphabet"},
      {"Zg=a", "character 2 is not in the alphabet"},      // padding followed by a digit
      {"Zg==Zm9v", "character 2 is not in the alphabet"},  // padding before the end
      {"Z===", "character 1 is not in the alphabet"},      // three padding characters
      {"Zm9-", "character 3 is not in the alphabet"},      // the URL-safe alphabet is not this one
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = DecodeBase64(c.text);
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.status().IsInvalidArgument());
    INFO(r.status().message());
    REQUIRE(r.status().message().find(c.message_part) != std::string::npos);
  }
}

}  // namespace
}  // namespace ixdb
