#pragma once
// ixdb::storage::Store — the versioned, columnar store of series, observations and targets.
//
// One small class in the shape of leveldb's DB. Everything is on disk in RocksDB; observations
// of one series are zstd-compressed column chunks (see docs/storage-format.md). No RocksDB type
// appears in this header.
//
// Thread safety: a Store may be used from many threads at once. Writes are serialised
// internally; reads go through a ReadView, which sees one consistent snapshot for its whole
// lifetime while writes go on. A ReadView itself is not for concurrent use by several threads
// (make one per thread; they are cheap). REQUIRES: every ReadView and BulkWrite is destroyed
// before its Store.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "storage/options.hpp"
#include "storage/types.hpp"

namespace ixdb::storage {

// Which value of each period a read returns.
enum class ReadMode : uint8_t {
  kLatest,  // the newest version of each period
  kAsOf,    // the newest version with vintage <= as_of (what was known at the end of that day)
  kFirst,   // the first release of each period (its oldest version with a value)
};

struct ReadRequest {
  ReadMode mode = ReadMode::kLatest;
  Date as_of{};                    // for kAsOf
  std::optional<Period> from, to;  // inclusive bounds; absent: open
  // Only what a computation needs: SeriesValues::meta, stage, source and strings stay empty
  // (the query evaluator reads thousands of series and uses none of them).
  bool values_only = false;
};

class ReadView {
 public:
  virtual ~ReadView() = default;

  // The series' metadata, or NotFound. Series of stored data only (formulas: GetFormula).
  virtual Result<SeriesMeta> GetSeries(std::string_view code) = 0;
  // Every series of stored data, ordered by code.
  virtual Result<std::vector<SeriesMeta>> ListSeries() = 0;
  // Series whose code starts with `prefix`, ordered by code.
  virtual Result<std::vector<SeriesMeta>> ListSeriesByPrefix(std::string_view prefix) = 0;
  // Series whose code, Chinese name or English name contains `text` (UTF-8 substring match;
  // ASCII case-insensitive), ordered by code.
  virtual Result<std::vector<SeriesMeta>> SearchSeries(std::string_view text) = 0;
  // A named formula (meta.formula is its expression), or NotFound.
  virtual Result<SeriesMeta> GetFormula(std::string_view code) = 0;
  // Every named formula, ordered by code.
  virtual Result<std::vector<SeriesMeta>> ListFormulas() = 0;

  // The same metadata without copying it, for the query layer's hot paths: pointers into this
  // view's catalog, valid while the view (or another view of its snapshot) lives.
  // The series or formula named `code`, or nullptr.
  virtual const SeriesMeta* FindMeta(std::string_view code) const = 0;
  // Every series and every formula, ordered by code.
  virtual std::vector<const SeriesMeta*> ListMeta() const = 0;

  // Every earlier metadata of a series, oldest first, then the current one.
  virtual Result<std::vector<SeriesMeta>> SeriesHistory(std::string_view code) = 0;

  // One value per period (ascending). Periods whose chosen version is a deletion are left out;
  // a period published blank is present with a NaN value. NotFound for an unknown series.
  virtual Result<SeriesValues> ReadSeries(std::string_view code, const ReadRequest& request) = 0;

  // Every version of one period, oldest first (by vintage, then write order).
  virtual Result<std::vector<Version>> ReadRevisions(std::string_view code, Period period) = 0;
  // Every version of every period within [from, to] (absent bounds: open), ordered by period,
  // then as ReadRevisions: a revision triangle as rows.
  virtual Result<std::vector<Version>> ReadRevisionsInRange(std::string_view code,
                                                            std::optional<Period> from,
                                                            std::optional<Period> to) = 0;

  // Every value recorded with exactly this vintage, across all series (ordered by series code,
  // then period), each with what was known just before it.
  virtual Result<std::vector<Change>> ReadChanges(Date vintage) = 0;

  // Targets of a series (or of every series when `code` is empty), for one period or all,
  // as known at `as_of` (kMaxDate: the latest version of each target). Deleted targets are left
  // out. Ordered by series code, then period.
  virtual Result<std::vector<Target>> ReadTargets(std::string_view code,
                                                  std::optional<Period> period,
                                                  Date as_of = kMaxDate) = 0;

  // Every load recorded, oldest first.
  virtual Result<std::vector<LoadRecord>> ListLoads() = 0;

  // Another view of exactly this snapshot, for another thread (a ReadView is single-threaded):
  // a query that reads with several threads must see one snapshot even while a load commits.
  // Thread-safe (may be called while this view is used on another thread). The snapshot lives
  // until its last view is destroyed; every view must be destroyed before the Store.
  virtual std::unique_ptr<ReadView> NewViewOfSnapshot() const = 0;
};

// A write too large for one in-memory batch (a load of a file larger than RAM): batches are
// staged on disk as they come and become visible together, atomically, at Commit(). Destroying
// it without Commit() discards everything staged. Not thread-safe; one at a time per Store
// (a second Begin waits for the first to finish). While a BulkWrite exists, Write and Revert
// on the same Store wait for it (so never call them from the thread that holds it).
class BulkWrite {
 public:
  virtual ~BulkWrite() = default;
  // Validates and stages one batch. On error nothing of this BulkWrite will ever be visible.
  virtual Status Add(const WriteBatch& batch) = 0;
  // Makes everything staged visible at once, durably, recorded as one load.
  virtual Result<WriteSummary> Commit() = 0;
};

class Store {
 public:
  // Opens (or creates, per options) the store at `path`. Fails with:
  //  - InvalidArgument if the directory exists, is not empty and is not an ixdb store;
  //  - NotSupported if it is a store of a newer on-disk format version;
  //  - Busy if another process has it open for writing;
  //  - IOError / Corruption from the file system or RocksDB.
  static Status Open(const Options& options, const std::string& path,
                     std::unique_ptr<Store>* store);

  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies the whole batch atomically (all or nothing) and durably (when it returns OK the
  // batch survives a crash), and records it as a load with `info`.
  // Validation happens first and nothing is written on error: InvalidArgument names the first
  // bad item (unknown series, period of the wrong frequency, bad code...).
  // Observations identical (value, status, qualifier) to what was known at their vintage
  // record nothing; a changed status alone records a new version.
  virtual Result<WriteSummary> Write(const WriteBatch& batch, const LoadInfo& info) = 0;

  // Starts a staged write for data larger than memory (see BulkWrite).
  virtual Result<std::unique_ptr<BulkWrite>> BeginBulkWrite(const LoadInfo& info) = 0;

  // Retracts load `load_id`: from then on every read (latest, as-of, first, changes, targets)
  // is as if it had never happened — the versions known without it are read, with their own
  // vintages — while ReadRevisions still returns its versions, marked with the revert's id
  // (Version::reverted_by). Metadata it changed is restored (except the frequency of a series it
  // widened, whose stored periods stay widened). The revert is recorded as a load of its own
  // (LoadRecord::reverts) and writes no observation or target versions; summary.retracted
  // counts the versions it retracted.
  // NotFound for an unknown id; InvalidArgument if it was already reverted, or is a revert.
  virtual Result<WriteSummary> Revert(uint64_t load_id, const LoadInfo& info) = 0;

  // Defines, replaces and drops named formulas (ixdb define), all or nothing, durably (one
  // synced write, like a load's), marking the store format v3. A formula is kept as its
  // metadata: storage never reads the expression, only the codes it uses. Nothing is written
  // when any of these fails (InvalidArgument, or NotFound for the drop of no formula):
  //  - a put: a bad code or metadata, an empty expression, a code that is a series of stored
  //    data, a use that names no series or formula (after the batch), or a cycle: a formula
  //    that refers to itself, directly or through others ("a -> b -> a");
  //  - a drop: a code that is no formula, or one a formula left in place still uses;
  //  - a code put or dropped twice in one batch.
  // meta.updated is stored as given. Writes to formulas are not loads: `ixdb loads` does not
  // list them and Revert does not undo them. NotSupported on a read-only store.
  virtual Status WriteFormulas(const FormulaBatch& batch) = 0;

  // A consistent snapshot for reading.
  virtual std::unique_ptr<ReadView> NewReadView() = 0;

  // Writes a consistent copy of the store to `dest` (which must not exist): a RocksDB checkpoint.
  virtual Status Backup(const std::string& dest) = 0;

  // Reads every key and chunk, verifying block checksums, chunk checksums and that every chunk
  // decodes; fills `report` with what was checked. Corruption names the first bad key.
  virtual Status Check(std::string* report) = 0;

  // Bytes used on disk by the live files (for benchmarks and `ixdb check`).
  virtual uint64_t DiskBytes() = 0;

  // Rewrites every series stored in several delta chunks as one chunk (keeping every version),
  // then flushes memtables and compacts everything (benchmarks measure bytes after this).
  // Writes wait while it runs; readers do not.
  virtual Status Compact() = 0;

 protected:
  Store() = default;
};

}  // namespace ixdb::storage
