#include "cli/interrupt_watcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace ixdb::cli {
namespace {

std::atomic<uint64_t> g_interrupts{0};
int g_wake_fd = -1;
struct sigaction g_previous {};

void OnInterrupt(int) {
  const int saved = errno;
  g_interrupts.fetch_add(1, std::memory_order_relaxed);
  const char byte = 'i';
  if (g_wake_fd >= 0) (void)!::write(g_wake_fd, &byte, 1);
  errno = saved;
}

void Install(bool restart) {
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigaction(SIGINT, &sa, nullptr);
}

}  // namespace

InterruptWatcher::InterruptWatcher(QueryBackend& backend) : backend_(backend) {
  if (::pipe2(pipe_, O_CLOEXEC) != 0) pipe_[0] = pipe_[1] = -1;
  g_wake_fd = pipe_[1];
  // The thread must never take SIGINT itself: the main thread's terminal read has to see it.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  if (pipe_[0] >= 0) thread_ = std::thread([this] { Run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  sigaction(SIGINT, nullptr, &g_previous);
  Install(/*restart=*/true);
}

InterruptWatcher::~InterruptWatcher() {
  sigaction(SIGINT, &g_previous, nullptr);
  g_wake_fd = -1;
  if (pipe_[1] >= 0) {
    const char quit = 'q';
    (void)!::write(pipe_[1], &quit, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

void InterruptWatcher::EnterPrompt() { Install(/*restart=*/false); }
void InterruptWatcher::LeavePrompt() { Install(/*restart=*/true); }

void InterruptWatcher::BeginStatement() {
  not_cancelled_.store(0);
  busy_.store(true);
}

void InterruptWatcher::EndStatement() { busy_.store(false); }

uint64_t InterruptWatcher::count() const { return g_interrupts.load(std::memory_order_relaxed); }

void InterruptWatcher::Run() {
  for (;;) {
    char byte = 0;
    const ssize_t n = ::read(pipe_[0], &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || byte == 'q') return;
    if (!busy_.load()) continue;  // at the prompt libedit handles it
    const Status s = backend_.Cancel();
    if (s.ok()) continue;
    // The backend cannot stop its query: say so once; a second Ctrl-C leaves the shell (the
    // history is on disk already), the way a runaway query ended before.
    if (not_cancelled_.fetch_add(1) == 0) {
      const std::string msg =
          "\nixdb: " + s.message() + "; press Ctrl-C again to leave the shell\n";
      (void)!::write(STDERR_FILENO, msg.data(), msg.size());
      continue;
    }
    ::signal(SIGINT, SIG_DFL);
    ::kill(::getpid(), SIGINT);
    return;
  }
}

}  // namespace ixdb::cli
