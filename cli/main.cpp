// The `ixdb` program: parses the command line (CLI11) and calls one function of
// cli/commands.hpp, like leveldb's leveldbutil. Exit 0 on success, 1 on any error, with
// `ixdb: <message>` on stderr.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/token.hpp"
#include "load/loader.hpp"

namespace {

namespace cli = ixdb::cli;
using ixdb::Status;

std::string JoinArgs(int argc, char** argv) {
  std::string s;
  for (int i = 1; i < argc; ++i) {
    if (!s.empty()) s += ' ';
    s += argv[i];
  }
  return s;
}

// What the command line says, filled in by CLI11 while it parses.
struct Args {
  cli::GlobalOptions g;
  cli::TokenSources token_sources;  // --token, --token-file, IXDB_TOKEN: resolved into g.token
  cli::LoadArgs load;
  cli::QueryArgs query;
  std::vector<std::string> query_words;
  cli::ShellArgs shell;
  cli::ServeArgs serve;
  cli::DefineArgs define;
  std::string loads_format = "table";
  uint64_t revert_id = 0;
  std::string backup_dest;
  cli::ExtractArgs extract;
  std::string command_line;
};

void AddGlobalOptions(CLI::App* app, cli::GlobalOptions* g, cli::TokenSources* tokens) {
  auto* db_opt =
      app->add_option("--db", g->db, "Data directory (default: $IXDB_DB, else ./ixdb-data)")
          ->type_name("DIR");
  auto* connect_opt =
      app->add_option("--connect", g->connect, "Send query/shell/load/define to an ixdb server")
          ->type_name("HOST:PORT");
  connect_opt->excludes(db_opt);
  app->add_option("--token", tokens->flag,
                  "Shared secret for writes to a server (load --connect, serve); visible in ps: "
                  "prefer --token-file or IXDB_TOKEN")
      ->type_name("T");
  app->add_option("--token-file", tokens->file,
                  "Read the shared secret from the first line of FILE (or set IXDB_TOKEN)")
      ->type_name("FILE");
  app->add_option("--timeout", g->timeout_seconds,
                  "With --connect: seconds to wait for each answer; a query still running then is "
                  "cancelled (0: no limit)")
      ->type_name("S")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app->add_flag("--tls", g->tls,
                "With --connect: speak TLS, verifying the server's certificate and host name");
  app->add_option("--tls-ca", g->tls_ca,
                  "With --tls: trust the CA (or self-signed certificate) in this PEM file instead "
                  "of the system's store")
      ->type_name("FILE");
}

void AddLoadOptions(CLI::App* load, Args* a) {
  cli::LoadArgs& load_args = a->load;
  load->add_option("--vintage", load_args.vintage,
                   "Vintage (publication date) for rows without one (default: today)")
      ->type_name("YYYY-MM-DD");
  load->add_option("--format", load_args.format, "File format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember(ixdb::load::FormatNames()));
  load->add_option("--encoding", load_args.encoding, "Text encoding")
      ->type_name("ENCODING")
      ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gb18030", "gbk"}));
  load->add_option("--skip-bad", load_args.skip_bad,
                   "Load the good rows and write the bad ones, with reasons, to FILE")
      ->type_name("FILE");
  load->add_option("--codes", load_args.codes,
                   "Series codes that are not valid (AER:ChinaIncome:agriculture): refuse them "
                   "(strict) or derive valid ones (sanitize; the original becomes the name)")
      ->type_name("strict|sanitize")
      ->check(CLI::IsMember({"strict", "sanitize"}));
  load->add_flag("--ignore-unknown-columns", load_args.ignore_unknown_columns,
                 "Leave out columns the format does not know (the summary names them)");
  load->add_flag("--dry-run", load_args.dry_run, "Read and check everything, write nothing");
  load->add_option("files", load_args.files, "Files to load (- is standard input)")
      ->type_name("FILE")
      ->required();
}

Status RunLoad(Args* a) {
  a->load.command_line = a->command_line;
  return cli::CmdLoad(a->g, a->load);
}

void AddQueryOptions(CLI::App* query, Args* a) {
  query->add_option("--format", a->query.format, "Output format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  query->add_flag("--bom", a->query.bom, "Prefix CSV output with a UTF-8 byte-order mark (Excel)");
  query->add_option("query", a->query_words, "The query, e.g. 'yoy(gdp)[2019:2023]'")
      ->type_name("QUERY")
      ->required();
}

Status RunQuery(Args* a) {
  for (const auto& w : a->query_words) {
    if (!a->query.text.empty()) a->query.text += ' ';
    a->query.text += w;
  }
  return cli::CmdQuery(a->g, a->query);
}

void AddShellOptions(CLI::App* shell, Args* a) {
  cli::ShellArgs& shell_args = a->shell;
  shell->add_option("--format", shell_args.format, "Initial output format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  shell
      ->add_option("-f,--file", shell_args.files,
                   "Run the statements of FILE (- is standard input); repeatable")
      ->type_name("FILE");
  shell
      ->add_option("-c,--command", shell_args.commands,
                   "Run one statement or meta command; repeatable")
      ->type_name("QUERY");
  shell->add_flag("--bail", shell_args.bail, "Stop a script at its first error (exit 1)");
  shell->add_flag("--no-rc", shell_args.no_rc, "Do not read $IXDB_RC or ~/.ixdbrc");
}

Status RunShell(Args* a) { return cli::CmdShell(a->g, a->shell); }

void AddDefineOptions(CLI::App* define, Args* a) {
  cli::DefineArgs& d = a->define;
  define->add_option("code", d.code, "The formula's code, e.g. gdp_pc")
      ->type_name("CODE")
      ->required();
  define->add_option("expression", d.expression, "A series expression, e.g. 'gdp / population'")
      ->type_name("EXPR");
  define->add_option("--name", d.name, "Its Chinese name (list()'s name column)")->type_name("N");
  define->add_option("--unit", d.unit, "Convert its values to this unit, e.g. 万元")
      ->type_name("U");
  define->add_flag("--drop", d.drop, "Remove the formula CODE");
}

Status RunDefine(Args* a) { return cli::CmdDefine(a->g, a->define); }

void AddServeOptions(CLI::App* serve, Args* a) {
  cli::ServeArgs& serve_args = a->serve;
  serve->add_option("--listen", serve_args.listen, "Address to listen on (port 0: any free port)")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  serve
      ->add_option("--http", serve_args.http,
                   "Also serve HTTP and the web console here, e.g. 127.0.0.1:7381 (docs/http.md)")
      ->type_name("HOST:PORT");
  serve
      ->add_option("--http-cors", serve_args.http_cors,
                   "Let scripts of this origin (or *) call the HTTP endpoint (CORS)")
      ->type_name("ORIGIN");
  serve
      ->add_option("--max-connections", serve_args.max_connections,
                   "Connections served at once; more are refused with Busy")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--max-frame-bytes", serve_args.max_frame_bytes,
                   "Largest request frame (a remote load is one frame)")
      ->type_name("BYTES")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--idle-timeout", serve_args.idle_timeout_seconds,
                   "Close a connection that sends no whole request (or takes no answer) for S "
                   "seconds")
      ->type_name("S")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--query-timeout", serve_args.query_timeout_seconds,
                   "Stop a query running longer than S seconds, answered Cancelled (0: no limit)")
      ->type_name("S")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  serve
      ->add_option("--max-result-bytes", serve_args.max_result_bytes,
                   "Largest response; a larger result is answered LimitExceeded")
      ->type_name("BYTES")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  auto* tls_cert = serve
                       ->add_option("--tls-cert", serve_args.tls_cert,
                                    "Speak TLS only, with this certificate (chain) in PEM")
                       ->type_name("FILE");
  auto* tls_key =
      serve->add_option("--tls-key", serve_args.tls_key, "The private key of --tls-cert, in PEM")
          ->type_name("FILE");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  serve->add_flag("--insecure", serve_args.insecure,
                  "Allow a non-loopback --listen with a token but without TLS (the token then "
                  "travels in clear text)");
}

Status RunServe(Args* a) { return cli::CmdServe(a->g, a->serve); }

void AddLoadsOptions(CLI::App* loads, Args* a) {
  loads->add_option("--format", a->loads_format, "Output format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "json"}));
}

Status RunLoads(Args* a) { return cli::CmdLoads(a->g, a->loads_format); }

void AddRevertOptions(CLI::App* revert, Args* a) {
  revert->add_option("id", a->revert_id, "The load id (see `ixdb loads`)")
      ->type_name("ID")
      ->required();
}

Status RunRevert(Args* a) { return cli::CmdRevert(a->g, a->revert_id, a->command_line); }

void AddBackupOptions(CLI::App* backup, Args* a) {
  backup->add_option("dest", a->backup_dest, "Destination directory (must not exist)")
      ->type_name("DEST")
      ->required();
}

Status RunBackup(Args* a) { return cli::CmdBackup(a->g, a->backup_dest); }

void AddExtractOptions(CLI::App* extract, Args* a) {
  cli::ExtractArgs& extract_args = a->extract;
  extract->add_option("file", extract_args.file, "The report: UTF-8 or GB18030 text, HTML or PDF")
      ->type_name("FILE")
      ->required();
  extract
      ->add_option("--out", extract_args.out,
                   "Directory for observations.csv, targets.csv, review.csv (created)")
      ->type_name("DIR")
      ->required();
  extract
      ->add_option("--year", extract_args.year,
                   "Plan year: the year whose targets the report sets (default: from its title)")
      ->type_name("Y");
  extract
      ->add_option("--vintage", extract_args.vintage,
                   "Publication date written on every row (default: a date in the title lines)")
      ->type_name("YYYY-MM-DD");
  extract->add_flag("--text", extract_args.text,
                    "Also write DIR/text.txt, the text review.csv's offsets refer to");
  extract
      ->add_option("--aliases", extract_args.aliases,
                   "An alias table (CSV name,code[,unit]) used with data/aliases.csv; repeatable")
      ->type_name("FILE");
  extract->footer(
      "With --db DIR, indicator phrases map onto that store's series by their Chinese names.");
}

Status RunExtract(Args* a) { return cli::CmdExtract(a->g, a->extract); }

void AddNoOptions(CLI::App*, Args*) {}
Status RunCheck(Args* a) { return cli::CmdCheck(a->g); }

// One subcommand: its name, its line in `ixdb --help`, its options and what it runs.
struct Command {
  const char* name;
  const char* help;
  void (*add_options)(CLI::App* sub, Args* a);
  Status (*run)(Args* a);
};

// In the order `ixdb --help` lists them.
const Command kCommands[] = {
    {"load", "Load CSV files (long, wide, SDMX-CSV, targets) as one all-or-nothing load",
     AddLoadOptions, RunLoad},
    {"query", "Run one query and print its result", AddQueryOptions, RunQuery},
    {"shell", "Interactive shell; runs scripts with -f FILE or -c QUERY, or reads a pipe",
     AddShellOptions, RunShell},
    {"define",
     "Store a formula series: CODE computed from EXPR whenever a query reads it (--drop removes "
     "it)",
     AddDefineOptions, RunDefine},
    {"serve", "Serve the store over TCP (and HTTP) until SIGINT/SIGTERM", AddServeOptions,
     RunServe},
    {"loads", "List the recorded loads (id, time, files, vintage, counts)", AddLoadsOptions,
     RunLoads},
    {"revert", "Undo one load's effect as a new version (history is kept)", AddRevertOptions,
     RunRevert},
    {"backup", "Write a consistent copy of the store to DEST", AddBackupOptions, RunBackup},
    {"check", "Verify every key, chunk and checksum of the store (exit 1 on corruption)",
     AddNoOptions, RunCheck},
    {"extract",
     "Propose the observations and targets of a report (text, HTML, PDF) for review and load",
     AddExtractOptions, RunExtract},
};
constexpr size_t kNumCommands = sizeof(kCommands) / sizeof(kCommands[0]);

// "load, query, ... or check".
std::string CommandNames() {
  std::string s;
  for (size_t i = 0; i < kNumCommands; ++i) {
    if (i > 0) s += i + 1 == kNumCommands ? " or " : ", ";
    s += kCommands[i].name;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;  // outlives `app`, which binds its fields
  CLI::App app{"ixdb: a versioned time-series store for economic indicators", "ixdb"};
  app.set_version_flag("--version", std::string("ixdb ") + IXDB_VERSION);
  // No command at all on a terminal opens the shell (as psql and sqlite3 do).
  app.require_subcommand(0, 1);
  // Global options may also follow the subcommand: subcommands pass unknown options up.
  app.fallthrough();
  app.footer(
      "The data directory is --db DIR, else $IXDB_DB, else ./ixdb-data.\n"
      "Run `ixdb COMMAND --help` for the options of one command.");

  AddGlobalOptions(&app, &args.g, &args.token_sources);
  CLI::App* subcommands[kNumCommands];
  for (size_t i = 0; i < kNumCommands; ++i) {
    subcommands[i] = app.add_subcommand(kCommands[i].name, kCommands[i].help);
    kCommands[i].add_options(subcommands[i], &args);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    if (app.get_subcommands().empty()) {
      std::cerr << "ixdb: expected a command: " << CommandNames() << " (" << e.what() << ")\n";
    } else {
      std::cerr << "ixdb: " << e.what() << "\n";
    }
    std::cerr << "Run 'ixdb --help' for usage.\n";
    return 1;
  }

  Status (*run)(Args*) = nullptr;
  for (size_t i = 0; i < kNumCommands; ++i) {
    if (subcommands[i]->parsed()) run = kCommands[i].run;
  }
  if (run == nullptr) {
    if (isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) {
      args.shell = cli::ShellArgs{};
      run = RunShell;
    } else {
      std::cerr << "ixdb: expected a command: " << CommandNames()
                << "\n"
                   "Run 'ixdb --help' for usage.\n";
      return 1;
    }
  }
  // extract reads the store's catalog only when --db is given (not for the default directory).
  args.extract.use_db = app.get_option("--db")->count() > 0;
  if (args.g.db.empty()) args.g.db = cli::DefaultDbDir();
  {
    args.token_sources.env = std::getenv("IXDB_TOKEN");
    std::string warning;
    auto token = cli::ResolveToken(args.token_sources, &warning);
    if (!token.ok()) {
      std::cerr << "ixdb: " << token.status().message() << "\n";
      return 1;
    }
    if (!warning.empty()) std::cerr << "ixdb: " << warning << "\n";
    args.g.token = *token;
  }
  args.command_line = JoinArgs(argc, argv);

  Status s;
  try {
    s = run(&args);
  } catch (const std::exception& e) {
    // Modules return Status; this only guards against a bug turning into an abort.
    s = Status::IOError(std::string("internal error: ") + e.what());
  }
  if (!s.ok()) {
    std::cerr << "ixdb: " << s.message() << "\n";
    return 1;
  }
  return 0;
}
