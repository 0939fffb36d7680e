#pragma once
// Options for opening a store (plain struct in the leveldb style).

#include <cstddef>
#include <cstdint>

namespace ixdb::storage {

struct Options {
  // Create the store if the directory does not exist (or is empty).
  // Default: true.
  bool create_if_missing = true;

  // Fail if a store already exists at the path. Default: false.
  bool error_if_exists = false;

  // Open for reading only, beside a process that writes (ixdb serve): the open retries when it
  // meets a file the writer's compaction has just removed. Default: false.
  bool read_only = false;

  // fsync the write-ahead log before Write() returns, so that an acknowledged write survives
  // a crash or power loss. Turning it off is only for benchmarks of the peers' "no sync" mode.
  // Default: true.
  bool sync = true;

  // Block cache size in bytes for decompressed RocksDB blocks. Default: 64 MiB.
  size_t block_cache_bytes = 64u << 20;

  // Memory for the decoded versions of series that point reads touched recently (a one-series
  // query then skips decoding its chunks the next time; a read still finds the chunks in its
  // snapshot and uses an entry only if they are the bytes it was decoded from). 0 turns it off.
  // Default: 32 MiB.
  size_t decoded_cache_bytes = 32u << 20;

  // A series whose observations are spread over more than this many delta chunks is
  // consolidated into one chunk on the next write that touches it, so that a long revision
  // history does not slow reads. Default: 16.
  int max_chunks_per_series = 16;

  // zstd level for column chunks. Default: 3.
  int zstd_level = 3;

  // A write that records at least this many observation versions is applied by building SST
  // files and ingesting them (atomically across column families) instead of one RocksDB
  // WriteBatch, which is much faster for large loads. Default: 200000.
  size_t ingest_min_rows = 200000;

  // Threads that validate, compare and encode a large write (100k+ rows) side by side.
  // Default: 2.
  int threads = 2;
};

}  // namespace ixdb::storage
