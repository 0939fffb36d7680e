#pragma once
// The shell's history file (~/.ixdb_history), written so that no entry is ever lost: each
// statement is appended as soon as it is entered (one write with O_APPEND under an flock,
// then fsync), never by rewriting the file at exit; trimming to the newest entries writes a
// temporary file and renames it over the old one. A hangup, SIGTERM, Ctrl-C or crash at any
// moment leaves the old file or the new one, and two shells appending at once keep both their
// entries.
//
// The format is libedit's (so files written by earlier ixdb versions read back): a first line
// "_HiStOrY_V2_", then one entry per line with space, tab, newline and backslash encoded as
// in strvis(3) VIS_WHITE (\040, \011, \012, \\).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace ixdb::cli {

class HistoryFile {
 public:
  // `max_entries`: how many entries trimming keeps. The file is trimmed once it holds a tenth
  // more, so that appends stay cheap.
  explicit HistoryFile(std::string path, size_t max_entries = 1000);

  const std::string& path() const { return path_; }

  // The entries, oldest first. An absent file has none. IOError when it cannot be read.
  Result<std::vector<std::string>> Load();

  // Appends one entry and makes it durable before returning; trims the file when it has grown
  // past the limit. IOError (naming the file) when it cannot be written; the file is then
  // unchanged or has the entry. Creates the file (mode 0600) when absent.
  Status Append(std::string_view entry);

  // Rewrites the file with its newest `max_entries` entries: a temporary file in the same
  // directory, fsync, rename over the file. Entries appended by another shell meanwhile wait
  // for the lock and land in the new file.
  Status Trim();

 private:
  std::string path_;
  size_t max_entries_;
  size_t known_entries_ = 0;  // as of the last Load or Trim, plus our appends since
};

// libedit's encoding of one entry, and back (exposed for tests).
std::string EncodeHistoryEntry(std::string_view entry);
std::string DecodeHistoryEntry(std::string_view line);

}  // namespace ixdb::cli
