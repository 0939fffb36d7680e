#include "cli/history.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/common/test_util.hpp"

namespace ixdb::cli {
namespace {

std::string Read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("HistoryFile: entries round-trip in libedit's format", "[cli]") {
  const std::vector<std::string> entries = {"gdp", "yoy(gdp)[2019:2023]", "search(\"零售 a\\b\")",
                                            "targets(2024\n)", "tab\there"};
  for (const auto& e : entries) CHECK(DecodeHistoryEntry(EncodeHistoryEntry(e)) == e);
  // As libedit (strvis VIS_WHITE) writes them: space \040, backslash \134, newline \012.
  CHECK(EncodeHistoryEntry("search(\"零售 a\\b\")") == "search(\"零售\\040a\\134b\")");
  CHECK(EncodeHistoryEntry("yoy(gdp\n)") == "yoy(gdp\\012)");

  ixdb::test::TempDir dir;
  HistoryFile h(dir.Sub("history"));
  auto empty = h.Load();
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  for (const auto& e : entries) REQUIRE_OK(h.Append(e));
  CHECK(Read(dir.Sub("history")).rfind("_HiStOrY_V2_\ngdp\nyoy(gdp)[2019:2023]\n", 0) == 0);
  HistoryFile again(dir.Sub("history"));
  auto loaded = again.Load();
  REQUIRE(loaded.ok());
  CHECK(*loaded == entries);
}

TEST_CASE("HistoryFile: a file written by libedit (the earlier shell) reads back", "[cli]") {
  ixdb::test::TempDir dir;
  // Bytes of a ~/.ixdb_history the libedit-based shell wrote (checked with od -c).
  const std::string path = dir.Write(
      "h",
      "_HiStOrY_V2_\nsearch(\"\xe9\x9b\xb6\xe5\x94\xae\\040a\\134b\")\nyoy(gdp\\012)\n.quit\n");
  HistoryFile h(path);
  auto loaded = h.Load();
  REQUIRE(loaded.ok());
  CHECK(*loaded == std::vector<std::string>{"search(\"零售 a\\b\")", "yoy(gdp\n)", ".quit"});
}

TEST_CASE("HistoryFile: trimming keeps the newest entries and replaces the file atomically",
          "[cli]") {
  ixdb::test::TempDir dir;
  const std::string path = dir.Sub("h");
  HistoryFile h(path, 10);
  // The 12th append passes 10 + 10/10 = 11 entries: the file is rewritten with the last 10.
  for (int i = 1; i <= 12; ++i) REQUIRE_OK(h.Append("q" + std::to_string(i)));
  auto loaded = HistoryFile(path).Load();
  REQUIRE(loaded.ok());
  std::vector<std::string> expected;
  for (int i = 3; i <= 12; ++i) expected.push_back("q" + std::to_string(i));
  CHECK(*loaded == expected);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("HistoryFile: a line left without its end by a crash does not swallow the next entry",
          "[cli]") {
  ixdb::test::TempDir dir;
  const std::string path = dir.Write("h", "_HiStOrY_V2_\ngdp\nyoy(gd");
  HistoryFile h(path);
  REQUIRE_OK(h.Append("retail"));
  auto loaded = HistoryFile(path).Load();
  REQUIRE(loaded.ok());
  CHECK(*loaded == std::vector<std::string>{"gdp", "yoy(gd", "retail"});
}

// Two processes each append `each` entries ("p0-0", "p0-1"... and "p1-0"...) to `path`,
// trimming it to `max` entries; returns the entries the file holds at the end.
std::vector<std::string> AppendFromTwoProcesses(const std::string& path, int each, size_t max) {
  pid_t children[2];
  for (int c = 0; c < 2; ++c) {
    children[c] = fork();
    REQUIRE(children[c] >= 0);
    if (children[c] == 0) {
      HistoryFile h(path, max);
      for (int i = 0; i < each; ++i) {
        if (!h.Append("p" + std::to_string(c) + "-" + std::to_string(i)).ok()) _exit(1);
      }
      _exit(0);
    }
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto loaded = HistoryFile(path).Load();
  REQUIRE(loaded.ok());
  return *loaded;
}

// For each process, the indexes of its entries in file order.
std::vector<std::vector<int>> ByProcess(const std::vector<std::string>& entries) {
  std::vector<std::vector<int>> out(2);
  for (const auto& e : entries)
    out[static_cast<size_t>(e[1] - '0')].push_back(std::stoi(e.substr(3)));
  return out;
}

TEST_CASE("HistoryFile: two shells appending at once keep both their entries", "[cli]") {
  ixdb::test::TempDir dir;
  const auto entries = AppendFromTwoProcesses(dir.Sub("h"), 300, 1000);
  CHECK(entries.size() == 600);
  for (const auto& indexes : ByProcess(entries)) {
    REQUIRE(indexes.size() == 300);
    for (int i = 0; i < 300; ++i) CHECK(indexes[static_cast<size_t>(i)] == i);
  }
}

TEST_CASE("HistoryFile: two shells appending while trimming lose no recent entry", "[cli]") {
  ixdb::test::TempDir dir;
  // Trimming to 100 rewrites the file about every 10 appends while the other process appends:
  // an append that went to the replaced file would leave a gap in that process's run.
  const auto entries = AppendFromTwoProcesses(dir.Sub("h"), 300, 100);
  // Each process trims after 11 appends of its own since its last trim, so at the end the file
  // holds the 100 kept plus at most 11 appends of each.
  CHECK(entries.size() >= 100);
  CHECK(entries.size() <= 122);
  // (One process may have finished long before the other: then none of its entries is among
  // the newest.)
  size_t present = 0;
  for (const auto& indexes : ByProcess(entries)) {
    if (indexes.empty()) continue;
    ++present;
    CHECK(indexes.back() == 299);
    for (size_t k = 1; k < indexes.size(); ++k) CHECK(indexes[k] == indexes[k - 1] + 1);
  }
  CHECK(present >= 1);
}

}  // namespace ixdb::cli
