// End-to-end tests of the `ixdb` program: each runs the built binary (IXDB_BIN) in a fresh
// temporary directory and checks its output and exit status as a user or a script sees them.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli_test_util.hpp"

namespace fs = std::filesystem;
using namespace ixdb::cli::test;

TEST_CASE("ixdb: --help, COMMAND --help and --version exit 0", "[cli]") {
  Proc p = Run({"--help"});
  CHECK(p.code == 0);
  for (const char* cmd : {"load", "query", "shell", "serve", "loads", "revert", "backup", "check",
                          "--db", "--connect"}) {
    INFO(cmd);
    CHECK(Contains(p.out, cmd));
  }
  p = Run({"query", "--help"});
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "--format"));
  CHECK(Contains(p.out, "--bom"));
  p = Run({"load", "--help"});
  CHECK(p.code == 0);
  for (const char* opt : {"--vintage", "--format", "--encoding", "--skip-bad"}) {
    CHECK(Contains(p.out, opt));
  }
  p = Run({"--version"});
  CHECK(p.code == 0);
  CHECK(StartsWith(p.out, std::string("ixdb ") + IXDB_VERSION));
}

TEST_CASE("ixdb: usage errors exit 1 with a message on stderr", "[cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{}, "expected a command"},
      {{"frobnicate"}, "expected a command"},
      {{"query", "--format", "xml", "gdp"}, "xml"},
      {{"query"}, "query"},
      {{"load"}, "files"},
      {{"load", "--vintage", "2024-13-45", "x.csv"}, "--vintage"},
      {{"revert", "abc"}, "abc"},
      {{"--db", "x", "--connect", "127.0.0.1:1", "query", "gdp"}, "--connect"},
  };
  for (const auto& c : cases) {
    Proc p = Run(c.args);
    INFO("args: " << (c.args.empty() ? "" : c.args[0]) << " stderr: " << p.err);
    CHECK(p.code == 1);
    CHECK(StartsWith(p.err, "ixdb: "));
    CHECK(Contains(p.err, c.message));
  }
}

TEST_CASE("ixdb: load then query as csv, json and table", "[cli]") {
  LoadedStore s;
  Proc p = Run({"--db", s.db, "query", "--format", "csv", "gdp"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(StartsWith(p.out, "indicator,period,value"));
  CHECK(Contains(p.out, "\ngdp,2022,18866.43"));
  CHECK(Contains(p.out, "\ngdp,2023,20011.65"));

  p = Run({"--db", s.db, "query", "--format", "json", "gdp"});
  REQUIRE(p.code == 0);
  CHECK(StartsWith(p.out, "[\n  {\"indicator\":\"gdp\",\"period\":\"2022\",\"value\":18866.43"));

  p = Run({"--db", s.db, "query", "gdp"});  // table is the default
  REQUIRE(p.code == 0);
  CHECK(StartsWith(p.out, "┌"));
  CHECK(Contains(p.out, "│ gdp "));
  CHECK(Contains(p.out, "2 rows\n"));
}

TEST_CASE("ixdb: --bom puts a UTF-8 byte-order mark before CSV", "[cli]") {
  LoadedStore s;
  Proc p = Run({"--db", s.db, "query", "--format", "csv", "--bom", "gdp"});
  REQUIRE(p.code == 0);
  CHECK(StartsWith(p.out,
                   "\xEF\xBB\xBF"
                   "indicator,period,value"));
}

TEST_CASE("ixdb: global options are accepted after the subcommand", "[cli]") {
  LoadedStore s;
  Proc before = Run({"--db", s.db, "query", "--format", "csv", "gdp"});
  Proc after = Run({"query", "--format", "csv", "gdp", "--db", s.db});
  Proc middle = Run({"query", "--db", s.db, "--format", "csv", "gdp"});
  REQUIRE(before.code == 0);
  CHECK(after.code == 0);
  CHECK(middle.code == 0);
  CHECK(after.out == before.out);
  CHECK(middle.out == before.out);
}

TEST_CASE("ixdb: the data directory is $IXDB_DB, else ./ixdb-data", "[cli]") {
  TempDir dir;
  WriteFile(dir / "first.csv", kFirstLoad);
  SECTION("IXDB_DB") {
    RunOptions env_opts;
    env_opts.env = {{"IXDB_DB", dir / "from-env"}};
    Proc p = Run({"load", dir / "first.csv"}, env_opts);
    INFO(p.err);
    REQUIRE(p.code == 0);
    CHECK(fs::is_directory(dir / "from-env"));
    p = Run({"query", "--format", "csv", "gdp"}, env_opts);
    CHECK(p.code == 0);
    CHECK(Contains(p.out, "gdp,2023,20000"));
    // --db wins over the environment.
    p = Run({"--db", dir / "elsewhere", "query", "gdp"}, env_opts);
    CHECK(p.code == 1);
  }
  SECTION("./ixdb-data") {
    RunOptions cwd_opts;
    cwd_opts.cwd = dir.path.string();
    Proc p = Run({"load", "first.csv"}, cwd_opts);
    INFO(p.err);
    REQUIRE(p.code == 0);
    CHECK(fs::is_directory(dir / "ixdb-data"));
    p = Run({"query", "--format", "csv", "gdp"}, cwd_opts);
    CHECK(p.code == 0);
    CHECK(Contains(p.out, "gdp,2023,20000"));
  }
}

TEST_CASE("ixdb: query errors exit 1: unknown series with suggestion, parse error with caret",
          "[cli]") {
  LoadedStore s;
  Proc p = Run({"--db", s.db, "query", "gpd"});
  CHECK(p.code == 1);
  CHECK(p.out.empty());
  CHECK(StartsWith(p.err, "ixdb: "));
  CHECK(Contains(p.err, "gdp"));  // the nearest code is suggested

  p = Run({"--db", s.db, "query", "yoy(gdp"});
  CHECK(p.code == 1);
  CHECK(StartsWith(p.err, "ixdb: "));
  CHECK(Contains(p.err, "yoy(gdp\n"));
  CHECK(Contains(p.err, "^"));

  p = Run({"--db", s.db + "-missing", "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "no ixdb store"));
}

TEST_CASE("ixdb: load summary, a bad file loads nothing and names the row", "[cli]") {
  TempDir dir;
  const std::string db = dir / "db";
  WriteFile(dir / "first.csv", kFirstLoad);
  Proc p = Run({"--db", db, "load", dir / "first.csv"});
  REQUIRE(p.code == 0);
  CHECK(Contains(p.out, "3 rows"));
  CHECK(Contains(p.out, "rows/s"));

  WriteFile(dir / "bad.csv",
            "indicator,period,vintage,value\n"
            "gdp,2024,2025-01-20,21000\n"
            "gdp,2025,2026-01-20,not-a-number\n");
  p = Run({"--db", db, "load", dir / "bad.csv"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "bad.csv:3:"));
  p = Run({"--db", db, "query", "--format", "csv", "gdp"});
  REQUIRE(p.code == 0);
  CHECK_FALSE(Contains(p.out, "gdp,2024,"));  // all or nothing: the good row is not there either

  // --skip-bad loads the good row and writes the bad one with its reason.
  p = Run({"--db", db, "load", "--skip-bad", dir / "rejects.txt", dir / "bad.csv"});
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(Contains(ReadFile(dir / "rejects.txt"), "not-a-number"));
  p = Run({"--db", db, "query", "--format", "csv", "gdp"});
  CHECK(Contains(p.out, "gdp,2024,21000"));
}

TEST_CASE("ixdb: load flags for other systems' files (codes, unknown columns, dry run)", "[cli]") {
  TempDir dir;
  const std::string db = dir / "db";
  WriteFile(dir / "r.csv",
            "indicator,period,value,colour\n"
            "R-datasets:AirPassengers,1949-01,112,red\n"
            "R-datasets:AirPassengers,1949-02,118,red\n");
  Proc p = Run({"--db", db, "load", "--vintage", "2024-01-01", dir / "r.csv"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "unknown column 'colour' (column 4)"));
  p = Run(
      {"--db", db, "load", "--vintage", "2024-01-01", "--ignore-unknown-columns", dir / "r.csv"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "bad series code 'R-datasets:AirPassengers'"));
  CHECK(Contains(p.err, "(on 2 rows; the first is shown)"));
  p = Run({"--db", db, "load", "--vintage", "2024-01-01", "--ignore-unknown-columns", "--codes",
           "sanitize", "--dry-run", dir / "r.csv"});
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "note: dry run: nothing was written"));
  p = Run({"--db", db, "query", "--format", "csv", "list()"});
  CHECK_FALSE(Contains(p.out, "R_datasets"));
  p = Run({"--db", db, "load", "--vintage", "2024-01-01", "--ignore-unknown-columns", "--codes",
           "sanitize", dir / "r.csv"});
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "note: " + (dir / "r.csv") + ": ignored unknown column 'colour'"));
  p = Run({"--db", db, "query", "--format", "csv", "list()"});
  CHECK(Contains(p.out, "R_datasets_AirPassengers,R-datasets:AirPassengers,"));
  // --skip-bad that rejects every row exits 1.
  WriteFile(dir / "all_bad.csv", "indicator,period,value\ngdp,2024,x\ngdp,2025,y\n");
  p = Run({"--db", db, "load", "--skip-bad", dir / "rej.txt", dir / "all_bad.csv"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "every row was rejected (2 bad rows"));
}

TEST_CASE("ixdb: load from standard input with --vintage", "[cli]") {
  TempDir dir;
  const std::string db = dir / "db";
  RunOptions opts;
  opts.input =
      "indicator,period,value,name,unit,measure,frequency\n"
      "jobs,2023,25.3,城镇新增就业,万人,count,annual\n";
  Proc p = Run({"--db", db, "load", "--vintage", "2024-01-20", "-"}, opts);
  INFO(p.err);
  REQUIRE(p.code == 0);
  p = Run({"--db", db, "query", "--format", "csv", "revisions(jobs, 2023)"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(StartsWith(p.out, "indicator,period,vintage,value,status"));
  CHECK(Contains(p.out, "jobs,2023,2024-01-20,25.3"));
}

TEST_CASE("ixdb: loads lists each load, revert retracts one", "[cli]") {
  LoadedStore s;
  Proc p = Run({"--db", s.db, "loads", "--format", "csv"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(StartsWith(p.out, "id,time,vintage,files,"));
  // The vintage column is the range of the rows' vintages, not the day of the load.
  CHECK(Contains(p.out, "\n1,"));
  CHECK(Contains(p.out, ",2023-01-20..2024-01-20,"));
  CHECK(Contains(p.out, "first.csv"));
  CHECK(Contains(p.out, "\n2,"));
  CHECK(Contains(p.out, ",2024-01-28,"));
  CHECK(Contains(p.out, "bulletin.csv"));

  p = Run({"--db", s.db, "revert", "2"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(Contains(p.out, "reverted load 2"));
  CHECK(Contains(p.out, "2 versions retracted"));
  // As if the bulletin had never been loaded: the estimate with its own vintage.
  p = Run({"--db", s.db, "query", "--format", "csv", "gdp"});
  CHECK(Contains(p.out, "gdp,2023,20000,亿元,2024-01-20,estimate,"));
  p = Run({"--db", s.db, "query", "--format", "csv", "changes(2024-01-28)"});
  CHECK(p.out ==
        "indicator,period,value,vintage,status,previous_value,previous_status,change,kind,unit\n");
  // History keeps the bulletin's value, with its load and the revert that retracted it.
  p = Run({"--db", s.db, "query", "--format", "csv", "revisions(gdp, 2023)"});
  CHECK(Contains(p.out, "gdp,2023,2024-01-28,20011.65,preliminary,,,,亿元,2,3\n"));
  p = Run({"--db", s.db, "loads", "--format", "csv"});
  CHECK(Contains(p.out, "reverted by"));
  p = Run({"--db", s.db, "revert", "3"});  // a revert is not reverted
  CHECK(p.code == 1);

  p = Run({"--db", s.db, "revert", "99"});
  CHECK(p.code == 1);
  CHECK(StartsWith(p.err, "ixdb: "));
}

TEST_CASE("ixdb: backup is a store that answers the same queries, check", "[cli]") {
  LoadedStore s;
  const std::string copy = s.dir / "copy";
  Proc p = Run({"--db", s.db, "backup", copy});
  INFO(p.err);
  REQUIRE(p.code == 0);
  Proc orig = Run({"--db", s.db, "query", "--format", "csv", "gdp"});
  Proc from_copy = Run({"--db", copy, "query", "--format", "csv", "gdp"});
  REQUIRE(from_copy.code == 0);
  CHECK(from_copy.out == orig.out);

  p = Run({"--db", s.db, "backup", copy});  // the destination exists now
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "exists"));

  p = Run({"--db", copy, "check"});
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "ok"));
  p = Run({"--db", s.dir / "nothing-here", "check"});
  CHECK(p.code == 1);
}

TEST_CASE("ixdb: check exits 1 on a corrupted store", "[cli]") {
  LoadedStore s;
  const std::string copy = s.dir / "copy";
  REQUIRE(Run({"--db", s.db, "backup", copy}).code == 0);
  // A backup holds its data in table files (hard links to the store's own: each is replaced by
  // a damaged copy, not changed in place, so the original stays intact).
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(copy)) {
    if (entry.path().extension() != ".sst") continue;
    std::string bytes = ReadFile(entry.path().string());
    for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64 && i < bytes.size(); ++i) {
      bytes[i] = static_cast<char>(bytes[i] ^ 0xff);
    }
    const std::string tmp = entry.path().string() + ".tmp";
    WriteFile(tmp, bytes);
    fs::rename(tmp, entry.path());
    ++damaged;
  }
  REQUIRE(damaged > 0);
  Proc p = Run({"--db", copy, "check"});
  CHECK(p.code == 1);
  CHECK(StartsWith(p.err, "ixdb: "));
  CHECK(Contains(p.err, "orrupt"));
  p = Run({"--db", s.db, "check"});
  INFO(p.err);
  CHECK(p.code == 0);
}

TEST_CASE("ixdb: shell reads queries from a pipe without prompts", "[cli]") {
  LoadedStore s;
  RunOptions opts;
  opts.input =
      ".format csv\n"
      "gdp[2023:]\n"
      "nosuch\n"
      "gdp_growth;\n";
  Proc p = Run({"--db", s.db, "shell"}, opts);
  CHECK(p.code == 1);  // one statement failed
  CHECK_FALSE(Contains(p.out, "ixdb>"));
  CHECK(StartsWith(p.out, "indicator,period,value"));
  CHECK(Contains(p.out, "gdp,2023,20011.65"));
  CHECK_FALSE(Contains(p.out, "gdp,2022"));
  CHECK(Contains(p.out, "gdp_growth,2023,5.7"));
  CHECK(StartsWith(p.err, "<stdin>:3:1: unknown series 'nosuch'"));
  CHECK(Contains(p.err, "ixdb: 1 statement failed"));

  // JSON Lines: each result on one line.
  opts.input = ".format json\ngdp_growth\n";
  p = Run({"--db", s.db, "shell"}, opts);
  CHECK(p.code == 0);
  CHECK(StartsWith(p.out, "[{\"indicator\":\"gdp_growth\""));
  CHECK(p.out.find('\n') == p.out.size() - 1);
}

TEST_CASE("ixdb: shell -f runs a script: output, places of errors, exit status", "[cli]") {
  LoadedStore s;
  WriteFile(s.dir / "report.q",
            "\xEF\xBB\xBF.format csv\n"  // a BOM (Notepad) is skipped
            "gdp[2023]\n"
            "yoy(gdp,\n"
            "    2)\n"
            "gdp_growth\n");
  Proc p = Run({"--db", s.db, "shell", "-f", s.dir / "report.q"});
  CHECK(p.code == 1);
  CHECK(p.out ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2023,20011.65,亿元,2024-01-28,preliminary,\n"
        "\n"
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp_growth,2023,5.7,%,2024-01-28,preliminary,\n");
  // yoy takes one argument: the error is at the 2 on line 4, column 5 of the script.
  CHECK(StartsWith(p.err, s.dir / "report.q" + ":4:5: "));
  CHECK(Contains(p.err, "\nixdb: 1 statement failed\n"));

  // --bail: the first error ends the script.
  p = Run({"--db", s.db, "shell", "--bail", "-f", s.dir / "report.q"});
  CHECK(p.code == 1);
  CHECK(p.out ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2023,20011.65,亿元,2024-01-28,preliminary,\n");
  CHECK(Contains(p.err, "\nixdb: stopped at the first error (--bail)\n"));

  // A script without errors exits 0; -c runs one statement (or several).
  WriteFile(s.dir / "ok.q", ".format json\ngdp[2022]\n");
  p = Run({"--db", s.db, "shell", "-f", s.dir / "ok.q"});
  CHECK(p.code == 0);
  CHECK(p.out ==
        "[{\"indicator\":\"gdp\",\"period\":\"2022\",\"value\":18866.43,\"unit\":\"亿元\","
        "\"vintage\":\"2023-01-20\",\"status\":\"final\",\"qualifier\":null}]\n");
  CHECK(p.err.empty());
  p = Run({"--db", s.db, "shell", "-c", ".format csv", "-c", "gdp_growth"});
  CHECK(p.code == 0);
  CHECK(p.out ==
        "indicator,period,value,unit,vintage,status,qualifier\ngdp_growth,2023,5.7,%,2024-01-28,"
        "preliminary,\n");
  p = Run({"--db", s.db, "shell", "-c", "nosuch"});
  CHECK(p.code == 1);
  CHECK(StartsWith(p.err, "error: 1:1: unknown series 'nosuch'"));
  p = Run({"--db", s.db, "shell", "-f", s.dir / "missing.q"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "cannot read script '" + s.dir / "missing.q" + "'"));
}

TEST_CASE("ixdb: backslash-d CODE counts each vintage's values, revisions and retracted versions",
          "[cli]") {
  LoadedStore s;
  // Load 1: gdp 2022 (2023-01-20) and the 2023 estimate (2024-01-20); load 2, the bulletin,
  // revises 2023 on 2024-01-28.
  Proc p = Run({"--db", s.db, "shell", "-c", "\\d gdp"});
  INFO(p.out << p.err);
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "2 periods, 2022 … 2023; last vintage 2024-01-28; 0 targets\n"));
  CHECK(Contains(p.out, "│ 2023-01-20 │      1 │       0 │\n"));
  CHECK(Contains(p.out, "│ 2024-01-20 │      1 │       0 │\n"));
  CHECK(Contains(p.out, "│ 2024-01-28 │      1 │       1 │\n"));
  // Reverting the bulletin retracts its version: it is counted apart.
  REQUIRE(Run({"--db", s.db, "revert", "2"}).code == 0);
  p = Run({"--db", s.db, "shell", "-c", "\\d gdp"});
  CHECK(Contains(p.out, "│ vintage    │ values │ revised │ retracted │\n"));
  CHECK(Contains(p.out, "│ 2024-01-28 │      0 │       0 │         1 │\n"));
  CHECK(Contains(p.out, "│ 2023   │    20000 │ 亿元 │ 2024-01-20 │ estimate │"));
}

TEST_CASE("ixdb: ~/.ixdbrc and $IXDB_RC are read by the shell, --no-rc skips them", "[cli]") {
  LoadedStore s;
  WriteFile(s.dir / "rc", ".format csv\n");
  RunOptions opts;
  opts.env = {{"IXDB_RC", s.dir / "rc"}};
  Proc p = Run({"--db", s.db, "shell", "-c", "gdp_growth"}, opts);
  CHECK(p.code == 0);
  CHECK(StartsWith(p.out, "indicator,period,value"));
  p = Run({"--db", s.db, "shell", "--no-rc", "-c", "gdp_growth"}, opts);
  CHECK(StartsWith(p.out, "┌"));
  // $HOME/.ixdbrc when IXDB_RC is not set.
  fs::create_directories(s.dir / "home");
  WriteFile(s.dir / "home/.ixdbrc", ".format json\n");
  opts.env = {{"HOME", s.dir / "home"}};
  p = Run({"--db", s.db, "shell", "-c", "gdp_growth"}, opts);
  CHECK(StartsWith(p.out, "[{"));
}

TEST_CASE("ixdb: query takes a trailing semicolon, and - for the query from standard input",
          "[cli]") {
  LoadedStore s;
  Proc p = Run({"--db", s.db, "query", "--format", "csv", "gdp_growth;"});
  CHECK(p.code == 0);
  CHECK(p.out ==
        "indicator,period,value,unit,vintage,status,qualifier\ngdp_growth,2023,5.7,%,2024-01-28,"
        "preliminary,\n");
  RunOptions opts;
  opts.input = "gdp_growth ;\n";
  Proc q = Run({"--db", s.db, "query", "--format", "csv", "-"}, opts);
  CHECK(q.code == 0);
  CHECK(q.out == p.out);
  opts.input = "  ";
  q = Run({"--db", s.db, "query", "-"}, opts);
  CHECK(q.code == 1);
  CHECK(q.err == "ixdb: the query is empty\n");
}

TEST_CASE("ixdb: no command without a terminal is a usage error", "[cli]") {
  Proc p = Run({});
  CHECK(p.code == 1);
  CHECK(StartsWith(p.err, "ixdb: expected a command"));
}

TEST_CASE("ixdb: query, shell and load with --connect to ixdb serve", "[cli]") {
  LoadedStore s;
  Proc local = Run({"--db", s.db, "query", "--format", "csv", "gdp"});
  REQUIRE(local.code == 0);

  ServerProcess server(s.db, s.dir / "server.log");
  const std::string& ep = server.endpoint();
  CHECK(StartsWith(ep, "127.0.0.1:"));

  Proc p = Run({"--connect", ep, "query", "--format", "csv", "gdp"});
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(p.out == local.out);

  // The store can be read locally while the server has it open for writing.
  p = Run({"--db", s.db, "query", "--format", "csv", "gdp"});
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(p.out == local.out);

  p = Run({"query", "gpd", "--connect", ep});
  CHECK(p.code == 1);
  CHECK(StartsWith(p.err, "ixdb: "));
  CHECK(Contains(p.err, "gdp"));

  RunOptions opts;
  opts.input = ".format csv\ngdp_growth\n";
  p = Run({"--connect", ep, "shell"}, opts);
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "gdp_growth,2023,5.7"));

  // Over --connect, .asof sends the date with each query: the answer of the local shell, the
  // estimate of 2024-01-20 rather than the bulletin's revision.
  const std::vector<std::string> asof = {"shell", "--format", "csv", "-c", ".asof 2024-01-27",
                                         "-c",    "gdp[2023]"};
  std::vector<std::string> local_asof = {"--db", s.db}, remote_asof = {"--connect", ep};
  local_asof.insert(local_asof.end(), asof.begin(), asof.end());
  remote_asof.insert(remote_asof.end(), asof.begin(), asof.end());
  Proc local_then = Run(local_asof);
  p = Run(remote_asof);
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "gdp,2023,20000,"));
  CHECK(p.out == local_then.out);

  WriteFile(s.dir / "more.csv",
            "indicator,period,vintage,value\n"
            "gdp,2024,2025-01-20,21106.23\n");
  p = Run({"--connect", ep, "load", s.dir / "more.csv"});
  INFO(p.err);
  CHECK(p.code == 0);
  p = Run({"--connect", ep, "query", "--format", "csv", "gdp[2024:]"});
  CHECK(Contains(p.out, "gdp,2024,21106.23"));

  CHECK(server.Stop() == 0);
  // What the server loaded is in the store.
  p = Run({"--db", s.db, "query", "--format", "csv", "gdp[2024:]"});
  CHECK(Contains(p.out, "gdp,2024,21106.23"));
}

TEST_CASE("ixdb: serve --token: loads need the same --token", "[cli]") {
  LoadedStore s;
  ServerProcess server(s.db, s.dir / "server.log", {"--token", "s3cret"});
  WriteFile(s.dir / "more.csv",
            "indicator,period,vintage,value\n"
            "gdp,2024,2025-01-20,21106.23\n");
  Proc p = Run({"--connect", server.endpoint(), "load", s.dir / "more.csv"});
  CHECK(p.code == 1);
  CHECK(StartsWith(p.err, "ixdb: "));
  p = Run({"--connect", server.endpoint(), "--token", "wrong", "load", s.dir / "more.csv"});
  CHECK(p.code == 1);
  p = Run({"load", s.dir / "more.csv", "--connect", server.endpoint(), "--token", "s3cret"});
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(StartsWith(p.out, "load #"));  // the server's load summary
  // Queries need no token.
  p = Run({"--connect", server.endpoint(), "query", "--format", "csv", "gdp[2024:]"});
  CHECK(Contains(p.out, "gdp,2024,21106.23"));
}

TEST_CASE("ixdb: define stores a formula series, read as of a date, listed, dropped", "[cli]") {
  LoadedStore s;
  Proc p = Run({"--db", s.db, "define", "gdp_wan", "gdp", "--name", "地区生产总值（万亿元）",
                "--unit", "万亿元"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(p.out == "defined gdp_wan = gdp (万亿元, annual)\n");
  // 20011.65 亿元 = 2.001165 万亿元; as of 2024-01-20 the estimate 20000 亿元 = 2 万亿元.
  p = Run({"--db", s.db, "query", "--format", "csv", "gdp_wan[2023]"});
  CHECK(p.out == "indicator,period,value,unit\ngdp_wan,2023,2.001165,万亿元\n");
  p = Run({"--db", s.db, "query", "--format", "csv", "asof(gdp_wan, 2024-01-20)[2023]"});
  CHECK(p.out == "indicator,period,value,unit\ngdp_wan,2023,2,万亿元\n");
  p = Run({"--db", s.db, "query", "--format", "csv", "list(kind=formula)"});
  CHECK(Contains(p.out, "\ngdp_wan,地区生产总值（万亿元）,,万亿元,level,annual,false,,,formula\n"));
  // \d shows the expression and the computed values, and no vintages or targets of its own.
  p = Run({"--db", s.db, "shell", "-c", "\\d gdp_wan"});
  INFO(p.out);
  CHECK(p.code == 0);
  CHECK(Contains(p.out, "formula: gdp_wan = gdp (computed when read)"));
  CHECK(Contains(p.out, "2 periods, 2022 \u2026 2023; 0 targets"));
  CHECK(Contains(p.out, "2.001165"));
  CHECK_FALSE(Contains(p.out, "vintages (values published"));
  // A formula of the formula, then a cycle through both: refused, naming the loop.
  p = Run({"--db", s.db, "define", "twice", "gdp_wan * 2"});
  REQUIRE(p.code == 0);
  p = Run({"--db", s.db, "define", "gdp_wan", "twice / 2"});
  CHECK(p.code == 1);
  CHECK(
      Contains(p.err, "ixdb: 1:1: formula gdp_wan refers to itself: gdp_wan -> twice -> gdp_wan"));
  p = Run({"--db", s.db, "define", "x", "gdp + gpd"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "unknown series 'gpd'; did you mean gdp"));
  p = Run({"--db", s.db, "define", "x"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "needs an expression"));
  // Data under a formula's code is refused.
  WriteFile(s.dir / "f.csv", "indicator,period,vintage,value\ntwice,2023,2024-02-01,4\n");
  p = Run({"--db", s.db, "load", s.dir / "f.csv"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "twice is a formula (ixdb define)"));
  p = Run({"--db", s.db, "define", "gdp_wan", "--drop"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "cannot drop formula gdp_wan: formula twice uses it"));
  p = Run({"--db", s.db, "define", "--drop", "twice"});
  CHECK(p.out == "dropped formula twice\n");
  p = Run({"--db", s.db, "define", "gdp_wan", "--drop"});
  CHECK(p.code == 0);
  p = Run({"--db", s.db, "query", "gdp_wan"});
  CHECK(p.code == 1);
}

TEST_CASE("ixdb: define --connect defines on the server, with its token", "[cli]") {
  LoadedStore s;
  ServerProcess server(s.db, s.dir / "server.log", {"--token", "s3cret"});
  Proc p = Run({"--connect", server.endpoint(), "define", "gdp_wan", "gdp", "--unit", "万亿元"});
  CHECK(p.code == 1);
  p = Run({"--connect", server.endpoint(), "--token", "s3cret", "define", "gdp_wan", "gdp",
           "--unit", "万亿元"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(p.out == "defined gdp_wan = gdp (万亿元, annual)\n");
  p = Run({"--connect", server.endpoint(), "query", "--format", "csv", "gdp_wan[2023]"});
  CHECK(p.out == "indicator,period,value,unit\ngdp_wan,2023,2.001165,万亿元\n");
  // Errors come back positioned, as locally.
  p = Run({"--connect", server.endpoint(), "--token", "s3cret", "define", "x", "gdp + gpd"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "1:7: unknown series 'gpd'"));
  p = Run({"--connect", server.endpoint(), "--token", "s3cret", "define", "gdp_wan", "--drop"});
  CHECK(p.out == "dropped formula gdp_wan\n");
}

TEST_CASE("ixdb: --connect to a port where nothing listens exits 1", "[cli]") {
  Proc p = Run({"--connect", "127.0.0.1:1", "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "127.0.0.1:1"));
}

TEST_CASE("ixdb: the token comes from --token-file or IXDB_TOKEN, two sources are an error",
          "[cli]") {
  LoadedStore s;
  WriteFile(s.dir / "token", "s3cret\n");
  chmod((s.dir / "token").c_str(), 0600);
  ServerProcess server(s.db, s.dir / "server.log", {"--token-file", s.dir / "token"});
  WriteFile(s.dir / "more.csv",
            "indicator,period,vintage,value\n"
            "gdp,2024,2025-01-20,21106.23\n");
  RunOptions env_wrong;
  env_wrong.env = {{"IXDB_TOKEN", "wrong"}};
  Proc p = Run({"--connect", server.endpoint(), "load", s.dir / "more.csv"}, env_wrong);
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "wrong token for loads"));
  RunOptions env_right;
  env_right.env = {{"IXDB_TOKEN", "s3cret"}};
  p = Run({"--connect", server.endpoint(), "load", s.dir / "more.csv"}, env_right);
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(p.err.empty());  // no warning: the token is not on the command line
  // Two sources: an error before anything is done.
  p = Run(
      {"--connect", server.endpoint(), "--token-file", s.dir / "token", "load", s.dir / "more.csv"},
      env_right);
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "the token is given twice (--token-file and IXDB_TOKEN)"));
  p = Run({"--token", "x", "--token-file", s.dir / "token", "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "--token and --token-file"));
  // On the command line it still works, with a warning.
  p = Run({"--connect", server.endpoint(), "--token", "s3cret", "load", s.dir / "more.csv"});
  CHECK(p.code == 0);
  CHECK(Contains(p.err, "warning: a token given with --token is visible to other users"));
  p = Run({"--token-file", s.dir / "missing", "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "cannot read the token file"));
}

TEST_CASE("ixdb: serve --tls-cert/--tls-key, clients --tls --tls-ca, plaintext is refused",
          "[cli]") {
  LoadedStore s;
  const std::string cert = s.dir / "cert.pem", key = s.dir / "key.pem";
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ixdb-test "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" +
      key + "' -out '" + cert + "' >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  Proc local = Run({"--db", s.db, "query", "--format", "csv", "gdp"});
  ServerProcess server(s.db, s.dir / "server.log", {"--tls-cert", cert, "--tls-key", key});
  Proc p = Run({"--connect", server.endpoint(), "--tls", "--tls-ca", cert, "query", "--format",
                "csv", "gdp"});
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(p.out == local.out);
  p = Run({"--connect", server.endpoint(), "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "accepts TLS connections only: connect with --tls"));
  p = Run({"--connect", server.endpoint(), "--tls", "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "certificate verify failed"));
  CHECK(server.Stop() == 0);
  CHECK(Contains(ReadFile(s.dir / "server.log"), ": refused: not TLS"));
  // Only one of the two files: a usage error.
  p = Run({"--db", s.db, "serve", "--tls-cert", cert});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "--tls-key"));
}

TEST_CASE("ixdb: serve's limit flags are checked and take effect", "[cli]") {
  LoadedStore s;
  Proc p = Run({"serve", "--help"});
  for (const char* flag :
       {"--max-connections", "--max-frame-bytes", "--idle-timeout", "--query-timeout",
        "--max-result-bytes", "--tls-cert", "--tls-key", "--insecure"}) {
    CHECK(Contains(p.out, flag));
  }
  p = Run({"--db", s.db, "serve", "--query-timeout", "-1"});
  CHECK(p.code == 1);
  p = Run({"--db", s.db, "serve", "--listen", "0.0.0.0:0", "--token", "t"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "the token would travel in clear text"));
  ServerProcess server(s.db, s.dir / "server.log",
                       {"--max-frame-bytes", "200", "--max-result-bytes", "300"});
  WriteFile(s.dir / "more.csv", "indicator,period,vintage,value\n" + std::string(300, '#') + "\n");
  p = Run({"--connect", server.endpoint(), "load", s.dir / "more.csv"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "exceeds the limit of 200 bytes"));
  p = Run({"--connect", server.endpoint(), "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "--max-result-bytes"));
  CHECK(server.Stop() == 0);
  std::string log = ReadFile(s.dir / "server.log");
  CHECK(Contains(log, "127.0.0.1:"));
  CHECK(Contains(log, ": refused: frame of"));
  CHECK(Contains(log, ": refused: response too large"));
}
