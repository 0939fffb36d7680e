#pragma once
// Shows long output through a pager ($PAGER, else `less -SFRX`), as psql does when a result is
// taller than the screen.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace ixdb::cli {

// $PAGER when set and not empty, else "less -SFRX" (-F: quit at once when the text fits,
// -R: keep colours, -S: no folding, -X: leave the text on the screen).
std::string PagerCommand();

// True when `text` has more lines than fit on a screen of `rows` rows (one row is kept for
// the prompt).
bool TallerThan(std::string_view text, size_t rows);

// Runs `command` with /bin/sh and writes `text` to its standard input; returns when the pager
// has ended. A pager that quits before reading everything is not an error. IOError when the
// command cannot be started.
Status ShowInPager(const std::string& command, std::string_view text);

}  // namespace ixdb::cli
