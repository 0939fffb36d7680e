// The interactive shell driven through a real terminal (tmux): what a person at the keyboard
// sees and keeps. Each test starts `ixdb shell` in a terminal of its own with HOME in a
// scratch directory (the history file and no ~/.ixdbrc of the machine).

#include <signal.h>
#include <sys/types.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli/history.hpp"
#include "cli_test_util.hpp"
#include "common/utf8.hpp"
#include "tests/common/text_lines.hpp"

namespace {

using ixdb::test::BorderColumns;
using ixdb::test::Lines;

using namespace ixdb::cli::test;
namespace fs = std::filesystem;

// The shell in a terminal, its pid written to a file so a test can wait for the process
// itself to end after a hangup.
struct ShellInTerminal {
  TempDir scratch;
  std::string home = scratch / "home";
  std::string pid_file = scratch / "pid";
  std::unique_ptr<Terminal> terminal;

  ShellInTerminal(const std::string& db_args, int width = 100, int height = 40,
                  const std::string& env = "", const std::string& home_dir = "") {
    if (!home_dir.empty()) home = home_dir;
    fs::create_directories(home);
    const std::string command = "echo $$ > " + pid_file + "; exec env HOME=" + home +
                                " LANG=C.UTF-8 TERM=screen " + env + " " + IXDB_BIN + " " +
                                db_args + " shell";
    terminal = std::make_unique<Terminal>("sh -c " + ShellQuote(command), width, height);
    REQUIRE(terminal->WaitFor("ixdb>"));
  }
  Terminal& operator*() { return *terminal; }
  Terminal* operator->() { return terminal.get(); }

  // Closes the terminal and waits until the shell process is gone.
  void HangupAndWait() { KillAndWait(0); }
  // Sends the shell `signal` (0: closes the terminal instead) and waits until it is gone.
  void KillAndWait(int signal) {
    const pid_t pid = static_cast<pid_t>(std::stol(ReadFile(pid_file)));
    if (signal == 0) {
      terminal->Hangup();
    } else {
      REQUIRE(::kill(pid, signal) == 0);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(::kill(pid, 0) != 0);
  }

  // Drops the line being typed with Ctrl-C and waits until the shell shows a fresh, empty
  // prompt: keys typed before it is back can be flushed with the interrupted line.
  bool CancelLine(int seconds = 5) {
    terminal->Keys("C-c");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      std::vector<std::string> lines = Lines(terminal->Screen());
      while (!lines.empty() && lines.back().find_first_not_of(' ') == std::string::npos) {
        lines.pop_back();
      }
      if (lines.size() >= 2 && lines.back().rfind("ixdb>", 0) == 0 &&
          lines.back().find_first_not_of(' ', 5) == std::string::npos &&
          lines[lines.size() - 2].find("^C") != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::vector<std::string> History() {
    ixdb::cli::HistoryFile file(home + "/.ixdb_history");
    auto entries = file.Load();
    REQUIRE(entries.ok());
    return *entries;
  }
};

}  // namespace

TEST_CASE("shell in a terminal: prompt, continuation, errors, history", "[cli]") {
  LoadedStore s;
  ShellInTerminal sh("--db " + s.db);
  sh->Line("gdp");
  CHECK(sh->WaitFor("2 rows"));
  // Ctrl-C drops the line being typed; the shell goes on.
  sh->Type("yoy(gd");
  sh->Keys("C-c");
  CHECK(sh->WaitFor("yoy(gd^C"));
  // An open bracket continues the statement on the next line.
  sh->Line("gdp_growth[2023:");
  CHECK(sh->WaitFor("...>"));
  sh->Line("]");
  CHECK(sh->WaitFor("1 row"));
  // Errors leave the shell running.
  sh->Line("nosuch");
  CHECK(sh->WaitFor("error: "));
  sh->Line(".quit");
  CHECK(sh->WaitEnded());
  const auto history = sh.History();
  CHECK(history == std::vector<std::string>{"gdp", "gdp_growth[2023:\n]", "nosuch", ".quit"});
}

TEST_CASE("shell in a terminal: a hangup at the prompt keeps every history entry", "[cli]") {
  LoadedStore s;
  TempDir home;
  // 300 entries from earlier sessions, in the libedit format earlier versions wrote.
  std::string old = "_HiStOrY_V2_\n";
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    expected.push_back("gdp[" + std::to_string(1900 + i) + ":]");
    old += ixdb::cli::EncodeHistoryEntry(expected.back()) + "\n";
  }
  WriteFile(home / ".ixdb_history", old);
  // Three times (the bug this guards against lost everything in 3 of 3 tries).
  for (int round = 0; round < 3; ++round) {
    ShellInTerminal sh("--db " + s.db, 100, 40, "", home.path.string());
    const std::string a = "gdp_growth  # round " + std::to_string(round);
    sh->Line(a);
    CHECK(sh->WaitFor("1 row"));
    sh->Type("yoy(gdp)[2023");  // typed, never entered: not history
    sh.HangupAndWait();
    expected.push_back(a);
    CHECK(sh.History() == expected);
  }
}

TEST_CASE(
    "shell in a terminal: SIGTERM and a crash (SIGKILL), at the prompt and in a query, keep "
    "the history",
    "[cli]") {
  LongStore s;
  TempDir home;
  std::vector<std::string> expected;
  for (int signal : {SIGTERM, SIGKILL}) {
    for (bool in_query : {false, true}) {
      ShellInTerminal sh("--db " + s.db, 100, 40, "", home.path.string());
      const std::string entry =
          "a[1000-01]  # " + std::to_string(signal) + (in_query ? " query" : " prompt");
      sh->Line(entry);
      CHECK(sh->WaitFor("1 row"));
      expected.push_back(entry);
      if (in_query) {
        sh->Line(LongStore::LongQuery());
        expected.push_back(LongStore::LongQuery());
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
      sh.KillAndWait(signal);
      INFO("signal " << signal << (in_query ? " during a query" : " at the prompt"));
      CHECK(sh.History() == expected);
    }
  }
}

TEST_CASE("shell in a terminal: Ctrl-C cancels a long query, the next one works, history is kept",
          "[cli]") {
  LongStore s;
  ShellInTerminal sh("--db " + s.db);
  sh->Line("a[1000-01]");
  CHECK(sh->WaitFor("1 row"));
  const std::string long_query = LongStore::LongQuery();
  sh->Line(long_query);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK_FALSE(Contains(sh->Screen(), "cancelled"));  // still running
  const auto start = std::chrono::steady_clock::now();
  sh->Keys("C-c");
  REQUIRE(sh->WaitFor("error: the query was cancelled", 10));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 3.0);  // the whole query takes about a minute
  // The shell is back at the prompt and the next query works.
  sh->Clear();
  sh->Line("a[9999-12]");
  CHECK(sh->WaitFor("1 row"));
  CHECK(sh->WaitFor("9999-12"));
  // A hangup during a long query: the statement was saved when it was entered.
  sh->Line(long_query + " # again");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  sh.HangupAndWait();
  CHECK(sh.History() ==
        std::vector<std::string>{"a[1000-01]", long_query, "a[9999-12]", long_query + " # again"});
}

TEST_CASE("shell in a terminal: Tab completes codes, functions, commands, names", "[cli]") {
  DemoStore s;
  ShellInTerminal sh("--db " + s.db);
  // A series code.
  sh->Type("gdp_gro");
  sh->Keys("Tab");
  CHECK(sh->WaitFor("ixdb> gdp_growth", 5));
  REQUIRE(sh.CancelLine());
  // A function name, with its bracket.
  sh->Type("discre");
  sh->Keys("Tab");
  CHECK(sh->WaitFor("ixdb> discrete(", 5));
  sh->Type("gdp_g");
  sh->Keys("Tab");
  CHECK(sh->WaitFor("ixdb> discrete(gdp_growth", 5));
  REQUIRE(sh.CancelLine());
  // A meta command, in both spellings.
  sh->Type(".spa");
  sh->Keys("Tab");
  CHECK(sh->WaitFor("ixdb> .spark", 5));
  REQUIRE(sh.CancelLine());
  // A method word where a method goes.
  sh->Type("annual(retail, su");
  sh->Keys("Tab");
  CHECK(sh->WaitFor("annual(retail, sum", 5));
  REQUIRE(sh.CancelLine());
  // A Chinese name where a code goes becomes the code search() finds for it.
  sh->Type("yoy(地区生产总值（经济");
  sh->Keys("Tab");
  CHECK(sh->WaitFor("ixdb> yoy(gdp", 5));
  REQUIRE(sh.CancelLine());
}

TEST_CASE("shell in a terminal: backslash-d and backslash-d CODE on the demo data", "[cli]") {
  DemoStore s;
  ShellInTerminal sh("--db " + s.db, 100, 60, "PAGER=cat");
  sh->Line("\\d gdp*");
  CHECK(sh->WaitFor("rows"));
  std::string screen = sh->Screen();
  INFO(screen);
  CHECK(Contains(screen, "│ code "));
  CHECK(Contains(screen, "latest_period"));
  CHECK(Contains(screen, "│ gdp_growth "));
  CHECK(Contains(screen, "地区生产总值增长"));
  CHECK(Contains(screen, "2024Q1-Q4"));
  CHECK(Contains(screen, "2025-03-31"));
  sh->Clear();
  sh->Line("\\d gdp_growth");
  CHECK(sh->WaitFor("targets"));
  CHECK(sh->WaitFor("missed"));
  screen = sh->Screen();
  INFO(screen);
  CHECK(Contains(screen,
                 "gdp_growth · 地区生产总值增长 · GDP growth (constant prices, year to date)"));
  CHECK(Contains(screen, "20 periods, 2012Q1-Q4 … 2024Q1-Q4; last vintage 2025-03-31; 1 target"));
  CHECK(Contains(screen, "latest values"));
  CHECK(Contains(screen, "│ 2024Q1-Q4 │   5.2 │"));
  // The 2023 full-year growth: 6 estimated on 2024-01-20, 5.7 in the bulletin of 2024-01-28.
  CHECK(Contains(screen, "│ 2024-01-28 │      1 │       1 │"));
  CHECK(Contains(screen, "│ 2024Q1-Q4 │ =          │      6 │    5.2 │ -0.8 │ missed │"));
  // An unknown code suggests the nearest.
  sh->Clear();
  sh->Line("\\d gdp_grwth");
  CHECK(sh->WaitFor("error: unknown series 'gdp_grwth'; did you mean gdp_growth"));
}

TEST_CASE("shell in a terminal: backslash-x auto on an 80-column terminal", "[cli]") {
  DemoStore s;
  ShellInTerminal sh("--db " + s.db, 80, 50, "PAGER=cat");
  sh->Line("\\x auto");
  // The next prompt first: a line typed before it is echoed beside the previous one, a line
  // wider than the terminal that is no output of the shell's (10 s at most).
  for (int i = 0; i < 200; ++i) {
    const std::string shown = sh->Screen();
    const size_t first = shown.find("ixdb>");
    if (first != std::string::npos && shown.find("ixdb>", first + 1) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sh->Line("targets(2024) where indicator = gdp_growth");
  CHECK(sh->WaitFor("1 row"));
  std::string screen = sh->Screen();
  INFO(screen);
  CHECK(Contains(screen, "─[ RECORD 1 ]"));
  CHECK(Contains(screen, "status         │ missed"));
  for (const auto& line : Lines(screen)) CHECK(ixdb::DisplayWidth(line) <= 80);
  // A narrow result stays a table.
  sh->Clear();
  sh->Line("gdp[2023]");
  CHECK(sh->WaitFor("1 row"));
  screen = sh->Screen();
  CHECK(Contains(screen, "┌"));
  CHECK_FALSE(Contains(screen, "RECORD"));
}

TEST_CASE("shell in a terminal: a CJK table lines up at 80 and 160 columns", "[cli]") {
  DemoStore s;
  for (int width : {80, 160}) {
    ShellInTerminal sh("--db " + s.db, width, 60, "PAGER=cat");
    // Code, name, unit, frequency, latest period and vintage: 102 columns at their natural
    // widths, so at 80 the code and name columns wrap (they can narrow to 8 each: 75).
    sh->Line("\\d 零售");
    REQUIRE(sh->WaitFor("rows"));
    const std::string screen = sh->Screen();
    INFO("width " << width << "\n" << screen);
    std::vector<size_t> borders;
    size_t box_lines = 0;
    for (const auto& line : Lines(screen)) {
      CHECK(ixdb::DisplayWidth(line) <= static_cast<size_t>(width));
      const auto cols = BorderColumns(line);
      if (cols.empty()) continue;
      ++box_lines;
      if (borders.empty()) borders = cols;
      CHECK(cols == borders);
    }
    CHECK(box_lines >= 6);
    CHECK(Contains(screen, "┌"));  // a table, not records
    CHECK(Contains(screen, width == 160 ? "社会消费品零售总额增长" : "社会消费品"));
  }
}

TEST_CASE("shell in a terminal: .plot of a series with 20 periods, its target marked", "[cli]") {
  DemoStore s;
  ShellInTerminal sh("--db " + s.db, 80, 40);
  sh->Line(".plot gdp_growth");
  CHECK(sh->WaitFor("target = 6 (2024Q1-Q4)"));
  const std::string screen = sh->Screen();
  INFO(screen);
  // The axis runs from the lowest to the highest of the 20 values: -40.5 (2020Q1), 58.4 (2021Q1).
  CHECK(Contains(screen, "gdp_growth (%)"));
  CHECK(Contains(screen, " 58.4 ┤"));
  CHECK(Contains(screen, "-40.5 ┤"));
  CHECK(Contains(screen, "2012Q1-Q4"));
  CHECK(Contains(screen, "2024Q1-Q4"));
  size_t braille_rows = 0;
  for (const auto& line : Lines(screen)) {
    CHECK(ixdb::DisplayWidth(line) <= 80);
    if (Contains(line, "┤") || Contains(line, "│")) ++braille_rows;
  }
  CHECK(braille_rows >= 6);
  sh->Clear();
  sh->Line(".spark gdp_growth");
  CHECK(sh->WaitFor("2012Q1-Q4…2024Q1-Q4  -40.5…58.4 %"));
}

namespace {

// .asof on the demo data, the same through a local store and over --connect.
void CheckAsOf(ShellInTerminal& sh) {
  sh->Line(".asof 2024-01-27");
  CHECK(sh->WaitFor("ixdb asof 2024-01-27>"));
  sh->Line("gdp[2023]");
  // Before the bulletin of 2024-01-28: the report's estimate of 2万亿元.
  CHECK(sh->WaitFor("│ gdp       │ 2023   │ 20000 │"));
  sh->Clear();
  sh->Line(".asof off");
  sh->Line("gdp[2023]");
  CHECK(sh->WaitFor("│ gdp       │ 2023   │ 20011.65 │"));
  CHECK_FALSE(Contains(sh->Screen(), "ixdb asof"));
}

}  // namespace

TEST_CASE("shell in a terminal: .asof reads every query as of a day, shown in the prompt",
          "[cli]") {
  DemoStore s;
  ShellInTerminal sh("--db " + s.db);
  CheckAsOf(sh);
}

TEST_CASE("shell in a terminal: a result taller than the screen goes through the pager", "[cli]") {
  DemoStore s;
  TempDir scratch;
  const std::string log = scratch / "pager.log", paged = scratch / "paged.txt";
  const std::string pager = scratch / "pager.sh";
  WriteFile(pager, "#!/bin/sh\necho called >> " + log + "\ncat > " + paged + "\n");
  fs::permissions(pager, fs::perms::owner_all);
  ShellInTerminal sh("--db " + s.db, 100, 30, "PAGER=" + pager);
  sh->Line("list()");  // 332 series: far taller than 30 rows
  for (int i = 0; i < 100 && !fs::exists(paged); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(sh->WaitFor("ixdb>"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(ReadFile(log) == "called\n");
  CHECK(Contains(ReadFile(paged), "332 rows"));
  // A short result is printed directly; .pager off prints long ones directly too.
  sh->Line("gdp[2023]");
  CHECK(sh->WaitFor("1 row"));
  sh->Line("\\pset pager off");
  sh->Line("list()");
  CHECK(sh->WaitFor("332 rows"));
  CHECK(ReadFile(log) == "called\n");
}

TEST_CASE("shell in a terminal: ixdb query fits its table to the terminal", "[cli]") {
  DemoStore s;
  const std::string ixdb = std::string(IXDB_BIN) + " --db " + s.db + " query ";
  // Nine columns with long Chinese and English names cannot fit 80 columns even wrapped: records.
  // A value query fits as a table.
  Terminal term(
      "env LANG=C.UTF-8 TERM=screen sh -c " +
          ShellQuote(ixdb + "'list(name=零售)'; " + ixdb + "'gdp_growth[2023]'; sleep 30"),
      80, 40);
  REQUIRE(term.WaitFor("4 rows"));
  REQUIRE(term.WaitFor("│ gdp_growth │ 2023Q1"));
  const std::string screen = term.Screen();
  INFO(screen);
  CHECK(Contains(screen, "─[ RECORD 4 ]"));
  for (const auto& line : Lines(screen)) CHECK(ixdb::DisplayWidth(line) <= 80);
}

TEST_CASE("shell in a terminal: ixdb with no command opens the shell, errors fit the screen",
          "[cli]") {
  LoadedStore s;
  TempDir scratch;
  Terminal term(
      "env HOME=" + (scratch / "") + " LANG=C.UTF-8 TERM=screen " + IXDB_BIN + " --db " + s.db, 60,
      30);
  REQUIRE(term.WaitFor("ixdb>"));
  term.Line("nosuchthing + yoy(gdp_growth, 2)");
  REQUIRE(term.WaitFor("error: "));
  REQUIRE(term.WaitFor("ixdb>"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string screen = term.Screen();
  INFO(screen);
  for (const auto& line : Lines(screen)) CHECK(ixdb::DisplayWidth(line) <= 60);
  term.Line(".quit");
  CHECK(term.WaitEnded());
}

TEST_CASE(
    "shell in a terminal over --connect: Ctrl-C cancels the query on the server, the "
    "connection stays usable",
    "[cli]") {
  LongStore s;
  const std::string log = s.dir / "server.log";
  ServerProcess server(s.db, log);
  ShellInTerminal sh("--connect " + server.endpoint());
  sh->Line("a[1000-01]");
  CHECK(sh->WaitFor("1 row"));
  sh->Line(LongStore::LongQuery());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK_FALSE(Contains(sh->Screen(), "cancelled"));  // still running on the server
  const auto start = std::chrono::steady_clock::now();
  sh->Keys("C-c");
  REQUIRE(sh->WaitFor("error: the query was cancelled by a cancel request", 10));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 3.0);  // the whole query takes about a minute
  sh->Clear();
  sh->Line("a[9999-12]");
  CHECK(sh->WaitFor("9999-12"));
  sh->Line(".quit");
  CHECK(server.Stop() == 0);
  // One connection answered both queries after the cancel: the shell did not reconnect.
  const std::string text = ReadFile(log);
  INFO(text);
  CHECK(Contains(text, "Cancelled"));
  CHECK(Contains(text, ": cancel"));
}

TEST_CASE("shell in a terminal over --connect: .asof sends the date with each query", "[cli]") {
  DemoStore s;
  ServerProcess server(s.db, s.dir / "server.log");
  ShellInTerminal sh("--connect " + server.endpoint());
  CheckAsOf(sh);
}
