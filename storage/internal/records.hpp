#pragma once
// Encodings of the catalog's records (series metadata, load records, counters) and of target
// versions. Each record starts with a version byte so fields can be appended later.
// On-disk format: do not change (append fields and bump the record version instead).

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/types.hpp"

namespace ixdb::storage::internal {

// v2 of meta: + better; v3: + formula, formula_uses (written for formulas only, so that the
// records of series of stored data stay v2 and an older ixdb reads them unchanged). v2 of
// targets: + about, on, value_high. v2 of loads: + corrections, targets_replaced,
// series_widened, min/max vintage.
inline constexpr uint8_t kMetaRecordVersion = 2;
inline constexpr uint8_t kFormulaMetaRecordVersion = 3;
inline constexpr uint8_t kTargetRecordVersion = 2;
inline constexpr uint8_t kLoadRecordVersion = 2;
inline constexpr uint8_t kCountersRecordVersion = 1;

// Counters kept in the catalog ("N"), advanced by every write.
struct Counters {
  uint32_t next_series_id = 1;
  uint64_t next_load_id = 1;
  uint64_t next_seq = 1;
};

void EncodeMeta(const SeriesMeta& m, std::string* out);
bool DecodeMeta(std::string_view in, SeriesMeta* m);

// A target version as stored (the key holds series, period, vintage and seq).
struct TargetRecord {
  Comparator comparator = Comparator::kEqual;
  double value = kMissing;
  double tolerance = kMissing;
  double value_high = kMissing;
  TargetOn on = TargetOn::kLevel;
  bool about = false;
  std::string unit, relative_to, text, source;
  bool deleted = false;
  uint64_t load_id = 0;
};
void EncodeTarget(const TargetRecord& t, std::string* out);
bool DecodeTarget(std::string_view in, TargetRecord* t);

void EncodeLoad(const LoadRecord& r, std::string* out);
bool DecodeLoad(std::string_view in, LoadRecord* r);

// The catalog record of a series ("C" + code): u32 id + meta record.
std::string CodeRecord(uint32_t id, const SeriesMeta& meta);
bool DecodeCodeRecord(std::string_view in, uint32_t* id, SeriesMeta* meta);

// A load-touch record ("R" + load + series): u8 flags + the seq at which the load first replaced
// the series' metadata.
std::string TouchValue(uint8_t flags, uint64_t meta_seq);
bool DecodeTouch(std::string_view in, uint8_t* flags, uint64_t* meta_seq);

void EncodeCounters(const Counters& c, std::string* out);
bool DecodeCounters(std::string_view in, Counters* c);

}  // namespace ixdb::storage::internal
