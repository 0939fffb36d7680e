#include "cli/name_search.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ixdb::cli {

TEST_CASE("NamesWhereCodesGo: Chinese words where a code could stand", "[cli]") {
  struct Case {
    std::string statement;
    std::vector<std::string> words;
  };
  const Case cases[] = {
      {"yoy(零售)", {"零售"}},
      {"零售 + 地区生产总值", {"零售", "地区生产总值"}},
      {"gdp[2023年前三季度]", {}},  // a period
      {"gdp in 万亿元", {}},        // a unit
      {"search(零售)", {}},         // already a search
      {"search(\"零售\") + 零售额", {"零售额"}},
      {"list(name=\"零售\")", {}},  // quoted text
      {"gdp # 地区生产总值", {}},   // a comment
      {"yoy(GDP增长)", {"GDP增长"}},
      {"a + 甲 + 乙 + 丙 + 丁", {"甲", "乙", "丙"}},  // at most three
      {"零售 + 零售", {"零售"}},
  };
  for (const auto& c : cases) {
    INFO(c.statement);
    CHECK(NamesWhereCodesGo(c.statement) == c.words);
  }
}

TEST_CASE("NameHint: the series search() finds, five at most", "[cli]") {
  query::Table found;
  found.columns = {{"indicator", query::ColumnType::kString, ""},
                   {"name", query::ColumnType::kString, ""}};
  CHECK(NameHint("零售", found).empty());
  for (int i = 1; i <= 7; ++i)
    found.rows.push_back({"s" + std::to_string(i), std::string(i == 2 ? "" : "名")});
  CHECK(NameHint("零售", found) ==
        "hint: 零售 is a name, not a series code; search(\"零售\") finds s1 (名), s2, s3 (名), s4 "
        "(名), "
        "s5 (名) and 2 more");
  CHECK(SearchQuery("say \"hi\"") == "search('say \"hi\"')");
}

}  // namespace ixdb::cli
