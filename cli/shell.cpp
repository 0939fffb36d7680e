#include "cli/shell.hpp"

#include <editline/readline.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/completion.hpp"
#include "cli/history.hpp"
#include "cli/interrupt_watcher.hpp"
#include "cli/session.hpp"
#include "common/utf8.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::cli {
namespace {

constexpr size_t kHistoryEntries = 1000;

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return std::string(home) + "/.ixdb_history";
}

void RunRcFile(Session& session) {
  const std::string path = RcFilePath();
  if (path.empty()) return;
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // no rc file is the usual case
  InputSource source;
  source.name = path;
  source.meta_only = true;
  session.RunSource(in, source);
}

// ---- libedit's completion hook: one completer and session per process ----
Completer* g_completer = nullptr;
Session* g_session = nullptr;

// Byte offset of the `chars`-th character of `s` (libedit counts the cursor in characters).
size_t ByteOffset(std::string_view s, size_t chars) {
  size_t i = 0;
  for (size_t n = 0; n < chars && i < s.size(); ++n) {
    const size_t len = Utf8SequenceLength(s, i);
    i += len == 0 ? 1 : len;
  }
  return i;
}

char** CompleteWord(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  if (g_completer == nullptr || g_session == nullptr) return nullptr;
  const std::string_view line(rl_line_buffer != nullptr ? rl_line_buffer : "");
  const std::string_view word(text);
  std::string_view upto =
      line.substr(0, ByteOffset(line, static_cast<size_t>(std::max(rl_point, 0))));
  if (upto.size() < word.size() || upto.substr(upto.size() - word.size()) != word) upto = line;
  std::string before = g_session->PendingText();
  if (!before.empty()) before += "\n";
  if (upto.size() >= word.size()) before += upto.substr(0, upto.size() - word.size());
  const auto candidates = g_completer->Complete(before, word);
  if (candidates.empty()) return nullptr;
  // libedit's form: [0] replaces the word, then the candidates it lists, then NULL.
  auto** matches = static_cast<char**>(std::malloc((candidates.size() + 2) * sizeof(char*)));
  if (matches == nullptr) return nullptr;
  if (candidates.size() == 1) {
    matches[0] = strdup(candidates[0].c_str());
    matches[1] = nullptr;
    return matches;
  }
  std::string common = CommonPrefix(candidates);
  // Codes found for a Chinese name share no prefix with it: keep what was typed then.
  if (common.size() < word.size()) common = std::string(word);
  matches[0] = strdup(common.c_str());
  for (size_t i = 0; i < candidates.size(); ++i) matches[i + 1] = strdup(candidates[i].c_str());
  matches[candidates.size() + 1] = nullptr;
  return matches;
}

}  // namespace

std::string RcFilePath() {
  const char* rc = std::getenv("IXDB_RC");
  if (rc != nullptr) return rc;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return std::string(home) + "/.ixdbrc";
}

ShellOutcome RunShellScript(QueryBackend& backend, ShellSettings& settings,
                            const ShellOptions& options, std::istream& in, std::ostream& out,
                            std::ostream& err) {
  Session session(backend, settings, out, err);
  if (options.terminal) session.set_terminal(options.terminal);
  if (options.read_rc) RunRcFile(session);
  bool go_on = true;
  for (const auto& command : options.commands) {
    if (!go_on) break;
    std::istringstream text(command);
    go_on = session.RunSource(text, InputSource{});
  }
  for (const auto& file : options.files) {
    if (!go_on) break;
    if (file == "-") {
      go_on = session.RunSource(in, InputSource{"<stdin>"});
      continue;
    }
    std::ifstream script(file, std::ios::binary);
    if (!script) {
      err << "ixdb: cannot read script '" << file << "'\n";
      ShellOutcome failed{session.failures() + 1, settings.bail};
      return failed;
    }
    go_on = session.RunSource(script, InputSource{file});
  }
  if (options.commands.empty() && options.files.empty())
    session.RunSource(in, InputSource{"<stdin>"});
  return ShellOutcome{session.failures(), session.bailed()};
}

int RunShellStream(QueryBackend& backend, std::istream& in, std::ostream& out, std::ostream& err,
                   ShellSettings& settings) {
  ShellOptions options;
  options.read_rc = false;
  return RunShellScript(backend, settings, options, in, out, err).failures;
}

int RunShellInteractive(QueryBackend& backend, ShellSettings& settings,
                        const ShellOptions& options) {
  // Line editing of Chinese text needs the terminal's multibyte locale; only LC_CTYPE, so
  // that number formatting stays in the C locale.
  std::setlocale(LC_CTYPE, "");
  Session session(backend, settings, std::cout, std::cerr);
  session.set_terminal([] { return QueryTerminal(STDOUT_FILENO); });

  rl_readline_name = "ixdb";
  using_history();
  stifle_history(static_cast<int>(kHistoryEntries));
  std::unique_ptr<HistoryFile> history;
  if (const std::string path = HistoryPath(); !path.empty()) {
    history = std::make_unique<HistoryFile>(path, kHistoryEntries);
    auto entries = history->Load();
    if (entries.ok()) {
      for (const auto& e : *entries) add_history(e.c_str());
    } else {
      std::cerr << "ixdb: " << entries.status().message() << "\n";
    }
  }
  bool history_warned = false;
  session.set_remember([&](const std::string& entry) {
    add_history(entry.c_str());
    if (!history) return;
    const Status s = history->Append(entry);
    if (!s.ok() && !history_warned) {
      std::cerr << "ixdb: the history is not being saved: " << s.message() << "\n";
      history_warned = true;
    }
  });

  Completer completer(backend);
  g_completer = &completer;
  g_session = &session;
  rl_attempted_completion_function = CompleteWord;
  rl_basic_word_break_characters = Completer::kWordBreaks;
  rl_completion_append_character = '\0';

  InterruptWatcher interrupts(backend);
  session.set_interrupts(&interrupts);
  if (options.read_rc) RunRcFile(session);

  const std::string banner = std::string("ixdb ") + IXDB_VERSION + " shell on " +
                             backend.Describe() + ". Type .help for help, .quit to leave.";
  const TerminalInfo screen = QueryTerminal(STDOUT_FILENO);
  for (const auto& line : screen.columns > 0 ? query::WrapToWidth(banner, screen.columns)
                                             : std::vector<std::string>{banner}) {
    std::cout << line << "\n";
  }
  std::cout.flush();
  InputSource terminal;
  terminal.interactive = true;
  session.BeginInput(terminal);
  for (;;) {
    const std::string prompt = session.Prompt();
    const uint64_t interrupts_before = interrupts.count();
    interrupts.EnterPrompt();
    char* raw = readline(prompt.c_str());
    interrupts.LeavePrompt();
    if (interrupts.count() != interrupts_before) {  // Ctrl-C: forget the statement being typed
      std::free(raw);
      session.Discard();
      std::cout << "^C\n";
      std::cout.flush();
      continue;
    }
    if (raw == nullptr) {  // Ctrl-D
      std::cout << "\n";
      session.EndInput();
      break;
    }
    const std::string line(raw);
    std::free(raw);
    if (!session.Feed(line)) break;
  }
  g_completer = nullptr;
  g_session = nullptr;
  return session.failures();
}

}  // namespace ixdb::cli
