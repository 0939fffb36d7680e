// The `ixdb` program: parses the command line (CLI11) and calls one function of
// cli/commands.hpp, like leveldb's leveldbutil. Exit 0 on success, 1 on any error, with
// `ixdb: <message>` on stderr.

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "load/loader.hpp"

namespace {

std::string JoinArgs(int argc, char** argv) {
  std::string s;
  for (int i = 1; i < argc; ++i) {
    if (!s.empty()) s += ' ';
    s += argv[i];
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using ixdb::Status;
  namespace cli = ixdb::cli;

  CLI::App app{"ixdb: a versioned time-series store for economic indicators", "ixdb"};
  app.set_version_flag("--version", std::string("ixdb ") + IXDB_VERSION);
  // No command at all on a terminal opens the shell (as psql and sqlite3 do).
  app.require_subcommand(0, 1);
  // Global options may also follow the subcommand: subcommands pass unknown options up.
  app.fallthrough();
  app.footer(
      "The data directory is --db DIR, else $IXDB_DB, else ./ixdb-data.\n"
      "Run `ixdb COMMAND --help` for the options of one command.");

  cli::GlobalOptions g;
  auto* db_opt = app.add_option("--db", g.db, "Data directory (default: $IXDB_DB, else ./ixdb-data)")
                     ->type_name("DIR");
  auto* connect_opt =
      app.add_option("--connect", g.connect, "Send query/shell/load to an ixdb server")
          ->type_name("HOST:PORT");
  connect_opt->excludes(db_opt);
  app.add_option("--token", g.token, "Shared secret for writes to a server (load --connect, serve)")
      ->type_name("T");

  // load
  cli::LoadArgs load_args;
  auto* load = app.add_subcommand("load", "Load CSV files (long, wide, SDMX-CSV, targets) as one all-or-nothing load");
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

  // query
  cli::QueryArgs query_args;
  std::vector<std::string> query_words;
  auto* query = app.add_subcommand("query", "Run one query and print its result");
  query->add_option("--format", query_args.format, "Output format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  query->add_flag("--bom", query_args.bom, "Prefix CSV output with a UTF-8 byte-order mark (Excel)");
  query->add_option("query", query_words, "The query, e.g. 'yoy(gdp)[2019:2023]'")
      ->type_name("QUERY")
      ->required();

  // shell
  cli::ShellArgs shell_args;
  auto* shell = app.add_subcommand(
      "shell", "Interactive shell; runs scripts with -f FILE or -c QUERY, or reads a pipe");
  shell->add_option("--format", shell_args.format, "Initial output format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  shell->add_option("-f,--file", shell_args.files, "Run the statements of FILE (- is standard input); repeatable")
      ->type_name("FILE");
  shell->add_option("-c,--command", shell_args.commands, "Run one statement or meta command; repeatable")
      ->type_name("QUERY");
  shell->add_flag("--bail", shell_args.bail, "Stop a script at its first error (exit 1)");
  shell->add_flag("--no-rc", shell_args.no_rc, "Do not read $IXDB_RC or ~/.ixdbrc");

  // serve
  std::string listen = "127.0.0.1:7380";
  auto* serve = app.add_subcommand("serve", "Serve the store over TCP until SIGINT/SIGTERM");
  serve->add_option("--listen", listen, "Address to listen on (port 0: any free port)")
      ->type_name("HOST:PORT")
      ->capture_default_str();

  // loads
  std::string loads_format = "table";
  auto* loads = app.add_subcommand("loads", "List the recorded loads (id, time, files, vintage, counts)");
  loads->add_option("--format", loads_format, "Output format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "json"}));

  // revert
  uint64_t revert_id = 0;
  auto* revert = app.add_subcommand("revert", "Undo one load's effect as a new version (history is kept)");
  revert->add_option("id", revert_id, "The load id (see `ixdb loads`)")->type_name("ID")->required();

  // backup
  std::string backup_dest;
  auto* backup = app.add_subcommand("backup", "Write a consistent copy of the store to DEST");
  backup->add_option("dest", backup_dest, "Destination directory (must not exist)")
      ->type_name("DEST")
      ->required();

  // check
  auto* check = app.add_subcommand("check", "Verify every key, chunk and checksum of the store (exit 1 on corruption)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    if (app.get_subcommands().empty()) {
      std::cerr << "ixdb: expected a command: load, query, shell, serve, loads, revert, backup "
                   "or check ("
                << e.what() << ")\n";
    } else {
      std::cerr << "ixdb: " << e.what() << "\n";
    }
    std::cerr << "Run 'ixdb --help' for usage.\n";
    return 1;
  }

  if (app.get_subcommands().empty()) {
    if (isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) {
      shell_args = cli::ShellArgs{};
    } else {
      std::cerr << "ixdb: expected a command: load, query, shell, serve, loads, revert, backup or check\n"
                   "Run 'ixdb --help' for usage.\n";
      return 1;
    }
  }
  if (g.db.empty()) g.db = cli::DefaultDbDir();
  const std::string command_line = JoinArgs(argc, argv);

  Status s;
  try {
  if (load->parsed()) {
    load_args.command_line = command_line;
    s = cli::CmdLoad(g, load_args);
  } else if (query->parsed()) {
    for (const auto& w : query_words) {
      if (!query_args.text.empty()) query_args.text += ' ';
      query_args.text += w;
    }
    s = cli::CmdQuery(g, query_args);
  } else if (shell->parsed() || app.get_subcommands().empty()) {
    s = cli::CmdShell(g, shell_args);
  } else if (serve->parsed()) {
    s = cli::CmdServe(g, listen);
  } else if (loads->parsed()) {
    s = cli::CmdLoads(g, loads_format);
  } else if (revert->parsed()) {
    s = cli::CmdRevert(g, revert_id, command_line);
  } else if (backup->parsed()) {
    s = cli::CmdBackup(g, backup_dest);
  } else if (check->parsed()) {
    s = cli::CmdCheck(g);
  }
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
