#pragma once
// Helpers for tests that look at text as a terminal shows it: its lines, and where a line has
// the borders of a boxed table.

#include <cstddef>
#include <string>
#include <vector>

#include "common/utf8.hpp"

namespace ixdb::test {

// The lines of `s`, without their "\n" (a last line without one counts too).
inline std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// The display columns (CJK characters two wide) at which `line` has a box-drawing border:
// │ ┼ ┬ ┴ ┌ ┐ └ ┘ ├ ┤.
inline std::vector<size_t> BorderColumns(const std::string& line) {
  std::vector<size_t> cols;
  size_t col = 0;
  for (size_t i = 0; i < line.size();) {
    size_t n = Utf8SequenceLength(line, i);
    if (n == 0) n = 1;
    const std::string ch = line.substr(i, n);
    for (const char* border : {"│", "┼", "┬", "┴", "┌", "┐", "└", "┘", "├", "┤"}) {
      if (ch == border) cols.push_back(col);
    }
    col += DisplayWidth(ch);
    i += n;
  }
  return cols;
}

}  // namespace ixdb::test
