#include "load/internal/input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/parallel.hpp"
#include "common/utf8.hpp"
#include "load/internal/text.hpp"

namespace ixdb::load::internal {

namespace {

Status ReadAll(int fd, std::string* out) {
  char buf[1 << 16];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::strerror(errno));
    }
    if (n == 0) return Status::OK();
    out->append(buf, static_cast<size_t>(n));
  }
}

// FindInvalidUtf8 on two threads for large texts. The halves are split after a '\n', which
// is never inside a multi-byte sequence.
size_t FindInvalidUtf8Parallel(std::string_view text, int threads) {
  if (text.size() < (8u << 20) || threads < 2) return FindInvalidUtf8(text);
  const void* nl = std::memchr(text.data() + text.size() / 2, '\n', text.size() - text.size() / 2);
  if (nl == nullptr) return FindInvalidUtf8(text);
  const size_t mid = static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
  size_t found[2] = {std::string_view::npos, std::string_view::npos};
  (void)ParallelFor(2, threads, [&](size_t half, int) {
    found[half] =
        half == 0 ? FindInvalidUtf8(text.substr(0, mid)) : FindInvalidUtf8(text.substr(mid));
    return Status::OK();
  });
  if (found[0] != std::string_view::npos) return found[0];
  return found[1] == std::string_view::npos ? found[1] : mid + found[1];
}

}  // namespace

void InputFile::Unmap() {
  if (map != nullptr) munmap(map, map_size);
  map = nullptr;
}

Status OpenInput(const std::string& path, InputFile* f) {
  if (path == "-") {
    f->name = "<stdin>";
    Status s = ReadAll(0, &f->owned);
    if (!s.ok()) return Status::IOError("<stdin>: " + s.message());
    f->text = f->owned;
    f->raw_size = f->owned.size();
    return Status::OK();
  }
  f->name = path;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return Status::IOError(path + ": " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return Status::IOError(path + ": is a directory");
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* m = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      madvise(m, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
      f->map = m;
      f->map_size = static_cast<size_t>(st.st_size);
      f->text = std::string_view(static_cast<const char*>(m), f->map_size);
      f->raw_size = f->map_size;
      close(fd);
      return Status::OK();
    }
  }
  Status s = ReadAll(fd, &f->owned);
  close(fd);
  if (!s.ok()) return Status::IOError(path + ": " + s.message());
  f->text = f->owned;
  f->raw_size = f->owned.size();
  return Status::OK();
}

std::string Position(const std::string& name, uint64_t line, uint32_t col) {
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

Status Decode(Encoding enc, int threads, InputFile* f) {
  std::string_view raw = f->text;
  if (raw.substr(0, 3) == "\xEF\xBB\xBF") {
    f->text = raw.substr(3);
    enc = Encoding::kUtf8;
    raw = f->text;
  }
  auto hex = [](std::string_view s, size_t off) {
    std::string out;
    char buf[8];
    for (size_t i = off; i < s.size() && i < off + 2; ++i) {
      std::snprintf(buf, sizeof buf, "%s0x%02X", out.empty() ? "" : " ",
                    static_cast<unsigned char>(s[i]));
      out += buf;
    }
    return out;
  };
  if (enc == Encoding::kAuto || enc == Encoding::kUtf8) {
    const size_t bad = FindInvalidUtf8Parallel(raw, threads);
    if (bad == std::string_view::npos) return Status::OK();
    if (enc == Encoding::kUtf8) {
      uint64_t line;
      uint32_t col;
      LineAndField(raw, bad, &line, &col);
      return Status::InvalidArgument(Position(f->name, line, col) + ": bad encoding: bytes " +
                                     hex(raw, bad) +
                                     " are not UTF-8 (for a GB18030/GBK file give --encoding "
                                     "gb18030)");
    }
  }
  if (raw.substr(0, 4) == "\x84\x31\x95\x33") raw = raw.substr(4);  // GB18030 BOM
  std::string out;
  size_t bad = 0;
  if (!Gb18030ToUtf8(raw, &out, &bad)) {
    uint64_t line;
    uint32_t col;
    LineAndField(raw, bad, &line, &col);
    return Status::InvalidArgument(
        Position(f->name, line, col) + ": bad encoding: bytes " + hex(raw, bad) + " are " +
        (enc == Encoding::kAuto ? "neither UTF-8 nor GB18030" : "not GB18030"));
  }
  f->owned = std::move(out);
  f->text = f->owned;
  f->Unmap();
  return Status::OK();
}

void Release(const InputFile& f, size_t from, size_t to) {
  if (f.map == nullptr || f.text.data() != f.map) return;
  constexpr size_t kPage = 4096;
  from = (from + kPage - 1) / kPage * kPage;
  to = to / kPage * kPage;
  if (to > from) madvise(static_cast<char*>(f.map) + from, to - from, MADV_DONTNEED);
}

}  // namespace ixdb::load::internal
