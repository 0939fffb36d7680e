#include "common/parallel.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <new>
#include <stdexcept>
#include <vector>

namespace ixdb {

TEST_CASE("Parallel: every index runs once, on at most the given number of workers", "[common]") {
  for (int threads : {1, 2, 4}) {
    std::vector<std::atomic<int>> hits(1000);
    std::atomic<int> max_worker{0};
    Status s = ParallelFor(hits.size(), threads, [&](size_t i, int worker) {
      hits[i]++;
      int seen = max_worker.load();
      while (worker > seen && !max_worker.compare_exchange_weak(seen, worker)) {
      }
      return Status::OK();
    });
    REQUIRE(s.ok());
    for (auto& h : hits) CHECK(h.load() == 1);
    CHECK(max_worker.load() < threads);
  }
}

TEST_CASE("Parallel: the lowest failing index's error is returned and the rest stops", "[common]") {
  std::atomic<size_t> ran{0};
  Status s = ParallelFor(100000, 2, [&](size_t i, int) {
    ran++;
    return i == 10 || i == 20 ? Status::InvalidArgument("bad " + std::to_string(i)) : Status::OK();
  });
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "bad 10");
  CHECK(ran.load() < 100000);
}

TEST_CASE("Parallel: exceptions in workers become a Status, not std::terminate", "[common]") {
  Status oom = ParallelFor(8, 2, [](size_t i, int) -> Status {
    if (i == 3) throw std::bad_alloc();
    return Status::OK();
  });
  CHECK(oom.IsLimitExceeded());
  Status other = ParallelFor(8, 2, [](size_t i, int) -> Status {
    if (i == 5) throw std::runtime_error("boom");
    return Status::OK();
  });
  CHECK(other.IsInternal());
  CHECK(other.message().find("boom") != std::string::npos);
  CHECK(ParallelFor(0, 2, [](size_t, int) { return Status::Internal("never"); }).ok());
}

TEST_CASE("Parallel: a background task reports its Status and its exception", "[common]") {
  BackgroundTask task;
  CHECK(task.Wait().ok());  // nothing started
  int value = 0;
  task.Start([&] {
    value = 42;
    return Status::OK();
  });
  CHECK(task.running());
  CHECK(task.Wait().ok());
  CHECK(value == 42);
  task.Start([]() -> Status { throw std::bad_alloc(); });
  CHECK(task.Wait().IsLimitExceeded());
  task.Start([] { return Status::NotFound("x"); });
  CHECK(task.Wait().IsNotFound());
}

}  // namespace ixdb
