#include "cli/name_search.hpp"

#include <algorithm>
#include <string>

#include "cli/result_cells.hpp"

namespace ixdb::cli {
namespace {

bool Delimiter(char c) {
  return std::string_view(" \t\r\n()[],+-*/=<>~:;!#'\"").find(c) != std::string_view::npos;
}

}  // namespace

std::vector<std::string> NamesWhereCodesGo(std::string_view s, size_t max) {
  std::vector<std::string> words;
  std::vector<std::string> calls;  // names of the calls we are inside, innermost last
  std::string previous;            // the word before the current one
  std::string last_word;
  size_t i = 0;
  while (i < s.size() && words.size() < max) {
    const char c = s[i];
    if (c == '\'' || c == '"') {
      const size_t end = s.find(c, i + 1);
      i = end == std::string_view::npos ? s.size() : end + 1;
      previous.clear();
      continue;
    }
    if (c == '#') {
      const size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
      continue;
    }
    if (c == '(') {
      calls.push_back(last_word);
      last_word.clear();
      ++i;
      continue;
    }
    if (c == ')') {
      if (!calls.empty()) calls.pop_back();
      last_word.clear();
      ++i;
      continue;
    }
    if (Delimiter(c)) {
      if (c != ' ' && c != '\t') last_word.clear();
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < s.size() && !Delimiter(s[i])) ++i;
    const std::string word(s.substr(start, i - start));
    const bool non_ascii = std::any_of(
        word.begin(), word.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
    const bool in_search = !calls.empty() && calls.back() == "search";
    const bool numeric = word[0] >= '0' && word[0] <= '9';
    if (non_ascii && !numeric && !in_search && previous != "in" &&
        std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(word);
    }
    previous = word;
    last_word = word;
  }
  return words;
}

std::string SearchQuery(std::string_view word) {
  const char quote = word.find('"') == std::string_view::npos ? '"' : '\'';
  return "search(" + std::string(1, quote) + std::string(word) + std::string(1, quote) + ")";
}

std::string NameHint(std::string_view word, const query::Table& found) {
  if (found.rows.empty()) return {};
  constexpr size_t kShown = 5;
  std::string out = "hint: " + std::string(word) + " is a name, not a series code; " +
                    SearchQuery(word) + " finds ";
  for (size_t r = 0; r < found.rows.size() && r < kShown; ++r) {
    if (r > 0) out += ", ";
    out += TextAt(found, r, "indicator");
    const std::string name = TextAt(found, r, "name");
    if (!name.empty()) out += " (" + name + ")";
  }
  if (found.rows.size() > kShown)
    out += " and " + std::to_string(found.rows.size() - kShown) + " more";
  return out;
}

}  // namespace ixdb::cli
