#include "server/internal/url.hpp"

#include "tests/common/test_util.hpp"

namespace ixdb::server::internal {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("URL: a target's path and decoded parameters", "[server]") {
  struct Case {
    const char* target;
    const char* path;
    Params params;
  };
  const Case cases[] = {
      {"/query?q=yoy(gdp)&format=csv", "/query", {{"q", "yoy(gdp)"}, {"format", "csv"}}},
      {"/query?q=yoy%28gdp%29%5B2020%3A%5D", "/query", {{"q", "yoy(gdp)[2020:]"}}},
      // "+" is a space (form encoding); %2B is a plus.
      {"/query?q=gdp+%2B+1", "/query", {{"q", "gdp + 1"}}},
      // What browsers, curl and Python send unencoded: brackets, quotes, UTF-8.
      {"/query?q=gdp[2020:]", "/query", {{"q", "gdp[2020:]"}}},
      {"/series?text=零售&unit=\"亿元\"", "/series", {{"text", "零售"}, {"unit", "\"亿元\""}}},
      {"/series?text=%E9%9B%B6%E5%94%AE", "/series", {{"text", "零售"}}},
      {"/health", "/health", {}},
      {"/a%20b?flag&x=", "/a b", {{"flag", ""}, {"x", ""}}},
      {"/?q=a&q=b", "/", {{"q", "a"}, {"q", "b"}}},
  };
  for (const Case& c : cases) {
    INFO(c.target);
    auto t = ParseRequestTarget(c.target);
    REQUIRE_OK(t.status());
    CHECK(t->path == c.path);
    CHECK(t->params == c.params);
  }
}

TEST_CASE("URL: malformed targets are InvalidArgument", "[server]") {
  for (const char* target : {"query?q=1", "/query?q=%zz", "/query?q=%4", "http://h/x", ""}) {
    INFO(target);
    auto t = ParseRequestTarget(target);
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().IsInvalidArgument());
  }
}

TEST_CASE("URL: form bodies", "[server]") {
  auto p = ParseFormBody("q=targets%282024%29+where+status+%3D+missed&format=csv");
  REQUIRE_OK(p.status());
  CHECK(*p == Params{{"q", "targets(2024) where status = missed"}, {"format", "csv"}});
  CHECK(ParseFormBody("q=%").status().IsInvalidArgument());
}

}  // namespace
}  // namespace ixdb::server::internal
