#include "common/strings.hpp"

#include <catch2/catch.hpp>

namespace ixdb {

TEST_CASE("Strings: Trim removes ASCII white space and the ideographic space", "[common]") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"", ""},
      {"gdp", "gdp"},
      {"  gdp\t", "gdp"},
      {"\r\n gdp \n", "gdp"},
      {"\u3000武汉\u3000", "武汉"},
      {" \u3000 a b \u3000", "a b"},
      {"\u3000", ""},
      {"   ", ""},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(Trim(c.in) == c.out);
  }
}

TEST_CASE("Strings: ASCII case rules leave UTF-8 alone", "[common]") {
  CHECK(Lower("GDP_Growth") == "gdp_growth");
  CHECK(Lower("武汉GDP") == "武汉gdp");
  CHECK(EqualsIgnoreCase("N/A", "n/a"));
  CHECK_FALSE(EqualsIgnoreCase("na", "n/a"));
  CHECK(ContainsIgnoreCase("Retail sales, month", "SALES"));
  CHECK(ContainsIgnoreCase("社会消费品零售总额", "零售"));
  CHECK(ContainsIgnoreCase("abc", ""));
  CHECK_FALSE(ContainsIgnoreCase("ab", "abc"));
}

TEST_CASE("Strings: Split keeps empty pieces", "[common]") {
  CHECK(Split("a,,b", ',') == std::vector<std::string_view>{"a", "", "b"});
  CHECK(Split("", ',') == std::vector<std::string_view>{""});
  CHECK(Split("a,", ',') == std::vector<std::string_view>{"a", ""});
}

TEST_CASE("Strings: GlobMatch of whole codes", "[common]") {
  struct Case {
    const char* pattern;
    const char* text;
    bool match;
  };
  const Case cases[] = {
      {"gdp*", "gdp_growth", true}, {"gdp*", "xgdp", false},  {"*growth", "gdp_growth", true},
      {"g?p", "gdp", true},         {"g?p", "gp", false},     {"*", "", true},
      {"a*b*c", "aXbYc", true},     {"a*b*c", "aXbY", false}, {"gdp", "gdp", true},
  };
  for (const auto& c : cases) {
    INFO(c.pattern << " ~ " << c.text);
    CHECK(GlobMatch(c.pattern, c.text) == c.match);
  }
}

TEST_CASE("Strings: EditDistance is Levenshtein, capped", "[common]") {
  CHECK(EditDistance("gdp", "gdp", 2) == 0);
  CHECK(EditDistance("gpd", "gdp", 2) == 2);
  CHECK(EditDistance("gdp", "gdp_growth", 3) == 4);
  CHECK(EditDistance("gdp", "gdp_growth", 10) == 7);
  CHECK(EditDistance("retial", "retail", 2) == 2);
  CHECK(EditDistance("", "abc", 5) == 3);
  CHECK(EditDistance(std::string(300, 'a'), std::string(300, 'a'), 2) == 3);  // too long: capped
}

}  // namespace ixdb
