#pragma once
// What the shell's meta commands set (.format, \x, .precision, .asof...): one struct, read by
// the session when it runs and prints a statement.

#include <optional>
#include <string>

#include "common/date.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::cli {

struct ShellSettings {
  std::string format = "table";  // table|csv|json (.format / .mode)
  bool bom = false;              // UTF-8 BOM before the first CSV result (.bom)
  bool timer = false;            // time of each statement on stderr (.timer)
  query::ExpandedMode expanded = query::ExpandedMode::kOff;  // \x
  bool pager = true;                                         // .pager / \pset pager
  int precision = -1;         // .precision: decimal places, -1 the shortest exact form
  std::string null_text;      // .nullvalue
  bool separators = false;    // .separators: 20,011.65
  std::optional<Date> as_of;  // .asof: every query reads as of this day
  bool bail = false;          // --bail: stop a script at its first error
};

}  // namespace ixdb::cli
