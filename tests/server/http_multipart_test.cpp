#include "server/http_multipart.hpp"

#include "tests/common/test_util.hpp"

namespace ixdb::server {
namespace {

TEST_CASE("Multipart: the boundary of a form's Content-Type", "[server]") {
  const std::pair<const char*, const char*> cases[] = {
      {"multipart/form-data; boundary=abc", "abc"},
      {"Multipart/Form-Data;boundary=\"a b;c\"", "a b;c"},
      {"multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4",
       "----WebKitFormBoundary7MA4"},
      {"multipart/form-data", ""},
      {"text/csv; boundary=abc", ""},
      {"", ""},
  };
  for (const auto& [content_type, boundary] : cases) {
    INFO(content_type);
    CHECK(MultipartBoundary(content_type) == boundary);
  }
}

TEST_CASE("Multipart: parts with their names, file names and bytes", "[server]") {
  // A preamble, a binary part (CR, LF and a would-be boundary without its CRLF inside), a
  // field, and an epilogue.
  const std::string binary = std::string("\xB9\xFA\xBC\xD2\r\n--b0und", 11) + "ary\nend";
  const std::string body =
      "preamble\r\n--b0undary\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"gbk \\\"x\\\".csv\"\r\n"
      "content-type: application/octet-stream\r\n\r\n" +
      binary +
      "\r\n--b0undary  \r\n"
      "Content-Disposition: form-data; name=vintage\r\n\r\n"
      "2024-01-20\r\n--b0undary--\r\nepilogue";
  auto parts = ParseMultipart("b0undary", body);
  REQUIRE_OK(parts.status());
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].name == "file");
  CHECK((*parts)[0].filename == "gbk \"x\".csv");
  CHECK((*parts)[0].content_type == "application/octet-stream");
  CHECK((*parts)[0].content == binary);
  CHECK((*parts)[1].name == "vintage");
  CHECK((*parts)[1].filename.empty());
  CHECK((*parts)[1].content == "2024-01-20");
}

TEST_CASE("Multipart: malformed bodies are errors that say what is wrong", "[server]") {
  const std::pair<std::string, const char*> cases[] = {
      {"no boundary here", "does not contain its boundary"},
      {"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue", "not closed by --b--"},
      {"--b\r\nContent-Disposition: form-data; name=a", "headers not ended"},
      {"--b\r\nContent-Type: text/csv\r\n\r\nx\r\n--b--", "no Content-Disposition"},
      {"--bXY", "not followed by CRLF"},
  };
  for (const auto& [body, message] : cases) {
    INFO(body);
    auto parts = ParseMultipart("b", body);
    REQUIRE_FALSE(parts.ok());
    CHECK(parts.status().IsInvalidArgument());
    CHECK(parts.status().message().find(message) != std::string::npos);
  }
  CHECK(ParseMultipart("", "--\r\n").status().IsInvalidArgument());
  // No part at all is a valid (empty) form.
  auto empty = ParseMultipart("b", "--b--\r\n");
  REQUIRE_OK(empty.status());
  CHECK(empty->empty());
}

}  // namespace
}  // namespace ixdb::server
