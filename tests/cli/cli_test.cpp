// End-to-end tests of the `ixdb` program: each runs the built binary (IXDB_BIN) in a fresh
// temporary directory and checks its output and exit status as a user or a script sees them.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "ixdb-cli-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
  REQUIRE(f.good());
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Proc {
  int code = -1;
  std::string out, err;
};

struct RunOptions {
  std::string input;   // standard input
  std::string cwd;     // working directory (default: the test's)
  std::vector<std::pair<std::string, std::string>> env;  // set in the child
};

// Runs `ixdb args...` with IXDB_DB unset (unless opts.env sets it), stdin/stdout/stderr in
// files of a scratch directory, and waits for it.
Proc Run(const std::vector<std::string>& args, const RunOptions& opts = {}) {
  TempDir io;
  const std::string in_path = io / "stdin", out_path = io / "stdout", err_path = io / "stderr";
  WriteFile(in_path, opts.input);
  std::vector<std::string> argv_s{IXDB_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    unsetenv("IXDB_DB");
    for (const auto& [k, v] : opts.env) setenv(k.c_str(), v.c_str(), 1);
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) != 0) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  Proc p;
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  p.out = ReadFile(out_path);
  p.err = ReadFile(err_path);
  return p;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// GDP (a level) with its first releases, and the growth rate: the data of DOMAIN.md.
const char* kFirstLoad =
    "indicator,period,vintage,value,status,name,name_en,unit,measure,frequency\n"
    "gdp,2022,2023-01-20,18866.43,final,地区生产总值,GDP,亿元,level,annual\n"
    "gdp,2023,2024-01-20,20000,estimate,地区生产总值,GDP,亿元,level,annual\n"
    "gdp_growth,2023,2024-01-20,6,estimate,地区生产总值增长,GDP growth,%,growth,annual\n";
// The statistical bulletin of 2024-01-28 revises both 2023 values.
const char* kBulletin =
    "indicator,period,vintage,value,status\n"
    "gdp,2023,2024-01-28,20011.65,preliminary\n"
    "gdp_growth,2023,2024-01-28,5.7,preliminary\n";

// A data directory with both loads (load 1 and load 2).
struct LoadedStore {
  TempDir dir;
  std::string db = dir / "db";
  LoadedStore() {
    WriteFile(dir / "first.csv", kFirstLoad);
    WriteFile(dir / "bulletin.csv", kBulletin);
    Proc p = Run({"--db", db, "load", dir / "first.csv"});
    INFO(p.err);
    REQUIRE(p.code == 0);
    p = Run({"--db", db, "load", dir / "bulletin.csv"});
    INFO(p.err);
    REQUIRE(p.code == 0);
  }
};

}  // namespace

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
  CHECK(StartsWith(p.out, "\xEF\xBB\xBF" "indicator,period,value"));
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
  p = Run({"--db", db, "load", "--vintage", "2024-01-01", "--ignore-unknown-columns", dir / "r.csv"});
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
  CHECK(p.out == "indicator,period,value,vintage,status,previous_value,previous_status,change,kind,unit\n");
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
  CHECK(Contains(p.err, "error: "));
  CHECK(Contains(p.err, "nosuch"));

  opts.input = ".format json\ngdp_growth\n";
  p = Run({"--db", s.db, "shell"}, opts);
  CHECK(p.code == 0);
  CHECK(StartsWith(p.out, "[\n  {\"indicator\":\"gdp_growth\""));
}

namespace {

// `ixdb --db DB serve --listen 127.0.0.1:0` in the background; the bound endpoint is read
// from the line it prints on stdout once it listens.
class ServerProcess {
 public:
  ServerProcess(const std::string& db, const std::string& err_path,
                const std::vector<std::string>& extra_args = {}) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    std::vector<std::string> argv_s{IXDB_BIN, "--db", db, "serve", "--listen", "127.0.0.1:0"};
    argv_s.insert(argv_s.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int in = open("/dev/null", O_RDONLY);
      dup2(in, 0);
      dup2(fds[1], 1);
      dup2(err, 2);
      close(fds[0]);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_fd_ = fds[0];
    // Wait (at most 60 s: sanitizer builds start slowly) for "... on HOST:PORT".
    std::string seen;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buf[512];
      ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<size_t>(n));
      size_t nl = seen.find('\n');
      if (nl != std::string::npos) {
        std::string line = seen.substr(0, nl);
        size_t on = line.rfind(" on ");
        if (on != std::string::npos) endpoint_ = line.substr(on + 4);
        break;
      }
    }
    INFO("server said: " << seen << " / " << ReadFile(err_path));
    REQUIRE(!endpoint_.empty());
  }
  ~ServerProcess() {
    if (pid_ > 0) Stop();
    if (out_fd_ >= 0) close(out_fd_);
  }
  // SIGTERM, then the exit status.
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  const std::string& endpoint() const { return endpoint_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string endpoint_;
};

}  // namespace

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

TEST_CASE("ixdb: --connect to a port where nothing listens exits 1", "[cli]") {
  Proc p = Run({"--connect", "127.0.0.1:1", "query", "gdp"});
  CHECK(p.code == 1);
  CHECK(Contains(p.err, "127.0.0.1:1"));
}

namespace {

// Runs a tmux command on a private tmux server; returns its exit status and output.
Proc Tmux(const std::string& socket, const std::string& args) {
  TempDir io;
  std::string cmd = "tmux -L " + socket + " " + args + " >" + (io / "out") + " 2>&1";
  Proc p;
  int rc = std::system(cmd.c_str());
  p.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  p.out = ReadFile(io / "out");
  return p;
}

// Polls the pane until it shows `text` (at most 30 s).
bool WaitForPane(const std::string& socket, const std::string& text, std::string* screen) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    Proc p = Tmux(socket, "capture-pane -p -t ixdb");
    *screen = p.out;
    if (Contains(p.out, text)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("ixdb: interactive shell in a terminal (tmux): prompt, continuation, history",
          "[cli]") {
  LoadedStore s;
  const std::string home = s.dir / "home";
  fs::create_directories(home);
  const std::string socket = "ixdb-cli-test-" + std::to_string(getpid());
  std::string screen;
  Proc p = Tmux(socket, "new-session -d -s ixdb -x 120 -y 40 \"env HOME=" + home +
                            " TERM=screen " + IXDB_BIN + " --db " + s.db + " shell\"");
  REQUIRE(p.code == 0);
  struct Cleanup {
    std::string socket;
    ~Cleanup() { Tmux(socket, "kill-server"); }
  } cleanup{socket};

  CHECK(WaitForPane(socket, "ixdb>", &screen));  // (capture-pane drops trailing blanks)
  Tmux(socket, "send-keys -t ixdb 'gdp' Enter");
  INFO(screen);
  CHECK(WaitForPane(socket, "2 rows", &screen));
  // Ctrl-C drops the line being typed; the shell goes on.
  Tmux(socket, "send-keys -t ixdb 'yoy(gd'");
  Tmux(socket, "send-keys -t ixdb C-c");
  CHECK(WaitForPane(socket, "yoy(gd^C", &screen));
  // An open bracket continues the statement on the next line.
  Tmux(socket, "send-keys -t ixdb 'gdp_growth[2023:' Enter");
  CHECK(WaitForPane(socket, "...>", &screen));
  Tmux(socket, "send-keys -t ixdb ']' Enter");
  CHECK(WaitForPane(socket, "1 row", &screen));
  // Errors leave the shell running.
  Tmux(socket, "send-keys -t ixdb 'nosuch' Enter");
  CHECK(WaitForPane(socket, "error: ", &screen));
  Tmux(socket, "send-keys -t ixdb '.quit' Enter");
  bool ended = false;
  for (int i = 0; i < 300 && !ended; ++i) {
    ended = Tmux(socket, "has-session -t ixdb").code != 0;
    if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(ended);
  std::string history = ReadFile(home + "/.ixdb_history");
  CHECK(Contains(history, "gdp"));
  CHECK(Contains(history, "nosuch"));
  CHECK_FALSE(Contains(history, "yoy(gd"));
}
