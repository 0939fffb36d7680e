#include "cli/pager.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ixdb::cli {

std::string PagerCommand() {
  const char* pager = std::getenv("PAGER");
  if (pager != nullptr && *pager != '\0') return pager;
  return "less -SFRX";
}

bool TallerThan(std::string_view text, size_t rows) {
  if (rows == 0) return false;
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  return lines + 1 > rows;
}

Status ShowInPager(const std::string& command, std::string_view text) {
  // The pager may quit (q) before reading everything: that is a SIGPIPE for us, not an end.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &old);
  std::fflush(stdout);
  FILE* pipe = ::popen(command.c_str(), "w");
  if (pipe == nullptr) {
    sigaction(SIGPIPE, &old, nullptr);
    return Status::IOError("cannot start the pager '" + command + "': " + std::strerror(errno));
  }
  std::fwrite(text.data(), 1, text.size(), pipe);
  const int status = ::pclose(pipe);
  sigaction(SIGPIPE, &old, nullptr);
  if (status == -1)
    return Status::IOError("the pager '" + command + "' failed: " + std::strerror(errno));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return Status::IOError("cannot run the pager '" + command + "' (set PAGER, or .pager off)");
  }
  return Status::OK();
}

}  // namespace ixdb::cli
