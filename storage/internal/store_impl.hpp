#pragma once
// The implementation of storage::Store (internal to storage/), split by concern as RocksDB's
// db/db_impl/ is: store_open.cpp (opening and creating), store_write.cpp (a write's life:
// start, commit, publish), store_prepare.cpp and store_prepare_observations.cpp (validating a
// batch and turning it into keys), store_revert.cpp, store_bulk.cpp (BulkWrite), read_view.cpp
// (ReadView) and store_maintenance.cpp (backup, check, compaction). docs/storage-format.md
// gives the layout.

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/internal/catalog.hpp"
#include "storage/internal/chunk.hpp"
#include "storage/internal/key_codec.hpp"
#include "storage/internal/records.hpp"
#include "storage/internal/write_generation.hpp"
#include "storage/options.hpp"
#include "storage/store.hpp"

namespace ixdb::storage::internal {

// The on-disk format version this build writes and reads. On-disk format: do not change the
// meaning of existing versions; bump it when the layout changes incompatibly.
// v2: chunks may end with an extent column (combined periods such as 1-2月); v1 stores open as
// they are. v3: named formulas ("D" records, metadata record v3); the first WriteFormulas marks
// a v2 store v3 (an older ixdb would not see the formulas, and could load data under their
// codes). v4: chunks may be packed (chunk tags 2 and 3: Rice-coded integer columns), which a v3
// reader would refuse; v4 includes v3's formulas. kFormatVersion is the newest version this
// build reads; a new store is created as kNewStoreFormatVersion (v4) and writes packed chunks.
// A store of an older version keeps its version and writes chunks in the layout its readers
// know (ChunkLayout::kVarint), so an older ixdb still opens it.
inline constexpr uint32_t kFormatVersion = 4;
inline constexpr uint32_t kNewStoreFormatVersion = 4;
inline constexpr uint32_t kFirstPackedFormatVersion = 4;
inline constexpr uint32_t kFirstFormulasFormatVersion = 3;
inline constexpr char kFormatMagic[] = "ixdb-store";
// The format marker ("F"): the magic text and a u32 BE version.
inline std::string FormatMarker(uint32_t version) {
  std::string v(kFormatMagic);
  PutFixed32BE(&v, version);
  return v;
}
// Staged SST files of bulk writes and large writes; removed at Open.
inline constexpr char kStagingDir[] = "staging";
// Present only while a new store is being created (see Open).
inline constexpr char kCreatingFile[] = "IXDB-CREATING";

// Column families. On-disk format: do not change the names.
enum Cf { kDefaultCf = 0, kCatalogCf, kObsCf, kTargetsCf, kVintageCf, kNumCfs };
inline constexpr const char* kCfNames[kNumCfs] = {"default", "catalog", "obs", "targets", "vindex"};

// Flags of a load-touch record ("R" + load + series). On-disk format: do not change.
inline constexpr uint8_t kTouchObs = 1;
inline constexpr uint8_t kTouchTargets = 2;
inline constexpr uint8_t kTouchMeta = 4;

// Writes of at least this many observations compare and encode series on several threads.
inline constexpr size_t kParallelRows = 100000;

// Period years and vintages outside this range are rejected as input errors.
inline constexpr int kMinYear = 1;
inline constexpr int kMaxYear = 9999;
inline const Date kMinVintage = DateFromYmd(1000, 1, 1);
inline const Date kMaxVintage = DateFromYmd(9999, 12, 31);

// ---- small helpers ---------------------------------------------------------------------------
Status FromRocks(const rocksdb::Status& s, std::string_view context);
inline std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
inline bool StartsWith(const rocksdb::Slice& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}
// Bitwise equality of values, NaN equal to NaN (a blank stays a blank).
inline bool SameValue(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, 8) == 0;
}
inline double Canonical(double v) { return std::isnan(v) ? kMissing : v; }
inline bool MetaEqualIgnoringUpdated(SeriesMeta a, const SeriesMeta& b) {
  a.updated = b.updated;
  return a == b;
}
std::string Hex(std::string_view s);
// "(code, period, vintage)" for messages.
std::string DescribeObs(std::string_view code, Period p, Date v);
Status UnknownSeries(std::string_view code);
Status ValidateMeta(const SeriesMeta& m);
// The error of a write that gives data (metadata, observations, targets) to a formula's code.
Status FormulaNotData(std::string_view code);
// The only frequency changes a series may undergo: an annual series widened into a cumulative
// quarterly or monthly one, a cumulative quarterly one into a cumulative monthly one (their
// stored periods are then rewritten as the equivalent full-year / year-to-date spans).
bool IsWidening(const SeriesMeta& from, const SeriesMeta& to);
// A period of `from`'s frequency as the equivalent period of `to` (REQUIRES IsWidening).
int32_t WidenedPeriod(const SeriesMeta& from, const SeriesMeta& to, int32_t index);
// InvalidArgument naming `what` ("observation", "target") if period p or vintage v cannot be
// one of series `code`: another frequency, a year or a vintage out of range.
Status ValidatePeriod(std::string_view code, const SeriesMeta& meta, Period p, Date v,
                      const char* what);

// ---- one write -------------------------------------------------------------------------------
// Everything one write will put into the store, per column family.
struct WritePlan {
  std::map<std::string, std::string> catalog;
  std::vector<std::pair<std::string, std::string>> obs_puts;  // sorted at commit
  std::vector<std::string> obs_deletes;                       // sorted at commit
  std::map<std::string, std::string> targets;
  std::vector<std::string> target_deletes;
  // Vintage-index entries as their 8 key bytes read big-endian (ordered vintage, series id), so
  // that sorting the numbers sorts the keys; repeats allowed (see VintageIndexRecords).
  std::vector<uint64_t> vindex;
  // In a bulk write: the seq of the batch's own chunks (keys ObsKey(id, chunk_seq)), which move
  // into WriteState::staged_chunks once written to their file (see StageWrittenChunks).
  uint64_t chunk_seq = 0;
  size_t rows = 0;  // observation versions in obs_puts (decides WriteBatch vs ingest)
};

// The vintage-index entry of (vintage, series_id) for WritePlan::vindex, and back.
inline uint64_t VintageEntry(int32_t vintage, uint32_t series_id) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(vintage) ^ 0x80000000u) << 32) | series_id;
}
inline int32_t VintageOfEntry(uint64_t entry) {
  return static_cast<int32_t>(static_cast<uint32_t>(entry >> 32) ^ 0x80000000u);
}
inline uint32_t SeriesOfEntry(uint64_t entry) { return static_cast<uint32_t>(entry); }
// Sorts and deduplicates *vindex and returns the (key, empty value) records it stands for, in
// key order (what an SST file needs).
std::vector<std::pair<std::string, std::string>> VintageIndexRecords(std::vector<uint64_t>* vindex);

// Existing state of one series.
struct SeriesInfo {
  uint32_t id = 0;
  SeriesMeta meta;
  bool exists = false;  // already in the store (committed)
};

// State of one write being prepared (a Write, a Revert or one BulkWrite).
struct GroupedRows;  // store_prepare_observations.cpp

struct WriteState {
  Counters counters;
  uint64_t load_id = 0;
  Date meta_vintage{};
  WriteSummary summary;
  // Series created or changed by this write (visible to later batches of a bulk write).
  std::map<std::string, SeriesInfo, std::less<>> staged_series;
  // Chunks staged by earlier batches of a bulk write (or written by a widening), per series.
  std::unordered_map<uint32_t, std::vector<std::string>> staged_chunks;
  // Series whose stored chunks this write replaces (widened): reads of the write skip them.
  std::set<uint32_t> replaced_chunks;
  // Touch flags per series for this load, and the seq of the first metadata replacement.
  std::map<uint32_t, std::pair<uint8_t, uint64_t>> touched;
  std::map<std::string, std::string> catalog;  // catalog puts (merged over a bulk write)
  std::map<std::string, std::string> targets;  // target puts (merged over a bulk write)
  std::vector<std::string> target_deletes;
  bool bulk = false;
  // The buffers observations are regrouped in, kept from one batch of a bulk write to the next
  // (memory touched once is not faulted in again).
  std::shared_ptr<GroupedRows> grouped;
};

// One series' part of a write: its new chunk and the chunks it replaces.
struct SeriesOut {
  uint32_t id = 0;
  std::string key, blob;
  std::vector<std::string> deletes;
  std::vector<int32_t> vintages;  // distinct vintages of the new versions
  size_t rows = 0;
};

class BulkWriteImpl;
class DecodedSeriesCache;

class StoreImpl final : public Store {
 public:
  ~StoreImpl() override;

  static Status Open(const Options& options, const std::string& path,
                     std::unique_ptr<Store>* store);

  Result<WriteSummary> Write(const WriteBatch& batch, const LoadInfo& info) override;
  Result<std::unique_ptr<BulkWrite>> BeginBulkWrite(const LoadInfo& info) override;
  Result<WriteSummary> Revert(uint64_t load_id, const LoadInfo& info) override;
  Status WriteFormulas(const FormulaBatch& batch) override;
  std::unique_ptr<ReadView> NewReadView() override;
  Status Backup(const std::string& dest) override;
  Status Check(std::string* report) override;
  uint64_t DiskBytes() override;
  Status Compact() override;

  Status TEST_PutRawChunk(std::string_view code, std::string_view blob);
  Status TEST_SetFormatVersion(uint32_t version);
  Result<uint32_t> TEST_FormatVersion();
  Status TEST_ObservationRecords(std::vector<std::pair<std::string, std::string>>* out);
  uint64_t TEST_GenerationHits() const;

 private:
  friend class BulkWriteImpl;
  StoreImpl() = default;

  // ---- opening (store_open.cpp) ----
  Status OpenRocks(const std::vector<std::string>& existing_cfs);
  Status ReadOrCreateFormat(bool empty);
  Status LoadCatalog();

  // ---- a write's life (store_write.cpp) ----
  Status StartWrite(const LoadInfo& info, WriteState* st);
  // The catalog after `st` is applied, or null if `st` does not change it.
  std::shared_ptr<const Catalog> CatalogAfter(const WriteState& st);
  // Runs `apply` (the RocksDB write), then installs `next_catalog` and `next_reverted` (those
  // not null), atomically for NewReadView.
  Status Publish(std::shared_ptr<const Catalog> next_catalog,
                 std::shared_ptr<const RevertedLoads> next_reverted,
                 const std::function<Status()>& apply);
  void FinishLoad(const LoadInfo& info, WriteState* st, WritePlan* plan);
  Status Commit(WritePlan* plan);
  Status WriteSst(Cf cf, const std::string& file,
                  const std::vector<std::pair<std::string, std::string>>& puts,
                  const std::vector<std::string>& deletes);
  Status IngestFiles(const std::vector<std::pair<Cf, std::string>>& files);
  std::string NewStagingDir();

  // ---- preparing a batch (store_prepare.cpp) ----
  Status ResolveSeries(std::string_view code, WriteState* st, SeriesInfo* info);
  // Every stored (and staged) version of series `id`, sorted, with the keys of its chunks.
  Status ReadVersions(uint32_t id, const WriteState& st, VersionColumns* cols,
                      std::vector<std::string>* keys, std::string* scratch);
  // Validates `batch` and adds its effect to `st` and `plan`. Nothing is written.
  Status PrepareBatch(const WriteBatch& batch, WriteState* st, WritePlan* plan);
  Status PrepareMetadata(const WriteBatch& batch, uint64_t seq, WriteState* st, WritePlan* plan);
  // Rewrites the stored versions and targets of a series whose frequency is widened.
  Status Widen(const SeriesInfo& before, const SeriesMeta& after, uint64_t seq, WriteState* st,
               WritePlan* plan);
  Status PrepareTargets(const WriteBatch& batch, uint64_t seq, WriteState* st);
  // ---- the observations of a batch (store_prepare_observations.cpp) ----
  Status PrepareObservations(const WriteBatch& batch, uint64_t seq, WriteState* st,
                             WritePlan* plan);
  // Encodes one series' new versions (sorted) as a chunk, consolidating with `existing` if
  // due. Thread-safe (touches no shared state).
  void EncodeSeries(uint32_t id, const VersionColumns& existing,
                    const std::vector<std::string>& existing_keys, const VersionColumns& fresh,
                    uint64_t seq, bool bulk, SeriesOut* out, std::string* scratch) const;
  void ApplySeries(SeriesOut&& out, WriteState* st, WritePlan* plan);

  // After a write: the snapshot kept for the next views shows the state before it. Lets it go
  // (views that hold it keep it), so that it does not stop compaction from dropping what the
  // write deleted (consolidated chunks). REQUIRES: publish_mu_ held.
  void DropLatestSnapshotLocked();

  // ---- maintenance (store_maintenance.cpp) ----
  // Rewrites every series stored in several chunks as one chunk (all versions kept).
  Status ConsolidateAll();

  Options options_;
  std::string path_;
  uint32_t format_version_ = kNewStoreFormatVersion;  // the marker's; guarded by write_mu_
  ChunkLayout chunk_layout_ = ChunkLayout::kPacked;   // set at Open from the format version
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::Options cf_options_[kNumCfs];
  std::mutex write_mu_;  // serialises writes; held by an open BulkWrite for its lifetime
  Counters counters_;    // guarded by write_mu_
  // Guards catalog_ and reverted_ and is held while a write that changes them is applied, so
  // that a ReadView's RocksDB snapshot, catalog and retracted loads always match.
  std::mutex publish_mu_;
  std::shared_ptr<const Catalog> catalog_;
  std::shared_ptr<const RevertedLoads> reverted_;
  std::atomic<uint64_t> staging_counter_{0};
  // Decoded series of recent point reads, shared by every view (decoded_series_cache.hpp).
  std::unique_ptr<DecodedSeriesCache> decoded_cache_;
  // Moves with every write (Publish's apply, ConsolidateAll, TEST_PutRawChunk): a view knows
  // which state its snapshot shows (write_generation.hpp).
  WriteGeneration obs_generation_;
  // The snapshot of the last view taken at a known generation, and that generation: views
  // taken before the next write share it instead of asking RocksDB for a snapshot of the same
  // state (its mutex, an allocation). Guarded by publish_mu_; released first on close.
  std::shared_ptr<const rocksdb::Snapshot> latest_snapshot_;
  uint64_t latest_snapshot_generation_ = WriteGeneration::kUnknown;
};

// A ReadView of `db` at `snapshot` (read_view.cpp), reading the column families `cfs` (which
// outlive the view). `generation`: the WriteGeneration the snapshot shows
// (WriteGeneration::kUnknown: not known).
std::unique_ptr<ReadView> NewReadViewImpl(rocksdb::DB* db,
                                          const std::vector<rocksdb::ColumnFamilyHandle*>* cfs,
                                          std::shared_ptr<const rocksdb::Snapshot> snapshot,
                                          uint64_t generation,
                                          std::shared_ptr<const Catalog> catalog,
                                          std::shared_ptr<const RevertedLoads> reverted,
                                          DecodedSeriesCache* cache);
// A snapshot of `db`, released when the last holder lets go.
std::shared_ptr<const rocksdb::Snapshot> TakeSnapshot(rocksdb::DB* db);

}  // namespace ixdb::storage::internal
