#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace ixdb::cli {
namespace {

size_t FromEnv(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr) return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (end != v && *end == '\0' && n > 0 && n < 10000) ? static_cast<size_t>(n) : fallback;
}

}  // namespace

TerminalInfo QueryTerminal(int fd) {
  TerminalInfo t;
  if (::isatty(fd) != 1) return t;
  t.is_terminal = true;
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    t.columns = ws.ws_col;
    t.rows = ws.ws_row > 0 ? ws.ws_row : FromEnv("LINES", 24);
  } else {
    t.columns = FromEnv("COLUMNS", 80);
    t.rows = FromEnv("LINES", 24);
  }
  const char* term = std::getenv("TERM");
  t.colour = term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0 &&
             std::getenv("NO_COLOR") == nullptr;
  return t;
}

}  // namespace ixdb::cli
