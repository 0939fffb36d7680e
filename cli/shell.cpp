#include "cli/shell.hpp"

#include <editline/readline.h>

#include <signal.h>

#include <chrono>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/commands.hpp"
#include "common/strings.hpp"
#include "query/render.hpp"

namespace ixdb::cli {
namespace {

constexpr const char* kPrompt = "ixdb> ";
constexpr const char* kContinuePrompt = "  ...> ";
constexpr int kHistoryLines = 1000;

constexpr const char* kHelp =
    "Enter a query (see docs/query-language.md), e.g.  yoy(gdp)[2019:2023]\n"
    "A statement continues on the next line while a ( [ { is open or the line ends with \\;\n"
    "a trailing ; is optional. # starts a comment.\n"
    "Meta commands:\n"
    "  .help                     this text\n"
    "  .format table|csv|json    how results are printed (now: %s)\n"
    "  .bom on|off               UTF-8 byte-order mark before CSV output\n"
    "  .series [TEXT]            list series, or those whose code or name contains TEXT\n"
    "  .timer on|off             print the time each query took\n"
    "  .quit, .exit              leave the shell (or Ctrl-D)\n";


// Open brackets outside string literals ('...' or "..."); negative counts are clamped so a
// stray closer does not make every later line a continuation.
int OpenBrackets(std::string_view s) {
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\' && i + 1 < s.size()) {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '#') {
      // A comment (as in the query language) runs to the end of the line.
      size_t nl = s.find('\n', i);
      if (nl == std::string_view::npos) break;
      i = nl;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
  return depth;
}

bool ParseOnOff(std::string_view arg, bool* value) {
  if (arg == "on" || arg == "true" || arg == "1") {
    *value = true;
    return true;
  }
  if (arg == "off" || arg == "false" || arg == "0") {
    *value = false;
    return true;
  }
  return false;
}

enum class Outcome { kOk, kError, kQuit };

Outcome PrintResult(const Result<query::Table>& result, const ShellSettings& settings,
                    std::ostream& out, std::ostream& err) {
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    err.flush();
    return Outcome::kError;
  }
  auto text = RenderAs(*result, settings.format, settings.bom);
  if (!text.ok()) {
    err << "error: " << text.status().message() << "\n";
    return Outcome::kError;
  }
  out << *text;
  out.flush();
  return Outcome::kOk;
}

Outcome RunMeta(QueryBackend& backend, std::string_view line, ShellSettings& settings,
                std::ostream& out, std::ostream& err) {
  line = Trim(line);
  size_t sp = line.find_first_of(" \t");
  std::string_view cmd = line.substr(0, sp);
  std::string_view arg = sp == std::string_view::npos ? std::string_view() : Trim(line.substr(sp));
  if (cmd == ".quit" || cmd == ".exit" || cmd == ".q") return Outcome::kQuit;
  if (cmd == ".help" || cmd == ".h") {
    char buf[2048];
    std::snprintf(buf, sizeof buf, kHelp, settings.format.c_str());
    out << buf;
    return Outcome::kOk;
  }
  if (cmd == ".format" || cmd == ".mode") {
    if (arg.empty()) {
      out << settings.format << "\n";
      return Outcome::kOk;
    }
    if (arg != "table" && arg != "csv" && arg != "json") {
      err << "error: unknown format '" << arg << "' (expected table, csv or json)\n";
      return Outcome::kError;
    }
    settings.format = std::string(arg);
    return Outcome::kOk;
  }
  if (cmd == ".bom" || cmd == ".timer") {
    bool* flag = cmd == ".bom" ? &settings.bom : &settings.timer;
    if (arg.empty()) {
      out << (*flag ? "on" : "off") << "\n";
      return Outcome::kOk;
    }
    if (!ParseOnOff(arg, flag)) {
      err << "error: " << cmd << " takes on or off\n";
      return Outcome::kError;
    }
    return Outcome::kOk;
  }
  if (cmd == ".series" || cmd == ".tables") {
    // The query language's catalog functions, so a server answers it the same way.
    std::string q;
    if (arg.empty()) {
      q = "list()";
    } else if (arg.find('"') == std::string_view::npos) {
      q = "search(\"" + std::string(arg) + "\")";
    } else if (arg.find('\'') == std::string_view::npos) {
      q = "search('" + std::string(arg) + "')";
    } else {
      err << "error: .series text cannot hold both kinds of quotes\n";
      return Outcome::kError;
    }
    return PrintResult(backend.Query(q), settings, out, err);
  }
  err << "error: unknown command '" << cmd << "' (try .help)\n";
  return Outcome::kError;
}

Outcome RunStatement(QueryBackend& backend, const std::string& stmt, ShellSettings& settings,
                     std::ostream& out, std::ostream& err) {
  auto start = std::chrono::steady_clock::now();
  Outcome o = PrintResult(backend.Query(stmt), settings, out, err);
  if (settings.timer) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "time: %.3f ms\n", ms);
    err << buf;
  }
  return o;
}

// True when the line (outside a pending statement) is a comment or blank.
bool Skippable(std::string_view trimmed) {
  return trimmed.empty() || trimmed[0] == '#';
}

// Set by SIGINT while the prompt waits for input: Ctrl-C drops the line being typed instead
// of ending the shell. While a query runs SIGINT keeps its default action (queries cannot be
// cancelled midway, so Ctrl-C ends a runaway one the usual way).
volatile std::sig_atomic_t g_interrupted = 0;

void OnInterrupt(int) { g_interrupted = 1; }

// Installs OnInterrupt for the lifetime of the object (no SA_RESTART, so the terminal read
// returns and readline gives up the line).
class PromptSignals {
 public:
  PromptSignals() {
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, &old_);
  }
  ~PromptSignals() { sigaction(SIGINT, &old_, nullptr); }

 private:
  struct sigaction old_ {};
};

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return std::string(home) + "/.ixdb_history";
}

}  // namespace

Result<std::string> RenderAs(const query::Table& table, std::string_view format, bool bom) {
  if (format == "table") return query::RenderText(table);
  if (format == "csv") return query::RenderCsv(table, bom);
  if (format == "json") return query::RenderJson(table);
  return Status::InvalidArgument("unknown format '" + std::string(format) +
                                 "' (expected table, csv or json)");
}

bool StatementReader::AddLine(std::string_view line) {
  std::string_view t = Trim(line);
  bool continued = !t.empty() && t.back() == '\\';
  if (continued) t = Trim(t.substr(0, t.size() - 1));
  // Lines stay lines: a `#` comment ends at its line, and parse errors point at line:column.
  if (!buffer_.empty() && !t.empty()) buffer_ += '\n';
  buffer_ += t;
  if (continued) return false;
  if (buffer_.empty()) return false;
  if (OpenBrackets(buffer_) > 0) return false;
  return true;
}

std::string StatementReader::Take() {
  std::string_view t = Trim(buffer_);
  while (!t.empty() && t.back() == ';') t = Trim(t.substr(0, t.size() - 1));
  std::string s(t);
  buffer_.clear();
  return s;
}

namespace {

// What the two loops share: turns input lines into meta commands and statements and runs them.
class Session {
 public:
  Session(QueryBackend& backend, ShellSettings& settings, std::ostream& out, std::ostream& err,
          bool keep_history)
      : backend_(backend), settings_(settings), out_(out), err_(err), history_(keep_history) {}

  // One input line. Returns false when the shell should end (.quit).
  bool Feed(const std::string& line) {
    std::string_view t = Trim(line);
    if (!reader_.pending()) {
      if (Skippable(t)) return true;
      if (t[0] == '.') {
        Remember(std::string(t));
        Outcome o = RunMeta(backend_, t, settings_, out_, err_);
        if (o == Outcome::kError) ++failures_;
        return o != Outcome::kQuit;
      }
    }
    if (reader_.AddLine(line)) Run(reader_.Take());
    return true;
  }

  // End of input: a statement left open is run anyway, so the user sees what is wrong with it.
  void Finish() {
    if (reader_.pending()) Run(reader_.Take());
  }

  // Ctrl-C: forgets the statement being typed.
  void Discard() { reader_.Take(); }

  bool pending() const { return reader_.pending(); }
  int failures() const { return failures_; }

 private:
  void Remember(const std::string& text) {
    if (history_) add_history(text.c_str());
  }
  void Run(const std::string& stmt) {
    if (stmt.empty()) return;
    Remember(stmt);
    if (RunStatement(backend_, stmt, settings_, out_, err_) == Outcome::kError) ++failures_;
  }

  QueryBackend& backend_;
  ShellSettings& settings_;
  std::ostream& out_;
  std::ostream& err_;
  bool history_;
  StatementReader reader_;
  int failures_ = 0;
};

}  // namespace

int RunShellStream(QueryBackend& backend, std::istream& in, std::ostream& out, std::ostream& err,
                   ShellSettings& settings) {
  Session session(backend, settings, out, err, /*keep_history=*/false);
  std::string line;
  bool go_on = true;
  while (go_on && std::getline(in, line)) go_on = session.Feed(line);
  if (go_on) session.Finish();
  return session.failures();
}

int RunShellInteractive(QueryBackend& backend, ShellSettings& settings) {
  // Line editing of Chinese text needs the terminal's multibyte locale; only LC_CTYPE, so
  // that number formatting stays in the C locale.
  std::setlocale(LC_CTYPE, "");
  const std::string history = HistoryPath();
  using_history();
  stifle_history(kHistoryLines);
  if (!history.empty()) read_history(history.c_str());

  std::cout << "ixdb " << IXDB_VERSION << " shell on " << backend.Describe()
            << ". Type .help for help, .quit to leave.\n";
  std::cout.flush();
  Session session(backend, settings, std::cout, std::cerr, /*keep_history=*/true);
  for (;;) {
    char* raw = nullptr;
    g_interrupted = 0;
    {
      PromptSignals signals;
      raw = readline(session.pending() ? kContinuePrompt : kPrompt);
    }
    if (g_interrupted) {  // Ctrl-C: forget the statement being typed
      std::free(raw);
      session.Discard();
      std::cout << "^C\n";
      std::cout.flush();
      continue;
    }
    if (raw == nullptr) {  // Ctrl-D
      std::cout << "\n";
      session.Finish();
      break;
    }
    std::string line(raw);
    std::free(raw);
    if (!session.Feed(line)) break;
  }
  if (!history.empty()) {
    write_history(history.c_str());
    history_truncate_file(history.c_str(), kHistoryLines);
  }
  return session.failures();
}

}  // namespace ixdb::cli
