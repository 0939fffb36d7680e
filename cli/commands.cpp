#include "cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <system_error>

#include "cli/backend.hpp"
#include "cli/shell.hpp"
#include "cli/terminal.hpp"
#include "common/json_writer.hpp"
#include "common/strings.hpp"
#include "query/columnar_render.hpp"
#include "query/formulas.hpp"
#include "query/render.hpp"
#include "query/terminal_layout.hpp"
#include "server/client.hpp"
#include "server/server.hpp"
#include "storage/store.hpp"

namespace ixdb::cli {
namespace {

// A progress bar is worth drawing only for loads that take a noticeable time.
constexpr uint64_t kProgressMinBytes = 16u << 20;

Status OpenStore(const GlobalOptions& g, bool read_only, std::unique_ptr<storage::Store>* store) {
  if (read_only) return OpenStoreForReading(g.db, store);
  Status s = storage::Store::Open(storage::Options(), g.db, store);
  if (s.IsBusy()) {
    return Status::Busy(s.message() +
                        "; if `ixdb serve` has it, send loads through it with --connect HOST:PORT");
  }
  return s;
}

Status NoRemote(const GlobalOptions& g, const char* cmd) {
  if (g.connect.empty()) return Status::OK();
  return Status::InvalidArgument(std::string(cmd) +
                                 " works on a local data directory only (drop --connect)");
}

std::string FormatTime(int64_t unix_time) {
  std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Draws "loading  42% [########            ] 120.0/286.1 MiB" on stderr, at most 10 times a
// second, only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() { Finish(); }

  void Update(uint64_t done, uint64_t total) {
    if (!enabled_) return;
    uint64_t size = total > 0 ? total : done;
    if (size < kProgressMinBytes) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total) return;
    last_ = now;
    drawn_ = true;
    constexpr int kWidth = 30;
    double mib = 1024.0 * 1024.0;
    std::string line = "\rloading ";
    if (total > 0) {
      double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
      int fill = static_cast<int>(frac * kWidth);
      line += Fixed(frac * 100, 0) + "% [" + std::string(fill, '#') +
              std::string(kWidth - fill, ' ') + "] " + Fixed(done / mib, 1) + "/" +
              Fixed(total / mib, 1) + " MiB";
    } else {
      line += Fixed(done / mib, 1) + " MiB";
    }
    line += "\x1b[K";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }

  void Finish() {
    if (drawn_) {
      std::fputs("\r\x1b[K", stderr);
      std::fflush(stderr);
      drawn_ = false;
    }
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

Status ReadWholeFile(const std::string& path, std::string* content) {
  if (path == "-") {
    content->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return Status::IOError("reading standard input failed");
    return Status::OK();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open '" + path + "'");
  content->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IOError("reading '" + path + "' failed");
  return Status::OK();
}

Status LoadRemote(const GlobalOptions& g, const LoadArgs& args) {
  if (!args.skip_bad.empty()) {
    return Status::InvalidArgument("--skip-bad is not available with --connect");
  }
  if (args.dry_run) return Status::InvalidArgument("--dry-run is not available with --connect");
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : args.files) {
    std::string content;
    Status s = ReadWholeFile(path, &content);
    if (!s.ok()) return s;
    files.emplace_back(path == "-" ? "<stdin>" : path, std::move(content));
  }
  std::string opts;
  JsonWriter json(opts);
  json.BeginObject().Key("format").String(args.format).Key("encoding").String(args.encoding);
  if (!args.vintage.empty()) json.Key("vintage").String(args.vintage);
  if (args.codes != "strict") json.Key("codes").String(args.codes);
  if (args.ignore_unknown_columns) json.Key("ignore_unknown_columns").String("true");
  json.EndObject();
  auto client = server::Client::Connect(g.connect, ClientOptionsOf(g));
  if (!client.ok()) return client.status();
  auto summary = (*client)->Load(files, opts);
  if (!summary.ok()) return summary.status();
  std::cout << *summary;
  if (!summary->empty() && summary->back() != '\n') std::cout << "\n";
  return Status::OK();
}

}  // namespace

namespace {

// `result` is a Table or a query::Answer (the same bytes for both).
template <typename R>
Result<std::string> Rendered(const R& result, std::string_view format, bool bom) {
  if (format == "table") return query::RenderText(result);
  if (format == "csv") return query::RenderCsv(result, bom);
  if (format == "json") return query::RenderJson(result);
  return Status::InvalidArgument("unknown format '" + std::string(format) +
                                 "' (expected table, csv or json)");
}

}  // namespace

Result<std::string> RenderAs(const query::Table& table, std::string_view format, bool bom) {
  return Rendered(table, format, bom);
}

Result<std::string> RenderAs(const query::Answer& answer, std::string_view format, bool bom) {
  return Rendered(answer, format, bom);
}

server::ClientOptions ClientOptionsOf(const GlobalOptions& g) {
  server::ClientOptions o;
  o.token = g.token;
  o.timeout =
      std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, g.timeout_seconds) * 1000));
  o.tls = g.tls;
  o.tls_ca_file = g.tls_ca;
  return o;
}

std::string DefaultDbDir() {
  const char* env = std::getenv("IXDB_DB");
  if (env != nullptr && *env != '\0') return env;
  return "ixdb-data";
}

Status CmdLoad(const GlobalOptions& g, const LoadArgs& args) {
  if (args.files.empty())
    return Status::InvalidArgument("load needs at least one FILE (- is stdin)");
  load::LoadOptions opts;
  auto format = load::ParseFormat(args.format);
  if (!format.ok()) return format.status();
  opts.format = *format;
  auto encoding = load::ParseEncoding(args.encoding);
  if (!encoding.ok()) return encoding.status();
  opts.encoding = *encoding;
  auto codes = load::ParseCodeMode(args.codes);
  if (!codes.ok()) return codes.status();
  opts.codes = *codes;
  opts.ignore_unknown_columns = args.ignore_unknown_columns;
  opts.dry_run = args.dry_run;
  if (!args.vintage.empty()) {
    auto v = ParseDate(args.vintage);
    if (!v.ok()) return Status::InvalidArgument("--vintage: " + v.status().message());
    opts.vintage = *v;
  }
  if (!g.connect.empty()) return LoadRemote(g, args);

  opts.skip_bad_path = args.skip_bad;
  opts.command = args.command_line;
  ProgressBar bar;
  opts.progress = [&bar](uint64_t done, uint64_t total) { bar.Update(done, total); };

  std::unique_ptr<storage::Store> store;
  Status s = OpenStore(g, false, &store);
  if (!s.ok()) return s;
  auto report = load::LoadFiles(*store, args.files, opts);
  bar.Finish();
  if (!report.ok()) return report.status();
  // The loader's summary, the same text a server sends back for `load --connect`.
  std::string summary = load::FormatLoadSummary(*report);
  std::cout << summary;
  if (summary.empty() || summary.back() != '\n') std::cout << "\n";
  if (!args.skip_bad.empty() && report->bad_rows > 0) {
    std::cout << report->bad_rows << (report->bad_rows == 1 ? " bad row" : " bad rows")
              << " skipped, written with reasons to " << args.skip_bad << "\n";
  }
  return Status::OK();
}

Status CmdDefine(const GlobalOptions& g, const DefineArgs& args) {
  if (args.drop && !args.expression.empty()) {
    return Status::InvalidArgument("define " + args.code + " --drop takes no expression");
  }
  if (!args.drop && args.expression.empty()) {
    return Status::InvalidArgument("define " + args.code +
                                   " needs an expression, e.g. ixdb define " + args.code +
                                   " 'gdp / population' (or --drop to remove it)");
  }
  if (args.drop && (!args.name.empty() || !args.unit.empty())) {
    return Status::InvalidArgument("define " + args.code + " --drop takes no --name or --unit");
  }
  Result<std::string> text = std::string();
  if (!g.connect.empty()) {
    auto client = server::Client::Connect(g.connect, ClientOptionsOf(g));
    if (!client.ok()) return client.status();
    text = (*client)->Define(args.code, args.expression, args.name, args.unit, args.drop);
  } else {
    std::unique_ptr<storage::Store> store;
    if (Status s = OpenStore(g, false, &store); !s.ok()) return s;
    if (args.drop) {
      Status s = query::DropFormula(*store, args.code);
      text = s.ok() ? Result<std::string>("dropped formula " + args.code) : Result<std::string>(s);
    } else {
      auto meta =
          query::DefineFormula(*store, {args.code, args.expression, args.name, args.unit}, Today());
      text = meta.ok() ? Result<std::string>(query::DefinedText(*meta))
                       : Result<std::string>(meta.status());
    }
  }
  if (!text.ok()) return text.status();
  std::cout << *text << "\n";
  return Status::OK();
}

Status CmdQuery(const GlobalOptions& g, const QueryArgs& args) {
  // Check the format before running a possibly long query.
  if (args.format != "table" && args.format != "csv" && args.format != "json") {
    return RenderAs(query::Table{}, args.format, false).status();
  }
  std::string text = args.text;
  if (Trim(text) == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return Status::IOError("reading the query from standard input failed");
  }
  // As in the shell (and SQL habits): a final `;` is allowed.
  std::string_view q = Trim(text);
  while (!q.empty() && q.back() == ';') q = Trim(q.substr(0, q.size() - 1));
  if (q.empty()) return Status::InvalidArgument("the query is empty");
  auto backend =
      g.connect.empty() ? OpenLocalBackend(g.db) : ConnectBackend(g.connect, ClientOptionsOf(g));
  if (!backend.ok()) return backend.status();
  auto table = (*backend)->Answer(std::string(q));
  if (!table.ok()) return table.status();
  Result<std::string> rendered = std::string();
  const TerminalInfo terminal = QueryTerminal(STDOUT_FILENO);
  if (args.format == "table" && terminal.is_terminal) {
    query::TextLayout layout;
    layout.width = terminal.columns;
    rendered = query::RenderTextTable(*table, layout);
  } else {
    rendered = RenderAs(*table, args.format, args.bom);
  }
  if (!rendered.ok()) return rendered.status();
  const std::string& out = *rendered;
  std::cout << out;
  std::cout.flush();
  if (!std::cout) return Status::IOError("writing the result to standard output failed");
  return Status::OK();
}

Status CmdShell(const GlobalOptions& g, const ShellArgs& args) {
  ShellSettings settings;
  if (!RenderAs(query::Table{}, args.format, false).ok()) {
    return RenderAs(query::Table{}, args.format, false).status();
  }
  settings.format = args.format;
  settings.bail = args.bail;
  ShellOptions options;
  options.commands = args.commands;
  options.files = args.files;
  options.read_rc = !args.no_rc;
  options.terminal = [] { return QueryTerminal(STDOUT_FILENO); };
  auto backend =
      g.connect.empty() ? OpenLocalBackend(g.db) : ConnectBackend(g.connect, ClientOptionsOf(g));
  if (!backend.ok()) return backend.status();
  if (args.files.empty() && args.commands.empty() && isatty(STDIN_FILENO) == 1) {
    RunShellInteractive(**backend, settings, options);
    return Status::OK();  // errors were shown as they happened
  }
  const ShellOutcome outcome =
      RunShellScript(**backend, settings, options, std::cin, std::cout, std::cerr);
  if (outcome.bailed) return Status::InvalidArgument("stopped at the first error (--bail)");
  if (outcome.failures > 0) {
    return Status::InvalidArgument(std::to_string(outcome.failures) +
                                   (outcome.failures == 1 ? " statement" : " statements") +
                                   " failed");
  }
  return Status::OK();
}

Status CmdServe(const GlobalOptions& g, const ServeArgs& args) {
  Status s = NoRemote(g, "serve");
  if (!s.ok()) return s;
  if (g.tls || !g.tls_ca.empty()) {
    return Status::InvalidArgument(
        "--tls and --tls-ca are for clients; a server speaks TLS with --tls-cert F --tls-key F");
  }
  std::unique_ptr<storage::Store> store;
  s = OpenStore(g, false, &store);
  if (!s.ok()) return s;
  server::ServerOptions opts;
  opts.listen = args.listen;
  opts.http_listen = args.http;
  opts.http_cors_origin = args.http_cors;
  opts.token = g.token;
  opts.max_connections = args.max_connections;
  opts.max_frame_bytes = args.max_frame_bytes;
  opts.idle_timeout_seconds = args.idle_timeout_seconds;
  opts.query_timeout_seconds = args.query_timeout_seconds;
  opts.max_result_bytes = args.max_result_bytes;
  opts.tls_cert_file = args.tls_cert;
  opts.tls_key_file = args.tls_key;
  opts.insecure = args.insecure;
  // The HTTP endpoint is known first, but said second: scripts read the TCP port from the first
  // line.
  std::string http_endpoint;
  opts.on_http_listening = [&http_endpoint](const std::string& endpoint) {
    http_endpoint = endpoint;
  };
  opts.on_listening = [&g, &http_endpoint](const std::string& endpoint) {
    // On stdout, flushed at once: scripts and tests read the bound port from this line.
    std::cout << "ixdb: serving " << g.db << " on " << endpoint << std::endl;
    if (!http_endpoint.empty()) {
      std::cout << "ixdb: serving " << g.db << " over HTTP on " << http_endpoint
                << " (web console: http://" << http_endpoint << "/)" << std::endl;
    }
  };
  opts.log = [](const std::string& line) {
    std::string out = "ixdb: " + line + "\n";
    std::fputs(out.c_str(), stderr);  // one write per line: lines from threads do not mix
  };
  return server::Serve(*store, opts);
}

Status CmdLoads(const GlobalOptions& g, const std::string& format) {
  Status s = NoRemote(g, "loads");
  if (!s.ok()) return s;
  std::unique_ptr<storage::Store> store;
  s = OpenStore(g, true, &store);
  if (!s.ok()) return s;
  auto view = store->NewReadView();
  auto loads = view->ListLoads();
  if (!loads.ok()) return loads.status();

  using query::Column;
  using query::ColumnType;
  query::Table t;
  t.columns = {Column{"id", ColumnType::kInteger, ""},
               Column{"time", ColumnType::kString, ""},
               Column{"vintage", ColumnType::kString, ""},
               Column{"files", ColumnType::kString, ""},
               Column{"series_created", ColumnType::kInteger, ""},
               Column{"series_updated", ColumnType::kInteger, ""},
               Column{"observations", ColumnType::kInteger, ""},
               Column{"revisions", ColumnType::kInteger, ""},
               Column{"targets", ColumnType::kInteger, ""},
               Column{"state", ColumnType::kString, ""}};
  for (const auto& l : *loads) {
    std::string files;
    for (const auto& f : l.info.files) files += (files.empty() ? "" : " ") + f;
    if (files.empty()) files = l.info.command;
    std::string state;
    if (l.reverts != 0) state = "reverts " + std::to_string(l.reverts);
    if (l.reverted_by != 0) {
      state +=
          (state.empty() ? "" : "; ") + std::string("reverted by ") + std::to_string(l.reverted_by);
    }
    // The vintages of the rows the load recorded (a load of bulletins carries several), else
    // the load's default vintage.
    query::Cell vintage;
    const auto& sv = l.summary;
    if (sv.min_vintage.days != 0) {
      vintage = sv.min_vintage == sv.max_vintage
                    ? FormatDate(sv.min_vintage)
                    : FormatDate(sv.min_vintage) + ".." + FormatDate(sv.max_vintage);
    } else if (l.info.vintage.days != 0 && l.reverts == 0) {
      vintage = FormatDate(l.info.vintage);
    }
    const auto& s2 = l.summary;
    t.rows.push_back(
        {static_cast<int64_t>(l.id), FormatTime(l.unix_time), vintage, files,
         static_cast<int64_t>(s2.series_created), static_cast<int64_t>(s2.series_updated),
         static_cast<int64_t>(s2.observations_added), static_cast<int64_t>(s2.revisions),
         static_cast<int64_t>(s2.targets_added), state});
  }
  auto text = RenderAs(t, format, false);
  if (!text.ok()) return text.status();
  std::cout << *text;
  return Status::OK();
}

Status CmdRevert(const GlobalOptions& g, uint64_t load_id, const std::string& command_line) {
  Status s = NoRemote(g, "revert");
  if (!s.ok()) return s;
  std::unique_ptr<storage::Store> store;
  s = OpenStore(g, false, &store);
  if (!s.ok()) return s;
  storage::LoadInfo info;
  info.command = command_line;
  info.vintage = Today();
  auto summary = store->Revert(load_id, info);
  if (!summary.ok()) return summary.status();
  const auto& w = *summary;
  std::cout << "reverted load " << load_id;
  if (w.load_id != 0) std::cout << " (recorded as load " << w.load_id << ")";
  std::cout << ": " << w.retracted
            << " versions retracted (every read but revisions() now skips them), "
            << w.series_updated << " series metadata restored\n";
  return Status::OK();
}

Status CmdBackup(const GlobalOptions& g, const std::string& dest) {
  Status s = NoRemote(g, "backup");
  if (!s.ok()) return s;
  std::error_code ec;
  if (std::filesystem::exists(dest, ec)) {
    return Status::InvalidArgument("backup destination '" + dest + "' already exists");
  }
  std::unique_ptr<storage::Store> store;
  s = OpenStore(g, false, &store);
  if (!s.ok()) return s;
  s = store->Backup(dest);
  if (!s.ok()) return s;
  std::cout << "backup of " << g.db << " written to " << dest << "\n";
  return Status::OK();
}

Status CmdCheck(const GlobalOptions& g) {
  Status s = NoRemote(g, "check");
  if (!s.ok()) return s;
  std::unique_ptr<storage::Store> store;
  s = OpenStore(g, true, &store);
  if (!s.ok()) return s;
  std::string report;
  s = store->Check(&report);
  if (!report.empty()) {
    std::cout << report;
    if (report.back() != '\n') std::cout << "\n";
  }
  if (!s.ok()) return s;
  std::cout << "ok: " << g.db << " is consistent\n";
  return Status::OK();
}

}  // namespace ixdb::cli
