#include "cli/meta_commands.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "cli/catalog_view.hpp"
#include "cli/chart_command.hpp"
#include "cli/function_help.hpp"
#include "cli/session.hpp"
#include "common/date.hpp"
#include "common/strings.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::cli {
namespace {

using Handler = Status (*)(Session&, std::string_view arg);

struct Command {
  std::vector<std::string_view> names;  // the first is the one .help shows
  std::string_view usage;               // after the name
  std::string_view help;
  Handler run;
};

const std::vector<Command>& Commands();

Status Print(Session& s, const std::string& text) {
  s.Show(text + "\n");
  return Status::OK();
}

// 'text' or "text" without its quotes; other text as it is.
std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return std::string(s.substr(1, s.size() - 2));
  }
  return std::string(s);
}

Status ParseOnOff(std::string_view command, std::string_view arg, bool* value) {
  if (arg == "on" || arg == "true" || arg == "1") {
    *value = true;
    return Status::OK();
  }
  if (arg == "off" || arg == "false" || arg == "0") {
    *value = false;
    return Status::OK();
  }
  return Status::InvalidArgument("." + std::string(command) + " takes on or off, not '" +
                                 std::string(arg) + "'");
}

Status OnOff(Session& s, std::string_view command, std::string_view arg, bool* flag) {
  if (arg.empty()) return Print(s, *flag ? "on" : "off");
  return ParseOnOff(command, arg, flag);
}

const char* ExpandedName(query::ExpandedMode m) {
  switch (m) {
    case query::ExpandedMode::kOn:
      return "on";
    case query::ExpandedMode::kAuto:
      return "auto";
    case query::ExpandedMode::kOff:
      break;
  }
  return "off";
}

Status SetFormat(Session& s, std::string_view arg) {
  if (arg == "line") {  // sqlite3's record view
    s.settings().format = "table";
    s.settings().expanded = query::ExpandedMode::kOn;
    return Status::OK();
  }
  if (arg == "box") arg = "table";
  if (arg != "table" && arg != "csv" && arg != "json") {
    return Status::InvalidArgument("unknown format '" + std::string(arg) +
                                   "' (expected table, csv, json or line)");
  }
  s.settings().format = std::string(arg);
  return Status::OK();
}

Status SetExpanded(Session& s, std::string_view arg) {
  auto& mode = s.settings().expanded;
  if (arg.empty()) {  // psql's \x: toggles
    mode = mode == query::ExpandedMode::kOn ? query::ExpandedMode::kOff : query::ExpandedMode::kOn;
    return Print(s, std::string("expanded display is ") + ExpandedName(mode));
  }
  if (arg == "on") {
    mode = query::ExpandedMode::kOn;
  } else if (arg == "off") {
    mode = query::ExpandedMode::kOff;
  } else if (arg == "auto") {
    mode = query::ExpandedMode::kAuto;
  } else {
    return Status::InvalidArgument("\\x takes on, off or auto, not '" + std::string(arg) + "'");
  }
  return Status::OK();
}

Status SetNullText(Session& s, std::string_view arg) {
  if (arg.empty()) return Print(s, s.settings().null_text);
  s.settings().null_text = Unquote(arg);
  return Status::OK();
}

Status Help(Session& s, std::string_view arg) {
  if (!arg.empty()) {
    std::string_view name = arg;
    if (name[0] == '.' || name[0] == '\\') name.remove_prefix(1);
    for (const auto& c : Commands()) {
      for (auto n : c.names) {
        if (n == name && (arg[0] == '.' || arg[0] == '\\' || !IsFunctionName(s, name))) {
          return Print(s, "." + std::string(c.names[0]) + std::string(c.usage.empty() ? "" : " ") +
                              std::string(c.usage) + "\n  " + std::string(c.help));
        }
      }
    }
    return ShowFunctionHelp(s, arg);
  }
  // At most 80 columns, or the terminal's width when narrower.
  const size_t width = s.OutputWidth() > 0 && s.OutputWidth() < 80 ? s.OutputWidth() : 80;
  constexpr size_t kColumn = 24;
  std::string out;
  auto paragraph = [&](const std::string& text) {
    for (const auto& line : query::WrapToWidth(text, width)) out += line + "\n";
  };
  paragraph(
      "Enter a query (docs/query-language.md), e.g. yoy(gdp)[2019:2023]. A statement goes on "
      "while a ( [ { is open or a line ends with \\; a final ; is optional; # comments.");
  paragraph("Meta commands (.name and \\name both work):");
  for (const auto& c : Commands()) {
    std::string left = "  ." + std::string(c.names[0]);
    if (!c.usage.empty()) left += " " + std::string(c.usage);
    left += left.size() < kColumn ? std::string(kColumn - left.size(), ' ') : "  ";
    if (width < left.size() + 30) {  // a narrow screen: the text under the command
      out += left.substr(0, left.find_last_not_of(' ') + 1) + "\n";
      left = "      ";
    }
    const auto lines = query::WrapToWidth(std::string(c.help), width - left.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      out += (i == 0 ? left : std::string(left.size(), ' ')) + lines[i] + "\n";
    }
  }
  paragraph(
      "help, quit and exit typed alone do what they say. .help FUNCTION (or \\h FUNCTION) "
      "shows a function; functions() lists them all. Tab completes codes, functions and "
      "commands; Ctrl-C cancels a running query.");
  out.pop_back();
  return Print(s, out);
}

Status Quit(Session& s, std::string_view) {
  s.Quit();
  return Status::OK();
}

Status Format(Session& s, std::string_view arg) {
  if (arg.empty()) {
    const bool line =
        s.settings().format == "table" && s.settings().expanded == query::ExpandedMode::kOn;
    return Print(s, line ? "line" : s.settings().format);
  }
  return SetFormat(s, arg);
}

Status Bom(Session& s, std::string_view arg) { return OnOff(s, "bom", arg, &s.settings().bom); }
Status Timer(Session& s, std::string_view arg) {
  return OnOff(s, "timer", arg, &s.settings().timer);
}
Status Pager(Session& s, std::string_view arg) {
  return OnOff(s, "pager", arg, &s.settings().pager);
}
Status Separators(Session& s, std::string_view arg) {
  return OnOff(s, "separators", arg, &s.settings().separators);
}

Status Series(Session& s, std::string_view arg) {
  // The query language's catalog functions, so a server answers it the same way.
  std::string q;
  if (arg.empty()) {
    q = "list()";
  } else if (arg.find('"') == std::string_view::npos) {
    q = "search(\"" + std::string(arg) + "\")";
  } else if (arg.find('\'') == std::string_view::npos) {
    q = "search('" + std::string(arg) + "')";
  } else {
    return Status::InvalidArgument(".series text cannot hold both kinds of quotes");
  }
  auto t = s.Query(q);
  if (!t.ok()) return t.status();
  s.ShowTable(*t);
  return Status::OK();
}

Status Describe(Session& s, std::string_view arg) { return ShowCatalog(s, arg); }

Status Expanded(Session& s, std::string_view arg) { return SetExpanded(s, arg); }

Status Pset(Session& s, std::string_view arg) {
  const size_t sp = arg.find_first_of(" \t");
  const std::string_view option = arg.substr(0, sp);
  const std::string_view value =
      sp == std::string_view::npos ? std::string_view() : Trim(arg.substr(sp));
  if (option == "pager") {
    if (value.empty()) {
      s.settings().pager = !s.settings().pager;
      return Print(s, std::string("pager is ") + (s.settings().pager ? "on" : "off"));
    }
    return ParseOnOff("pset pager", value, &s.settings().pager);
  }
  if (option == "null") return SetNullText(s, value);
  if (option == "expanded" || option == "x") return SetExpanded(s, value);
  if (option == "format") return Format(s, value);
  return Status::InvalidArgument("\\pset knows pager, null, expanded and format, not '" +
                                 std::string(option) + "'");
}

Status Precision(Session& s, std::string_view arg) {
  int& precision = s.settings().precision;
  if (arg.empty()) return Print(s, precision < 0 ? "off" : std::to_string(precision));
  if (arg == "off") {
    precision = -1;
    return Status::OK();
  }
  int n = -1;
  auto r = std::from_chars(arg.data(), arg.data() + arg.size(), n);
  if (r.ec != std::errc() || r.ptr != arg.data() + arg.size() || n < 0 || n > 15) {
    return Status::InvalidArgument(
        ".precision takes a number of decimal places from 0 to 15, or off");
  }
  precision = n;
  return Status::OK();
}

Status NullValue(Session& s, std::string_view arg) { return SetNullText(s, arg); }

Status Plot(Session& s, std::string_view arg) {
  if (arg.empty()) return Status::InvalidArgument("usage: .plot EXPR, e.g. .plot gdp_growth");
  return ShowChart(s, arg, ChartKind::kLine);
}

Status Spark(Session& s, std::string_view arg) {
  if (arg.empty())
    return Status::InvalidArgument("usage: .spark EXPR, e.g. .spark series(kind=growth)");
  return ShowChart(s, arg, ChartKind::kSparklines);
}

Status AsOf(Session& s, std::string_view arg) {
  auto& as_of = s.settings().as_of;
  if (arg.empty()) return Print(s, as_of ? FormatDate(*as_of) : "off");
  if (arg == "off") {
    Status st = s.backend().SetAsOf(std::nullopt);
    if (st.ok()) as_of.reset();
    return st;
  }
  auto d = ParseDate(arg);
  if (!d.ok())
    return Status::InvalidArgument(".asof takes a date YYYY-MM-DD or off: " + d.status().message());
  Status st = s.backend().SetAsOf(*d);
  if (st.ok()) as_of = *d;
  return st;
}

Status Output(Session& s, std::string_view arg) { return s.RedirectOutput(Unquote(arg)); }

Status Read(Session& s, std::string_view arg) {
  if (arg.empty()) return Status::InvalidArgument("usage: \\i FILE");
  return s.RunFile(Unquote(arg));
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {{"help", "?", "h"},
       "[FUNCTION]",
       "this list, or a function's signature, formula, example",
       Help},
      {{"d", "describe"},
       "[PATTERN|CODE]",
       "series (code, name, unit, latest period...), or one in full",
       Describe},
      {{"x", "expanded"},
       "[on|off|auto]",
       "records instead of a table (auto: when it is too wide)",
       Expanded},
      {{"format", "mode"}, "table|csv|json|line", "how results print (line: records)", Format},
      {{"precision"}, "N|off", "decimal places of the numbers shown", Precision},
      {{"nullvalue"}, "TEXT", "the text shown for a missing value", NullValue},
      {{"separators"}, "on|off", "thousands separators: 20,011.65", Separators},
      {{"pager"}, "on|off", "results taller than the screen through $PAGER", Pager},
      {{"pset"}, "OPTION VALUE", "psql's form: pager on|off, null TEXT, expanded, format", Pset},
      {{"plot"}, "EXPR", "line chart of a value query, with its targets", Plot},
      {{"spark"}, "EXPR", "a sparkline per series", Spark},
      {{"asof"}, "DATE|off", "every query reads as known at the end of DATE", AsOf},
      {{"o", "output"}, "[FILE]", "results to FILE (no FILE: back to the screen)", Output},
      {{"i", "read"}, "FILE", "runs the statements of FILE", Read},
      {{"series", "tables"}, "[TEXT]", "all series, or those whose code or name has TEXT", Series},
      {{"timer"}, "on|off", "the time each statement took", Timer},
      {{"bom"}, "on|off", "UTF-8 byte-order mark before CSV (for Excel)", Bom},
      {{"quit", "exit", "q"}, "", "leave the shell (also Ctrl-D)", Quit},
  };
  return kCommands;
}

}  // namespace

Status RunMetaCommand(Session& session, std::string_view line) {
  line = Trim(line);
  if (line.empty() || (line[0] != '.' && line[0] != '\\')) {
    return Status::InvalidArgument("a meta command starts with . or \\");
  }
  size_t end = 1;
  while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
  const std::string_view name = line.substr(1, end - 1);
  const std::string_view arg = Trim(line.substr(end));
  for (const auto& c : Commands()) {
    for (auto n : c.names) {
      if (n == name) return c.run(session, arg);
    }
  }
  return Status::InvalidArgument("unknown command '" + std::string(line.substr(0, end)) +
                                 "' (try .help)");
}

std::vector<std::string> MetaCommandNames() {
  std::vector<std::string> names;
  for (const auto& c : Commands()) {
    for (auto n : c.names) names.push_back("." + std::string(n));
  }
  return names;
}

}  // namespace ixdb::cli
