#pragma once
// Column chunks: the versions one write recorded for one series, stored column by column and
// compressed with zstd. The byte layout is documented in docs/storage-format.md.
// On-disk format: do not change (add a new chunk tag instead).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace ixdb::storage::internal {

// Versions of one series in columns. A row is (period, vintage, seq) -> the rest. Strings
// (stage, source) are indexes into `strings`, whose entry 0 is "".
struct VersionColumns {
  std::vector<int32_t> period;   // Period::index (the series' frequency is implied)
  std::vector<int32_t> vintage;  // Date::days
  std::vector<uint64_t> seq;     // write sequence: orders versions of equal vintage
  std::vector<uint64_t> load_id;
  std::vector<double> value;  // NaN: blank
  std::vector<uint8_t> status, qualifier, deleted;
  std::vector<uint32_t> stage, source;
  std::vector<std::string> strings{""};
  // How many periods before `period` a row also covers: 1 for NBS's combined 1-2月 stored on a
  // plain monthly series (at M02). Empty when every row covers one period (then the chunk has
  // no extent column and is byte-identical to a chunk of format v1); else size() entries.
  std::vector<uint8_t> extent;

  size_t size() const { return period.size(); }
  uint8_t ExtentAt(size_t i) const { return extent.empty() ? 0 : extent[i]; }
  void SetExtent(size_t i, uint8_t e);
  void Clear();  // keeps capacity
  void Reserve(size_t n);
  // Index of `s` in strings (added if new). Linear: a series has a handful of distinct strings.
  uint32_t InternString(std::string_view s);
  // Appends row i of `src` (its strings re-interned here).
  void AppendRow(const VersionColumns& src, size_t i);
  // Appends a row whose string indexes already refer to this->strings.
  void PushRow(int32_t p, int32_t v, uint64_t s, uint64_t load, double val, uint8_t st, uint8_t q,
               uint8_t del, uint32_t stage_ix, uint32_t source_ix);
  // True if rows are ordered by (period, vintage, seq).
  bool IsSorted() const;
  // Reorders rows by (period, vintage, seq) (stable).
  void Sort();
};

// Rows [starts[k], starts[k+1]) of `in` (the last run ends at in.size()) are each sorted by
// (period, vintage, seq); writes all rows in that order into *out (replacing its rows and
// strings). `order` and `tmp` are scratch buffers reused between calls.
void MergeRuns(const VersionColumns& in, const std::vector<uint32_t>& starts, VersionColumns* out,
               std::vector<uint32_t>* order, std::vector<uint32_t>* tmp);

// Chunk blob tags (first byte). On-disk format: do not change.
inline constexpr uint8_t kChunkRaw = 0;   // tag + raw columns + crc32c (little-endian) of them
inline constexpr uint8_t kChunkZstd = 1;  // tag + one zstd frame (content size + checksum)
// Packed layout (chunk_columns.hpp; store format v4). No checksum of its own: RocksDB's block
// checksums cover every chunk on disk and in staged files.
inline constexpr uint8_t kChunkPacked = 2;      // tag + packed columns
inline constexpr uint8_t kChunkPackedZstd = 3;  // tag + one zstd frame of packed columns

// Which layout EncodeChunk writes: stores of format v4 and newer take packed chunks; older
// stores keep the layout their readers know.
enum class ChunkLayout { kVarint, kPacked };

// Encodes every row of `cols` (REQUIRES: IsSorted()) into `*out` (replacing its contents).
// `scratch` is reused between calls to avoid allocations.
void EncodeChunk(const VersionColumns& cols, ChunkLayout layout, int zstd_level, std::string* out,
                 std::string* scratch);

// Appends the rows of a chunk to `*cols`, as runs each sorted by (period, vintage, seq), and
// appends the index in *cols of each run's first row to *run_starts (merge them with
// MergeRuns). Corruption (never a crash) on malformed input; then nothing is appended.
// `scratch` is reused between calls.
Status DecodeChunk(std::string_view blob, VersionColumns* cols, std::string* scratch,
                   std::vector<uint32_t>* run_starts);
// Convenience (tests, tools): appends the chunk's rows sorted by (period, vintage, seq).
Status DecodeChunkSorted(std::string_view blob, VersionColumns* out, std::string* scratch);

// CRC-32C (Castagnoli) of data; used for uncompressed chunks.
uint32_t Crc32c(std::string_view data);

}  // namespace ixdb::storage::internal
