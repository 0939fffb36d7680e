#pragma once
// What the loader's format readers produce (internal to load/): pending observations, targets
// and metadata events of a Block of consecutive records, with series codes interned
// block-locally, and the errors found. Blocks are parsed on several threads and merged in file
// order by the Loader (internal/loader_impl.hpp), which resolves periods against each series'
// final frequency and builds storage::WriteBatch chunks.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "load/loader.hpp"
#include "storage/types.hpp"

namespace ixdb::load::internal {

// Series metadata a file can set. The order is the order of the names in kMetaFieldNames.
enum MetaField : uint8_t {
  kMetaName,
  kMetaNameEn,
  kMetaRegion,
  kMetaUnit,
  kMetaMeasure,
  kMetaFrequency,
  kMetaCumulative,
  kMetaLevelSeries,
  kMetaNotes,
  kMetaBetter,
  kMetaUnitHint,  // a target's unit: the unit of a series created by a targets file
  kMetaNameHint,  // the original code of a sanitized one: the name when the file gives none
  kMetaFieldCount
};
extern const char* const kMetaFieldNames[kMetaFieldCount];

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, TransparentHash, std::equal_to<>>;

// Interns strings into dense ids (0 is "").
class StringTable {
 public:
  StringTable() { strings_.emplace_back(); }
  uint32_t Intern(std::string_view s) {
    if (s.empty()) return 0;
    auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    const auto id = static_cast<uint32_t>(strings_.size());
    strings_.emplace_back(s);
    index_.emplace(std::string(s), id);
    return id;
  }
  const std::string& at(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::vector<std::string> strings_;
  StringMap<uint32_t> index_;
};

// Flags of a PendingObs.
enum : uint8_t {
  kObsSpan = 1,         // the period was written as a year-to-date span
  kObsDeleted = 2,      // SDMX ACTION=D
  kObsBlankMisfit = 4,  // a blank wide-CSV cell: silently dropped if its period does not fit
  kObsExtra = 8,        // has an ObsExtra entry
  kObsCombined = 16,    // (loader) resolved as a combined 1-2月 of a plain monthly series
  kObsDropped = 0x80,   // (loader) bad or a duplicate: not written
};

// One observation as read, before its period is resolved against the series' frequency.
struct PendingObs {
  uint32_t series;  // block-local id in a Block; global id once merged
  int32_t pindex;   // Period::index as parsed
  int32_t vintage;  // Date::days
  uint32_t line;    // relative to the block's first line in a Block; absolute once merged
  double value;
  uint8_t pfreq;  // Frequency as parsed
  uint8_t flags;
  uint8_t status;     // storage::ObsStatus
  uint8_t qualifier;  // storage::Qualifier
  uint16_t pcol;      // 1-based field number of the period (or of the value cell in wide CSV)
  uint16_t file;
};
static_assert(sizeof(PendingObs) == 32);

// Stage and source of the observation at `index` of its vector (StringTable ids).
struct ObsExtra {
  uint32_t index;
  uint32_t stage;
  uint32_t source;
};

// A RowError offset meaning "unknown; find the record by its line".
inline constexpr uint64_t kNoOffset = UINT64_MAX;

struct PendingTarget {
  uint32_t series;
  ParsedPeriod period;
  storage::Target target;  // series and period filled at flush
  uint32_t line;
  uint16_t pcol;
  uint16_t ucol;  // the unit cell (0: none): errors about the unit point there
  uint16_t file;
  uint64_t offset;
};

struct MetaEvent {
  uint32_t series;
  uint8_t field;
  uint16_t col;
  uint32_t line;
  std::string value;  // normalised (e.g. "quarterly", "true")
  uint64_t offset;
};

struct RowError {
  uint16_t file;
  uint64_t line;
  uint32_t col;
  std::string message;
  uint64_t offset;  // byte offset of the record in its file's text
  // Errors with the same non-empty group (one bad code on many rows) are reported once, with
  // their row count and first place.
  std::string group = {};
};

// Everything parsed from a run of consecutive records of one file.
struct Block {
  uint16_t file = 0;
  uint64_t first_line = 1;  // line number that relative line 0 stands for
  std::vector<std::string> codes;
  StringMap<uint32_t> code_index;
  // Per local series: rows with plain annual/quarterly/monthly periods (see FreqSlot).
  std::vector<std::array<uint32_t, 3>> freq_counts;
  std::vector<uint8_t> span_bits;  // per local series: frequencies of spans seen
  std::vector<MetaEvent> meta;
  std::vector<PendingObs> obs;
  std::vector<ObsExtra> extras;  // ascending index
  std::vector<PendingTarget> targets;
  std::vector<RowError> errors;  // lines relative
  StringTable strings;
  // Per local series: the code as written and where it first appears (line relative, column):
  // with --codes sanitize two codes written differently may become one, which is refused.
  std::vector<std::string> written;
  std::vector<std::pair<uint32_t, uint32_t>> first_seen;
  uint64_t rows = 0;
  bool used_default_vintage = false;
};

inline uint8_t FreqBit(Frequency f) {
  return f == Frequency::kAnnual ? 1 : f == Frequency::kQuarterly ? 2 : 4;
}
// A span bit of its own for NBS's combined 1-2月 (M01-M02): on a series of single months it is
// one two-month period, not a sign of a cumulative series.
inline constexpr uint8_t kCombinedJanFebBit = 8;
inline uint8_t SpanBit(const ParsedPeriod& p) {
  return p.period.freq == Frequency::kMonthly && p.period.sub() == 2 ? kCombinedJanFebBit
                                                                     : FreqBit(p.period.freq);
}
inline int FreqSlot(uint8_t bit) { return bit == 1 ? 0 : bit == 2 ? 1 : 2; }

// What every record of one file is parsed with.
struct ParseContext {
  Date default_vintage;
  uint16_t file = 0;
  CodeMode codes = CodeMode::kStrict;
};

}  // namespace ixdb::load::internal
