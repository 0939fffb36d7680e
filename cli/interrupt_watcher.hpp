#pragma once
// Ctrl-C in the interactive shell. The SIGINT handler only counts the interrupt and writes a
// byte to a pipe (both async-signal-safe); a watcher thread reads the pipe and, while a
// statement runs, asks the backend to cancel its query (QueryBackend::Cancel may do more than a
// signal handler may: the remote backend will send a request). At the prompt the interrupt
// makes libedit give up the line being typed.
//
// One watcher per process (the handler is process-wide). Not copyable.

#include <atomic>
#include <cstdint>
#include <thread>

#include "cli/backend.hpp"

namespace ixdb::cli {

class InterruptWatcher {
 public:
  // Installs the SIGINT handler and starts the thread. The backend must outlive the watcher.
  explicit InterruptWatcher(QueryBackend& backend);
  // Stops the thread and restores the previous SIGINT action.
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  // Around readline: SIGINT must interrupt the terminal read (no SA_RESTART) so that libedit
  // returns; elsewhere system calls restart, so that output is never cut by an EINTR.
  void EnterPrompt();
  void LeavePrompt();

  // Around a statement: Ctrl-C meanwhile cancels the backend's query.
  void BeginStatement();
  void EndStatement();

  // Interrupts so far (compare two readings to see whether one came in between).
  uint64_t count() const;

 private:
  void Run();

  QueryBackend& backend_;
  std::atomic<bool> busy_{false};
  std::atomic<int> not_cancelled_{0};  // interrupts in this statement the backend could not act on
  int pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace ixdb::cli
