#pragma once
// Decoded versions of the series point reads touched recently, shared by every view of a store
// (internal to storage/). A one-series query (yoy(x), asof(x, D), revisions(x, P)) spends about
// a third of its storage time decoding the series' chunks; analysts ask about the same series
// again and again (the shell, dashboards, the web console's charts), so the decoded columns are
// kept, the way RocksDB's block cache keeps uncompressed blocks.
//
// An entry is found by series id and used only if the series' chunks in the reader's snapshot
// are byte for byte the ones it was decoded from (their keys and blobs, its `source`): equal
// bytes decode to equal columns, so a hit can never return versions of another snapshot, and
// no write needs to invalidate anything. Entries of chunks that changed simply stop matching
// and age out (least recently used first, within a byte budget).
//
// Comparing the bytes means reading the chunks, through RocksDB's iterator: on a machine whose
// caches other work has just flushed that is most of a one-series read (bench/peers, with
// PostgreSQL in the rotation). So an entry also carries the store's write generation at which
// its bytes were seen (write_generation.hpp): a view whose snapshot shows that generation takes
// the entry by id alone (FindAtGeneration), without touching RocksDB. Any write to the
// observations moves the generation, after which the first read compares bytes again.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.hpp"
#include "storage/internal/chunk.hpp"
#include "storage/internal/write_generation.hpp"

namespace ixdb::storage::internal {

struct DecodedSeries {
  // The chunks decoded, as AppendChunkSource writes them.
  std::string source;
  VersionColumns versions;
  std::vector<uint32_t> run_starts;  // as DecodeChunk returns them, over every chunk in order
  // Memory this entry holds (an estimate: columns, strings, source).
  size_t Bytes() const;
};

// Appends chunk (key, blob) to a DecodedSeries::source: the key's and the blob's lengths, then
// their bytes (lengths make the concatenation of several chunks unambiguous).
void AppendChunkSource(std::string_view key, std::string_view blob, std::string* source);

// Decodes the chunks of series->source into its versions and run starts. On a bad chunk,
// Corruption as DecodeChunk gives it and *bad_key names the chunk's key.
Status DecodeSeriesSource(DecodedSeries* series, std::string* scratch, std::string_view* bad_key);

class DecodedSeriesCache {
 public:
  // capacity_bytes 0: nothing is kept (Find always misses, Insert drops).
  explicit DecodedSeriesCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}
  DecodedSeriesCache(const DecodedSeriesCache&) = delete;
  DecodedSeriesCache& operator=(const DecodedSeriesCache&) = delete;

  bool enabled() const { return capacity_ > 0; }
  // The decoded versions of series `id` if they were decoded from exactly `source`; null
  // otherwise. `generation`: the write generation of the snapshot `source` was read in
  // (WriteGeneration::kUnknown: not known); a hit records it when it is newer than the
  // entry's. Thread-safe.
  std::shared_ptr<const DecodedSeries> Find(uint32_t id, std::string_view source,
                                            uint64_t generation);
  // The entry of series `id` if its bytes were seen at write generation `generation` (never
  // for kUnknown); null otherwise. Thread-safe.
  std::shared_ptr<const DecodedSeries> FindAtGeneration(uint32_t id, uint64_t generation);
  // Keeps `entry` as series `id`'s (replacing an older one), decoded from chunks read at
  // `generation` (or kUnknown), evicting the least recently used entries beyond the capacity.
  // An entry larger than a quarter of the capacity is not kept, nor one that would replace an
  // entry seen at a later generation (an old view's). Thread-safe.
  void Insert(uint32_t id, std::shared_ptr<const DecodedSeries> entry, uint64_t generation);

  size_t bytes() const;
  size_t entries() const;
  // Hits of FindAtGeneration so far (reads that skipped RocksDB).
  uint64_t generation_hits() const;

 private:
  struct Slot {
    std::shared_ptr<const DecodedSeries> entry;
    size_t bytes;
    std::list<uint32_t>::iterator lru;  // position in lru_ (front: most recent)
    uint64_t generation;                // the newest at which entry's bytes were seen
  };
  void EvictLocked();

  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<uint32_t, Slot> slots_;
  std::list<uint32_t> lru_;
  size_t bytes_ = 0;
  uint64_t generation_hits_ = 0;
};

}  // namespace ixdb::storage::internal
