#include "cli/history.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace ixdb::cli {
namespace {

constexpr std::string_view kCookie = "_HiStOrY_V2_";

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " history file '" + path + "': " + std::strerror(errno));
}

// Closes the descriptor (and so drops its flock) when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// Opens `path` and takes its exclusive flock. Another shell trimming the file renames a new
// one over it while holding the lock on the old, so after waiting for the lock the file we
// hold may no longer be the one at `path`: then open again.
Status OpenLocked(const std::string& path, int flags, Fd* out) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    Fd fd(::open(path.c_str(), flags | O_CLOEXEC, 0600));
    if (fd.get() < 0) return Errno("cannot open the", path);
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) return Errno("cannot lock the", path);
    }
    struct stat held {
    }, now{};
    if (::fstat(fd.get(), &held) != 0) return Errno("cannot stat the", path);
    if (::stat(path.c_str(), &now) == 0 && now.st_ino == held.st_ino && now.st_dev == held.st_dev) {
      *out = std::move(fd);
      return Status::OK();
    }
  }
  return Status::IOError("history file '" + path + "' keeps being replaced");
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write the", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status ReadAll(int fd, std::string* content, const std::string& path) {
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot read the", path);
    }
    if (n == 0) return Status::OK();
    content->append(buf, static_cast<size_t>(n));
  }
}

std::vector<std::string> ParseEntries(std::string_view content) {
  std::vector<std::string> entries;
  bool first = true, encoded = false;
  while (!content.empty()) {
    size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    if (first) {
      first = false;
      if (line == kCookie) {
        encoded = true;
        continue;
      }
    }
    if (line.empty()) continue;
    entries.push_back(encoded ? DecodeHistoryEntry(line) : std::string(line));
  }
  return entries;
}

std::string Directory(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string EncodeHistoryEntry(std::string_view entry) {
  std::string out;
  out.reserve(entry.size());
  for (unsigned char c : entry) {
    if (c == ' ' || c == '\\' || c < 0x20 || c == 0x7f) {
      char buf[5] = {'\\', static_cast<char>('0' + (c >> 6)),
                     static_cast<char>('0' + ((c >> 3) & 7)), static_cast<char>('0' + (c & 7)), 0};
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string DecodeHistoryEntry(std::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c != '\\' || i + 1 == line.size()) {
      out += c;
      continue;
    }
    const char next = line[i + 1];
    if (i + 3 < line.size() && next >= '0' && next <= '3' && line[i + 2] >= '0' &&
        line[i + 2] <= '7' && line[i + 3] >= '0' && line[i + 3] <= '7') {
      out +=
          static_cast<char>(((next - '0') << 6) | ((line[i + 2] - '0') << 3) | (line[i + 3] - '0'));
      i += 3;
      continue;
    }
    // The C-style escapes strvis may also write.
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 's':
        out += ' ';
        break;
      case '\\':
        out += '\\';
        break;
      default:
        out += c;
        out += next;
        break;
    }
    ++i;
  }
  return out;
}

HistoryFile::HistoryFile(std::string path, size_t max_entries)
    : path_(std::move(path)), max_entries_(max_entries) {}

Result<std::vector<std::string>> HistoryFile::Load() {
  Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      known_entries_ = 0;
      return std::vector<std::string>{};
    }
    return Errno("cannot open the", path_);
  }
  std::string content;
  Status s = ReadAll(fd.get(), &content, path_);
  if (!s.ok()) return s;
  auto entries = ParseEntries(content);
  known_entries_ = entries.size();
  return entries;
}

Status HistoryFile::Append(std::string_view entry) {
  if (entry.empty()) return Status::OK();
  {
    Fd fd;
    Status s = OpenLocked(path_, O_RDWR | O_APPEND | O_CREAT, &fd);
    if (!s.ok()) return s;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return Errno("cannot stat the", path_);
    std::string data;
    if (st.st_size == 0) {
      data = std::string(kCookie) + "\n";
    } else {
      // A crash in the middle of an earlier write may have left a line without its end.
      char last = '\n';
      if (::pread(fd.get(), &last, 1, st.st_size - 1) == 1 && last != '\n') data = "\n";
    }
    data += EncodeHistoryEntry(entry);
    data += '\n';
    s = WriteAll(fd.get(), data, path_);
    if (!s.ok()) return s;
    if (::fsync(fd.get()) != 0) return Errno("cannot sync the", path_);
  }
  ++known_entries_;
  if (known_entries_ > max_entries_ + max_entries_ / 10) return Trim();
  return Status::OK();
}

Status HistoryFile::Trim() {
  Fd fd;
  Status s = OpenLocked(path_, O_RDONLY | O_CREAT, &fd);
  if (!s.ok()) return s;
  std::string content;
  s = ReadAll(fd.get(), &content, path_);
  if (!s.ok()) return s;
  auto entries = ParseEntries(content);
  if (entries.size() <= max_entries_) {
    known_entries_ = entries.size();
    return Status::OK();
  }
  const std::string temp = path_ + ".tmp." + std::to_string(::getpid());
  std::string data = std::string(kCookie) + "\n";
  for (size_t i = entries.size() - max_entries_; i < entries.size(); ++i) {
    data += EncodeHistoryEntry(entries[i]);
    data += '\n';
  }
  {
    Fd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (out.get() < 0) return Errno("cannot create a temporary file for the", path_);
    s = WriteAll(out.get(), data, temp);
    if (s.ok() && ::fsync(out.get()) != 0) s = Errno("cannot sync the new", path_);
    if (!s.ok()) {
      ::unlink(temp.c_str());
      return s;
    }
  }
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    Status e = Errno("cannot replace the", path_);
    ::unlink(temp.c_str());
    return e;
  }
  // The rename itself must reach the disk before the old file is forgotten.
  Fd dir(::open(Directory(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  known_entries_ = max_entries_;
  return Status::OK();
}

}  // namespace ixdb::cli
