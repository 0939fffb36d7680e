// Plain text input: UTF-8, UTF-16 with a byte-order mark, or GB18030 (iconv, in glibc).
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "common/utf8.hpp"
#include "extract/internal/code_points.hpp"
#include "extract/internal/document_text.hpp"

namespace ixdb::extract::internal {

namespace {

// Converts with iconv; on failure *bad is the offset of the first byte it could not convert.
bool Iconv(const char* from, std::string_view in, std::string* out, size_t* bad) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    *bad = 0;
    return false;
  }
  out->clear();
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  std::string buf(4096, '\0');
  bool ok = true;
  while (src_left > 0) {
    char* dst = buf.data();
    size_t dst_left = buf.size();
    const size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    out->append(buf.data(), buf.size() - dst_left);
    if (r == static_cast<size_t>(-1) && errno != E2BIG) {
      *bad = in.size() - src_left;
      ok = false;
      break;
    }
  }
  iconv_close(cd);
  return ok;
}

// "line:column" of a byte, the column counting characters as UTF-8 reads them.
std::string Position(std::string_view bytes, size_t offset) {
  size_t line = 1, column = 1;
  size_t i = 0;
  while (i < offset && i < bytes.size()) {
    if (bytes[i] == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    DecodeAt(bytes, &i);
    ++column;
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

Result<std::string> DecodeText(std::string_view bytes, std::string_view name) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  const bool utf16le = bytes.substr(0, 2) == "\xFF\xFE";
  const bool utf16be = bytes.substr(0, 2) == "\xFE\xFF";
  if (utf16le || utf16be) {
    std::string out;
    size_t bad = 0;
    if (!Iconv(utf16le ? "UTF-16LE" : "UTF-16BE", bytes.substr(2), &out, &bad)) {
      return Status::InvalidArgument(std::string(name) +
                                     ": bad encoding: not valid UTF-16 at byte " +
                                     std::to_string(bad + 2));
    }
    return out;
  }
  const size_t invalid = FindInvalidUtf8(bytes);
  if (invalid == std::string_view::npos) return std::string(bytes);
  std::string out;
  size_t bad = 0;
  if (!Iconv("GB18030", bytes, &out, &bad)) {
    // Name the byte where the reading that got further stopped: a UTF-8 file with one bad
    // byte is reported at that byte.
    bad = std::max(bad, invalid);
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(bytes[bad]));
    return Status::InvalidArgument(std::string(name) + ":" + Position(bytes, bad) +
                                   ": bad encoding: byte " + hex + " is neither UTF-8 nor GB18030");
  }
  return out;
}

}  // namespace ixdb::extract::internal
