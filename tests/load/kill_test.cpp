// SIGKILL during a large load: the store must open afterwards and hold exactly what it held
// before the load started (issue 4, "Must show").
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "load/loader.hpp"
#include "tests/common/test_util.hpp"
#include "tests/load/load_test_util.hpp"

using namespace ixdb;

namespace {

// Runs load_child on `db` with `file`. With kill_at_progress > 0, kills it `delay_s` after its
// kill_at_progress-th progress report (each comes after a chunk of rows has been staged).
// Returns the wait status.
int RunChild(const std::string& db, const std::string& file, int kill_at_progress, double delay_s) {
  int err_pipe[2];
  REQUIRE(pipe(err_pipe) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(err_pipe[1], 2);
    close(err_pipe[0]);
    close(err_pipe[1]);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execl(IXDB_LOAD_CHILD, IXDB_LOAD_CHILD, db.c_str(), "15000", file.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err_pipe[1]);
  std::string line;
  int progress = 0;
  bool killed = false;
  char c;
  while (!killed && read(err_pipe[0], &c, 1) == 1) {
    if (c != '\n') {
      line += c;
      continue;
    }
    if (line.rfind("progress ", 0) == 0 && ++progress == kill_at_progress) {
      if (delay_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(delay_s));
      kill(pid, SIGKILL);
      killed = true;
    }
    line.clear();
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  close(err_pipe[0]);
  return status;
}

std::vector<std::string> Codes(storage::Store& store) {
  std::vector<std::string> out;
  auto series = store.NewReadView()->ListSeries();
  REQUIRE_OK(series.status());
  for (const auto& s : *series) out.push_back(s.code);
  return out;
}

}  // namespace

TEST_CASE("Kill test: SIGKILL during a large load leaves the store as it was", "[load]") {
  ixdb::test::TempDir dir;
  // 80k rows over 1,000 series: several BulkWrite chunks of 15k rows.
  std::string csv = "indicator,period,vintage,value\n";
  for (int s = 0; s < 1000; ++s) {
    for (int q = 0; q < 80; ++q) {
      csv += "big" + std::to_string(s) + "," + std::to_string(1990 + q / 4) + "Q" +
             std::to_string(q % 4 + 1) + ",2024-02-01," + std::to_string(s * 7 + q) + ".25\n";
    }
  }
  const std::string file = dir.Write("big.csv", csv);
  const std::string db = dir.path() + "/db";
  std::vector<std::string> before_codes;
  size_t before_loads = 0;
  {
    std::unique_ptr<storage::Store> store;
    REQUIRE_OK(storage::Store::Open(storage::Options{}, db, &store));
    load::LoadOptions o;
    o.vintage = DateFromYmd(2024, 1, 1);
    auto base =
        load::LoadText(*store, "base.csv",
                       "indicator,period,value\nkeep,2022,1\nkeep,2023,2\nbig7,1990Q1,99\n", o);
    REQUIRE_OK(base.status());
    before_codes = Codes(*store);
    before_loads = store->NewReadView()->ListLoads()->size();
  }
  REQUIRE(before_codes == std::vector<std::string>{"big7", "keep"});

  // A whole load into a separate store: it reports progress after each of its chunks.
  const int probe = RunChild(dir.path() + "/probe", file, 0, 0);
  REQUIRE(WIFEXITED(probe));
  REQUIRE(WEXITSTATUS(probe) == 0);

  int interrupted = 0;
  // Killed right after a chunk was staged, or a little later (inside the store's staging of
  // the next one); the last ones may hit the commit itself.
  const std::pair<int, double> kills[] = {{1, 0},     {2, 0.001}, {3, 0},   {4, 0.003},
                                          {5, 0.002}, {6, 0},     {6, 0.01}};
  for (const auto& [at, delay] : kills) {
    INFO("killed " << delay << " s after progress report " << at);
    const int status = RunChild(db, file, at, delay);
    std::unique_ptr<storage::Store> store;
    REQUIRE_OK(storage::Store::Open(storage::Options{}, db, &store));
    auto view = store->NewReadView();
    const auto codes = Codes(*store);
    const size_t loads = view->ListLoads()->size();
    if (codes == before_codes && loads == before_loads) {
      // Nothing of the load is there: exactly what the store held before.
      CHECK(WIFSIGNALED(status));
      auto big7 = view->ReadSeries("big7", {});
      REQUIRE_OK(big7.status());
      REQUIRE(big7->size() == 1);
      CHECK(big7->value[0] == 99);
      CHECK(view->ReadSeries("keep", {})->size() == 2);
      ++interrupted;
      continue;
    }
    // Otherwise the kill came after the commit: then all of the load is there.
    CHECK(loads == before_loads + 1);
    CHECK(codes.size() == 1001);
    CHECK(view->ReadSeries("big999", {})->size() == 80);
    CHECK(view->ReadSeries("big7", {})->size() == 80);
    break;
  }
  CHECK(interrupted >= 5);
}
