// Crash test: a child process writes batches in a loop and is killed with SIGKILL at random
// moments; after each kill the store must open, hold every acknowledged batch completely, and
// hold no batch partially.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "storage/store.hpp"
#include "tests/storage/crash_layout.hpp"
#include "tests/storage/storage_test_util.hpp"

namespace ixdb::storage {
namespace {

using testing::OpenStore;
using testing::TempDir;

// Reads from `fd` into `out` until it holds a whole line or 60 s pass (a writer that never
// acknowledges anything fails the test's liveness check below).
void ReadFirstLine(int fd, std::string& out) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buf[4096];
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;
    out.append(buf, static_cast<size_t>(n));
  }
}

// Runs the writer on `dir` and kills it `delay` after it starts or, with `after_first_ack`,
// `delay` after it acknowledged its first batch (so that the test makes progress however slow
// the machine is: sanitizers, a busy CI runner). Returns the batch numbers it acknowledged.
std::set<int> RunAndKill(const std::string& dir, std::chrono::milliseconds delay,
                         bool after_first_ack) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl(IXDB_CRASH_WRITER, IXDB_CRASH_WRITER, dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  if (after_first_ack) ReadFirstLine(fds[0], out);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // The child may have exited on its own only by failing.
  REQUIRE(WIFSIGNALED(status));
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  std::set<int> acked;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    acked.insert(std::atoi(out.substr(start, nl - start).c_str()));
  }
  return acked;
}

TEST_CASE("Store: crash test: SIGKILL at random moments loses no acknowledged batch", "[storage]") {
  TempDir dir;
  const std::string path = dir.Sub("store");
  std::mt19937 rng(std::random_device{}());
  const char* env = std::getenv("IXDB_CRASH_ITERATIONS");
  const int iterations = env ? std::max(1, std::atoi(env)) : 20;
  std::set<int> acked_total;
  int max_batches = 0;
  for (int iter = 0; iter < iterations; ++iter) {
    auto delay = std::chrono::milliseconds(30 + rng() % 300);
    // Odd iterations kill at any moment (during open too), even ones once the writer is going.
    const bool after_first_ack = iter % 2 == 0;
    std::set<int> acked = RunAndKill(path, delay, after_first_ack);
    acked_total.insert(acked.begin(), acked.end());

    INFO("iteration " << iter << ", killed " << delay.count() << " ms after "
                      << (after_first_ack ? "its first acknowledgement" : "it started"));
    auto store = OpenStore(path);
    REQUIRE_OK(store->Check(nullptr));
    auto view = store->NewReadView();
    auto loads = view->ListLoads();
    REQUIRE_OK(loads.status());
    // Loads are exactly batches 0..n-1, in order.
    std::set<int> present;
    for (size_t i = 0; i < loads->size(); ++i) {
      REQUIRE((*loads)[i].info.command == "batch " + std::to_string(i));
      present.insert(static_cast<int>(i));
    }
    for (int a : acked_total) REQUIRE(present.count(a) == 1);
    auto series = view->ListSeries();
    REQUIRE_OK(series.status());
    // b<i> for every load plus "all": no data without its load record.
    REQUIRE(series->size() == loads->size() + (loads->empty() ? 0 : 1));
    SeriesValues all;
    if (!loads->empty()) {
      auto a = view->ReadSeries("all", {});
      REQUIRE_OK(a.status());
      all = std::move(*a);
      REQUIRE(all.size() == loads->size());
    }
    for (int i : present) {
      auto sv = view->ReadSeries("b" + std::to_string(i), {});
      REQUIRE_OK(sv.status());
      REQUIRE(sv->size() == static_cast<size_t>(CrashRows(i)));
      for (double v : sv->value) REQUIRE(v == i);
      REQUIRE(all.period[i] == Period::Annual(1000 + i));
      REQUIRE(all.value[i] == i);
    }
    max_batches = static_cast<int>(loads->size());
  }
  // The test is only meaningful if the writer got going: each even iteration added a batch.
  CHECK(max_batches >= (iterations + 1) / 2);
}

}  // namespace
}  // namespace ixdb::storage
