#include "cli/session.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/interrupt_watcher.hpp"
#include "cli/meta_commands.hpp"
#include "cli/name_search.hpp"
#include "cli/pager.hpp"
#include "common/strings.hpp"
#include "common/utf8.hpp"
#include "query/columnar_render.hpp"
#include "query/render.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::cli {

// Deepest nesting of `\i` (a file that reads itself must not recurse until the stack ends).
constexpr size_t kMaxInputDepth = 16;

struct Session::Input {
  InputSource source;
  StatementReader reader;
  size_t line_no = 0;
  uint64_t interrupts = 0;  // the interrupt count when the input began
};

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Splits "12:5: message" into its numbers and the rest; false when `message` does not start
// with a position.
bool SplitPosition(std::string_view message, size_t* line, size_t* column, std::string_view* rest) {
  size_t i = 0;
  auto number = [&](size_t* out) {
    const size_t start = i;
    size_t v = 0;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9' && i - start < 9) {
      v = v * 10 + static_cast<size_t>(message[i] - '0');
      ++i;
    }
    *out = v;
    return i > start;
  };
  if (!number(line) || i >= message.size() || message[i] != ':') return false;
  ++i;
  if (!number(column) || message.substr(i, 2) != ": ") return false;
  *rest = message.substr(i + 2);
  return true;
}

// An error message fitted to a terminal `width` columns wide: its text wrapped, and the query
// line quoted under it ("  yoy(gdp" with a caret line below) shown as a window around the
// caret when the line is wider than the screen.
std::string FitToWidth(const std::string& message, size_t width) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= message.size()) {
    size_t nl = message.find('\n', start);
    if (nl == std::string::npos) nl = message.size();
    lines.push_back(message.substr(start, nl - start));
    start = nl + 1;
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const bool quoted = i + 1 < lines.size() && line.rfind("  ", 0) == 0 &&
                        lines[i + 1].find_first_not_of(' ') != std::string::npos &&
                        lines[i + 1][lines[i + 1].find_first_not_of(' ')] == '^' &&
                        lines[i + 1].back() == '^';
    if (quoted && DisplayWidth(line) > width && width > 10) {
      const size_t caret = lines[i + 1].size() - 1;  // the caret line is spaces and a caret
      const size_t room = width - 2;
      const size_t from = caret - 2 > room / 2 ? caret - 2 - room / 2 : 0;
      // Display columns [from, from + room) of the quoted text.
      std::string_view text = std::string_view(line).substr(2);
      std::string_view skipped = PrefixOfWidth(text, from);
      const size_t cut = DisplayWidth(skipped);
      const std::string_view shown = PrefixOfWidth(text.substr(skipped.size()), room);
      out += "  " + std::string(shown) + "\n";
      out += std::string(2 + (caret - 2 - cut), ' ') + "^" + (i + 2 < lines.size() ? "\n" : "");
      ++i;
      continue;
    }
    if (quoted) {
      out += line + "\n" + lines[i + 1] + (i + 2 < lines.size() ? "\n" : "");
      ++i;
      continue;
    }
    const auto wrapped =
        width > 10 ? query::WrapToWidth(line, width) : std::vector<std::string>{line};
    for (size_t k = 0; k < wrapped.size(); ++k) {
      out += wrapped[k];
      if (k + 1 < wrapped.size() || i + 1 < lines.size()) out += "\n";
    }
  }
  return out;
}

}  // namespace

Session::Session(QueryBackend& backend, ShellSettings& settings, std::ostream& out,
                 std::ostream& err)
    : backend_(backend), settings_(settings), stdout_(out), err_(err) {}

Session::~Session() = default;

const InputSource& Session::source() const {
  static const InputSource kNone;
  return inputs_.empty() ? kNone : inputs_.back()->source;
}

bool Session::RunSource(std::istream& in, const InputSource& source) {
  BeginInput(source);
  std::string line;
  // Ctrl-C during a file read with \i stops the file, not only its current statement.
  auto interrupted = [&] {
    return interrupts_ != nullptr && interrupts_->count() != inputs_.back()->interrupts;
  };
  while (!stopped() && !interrupted() && std::getline(in, line)) FeedLine(*inputs_.back(), line);
  return EndInput();
}

void Session::BeginInput(const InputSource& source) {
  auto input = std::make_unique<Input>();
  input->source = source;
  if (interrupts_ != nullptr) input->interrupts = interrupts_->count();
  inputs_.push_back(std::move(input));
}

bool Session::Feed(std::string_view line) {
  if (inputs_.empty()) BeginInput(InputSource{});
  return FeedLine(*inputs_.back(), line);
}

bool Session::EndInput() {
  if (inputs_.empty()) return !stopped();
  Finish(*inputs_.back());
  inputs_.pop_back();
  return !stopped();
}

void Session::Discard() {
  if (!inputs_.empty()) inputs_.back()->reader.Take();
}

bool Session::pending() const { return !inputs_.empty() && inputs_.back()->reader.pending(); }

std::string Session::PendingText() const {
  if (!pending()) return {};
  StatementReader copy = inputs_.back()->reader;
  return copy.Take().text;
}

std::string Session::Prompt() const {
  if (pending()) return "  ...> ";
  if (settings_.as_of) return "ixdb asof " + FormatDate(*settings_.as_of) + "> ";
  return "ixdb> ";
}

bool Session::FeedLine(Input& input, std::string_view line) {
  ++input.line_no;
  if (input.line_no == 1 && line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  if (!input.reader.pending()) {
    const std::string_view t = Trim(line);
    if (t.empty() || t[0] == '#') return !stopped();
    if (t[0] == '.' || t[0] == '\\') {
      RunMeta(t, input.line_no);
      return !stopped();
    }
    std::string_view word = t;
    while (!word.empty() && word.back() == ';') word = Trim(word.substr(0, word.size() - 1));
    // Typed alone, these do what they say (as in psql), whatever the store holds.
    if (word == "help" || word == "quit" || word == "exit") {
      RunMeta("." + std::string(word), input.line_no);
      return !stopped();
    }
    if (input.source.meta_only) {
      ReportErrorAt("only meta commands (.x or \\x) belong in this file, not queries",
                    input.line_no, 0);
      return !stopped();
    }
  }
  if (input.reader.AddLine(line, input.line_no)) RunStatement(input.reader.Take());
  return !stopped();
}

bool Session::Finish(Input& input) {
  if (!input.reader.pending()) return !stopped();
  const auto open = input.reader.Unclosed();
  Statement statement = input.reader.Take();
  if (!open) {
    // Pending only because its last line ended with `\`: run what there is.
    RunStatement(statement);
    return !stopped();
  }
  ReportErrorAt(
      std::string("unclosed '") + open->bracket + "': the input ended before it was closed",
      open->position.line, open->position.column);
  Failed();
  return !stopped();
}

void Session::Remember(const std::string& entry) {
  if (!remember_ || entry == last_history_) return;
  last_history_ = entry;
  remember_(entry);
}

void Session::RefreshTerminal() { terminal_info_ = terminal_ ? terminal_() : TerminalInfo{}; }

void Session::RunStatement(const Statement& statement) {
  if (statement.text.empty()) return;
  if (source().interactive) Remember(statement.text);
  RefreshTerminal();
  if (interrupts_ != nullptr) {
    interrupts_->BeginStatement();
    statement_interrupts_ = interrupts_->count();
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = Answer(statement.text);
  if (!result.ok()) {
    ReportStatementError(result.status(), statement);
    if (!result.status().IsCancelled()) ShowNameHints(statement.text);
    Failed();
  } else {
    ShowAnswer(*result);
  }
  if (interrupts_ != nullptr) interrupts_->EndStatement();
  if (settings_.timer) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "time: %.3f ms\n", ms);
    err_ << buf;
    err_.flush();
  }
}

void Session::RunMeta(std::string_view line, size_t line_no) {
  if (source().interactive) Remember(std::string(line));
  RefreshTerminal();
  if (interrupts_ != nullptr) {
    interrupts_->BeginStatement();
    statement_interrupts_ = interrupts_->count();
  }
  const Status s = RunMetaCommand(*this, line);
  if (interrupts_ != nullptr) interrupts_->EndStatement();
  if (!s.ok()) {
    ReportErrorAt(s.message(), line_no, 0);
    Failed();
  }
}

void Session::Failed() {
  if (source().meta_only) return;  // a bad line of ~/.ixdbrc is reported, not a failed script
  ++failures_;
  if (settings_.bail && !source().interactive) bailed_ = true;
}

void Session::ReportStatementError(const Status& status, const Statement& statement) {
  // The terminal echoed "^C" where the cursor was; the message goes on a line of its own.
  if (status.IsCancelled() && !inputs_.empty() && inputs_.front()->source.interactive) err_ << "\n";
  const std::string& message = status.message();
  size_t line = 0, column = 0;
  std::string_view rest;
  if (!source().name.empty() && SplitPosition(message, &line, &column, &rest)) {
    const SourcePosition at = ToSource(statement, line, column);
    ReportErrorAt(std::string(rest), at.line, at.column);
    return;
  }
  ReportErrorAt(message, statement.start.line, 0);
}

void Session::ReportErrorAt(const std::string& message, size_t line, size_t column) {
  std::string out;
  if (source().name.empty()) {
    out = "error: " + message;
    if (column > 0)
      out += " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
    if (OutputWidth() > 0) out = FitToWidth(out, OutputWidth());
  } else {
    out = source().name + ":" + std::to_string(line) + ":";
    if (column > 0) out += std::to_string(column) + ":";
    out += " " + message;
  }
  err_ << out << "\n";
  err_.flush();
}

void Session::ShowNameHints(const std::string& statement) {
  for (const auto& word : NamesWhereCodesGo(statement)) {
    auto found = Query(SearchQuery(word));
    if (!found.ok()) return;
    const std::string hint = NameHint(word, *found);
    if (hint.empty()) continue;
    const size_t width = OutputWidth();
    if (width == 0) {
      err_ << hint << "\n";
    } else {
      for (const auto& line : query::WrapToWidth(hint, width)) err_ << line << "\n";
    }
  }
  err_.flush();
}

Result<query::Table> Session::Query(const std::string& text) {
  if (interrupts_ != nullptr && interrupts_->count() != statement_interrupts_) {
    return Status::Cancelled("the query was cancelled");
  }
  return backend_.Query(text);
}

Result<query::Answer> Session::Answer(const std::string& text) {
  if (interrupts_ != nullptr && interrupts_->count() != statement_interrupts_) {
    return Status::Cancelled("the query was cancelled");
  }
  return backend_.Answer(text);
}

void Session::Show(const std::string& text) {
  if (text.empty()) return;
  const bool interactive = !inputs_.empty() && inputs_.front()->source.interactive;
  if (!file_ && interactive && settings_.pager && terminal_info_.is_terminal &&
      TallerThan(text, terminal_info_.rows)) {
    stdout_.flush();
    const Status s = ShowInPager(PagerCommand(), text);
    if (s.ok()) return;
    err_ << "error: " << s.message() << "\n";
  }
  std::ostream& out = file_ ? *file_ : stdout_;
  out << text;
  out.flush();
}

// `result` is a Table or an Answer: the renderers of query/render.hpp and
// query/columnar_render.hpp print the same bytes for both.
template <typename R>
void Session::ShowResult(const R& result) {
  std::string text;
  if (settings_.format == "csv") {
    if (results_shown_ > 0) text = "\n";  // results in one stream are apart by a blank line
    text += query::RenderCsv(result, settings_.bom && results_shown_ == 0);
  } else if (settings_.format == "json") {
    text = query::RenderJsonLine(result);
  } else {
    text = query::RenderTextTable(result, Layout());
  }
  Show(text);
  ++results_shown_;
}

void Session::ShowTable(const query::Table& table) { ShowResult(table); }

void Session::ShowAnswer(const query::Answer& answer) { ShowResult(answer); }

query::TextLayout Session::Layout() const {
  query::TextLayout layout;
  layout.width = OutputWidth();
  layout.expanded = settings_.expanded;
  layout.precision = settings_.precision;
  layout.null_text = settings_.null_text;
  layout.separators = settings_.separators;
  return layout;
}

std::string Session::TextOf(const query::Table& table) const {
  return query::RenderTextTable(table, Layout());
}

size_t Session::OutputWidth() const {
  return !file_ && terminal_info_.is_terminal ? terminal_info_.columns : 0;
}

size_t Session::OutputRows() const {
  return !file_ && terminal_info_.is_terminal ? terminal_info_.rows : 0;
}

bool Session::OutputColour() const {
  return !file_ && terminal_info_.is_terminal && terminal_info_.colour;
}

Status Session::RedirectOutput(const std::string& path) {
  if (path.empty()) {
    file_.reset();
    file_name_.clear();
  } else {
    auto file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
    if (!*file) return Status::IOError("cannot write '" + path + "'");
    file_ = std::move(file);
    file_name_ = path;
  }
  results_shown_ = 0;
  return Status::OK();
}

Status Session::RunFile(const std::string& path) {
  if (inputs_.size() >= kMaxInputDepth) {
    return Status::InvalidArgument("files read with \\i nest more than " +
                                   std::to_string(kMaxInputDepth) + " deep (does '" + path +
                                   "' read itself?)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read '" + path + "'");
  InputSource source;
  source.name = path;
  RunSource(in, source);
  if (in.bad()) return Status::IOError("reading '" + path + "' failed");
  return Status::OK();
}

}  // namespace ixdb::cli
