#pragma once
// The subcommands of the `ixdb` program, one function each, called by cli/main.cpp after
// argument parsing. Each returns a Status; main prints `ixdb: <message>` and exits 1 when it
// is not OK. Results go to standard output, progress and logs to standard error.
// Not thread-safe (they use the process's standard streams).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "load/loader.hpp"
#include "query/query.hpp"
#include "query/table.hpp"
#include "server/client.hpp"

namespace ixdb::cli {

// Options accepted before or after any subcommand.
struct GlobalOptions {
  std::string db;       // data directory (main resolves the default: $IXDB_DB, else ./ixdb-data)
  std::string connect;  // HOST:PORT of a server; empty: use the local store
  // Shared secret for writes to a server / required by `serve`: main resolves it from
  // --token-file, IXDB_TOKEN or --token (cli/token.hpp).
  std::string token;
  // Clients of a server: seconds to wait for each answer (0: no limit), TLS and its CA file.
  double timeout_seconds = 60;
  bool tls = false;
  std::string tls_ca;
};

// The client options of `g` (--token..., --timeout, --tls, --tls-ca).
server::ClientOptions ClientOptionsOf(const GlobalOptions& g);

// The data directory when --db is not given: $IXDB_DB if set and non-empty, else ./ixdb-data.
std::string DefaultDbDir();

// Renders a result as "table", "csv" or "json" (`bom` only affects csv).
// InvalidArgument for another format name.
Result<std::string> RenderAs(const query::Table& table, std::string_view format, bool bom);
// The same for a query::Answer (the bytes the Table of the same query gives).
Result<std::string> RenderAs(const query::Answer& answer, std::string_view format, bool bom);

// `ixdb load`. Files are loaded as one all-or-nothing load (locally via load::LoadFiles, or
// sent to the server with --connect) and a summary is printed. `command_line` is recorded
// with the load.
struct LoadArgs {
  std::string vintage;            // YYYY-MM-DD or empty
  std::string format = "auto";    // auto|long|wide|sdmx|targets
  std::string encoding = "auto";  // auto|utf-8|gb18030
  std::string skip_bad;           // file for the bad rows, or empty
  std::string codes = "strict";   // strict|sanitize
  bool ignore_unknown_columns = false;
  bool dry_run = false;
  std::vector<std::string> files;  // "-" is standard input
  std::string command_line;
};
Status CmdLoad(const GlobalOptions& g, const LoadArgs& args);

// `ixdb query`: one query, rendered to standard output. A trailing `;` is dropped; the text
// "-" means: read the query from standard input. In table format on a terminal the table fits
// its width.
struct QueryArgs {
  std::string format = "table";
  bool bom = false;
  std::string text;
};
Status CmdQuery(const GlobalOptions& g, const QueryArgs& args);

// `ixdb shell`: the interactive shell (cli/shell.hpp) on a terminal, or scripts: -f FILE,
// -c QUERY, or standard input when it is not a terminal. Not OK when a script statement
// failed ("N statements failed", or with --bail "stopped at the first error").
struct ShellArgs {
  std::string format = "table";
  std::vector<std::string> files;     // -f FILE
  std::vector<std::string> commands;  // -c QUERY
  bool bail = false;                  // --bail
  bool no_rc = false;                 // --no-rc: do not read $IXDB_RC / ~/.ixdbrc
};
Status CmdShell(const GlobalOptions& g, const ShellArgs& args);

// `ixdb define CODE 'EXPR' [--name N] [--unit U]`: stores a named formula (query::DefineFormula),
// locally or on the server with --connect; `ixdb define CODE --drop` removes it. Prints one
// line ("defined gdp_pc = gdp / population (亿元/万人, annual)").
struct DefineArgs {
  std::string code;
  std::string expression;  // empty with --drop
  std::string name;
  std::string unit;
  bool drop = false;
};
Status CmdDefine(const GlobalOptions& g, const DefineArgs& args);

// `ixdb serve`: serves the store until SIGINT/SIGTERM, with these limits (the defaults are
// server::ServerOptions').
struct ServeArgs {
  std::string listen = "127.0.0.1:7380";  // the TCP protocol
  std::string http;                       // the HTTP endpoint and console; empty: none
  std::string http_cors;                  // the origin CORS allows; empty: none
  size_t max_connections = 256;
  size_t max_frame_bytes = 64u << 20;
  int idle_timeout_seconds = 300;
  double query_timeout_seconds = 60;
  size_t max_result_bytes = 256u << 20;
  std::string tls_cert, tls_key;
  bool insecure = false;
};
Status CmdServe(const GlobalOptions& g, const ServeArgs& args);

// `ixdb loads`: the recorded loads as a table.
Status CmdLoads(const GlobalOptions& g, const std::string& format);

// `ixdb revert ID`: undoes one load as a new version.
Status CmdRevert(const GlobalOptions& g, uint64_t load_id, const std::string& command_line);

// `ixdb backup DEST`: a consistent copy of the store.
Status CmdBackup(const GlobalOptions& g, const std::string& dest);

// `ixdb check`: verifies every key and chunk; Corruption when something is wrong.
Status CmdCheck(const GlobalOptions& g);

// `ixdb extract FILE --out DIR` (cli/extract_command.cpp): candidate observations and targets
// of a report, for review and `ixdb load` (docs/extract.md). With use_db (--db given) the
// phrases are mapped onto the store's series. The summary goes to standard error.
struct ExtractArgs {
  std::string file;                  // text, HTML or PDF
  std::string out;                   // output directory
  int year = 0;                      // plan year; 0: from the report
  std::string vintage;               // YYYY-MM-DD or empty
  bool text = false;                 // also write DIR/text.txt
  std::vector<std::string> aliases;  // extra alias tables
  bool use_db = false;               // --db was given
};
Status CmdExtract(const GlobalOptions& g, const ExtractArgs& args);

}  // namespace ixdb::cli
