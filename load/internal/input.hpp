#pragma once
// The loader's inputs (internal to load/): a file (memory-mapped when it can be) or standard
// input, decoded to UTF-8 (a BOM stripped, GB18030 converted), and read pages given back once
// parsed so that a file larger than memory streams through.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "load/loader.hpp"

namespace ixdb::load::internal {

// One input: its name in messages and its text, decoded to UTF-8.
struct InputFile {
  std::string name;
  std::string_view text;
  std::string owned;
  void* map = nullptr;
  size_t map_size = 0;
  uint64_t raw_size = 0;

  InputFile() = default;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() { Unmap(); }
  void Unmap();
};

// Opens `path` ("-": standard input, read whole). IOError naming the path on failure.
Status OpenInput(const std::string& path, InputFile* f);

// Decodes the text to UTF-8 (strips a BOM). Errors name the line and field of the first
// undecodable byte. `threads` check large UTF-8 texts side by side.
Status Decode(Encoding enc, int threads, InputFile* f);

// The parsed text [from, to) of a mapped file is not needed again (bad rows are quoted from
// the file): gives its pages back.
void Release(const InputFile& f, size_t from, size_t to);

// "name:line:col".
std::string Position(const std::string& name, uint64_t line, uint32_t col);

}  // namespace ixdb::load::internal
