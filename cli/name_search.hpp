#pragma once
// A Chinese name typed where a series code goes (`yoy(零售)`): the shell finds such words in a
// failed statement and suggests the series `search(...)` finds for them; Tab completion turns
// such a word into the codes. Pure functions; the session runs the search query.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "query/table.hpp"

namespace ixdb::cli {

// The words of `statement` holding non-ASCII text that stand where a code could: outside
// quotes and `#` comments, not a period or number (2023年前三季度), not the unit after `in`,
// not the argument of search(). In order, each once, at most `max`.
std::vector<std::string> NamesWhereCodesGo(std::string_view statement, size_t max = 3);

// The query finding the series whose code, Chinese or English name contains `word`:
// search("word"), quoted so that any text works.
std::string SearchQuery(std::string_view word);

// For a result of SearchQuery(word): "hint: 零售 is a name, not a series code; search(\"零售\")
// finds retail (社会消费品零售总额（当月）), retail_ytd (...)", at most five series and how many
// more. Empty when `found` has no rows.
std::string NameHint(std::string_view word, const query::Table& found);

}  // namespace ixdb::cli
