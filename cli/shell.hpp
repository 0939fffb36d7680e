#pragma once
// `ixdb shell`: the interactive loop on a terminal (libedit line editing, history in
// ~/.ixdb_history, Tab completion, Ctrl-C cancelling a running query, the pager), and the
// same shell without a terminal for scripts (-f FILE, -c QUERY, or a pipe on standard input).
// Statements and meta commands are those of cli/session.hpp and cli/meta_commands.hpp;
// README.md ("The shell") documents them.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/backend.hpp"
#include "cli/shell_settings.hpp"
#include "cli/terminal.hpp"

namespace ixdb::cli {

struct ShellOptions {
  std::vector<std::string> commands;  // -c QUERY, run in order (errors print as "error: ...")
  std::vector<std::string> files;     // -f FILE, run in order after the commands; "-" is stdin
  // Read $IXDB_RC, else ~/.ixdbrc (meta commands only) before anything else.
  bool read_rc = true;
  // The terminal the output goes to (width, pager, colours); none when not set.
  std::function<TerminalInfo()> terminal;
};

struct ShellOutcome {
  int failures = 0;     // statements and meta commands that failed
  bool bailed = false;  // --bail stopped at the first error
};

// Without a terminal: runs options.commands and options.files, or, when there are none, the
// lines of `in` (named "<stdin>" in errors). Results go to `out`, errors to `err` as
// `FILE:LINE:COLUMN: message`.
ShellOutcome RunShellScript(QueryBackend& backend, ShellSettings& settings,
                            const ShellOptions& options, std::istream& in, std::ostream& out,
                            std::ostream& err);

// The lines of `in` as a script named "<stdin>", no rc file, no terminal (for tests and pipes).
// Returns the number of failed statements.
int RunShellStream(QueryBackend& backend, std::istream& in, std::ostream& out, std::ostream& err,
                   ShellSettings& settings);

// The interactive loop on the terminal of standard input and output. Returns the number of
// failed statements.
int RunShellInteractive(QueryBackend& backend, ShellSettings& settings,
                        const ShellOptions& options);

// $IXDB_RC when set, else ~/.ixdbrc; empty without HOME.
std::string RcFilePath();

}  // namespace ixdb::cli
