#pragma once
// One shell session: turns input lines into statements and meta commands, runs them on a
// QueryBackend and prints the results, whatever the lines come from (the terminal, a script given
// with -f, a pipe, -c, \i, ~/.ixdbrc). The interactive loop (cli/shell.cpp) adds line editing,
// history and Ctrl-C on top.
//
// Output rules (README.md, "The shell"):
//  - results go to the output (standard output, or the file of `\o FILE`), errors to `err`;
//  - in table format the text table fits the terminal's width when the output is a terminal;
//    in csv format results after the first are preceded by a blank line; in json format each
//    result is one line holding its array of row objects (JSON Lines);
//  - an error in a script names its place: `script.q:12:5: message` (line and column in the
//    script, not in the statement), `script.q:12: message` when the error has no column.
// Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/backend.hpp"
#include "cli/shell_settings.hpp"
#include "cli/statement_reader.hpp"
#include "cli/terminal.hpp"
#include "common/status.hpp"
#include "query/table.hpp"

namespace ixdb::cli {

class InterruptWatcher;

// Where lines come from.
struct InputSource {
  // Errors name it: "script.q", "<stdin>". Empty: errors print as "error: message".
  std::string name;
  // A person types the lines at the terminal: they go to the history, the pager may be used.
  bool interactive = false;
  // ~/.ixdbrc: meta commands only.
  bool meta_only = false;
};

class Session {
 public:
  // The backend must outlive the session; `out` is the standard output the results go to
  // (until `\o FILE`), `err` where errors go.
  Session(QueryBackend& backend, ShellSettings& settings, std::ostream& out, std::ostream& err);
  ~Session();

  // Optional parts of an interactive session. `remember` receives each statement and meta
  // command typed at the terminal as soon as it is complete, before it runs (the history).
  void set_remember(std::function<void(const std::string&)> remember) {
    remember_ = std::move(remember);
  }
  // Ctrl-C during a statement cancels its queries (must outlive the session).
  void set_interrupts(InterruptWatcher* interrupts) { interrupts_ = interrupts; }
  // Asked before each statement: is the output a terminal, how wide, colours.
  void set_terminal(std::function<TerminalInfo()> terminal) { terminal_ = std::move(terminal); }

  // Runs every line of `in` as `source`, then reports a statement left open (an unclosed
  // bracket, at its line). Returns false when the session is to end (.quit, or --bail after an
  // error).
  bool RunSource(std::istream& in, const InputSource& source);

  // The interactive loop's way in: starts an input source fed line by line.
  void BeginInput(const InputSource& source);
  // One line of the current input. Returns false when the session is to end.
  bool Feed(std::string_view line);
  // End of the current input (Ctrl-D): reports or runs what is pending. Returns false when
  // the session is to end.
  bool EndInput();
  // Ctrl-C at the prompt: forgets the statement being typed.
  void Discard();
  bool pending() const;
  // The statement typed so far (for completion after `where`).
  std::string PendingText() const;
  // "ixdb> ", "ixdb asof 2024-01-27> ", or "  ...> " while a statement continues.
  std::string Prompt() const;

  // Statements and meta commands that failed so far.
  int failures() const { return failures_; }
  // True once --bail stopped the session at an error.
  bool bailed() const { return bailed_; }

  // ---- for meta commands and the views they print ----
  QueryBackend& backend() { return backend_; }
  ShellSettings& settings() { return settings_; }
  // QueryBackend::Query, except that after a Ctrl-C during the current statement it returns
  // Cancelled without asking (a view that runs several queries stops at the first).
  Result<query::Table> Query(const std::string& text);
  // The same through QueryBackend::Answer (what a statement runs).
  Result<query::Answer> Answer(const std::string& text);
  // Prints to the output; through the pager when the session is interactive, the output is the
  // terminal and the text is taller than it.
  void Show(const std::string& text);
  // Prints a result in the current format.
  void ShowTable(const query::Table& table);
  // The same for a statement's answer (a value query's columns render without a Table).
  void ShowAnswer(const query::Answer& answer);
  // A table as text for people at the output's width, with the display settings (for views
  // that are always text).
  std::string TextOf(const query::Table& table) const;
  // The output's width in columns (0: not a terminal, no limit), and whether it has colours.
  size_t OutputWidth() const;
  size_t OutputRows() const;
  bool OutputColour() const;
  // `\o FILE`: results go to FILE (created or truncated) until `\o` with no file.
  Status RedirectOutput(const std::string& path);
  // `\i FILE`: runs the file's lines as a source named by its path. Errors of its statements
  // are reported (and counted) as they happen; the Status is about reading the file.
  Status RunFile(const std::string& path);
  // `.quit`.
  void Quit() { quit_ = true; }

 private:
  struct Input;
  bool FeedLine(Input& input, std::string_view line);
  void RunStatement(const Statement& statement);
  void RunMeta(std::string_view line, size_t line_no);
  void Remember(const std::string& entry);
  void ReportStatementError(const Status& status, const Statement& statement);
  // `line`/`column` 0: not known.
  void ReportErrorAt(const std::string& message, size_t line, size_t column);
  void ShowNameHints(const std::string& statement);
  void Failed();
  bool Finish(Input& input);
  bool stopped() const { return quit_ || bailed_; }
  const InputSource& source() const;
  void RefreshTerminal();

  // `result`: a query::Table or a query::Answer.
  template <typename R>
  void ShowResult(const R& result);
  query::TextLayout Layout() const;

  QueryBackend& backend_;
  ShellSettings& settings_;
  std::ostream& stdout_;
  std::ostream& err_;
  std::unique_ptr<std::ofstream> file_;  // `\o FILE`
  std::string file_name_;
  std::function<void(const std::string&)> remember_;
  InterruptWatcher* interrupts_ = nullptr;
  std::function<TerminalInfo()> terminal_;
  TerminalInfo terminal_info_;
  std::vector<std::unique_ptr<Input>> inputs_;  // the sources being read, innermost last
  uint64_t statement_interrupts_ = 0;
  size_t results_shown_ = 0;  // on the current output (csv: blank lines between results)
  std::string last_history_;
  int failures_ = 0;
  bool quit_ = false;
  bool bailed_ = false;
};

}  // namespace ixdb::cli
