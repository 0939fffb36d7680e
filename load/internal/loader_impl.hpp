#pragma once
// The Loader (internal to load/): one call of LoadFiles. Split by concern:
//   loader_parse.cpp   inputs: decode each file, open its header, parse its records into Blocks
//                      (two threads per segment of a large file without quotes)
//   loader_merge.cpp   blocks merged in file order: global series ids, metadata events
//   loader_series.cpp  each series' frequency (new, stored, widened) and metadata
//   loader_flush.cpp   staged rows resolved, grouped, deduplicated and written (Write or
//                      BulkWrite), in steps
//   loader_report.cpp  bad rows: the error list, --skip-bad's file, the summary line

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "load/formats/format_reader.hpp"
#include "load/internal/input.hpp"
#include "load/internal/records.hpp"
#include "load/loader.hpp"
#include "storage/store.hpp"

namespace ixdb::load::internal {

using storage::SeriesMeta;

// Where a load spends its time; printed to stderr when IXDB_LOAD_PROFILE is set (bench/load).
struct Profile {
  using Clock = std::chrono::steady_clock;
  bool on = false;
  double parse = 0, merge = 0, resolve = 0, build = 0, store_add = 0, commit = 0;
  static double Since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }
  Profile();
  ~Profile();
};

class Loader {
 public:
  Loader(storage::Store& store, const LoadOptions& options);
  void AddInput(std::unique_ptr<InputFile> f);
  Result<LoadReport> Run();

 private:
  struct MetaValue {
    std::string value;
    uint16_t file = 0;
    uint64_t line = 0;
    bool set = false;
  };
  // A series' metadata cells, allocated at the first one: most files give none, and a
  // SeriesState that stays small is less fresh memory to touch in a load of many series.
  class MetaFields {
   public:
    const MetaValue& Get(size_t f) const { return v_ ? v_[f] : Unset(); }
    MetaValue& Mutable(size_t f) {
      if (!v_) v_ = std::make_unique<MetaValue[]>(kMetaFieldCount);
      return v_[f];
    }

   private:
    static const MetaValue& Unset() {
      static const MetaValue kUnset;
      return kUnset;
    }
    std::unique_ptr<MetaValue[]> v_;
  };
  struct SeriesState {
    std::string code;
    bool exists = false;
    std::unique_ptr<SeriesMeta> stored;  // when exists
    MetaFields fields;
    uint64_t freq_counts[3] = {0, 0, 0};  // rows with plain annual/quarterly/monthly periods
    uint8_t span_bits = 0;
    bool locked = false;
    Frequency freq = Frequency::kAnnual;
    bool cumulative = false;
    uint64_t locked_line = 0;
    uint16_t locked_file = 0;
    bool emitted = false;
    SeriesMeta emitted_meta;
    bool touched = false;
    std::string original;  // --codes sanitize: the code as written, when it was changed
  };
  // Position of a staged observation: its vector and index, ordered by (period, vintage).
  struct Slot {
    uint64_t key;  // period index (biased) << 32 | vintage (biased)
    uint32_t vec;
    uint32_t idx;
    bool operator<(const Slot& y) const {
      return key != y.key ? key < y.key : (vec != y.vec ? vec < y.vec : idx < y.idx);
    }
  };
  // The rows of a flush grouped by series: count[s]..count[s+1] of `slots` are series s's.
  struct Grouped {
    std::vector<uint32_t> count;
    std::vector<Slot> slots;
  };

  // ---- loader_parse.cpp ----
  Status ProcessFile(uint16_t idx);
  Status ParseSegments(uint16_t idx, FormatReader& reader, const ParseContext& ctx, size_t body,
                       uint64_t first_line);
  Status ParseSequential(uint16_t idx, FormatReader& reader, const ParseContext& ctx,
                         CsvReader& csv);
  void Progress(uint16_t file, size_t pos_in_file);

  // ---- loader_merge.cpp ----
  Status Merge(Block* b);
  Status MergePair(Block* a, Block* b);
  Status MergeCodes(Block* b, std::vector<uint32_t>* map);
  static void RemapObs(Block* b, const std::vector<uint32_t>& map, std::vector<uint8_t>* used);
  void MergeRest(Block* b, const std::vector<uint32_t>& map, const std::vector<uint8_t>& used);
  void ApplyMeta(uint32_t id, MetaEvent& ev, uint64_t line, uint16_t file);
  Result<uint32_t> SeriesId(const std::string& code);
  void Touch(uint32_t id);
  std::string Where(uint16_t file, uint64_t line, uint16_t here_file) const;

  // ---- loader_series.cpp ----
  // Fixes a series' frequency (first time; an annual series with year-to-date spans is
  // widened) and puts its metadata into the batch if new or changed.
  void Decide(uint32_t id, storage::WriteBatch* batch);
  void ChooseFrequency(SeriesState& s);

  // ---- loader_flush.cpp ----
  Status Flush(bool final);
  void DecideTouched(storage::WriteBatch* batch);
  Grouped ResolveAndGroup();
  void Dedupe(Grouped& g);
  std::vector<storage::Target> ResolveTargets();
  Status WriteRows(bool final, Grouped& g, std::vector<storage::Target> targets,
                   storage::WriteBatch& batch);
  Status StageInBatches(Grouped& g, const std::vector<uint32_t>& by_code, size_t per,
                        const storage::LoadInfo& info, storage::WriteBatch& batch);
  void BuildSeries(const Grouped& g, uint32_t sid, storage::WriteBatch* out);
  PendingObs& ObsAt(const Slot& s) { return pending_obs_[s.vec][s.idx]; }
  storage::LoadInfo Info() const;

  // ---- loader_report.cpp ----
  void AddError(RowError e);
  bool Stopped() const;
  bool IsBad(uint16_t file, uint64_t line) const {
    return !bad_lines_.empty() && bad_lines_.count(LineKey(file, line)) != 0;
  }
  static uint64_t LineKey(uint16_t file, uint64_t line) {
    return (static_cast<uint64_t>(file) << 48) | line;
  }
  std::vector<const RowError*> SortedErrors() const;
  std::string ErrorList() const;
  uint64_t BadRowCount() const;
  Status WriteBadRows();
  static Status StoreError(const Status& s);

  Profile prof_;
  storage::Store& store_;
  LoadOptions opt_;
  std::unique_ptr<storage::ReadView> view_;
  Date default_vintage_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::unique_ptr<InputFile>> files_;
  std::vector<std::unique_ptr<FormatReader>> readers_;
  uint64_t total_bytes_ = 0;
  bool unknown_total_ = false;
  // A deque: a SeriesState is large, and a vector would copy them all each time it grows.
  std::deque<SeriesState> series_;
  std::unordered_map<std::string, uint32_t> series_index_;
  // The id SeriesId found last: releases list the series in the same order every vintage, so
  // the next code is most often the series after it (see SeriesId).
  uint32_t last_series_id_ = 0;
  std::vector<uint32_t> touched_;
  StringTable strings_;
  std::vector<std::vector<PendingObs>> pending_obs_;
  std::vector<std::vector<ObsExtra>> pending_extras_;
  size_t pending_rows_ = 0;
  std::vector<PendingTarget> pending_targets_;
  std::vector<RowError> errors_;
  std::unordered_set<uint64_t> bad_lines_;
  std::unordered_set<std::string> error_groups_;
  size_t distinct_errors_ = 0;  // errors as reported: a group counts once
  std::unique_ptr<storage::BulkWrite> bulk_;
  uint64_t rows_read_ = 0;
  uint64_t rows_staged_ = 0;  // observations and targets that reached a batch
  bool used_default_vintage_ = false;
  uint16_t last_file_seen_ = 0;
  uint64_t last_line_seen_ = 0;
  std::vector<std::string> ignored_notes_;
  LoadReport report_;
};

// "12,345".
std::string Thousands(uint64_t n);

}  // namespace ixdb::load::internal
