#pragma once
// The shell's meta commands. Every command has both spellings: `.name` (sqlite3) and `\name`
// (psql), e.g. `.x auto` = `\x auto`, `\format csv` = `.format csv`, `.q` = `\q`.
// README.md ("The shell") and `.help` list them.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace ixdb::cli {

class Session;

// Runs one meta command line (starting with `.` or `\`) in `session`. InvalidArgument for an
// unknown command or a bad argument (the message says what is expected); the errors of the
// queries a command runs.
Status RunMetaCommand(Session& session, std::string_view line);

// Every command name with its leading ".", for Tab completion (".asof", ".d", ".format"...).
std::vector<std::string> MetaCommandNames();

}  // namespace ixdb::cli
