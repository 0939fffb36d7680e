#include "cli/completion.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include "cli/meta_commands.hpp"
#include "cli/name_search.hpp"
#include "cli/result_cells.hpp"
#include "common/strings.hpp"
#include "common/utf8.hpp"

namespace ixdb::cli {

const char* Completer::kWordBreaks = " \t\n\"'()[],=+*<>~;:!#%&|{}";

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void AddMatching(const std::vector<std::string>& words, std::string_view prefix,
                 std::string_view suffix, std::set<std::string>* out) {
  for (const auto& w : words) {
    if (StartsWith(w, prefix)) out->insert(w + std::string(suffix));
  }
}

// What `s` (a statement so far) is in the middle of: the calls open at its end, innermost
// last, with the commas seen in each, and where a top-level where / order by starts.
struct Scan {
  struct Call {
    std::string name;
    int commas = 0;
  };
  std::vector<Call> calls;
  size_t clause = std::string::npos;
};

Scan ScanStatement(std::string_view s) {
  Scan scan;
  std::string last_word;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '"' || c == '\'') {
      const size_t end = s.find(c, i + 1);
      i = end == std::string_view::npos ? s.size() : end + 1;
      last_word.clear();
      continue;
    }
    if (c == '#') {
      const size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
      continue;
    }
    if (IsIdentChar(c)) {
      const size_t start = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      last_word = std::string(s.substr(start, i - start));
      if (scan.calls.empty() && scan.clause == std::string::npos &&
          (last_word == "where" || last_word == "order")) {
        scan.clause = start;
      }
      continue;
    }
    if (c == '(' || c == '[') {
      scan.calls.push_back({c == '(' ? last_word : "[", 0});
    } else if ((c == ')' || c == ']') && !scan.calls.empty()) {
      scan.calls.pop_back();
    } else if (c == ',' && !scan.calls.empty()) {
      ++scan.calls.back().commas;
    }
    if (c != ' ' && c != '\t' && c != '\n') last_word.clear();
    ++i;
  }
  return scan;
}

// The column `name` of a result; nothing when the query failed (completion offers less, the
// user sees the error when the statement runs).
std::vector<std::string> Column(const Result<query::Table>& t, std::string_view name) {
  std::vector<std::string> out;
  if (!t.ok()) return out;
  for (auto& v : TextColumn(*t, name)) {
    if (!v.empty()) out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::string> Files(std::string_view word) {
  const size_t slash = word.rfind('/');
  const std::string typed_dir =
      slash == std::string_view::npos ? "" : std::string(word.substr(0, slash + 1));
  const std::string prefix(slash == std::string_view::npos ? word : word.substr(slash + 1));
  std::string dir = typed_dir.empty() ? "." : typed_dir;
  if (StartsWith(dir, "~/")) {
    const char* home = std::getenv("HOME");
    if (home != nullptr) dir = std::string(home) + dir.substr(1);
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!StartsWith(name, prefix)) continue;
    if (name[0] == '.' && (prefix.empty() || prefix[0] != '.')) continue;
    std::error_code dir_ec;
    out.push_back(typed_dir + name + (entry.is_directory(dir_ec) ? "/" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string CommonPrefix(const std::vector<std::string>& candidates) {
  if (candidates.empty()) return {};
  std::string_view prefix = candidates[0];
  for (const auto& c : candidates) {
    size_t n = 0;
    while (n < prefix.size() && n < c.size() && prefix[n] == c[n]) ++n;
    prefix = prefix.substr(0, n);
  }
  // Not in the middle of a UTF-8 character.
  while (!prefix.empty() && (static_cast<unsigned char>(prefix.back()) & 0xC0) == 0x80)
    prefix.remove_suffix(1);
  if (!prefix.empty() && static_cast<unsigned char>(prefix.back()) >= 0xC0) prefix.remove_suffix(1);
  return std::string(prefix);
}

const std::vector<std::string>& Completer::Codes() {
  if (!codes_) codes_ = Column(backend_.Query("list()"), "indicator");
  return *codes_;
}

const std::vector<std::string>& Completer::Functions() {
  if (!functions_) functions_ = Column(backend_.Query("functions()"), "name");
  return *functions_;
}

const std::vector<std::string>& Completer::Columns(const std::string& expression) {
  auto it = columns_.find(expression);
  if (it != columns_.end()) return it->second;
  std::vector<std::string> names;
  // The result's columns without its rows.
  auto t = backend_.Query(expression + " limit 0");
  if (t.ok()) {
    for (const auto& c : t->columns) names.push_back(c.name);
  }
  return columns_.emplace(expression, std::move(names)).first->second;
}

std::vector<std::string> Completer::CodesNamed(std::string_view name) {
  return Column(backend_.Query(SearchQuery(name)), "indicator");
}

std::vector<std::string> Completer::Complete(std::string_view before, std::string_view word) {
  std::set<std::string> out;
  const std::string_view statement = Trim(before);
  // A meta command's name.
  if (statement.empty() && !word.empty() && (word[0] == '.' || word[0] == '\\')) {
    for (auto name : MetaCommandNames()) {
      name[0] = word[0];
      if (StartsWith(name, word)) out.insert(name);
    }
    return {out.begin(), out.end()};
  }
  std::string expression_before(before);
  if (!statement.empty() && (statement[0] == '.' || statement[0] == '\\')) {
    size_t end = 1;
    while (end < statement.size() && statement[end] != ' ' && statement[end] != '\t') ++end;
    const std::string_view name = statement.substr(1, end - 1);
    if (name == "i" || name == "read" || name == "o" || name == "output") {
      const auto files = Files(word);
      return {files.begin(), files.end()};
    }
    auto words = [&](std::initializer_list<const char*> list) {
      for (const char* w : list) {
        if (StartsWith(w, word)) out.insert(w);
      }
      return std::vector<std::string>(out.begin(), out.end());
    };
    if (name == "x" || name == "expanded") return words({"on", "off", "auto"});
    if (name == "format" || name == "mode") return words({"table", "csv", "json", "line"});
    if (name == "pset") return words({"pager", "null", "expanded", "format"});
    if (name == "asof") return words({"off"});
    if (name == "pager" || name == "bom" || name == "timer" || name == "separators")
      return words({"on", "off"});
    if (name == "help" || name == "h" || name == "?") {
      AddMatching(Functions(), word, "", &out);
      return {out.begin(), out.end()};
    }
    if (name != "d" && name != "describe" && name != "plot" && name != "spark" && name != "series")
      return {};
    expression_before = std::string(statement.substr(end));
  }
  // A code after an operator the word breaks do not cut at (gdp/pop, gdp-gd): complete the
  // part after it, keep the head.
  const size_t cut = word.find_last_of("/-.");
  const std::string head(cut == std::string_view::npos ? std::string_view()
                                                       : word.substr(0, cut + 1));
  const std::string_view tail = cut == std::string_view::npos ? word : word.substr(cut + 1);
  if (!tail.empty() && std::isdigit(static_cast<unsigned char>(tail[0])))
    return {};  // a number or period
  const Scan scan = ScanStatement(expression_before + head);
  std::vector<std::string> found;
  if (!scan.calls.empty()) {
    const auto& call = scan.calls.back();
    if (((call.name == "annual" || call.name == "quarterly") && call.commas >= 1) ||
        (call.name == "rolling" && call.commas >= 2)) {
      AddMatching({"sum", "avg", "end"}, tail, "", &out);
      if (call.name == "rolling") out.erase("end");
      for (const auto& c : out) found.push_back(head + c);
      return found;
    }
  }
  if (scan.clause != std::string::npos) {
    const std::string expression(Trim(std::string_view(expression_before).substr(0, scan.clause)));
    AddMatching(Columns(expression), tail, "", &out);
    AddMatching({"and", "or", "not", "order", "by", "limit", "asc", "desc", "null"}, tail, "",
                &out);
  } else if (std::any_of(tail.begin(), tail.end(),
                         [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    for (const auto& code : CodesNamed(tail)) out.insert(code);
  } else {
    AddMatching(Codes(), tail, "", &out);
    AddMatching(Functions(), tail, "(", &out);
  }
  for (const auto& c : out) found.push_back(head + c);
  return found;
}

}  // namespace ixdb::cli
