#pragma once
// The one way ixdb splits work across threads. Every module that runs work on several cores
// goes through here, so that an exception in a worker (std::bad_alloc in a large load) becomes
// a Status instead of std::terminate, and a failure stops the rest of the work.

#include <cstddef>
#include <functional>
#include <memory>

#include "common/status.hpp"

namespace ixdb {

// Runs fn(index, worker) for every index in [0, n) on up to `threads` threads (fewer when n is
// smaller; threads <= 1 runs everything on the calling thread). The calling thread is worker 0;
// workers are numbered 0..threads-1 so that fn can use per-worker state. Indexes are handed out
// in increasing order, one at a time.
// Returns OK when every call returned OK. Otherwise no further index is handed out and the error
// of the lowest failing index among those that ran is returned. An exception escaping fn is
// caught: std::bad_alloc becomes LimitExceeded ("out of memory ..."), any other Internal.
// Blocks until every started call has returned.
Status ParallelFor(size_t n, int threads,
                   const std::function<Status(size_t index, int worker)>& fn);

// Runs `fn` on a thread of its own until Wait(): the pipeline step of a loader (the next batch
// is built while the previous one is written). Exceptions are caught as in ParallelFor.
// REQUIRES: Wait() is called before destruction if Start() was (the destructor waits too).
class BackgroundTask {
 public:
  BackgroundTask();
  ~BackgroundTask();
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;

  // REQUIRES: not running (never started, or waited for).
  void Start(std::function<Status()> fn);
  bool running() const { return running_; }
  // Waits for the task and returns its Status (OK when nothing was started).
  Status Wait();

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool running_ = false;
};

}  // namespace ixdb
