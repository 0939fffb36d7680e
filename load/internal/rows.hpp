#pragma once
// The row parsers of the loader (internal). A file's header becomes a Schema; each CSV record
// is turned by ParseRecord into pending observations, targets and metadata events of a Block,
// with series codes interned block-locally. Blocks are parsed on several threads and merged in
// file order by the Loader (loader.cpp), which resolves periods against each series' final
// frequency and builds storage::WriteBatch chunks.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "load/internal/text.hpp"
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
  kObsDropped = 0x80,   // (loader) bad or a duplicate: not written
};

// One observation as read, before its period is resolved against the series' frequency.
// Kept to 32 bytes: a load stages millions of them. Stage and source strings, which bulk
// files rarely have, live in a side table (ObsExtra).
struct PendingObs {
  uint32_t series;   // block-local id in a Block; global id once merged
  int32_t pindex;    // Period::index as parsed
  int32_t vintage;   // Date::days
  uint32_t line;     // relative to the block's first line in a Block; absolute once merged
  double value;
  uint8_t pfreq;     // Frequency as parsed
  uint8_t flags;
  uint8_t status;    // storage::ObsStatus
  uint8_t qualifier; // storage::Qualifier
  uint16_t pcol;     // 1-based field number of the period (or of the value cell in wide CSV)
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
  uint64_t rows = 0;
  bool used_default_vintage = false;
};

inline uint8_t FreqBit(Frequency f) {
  return f == Frequency::kAnnual ? 1 : f == Frequency::kQuarterly ? 2 : 4;
}
inline int FreqSlot(uint8_t bit) { return bit == 1 ? 0 : bit == 2 ? 1 : 2; }

// The columns of one file, from its header.
struct Schema {
  Format format = Format::kLong;
  size_t width = 0;  // fields in the header
  // Field indexes, or -1.
  int indicator = -1, period = -1, value = -1, vintage = -1, status = -1, stage = -1,
      source = -1, qualifier = -1, target = -1, comparator = -1, tolerance = -1, unit = -1,
      relative_to = -1, text = -1;
  int meta[kMetaFieldCount];
  // Wide: the period columns.
  std::vector<std::pair<int, ParsedPeriod>> period_columns;
  // SDMX: dimension columns (between ACTION and TIME_PERIOD), FREQ, REF_AREA, attributes.
  std::vector<int> dimensions;
  int action = -1, freq_dim = -1, area_dim = -1, obs_status = -1, unit_mult = -1,
      unit_measure = -1;
  Schema() {
    for (int& m : meta) m = -1;
  }
};

// Builds the schema of a header (fields already split). `format` kAuto detects it. On error
// returns InvalidArgument saying why and sets *error_col to the 1-based field it concerns.
Result<Schema> ParseHeader(const std::vector<std::string_view>& header, Format format,
                           uint32_t* error_col);

struct ParseContext {
  const Schema* schema;
  Date default_vintage;
  uint16_t file;
};
// Parses records from `reader` into `block` until the reader is done or the block holds at
// least `max_obs` observations. Record lines are stored relative to `line_base` (so that
// block->first_line = line_base makes them absolute); `base_offset` is the offset of the
// reader's text in the file's text.
void ParseRecords(const ParseContext& ctx, CsvReader& reader, uint64_t line_base,
                  size_t base_offset, size_t max_obs, Block* block);

}  // namespace ixdb::load::internal
