#pragma once
// Helpers of the CLI tests: run the built `ixdb` (IXDB_BIN) in scratch directories, a small
// loaded store, `ixdb serve` in the background, and a private tmux server that drives the
// interactive shell through a real terminal.

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

namespace ixdb::cli::test {

namespace fs = std::filesystem;

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

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
  REQUIRE(f.good());
}

inline std::string ReadFile(const std::string& path) {
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
  std::string input;                                     // standard input
  std::string cwd;                                       // working directory (default: the test's)
  std::vector<std::pair<std::string, std::string>> env;  // set in the child
};

// Runs `ixdb args...` with IXDB_DB unset (unless opts.env sets it), stdin/stdout/stderr in
// files of a scratch directory, and waits for it.
inline Proc Run(const std::vector<std::string>& args, const RunOptions& opts = {}) {
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

inline bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
inline bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// GDP (a level) with its first releases, and the growth rate: the data of DOMAIN.md.
inline const char* kFirstLoad =
    "indicator,period,vintage,value,status,name,name_en,unit,measure,frequency\n"
    "gdp,2022,2023-01-20,18866.43,final,地区生产总值,GDP,亿元,level,annual\n"
    "gdp,2023,2024-01-20,20000,estimate,地区生产总值,GDP,亿元,level,annual\n"
    "gdp_growth,2023,2024-01-20,6,estimate,地区生产总值增长,GDP growth,%,growth,annual\n";
// The statistical bulletin of 2024-01-28 revises both 2023 values.
inline const char* kBulletin =
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

// The demo data set of data/wuhan (the 2023 plan report, bulletins, history since 2012) in a
// store of its own.
struct DemoStore {
  TempDir dir;
  std::string db = dir / "db";
  DemoStore() {
    const std::string data = std::string(IXDB_SOURCE_DIR) + "/data/wuhan/";
    Proc p = Run({"--db", db, "load", data + "observations.csv", data + "targets.csv",
                  data + "bulletins.csv", data + "history.csv"});
    INFO(p.err);
    REQUIRE(p.code == 0);
  }
};

// A store whose one series `a` has 108,000 monthly values (1000-01 .. 9999-12), and a query
// over it that runs for a long time (each `+a` reads and aligns the whole series: about 9 ms
// each on the 2-core development machine, so a minute) while checking for cancellation
// before every read.
struct LongStore {
  TempDir dir;
  std::string db = dir / "db";
  LongStore() {
    std::string csv = "indicator,period,vintage,value,unit,measure,frequency\n";
    for (int y = 1000; y < 10000; ++y) {
      for (int m = 1; m <= 12; ++m) {
        csv += "a," + std::to_string(y) + "-" + (m < 10 ? "0" : "") + std::to_string(m) +
               ",2024-01-01," + std::to_string((y * 12 + m) % 97 + 1) + ",亿元,level,monthly\n";
      }
    }
    WriteFile(dir / "a.csv", csv);
    Proc p = Run({"--db", db, "load", dir / "a.csv"});
    INFO(p.err);
    REQUIRE(p.code == 0);
  }
  // About a minute of work in a release build: 6000 additions of 108,000 rows, written as 75
  // groups of 80 so that the tree stays ~155 deep (the parser refuses deeper than 256, and a
  // sanitizer build's frames are several times larger).
  static std::string LongQuery(int groups = 75, int group_terms = 80) {
    std::string q = "stats(";
    for (int g = 0; g < groups; ++g) {
      q += g == 0 ? "(a" : "+(a";
      for (int i = 1; i < group_terms; ++i) q += "+a";
      q += ")";
    }
    return q + ")";
  }
};

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

// Runs a tmux command on a private tmux server; returns its exit status and output.
inline Proc Tmux(const std::string& socket, const std::string& args) {
  TempDir io;
  std::string cmd = "tmux -L " + socket + " " + args + " >" + (io / "out") + " 2>&1";
  Proc p;
  int rc = std::system(cmd.c_str());
  p.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  p.out = ReadFile(io / "out");
  return p;
}

// Polls the pane until it shows `text` (at most 30 s).
inline bool WaitForPane(const std::string& socket, const std::string& text, std::string* screen) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    Proc p = Tmux(socket, "capture-pane -p -t ixdb");
    *screen = p.out;
    if (Contains(p.out, text)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Single-quotes `s` for /bin/sh.
inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A program running in a real terminal: a tmux session on a private tmux server, driven by
// send-keys and read with capture-pane. Killing the server closes the terminal, which sends
// the program SIGHUP, as closing a terminal window does.
class Terminal {
 public:
  // Runs the shell command line `command` in a terminal of `width` x `height`.
  Terminal(const std::string& command, int width, int height)
      : socket_("ixdb-term-" + std::to_string(getpid()) + "-" + std::to_string(Next())) {
    Proc p = Tmux(socket_, "new-session -d -s ixdb -x " + std::to_string(width) + " -y " +
                               std::to_string(height) + " " + ShellQuote(command));
    INFO(p.out);
    REQUIRE(p.code == 0);
    Tmux(socket_, "set-option -t ixdb history-limit 50000");
  }
  ~Terminal() { Tmux(socket_, "kill-server"); }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Keys by tmux name: "Enter", "C-c", "Tab".
  void Keys(const std::string& keys) { Tmux(socket_, "send-keys -t ixdb " + keys); }
  // Text typed as it is.
  void Type(const std::string& text) { Tmux(socket_, "send-keys -t ixdb -l " + ShellQuote(text)); }
  // Text, then Enter.
  void Line(const std::string& text) {
    Type(text);
    Keys("Enter");
  }
  // Everything the terminal showed since the last Clear(), lines joined where the terminal
  // wrapped them (so a line wider than the terminal shows as one long line).
  std::string Screen() { return Tmux(socket_, "capture-pane -p -J -S - -t ixdb").out; }
  // Polls until Screen() holds `text`.
  bool WaitFor(const std::string& text, int seconds = 30) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Contains(Screen(), text)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Forgets what was shown so far (the screen and its scrollback).
  void Clear() {
    Tmux(socket_, "clear-history -t ixdb");
    Tmux(socket_, "send-keys -t ixdb -R");
    Tmux(socket_, "clear-history -t ixdb");
  }
  // Closes the terminal: the program gets SIGHUP.
  void Hangup() { Tmux(socket_, "kill-server"); }
  // True once the program has ended (its session is gone), polling at most `seconds`.
  bool WaitEnded(int seconds = 30) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Tmux(socket_, "has-session -t ixdb").code != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  static int Next() {
    static int n = 0;
    return ++n;
  }
  std::string socket_;
};

}  // namespace ixdb::cli::test
