#pragma once
// The interactive `ixdb shell`.
//
// Input rules (documented in README.md, "Using ixdb"):
//  - One query per line. A statement continues on the next line while a line ends with `\`
//    or while a ( [ { is still open (outside quotes). A trailing `;` is allowed and ignored.
//  - `#` starts a comment to the end of the line (as in the query language).
//  - Meta commands start with `.`: .help, .format table|csv|json, .bom on|off, .series [TEXT],
//    .timer on|off, .quit / .exit.
// When standard input is a terminal the shell uses libedit (line editing, history in
// ~/.ixdb_history, prompt `ixdb> `); otherwise it reads lines from the pipe and prints only
// results (errors go to standard error), so scripts can pipe queries in.

#include <iosfwd>
#include <string>
#include <string_view>

#include "cli/backend.hpp"

namespace ixdb::cli {

// Assembles statements from input lines (pure logic, no I/O).
class StatementReader {
 public:
  // Adds one line (without its newline). Returns true when a statement is complete; take it
  // with Take().
  bool AddLine(std::string_view line);
  // The completed (or, at end of input, the pending) statement, trimmed, without the `\`
  // continuations and the trailing `;`. Resets the reader.
  std::string Take();
  // True while a statement has started but is not complete (the shell shows `...>`).
  bool pending() const { return !buffer_.empty(); }

 private:
  std::string buffer_;
};

struct ShellSettings {
  std::string format = "table";  // table|csv|json
  bool bom = false;
  bool timer = false;
};

// Reads statements from `in` until end of input or .quit and runs them on `backend`, writing
// results to `out` and errors to `err` (`error: <message>`), never stopping at an error.
// Returns the number of statements (queries and meta commands) that failed.
int RunShellStream(QueryBackend& backend, std::istream& in, std::ostream& out, std::ostream& err,
                   ShellSettings& settings);

// The interactive loop on the terminal (libedit). Returns the number of failed statements.
int RunShellInteractive(QueryBackend& backend, ShellSettings& settings);

}  // namespace ixdb::cli
