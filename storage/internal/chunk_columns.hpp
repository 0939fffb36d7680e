#pragma once
// The raw column layout inside a chunk: chunk.cpp adds the tag and zstd or the checksum around
// it; chunk_encode.cpp and chunk_decode.cpp hold the two directions. docs/storage-format.md,
// "chunk", gives the bytes. On-disk format: do not change.
//
// Rows are stored version by version ("runs": one per distinct (vintage, seq, load id),
// ascending), each run ascending by period, so that the per-row columns that are constant
// within a write cost nothing.
//   varint n, varint m (runs)
//   m x (varsint d_vintage, varsint d_seq, varsint d_load, varint rows, varsint d_first_period)
//   period gaps (p[i] - p[i-1] - 1 within a run, for the n - m non-first rows): RLE
//   flags: mode byte + same / raw / RLE flag bytes
//   values: mode byte (0..6 decimal scale, 0xFF xor); then the values of rows that are neither
//           blank nor exceptions; then the exceptions as 8 raw bytes each
//   strings: varint count, length-prefixed strings; stage and source index columns
//   optional extent column: tag byte, RLE (only when some row covers several periods)
//
// The packed layout (chunk tags 2 and 3) is the same but for its integer columns, which are
// Rice-coded (rice_column.hpp) instead of varints:
//   varint n, varint m
//   run headers, m values each: vintage, seq and load id as delta columns, a Rice column of
//     rows - 1, first period as a delta column
//   period gaps: a Rice column of the n - m gaps
//   flags: as above
//   values: mode byte; decimal: a delta column of the scaled integers, then the exceptions as
//           8 raw bytes each; xor: as above
// A delta column of c values (c > 0) is varsint x[0], then a Rice column of the c - 1 zigzag
// deltas x[i] - x[i-1].
//   strings, stage, source and the optional extent column: as above

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "storage/internal/chunk.hpp"

namespace ixdb::storage::internal {

// Value column modes (first byte of the value column). On-disk format: do not change.
// 0..6: decimal scale k: each value is an integer n / 10^k, stored as zigzag varint deltas of n.
inline constexpr uint8_t kMaxDecimalScale = 6;
inline constexpr uint8_t kValuesXor = 0xFF;  // XOR with the previous value's bits, bytes trimmed

inline constexpr double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

// Per-row flag byte. On-disk format: do not change.
inline constexpr uint8_t kFlagStatusMask = 0x07;  // bits 0-2: ObsStatus
inline constexpr int kFlagQualifierShift = 3;     // bits 3-4: Qualifier
inline constexpr uint8_t kFlagDeleted = 0x20;
inline constexpr uint8_t kFlagBlank = 0x40;  // NaN: no value stored
inline constexpr uint8_t kFlagException =
    0x80;  // value stored as raw bits, not in the decimal column

// Column modes. On-disk format: do not change.
// The optional last column of a chunk (tag byte, then an RLE column). On-disk format.
inline constexpr uint8_t kExtentRle = 1;
inline constexpr uint8_t kFlagsSame = 0;  // one flag byte for every row
inline constexpr uint8_t kFlagsRaw = 1;   // n bytes
inline constexpr uint8_t kFlagsRle = 2;   // runs: byte, varint length
inline constexpr uint8_t kIndexNone = 0;  // string index column: every row 0
inline constexpr uint8_t kIndexRle = 1;

// Bytes of each part of an encoded chunk (diagnostics: bench/storage/chunk_bytes).
struct ColumnBytes {
  size_t header = 0;  // row and run counts
  size_t runs = 0;    // run headers (vintage, seq, load id, rows, first period)
  size_t periods = 0;
  size_t flags = 0;
  size_t values = 0;      // decimal or xor values
  size_t exceptions = 0;  // raw doubles of the decimal mode's exceptions
  size_t strings = 0;     // dictionary, stage and source columns
  size_t extent = 0;
};

// Writes every row of `c` (REQUIRES: c.IsSorted()) into `*out` (replacing its contents);
// adds the bytes of each part to *bytes if given.
void EncodeColumns(const VersionColumns& c, std::string* out, ColumnBytes* bytes = nullptr);
// The same in the packed layout.
void EncodePackedColumns(const VersionColumns& c, std::string* out, ColumnBytes* bytes = nullptr);

// Appends the rows of `raw` to `*c`, as runs each sorted by period, and the index in *c of each
// run's first row to *run_starts. Corruption ("bad chunk: <part>") on malformed input; then
// nothing is appended.
Status DecodeColumns(std::string_view raw, VersionColumns* c, std::vector<uint32_t>* run_starts);
// The same for the packed layout.
Status DecodePackedColumns(std::string_view raw, VersionColumns* c,
                           std::vector<uint32_t>* run_starts);

}  // namespace ixdb::storage::internal
