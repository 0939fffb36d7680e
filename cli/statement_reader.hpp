#pragma once
// Assembles the shell's statements from input lines (pure logic, no I/O), remembering where
// each statement starts so that errors can name the script line (`script.q:12:5: ...`).
//
// A statement continues on the next line while a ( [ { is open (outside quotes and `#`
// comments) or while the line ends with `\`. A trailing `;` is allowed and dropped.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ixdb::cli {

// A place in an input source: 1-based line, and column in characters (code points).
struct SourcePosition {
  size_t line = 1;
  size_t column = 1;
};

struct Statement {
  // The statement's lines joined by "\n": the first without its leading white space, the others
  // whole (so that a column in line 2 or later is the column in the source), without the `\` of
  // continued lines and without the trailing `;`.
  std::string text;
  // Where text[0] is in the source.
  SourcePosition start;
};

class StatementReader {
 public:
  // Adds line `line_no` of the source (without its newline; a trailing "\r" is ignored).
  // Returns true when a statement is complete; take it with Take().
  bool AddLine(std::string_view line, size_t line_no);
  // The completed (or, at the end of input, the pending) statement. Resets the reader.
  Statement Take();
  // True while a statement has started but is not complete (the shell shows `...>`).
  bool pending() const { return !buffer_.empty(); }
  // The source position of the first ( [ { that is still open, and the bracket; nullopt when
  // none is (a statement pending only because its last line ended with `\`).
  struct OpenBracket {
    SourcePosition position;
    char bracket = '(';
  };
  std::optional<OpenBracket> Unclosed() const;

 private:
  std::string buffer_;
  SourcePosition start_;
};

// Maps a position inside a statement (1-based line and column, as query errors give them,
// "2:7: ...") to the source.
SourcePosition ToSource(const Statement& statement, size_t line, size_t column);

}  // namespace ixdb::cli
