#include "common/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace ixdb {

namespace {

template <typename Fn>
Status CallCatching(const Fn& fn) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("out of memory (a worker thread could not allocate)");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("a worker thread failed: ") + e.what());
  } catch (...) {
    return Status::Internal("a worker thread failed with an unknown exception");
  }
}

}  // namespace

Status ParallelFor(size_t n, int threads, const std::function<Status(size_t, int)>& fn) {
  const size_t workers = std::min<size_t>(n, threads > 1 ? static_cast<size_t>(threads) : 1);
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) {
      Status s = CallCatching([&] { return fn(i, 0); });
      if (!s.ok()) return s;
    }
    return Status::OK();
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  size_t error_index = n;
  Status error;
  auto work = [&](int worker) {
    while (!failed.load(std::memory_order_relaxed)) {
      const size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) return;
      Status s = CallCatching([&] { return fn(i, worker); });
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (i < error_index) {
          error_index = i;
          error = std::move(s);
        }
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t t = 1; t < workers; ++t) {
    try {
      pool.emplace_back(work, static_cast<int>(t));
    } catch (const std::system_error&) {
      break;  // no more threads: the ones started (and the caller) do the work
    }
  }
  work(0);
  for (auto& t : pool) t.join();
  return error;
}

struct BackgroundTask::State {
  std::function<Status()> fn;
  std::thread thread;
  Status status;
};

BackgroundTask::BackgroundTask() = default;

BackgroundTask::~BackgroundTask() {
  if (running_) (void)Wait();
}

void BackgroundTask::Start(std::function<Status()> fn) {
  if (!state_) state_ = std::make_unique<State>();
  state_->fn = std::move(fn);
  state_->status = Status::OK();
  running_ = true;
  State* st = state_.get();
  try {
    st->thread = std::thread([st] { st->status = CallCatching(st->fn); });
  } catch (const std::system_error&) {
    st->status = CallCatching(st->fn);  // no thread to be had: run it here
  }
}

Status BackgroundTask::Wait() {
  if (!state_) return Status::OK();
  if (state_->thread.joinable()) state_->thread.join();
  running_ = false;
  state_->fn = nullptr;
  return state_->status;
}

}  // namespace ixdb
