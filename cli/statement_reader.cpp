#include "cli/statement_reader.hpp"

#include <vector>

#include "common/strings.hpp"
#include "common/utf8.hpp"

namespace ixdb::cli {
namespace {

// `s` without white space at its end (ASCII and U+3000, as Trim).
std::string_view TrimEnd(std::string_view s) {
  std::string_view t = Trim(s);
  if (t.empty()) return {};
  return s.substr(0, static_cast<size_t>(t.data() - s.data()) + t.size());
}

struct Bracket {
  size_t line;    // 0-based line of the statement
  size_t column;  // 1-based column in characters on that line
  char ch;
};

// The brackets still open at the end of `s`, outermost first. Brackets inside '...' or "..."
// and after `#` (a comment to the end of the line) do not count; a stray closer is ignored,
// so it does not make every later line a continuation.
std::vector<Bracket> OpenBrackets(std::string_view s) {
  std::vector<Bracket> open;
  char quote = 0;
  size_t line = 0, column = 0;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) n = 1;
    ++column;
    if (c == '\n') {  // (a string may go on over several lines)
      ++line;
      column = 0;
    } else if (quote) {
      if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n') {
        ++i;
        ++column;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '#') {
      const size_t nl = s.find('\n', i);
      if (nl == std::string_view::npos) break;
      i = nl;
      continue;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      open.push_back({line, column, c});
    } else if (c == ')' || c == ']' || c == '}') {
      if (!open.empty()) open.pop_back();
    }
    i += n;
  }
  return open;
}

}  // namespace

bool StatementReader::AddLine(std::string_view line, size_t line_no) {
  std::string_view t = TrimEnd(line);
  const bool continued = !t.empty() && t.back() == '\\';
  if (continued) t = TrimEnd(t.substr(0, t.size() - 1));
  if (buffer_.empty()) {
    const std::string_view body = Trim(t);
    if (body.empty()) return false;
    start_.line = line_no;
    start_.column = CodePointCount(t.substr(0, static_cast<size_t>(body.data() - t.data()))) + 1;
    buffer_ = body;
  } else {
    // Lines stay lines: a `#` comment ends at its line, and errors point at line:column.
    buffer_ += '\n';
    buffer_ += t;
  }
  if (continued) return false;
  return OpenBrackets(buffer_).empty();
}

Statement StatementReader::Take() {
  std::string_view t = Trim(buffer_);
  while (!t.empty() && t.back() == ';') t = Trim(t.substr(0, t.size() - 1));
  Statement s{std::string(t), start_};
  buffer_.clear();
  start_ = {};
  return s;
}

std::optional<StatementReader::OpenBracket> StatementReader::Unclosed() const {
  const auto open = OpenBrackets(buffer_);
  if (open.empty()) return std::nullopt;
  Statement at{buffer_, start_};
  return OpenBracket{ToSource(at, open.front().line + 1, open.front().column), open.front().ch};
}

SourcePosition ToSource(const Statement& statement, size_t line, size_t column) {
  if (line <= 1) return {statement.start.line, statement.start.column - 1 + column};
  return {statement.start.line + line - 1, column};
}

}  // namespace ixdb::cli
