#pragma once
// What the shell needs to know about the terminal it writes to: whether there is one, its size
// (asked again before each statement, so a resized window is used at once) and whether it
// shows colours.

#include <cstddef>

namespace ixdb::cli {

struct TerminalInfo {
  bool is_terminal = false;
  size_t columns = 0;  // 0 when not a terminal
  size_t rows = 0;
  // ANSI colours: a terminal, TERM set and not "dumb", and NO_COLOR (no-color.org) unset.
  bool colour = false;
};

// The terminal on file descriptor `fd` (TIOCGWINSZ; $COLUMNS / $LINES when the terminal does
// not say, else 80 x 24).
TerminalInfo QueryTerminal(int fd);

}  // namespace ixdb::cli
