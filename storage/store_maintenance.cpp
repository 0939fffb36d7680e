// Maintenance: backup (a RocksDB checkpoint), check (every key and chunk decoded and
// checksummed), disk usage, consolidation and compaction; and the test hooks.
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <utility>

#include "storage/internal/decoded_series_cache.hpp"
#include "storage/internal/store_impl.hpp"
#include "storage/internal/store_internal.hpp"

namespace ixdb::storage {

namespace fs = std::filesystem;
using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

Status StoreImpl::Backup(const std::string& dest) {
  std::error_code ec;
  if (fs::exists(dest, ec)) return Status::InvalidArgument("backup destination exists: " + dest);
  rocksdb::Checkpoint* raw = nullptr;
  if (Status s = FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "backup"); !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  return FromRocks(cp->CreateCheckpoint(dest), "backup to " + dest);
}

Status StoreImpl::Check(std::string* report) {
  rocksdb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  ro.snapshot = snap;
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* s;
    ~Release() { db->ReleaseSnapshot(s); }
  } release{db_.get(), snap};
  uint64_t counts[kNumCfs] = {};
  uint64_t series = 0, formulas = 0, loads = 0, versions = 0;
  VersionColumns cols;
  std::string scratch;
  for (int cf = 0; cf < kNumCfs; ++cf) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[cf]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++counts[cf];
      std::string_view k = View(it->key()), v = View(it->value());
      auto bad = [&](const std::string& what) {
        return Status::Corruption(std::string(kCfNames[cf]) + " key " + Hex(k) + ": " + what);
      };
      if (cf == kObsCf) {
        ObsKeyParts ok;
        if (!ParseObsKey(k, &ok)) return bad("bad key length");
        cols.Clear();
        if (Status s = DecodeChunkSorted(v, &cols, &scratch); !s.ok()) return bad(s.message());
        if (!cols.IsSorted()) return bad("chunk rows out of order");
        versions += cols.size();
      } else if (cf == kCatalogCf && !k.empty()) {
        uint32_t id;
        SeriesMeta m;
        LoadRecord r;
        if (k[0] == kTagCode) {
          if (!DecodeCodeRecord(v, &id, &m)) return bad("bad series record");
          ++series;
        } else if (k[0] == kTagLoad) {
          if (!DecodeLoad(v, &r)) return bad("bad load record");
          ++loads;
        } else if (k[0] == kTagHistory) {
          if (!DecodeMeta(v, &m)) return bad("bad metadata history record");
        } else if (k[0] == kTagFormula) {
          if (!DecodeMeta(v, &m) || !m.IsFormula()) return bad("bad formula record");
          ++formulas;
        }
      } else if (cf == kTargetsCf) {
        TargetRecord t;
        TargetKeyParts tk;
        if (!ParseTargetKey(k, &tk) || !DecodeTarget(v, &t)) return bad("bad target");
      }
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), std::string("checking column family ") + kCfNames[cf]);
    }
  }
  if (report) {
    *report = "series: " + std::to_string(series) + ", formulas: " + std::to_string(formulas) +
              ", loads: " + std::to_string(loads) + ", chunks: " + std::to_string(counts[kObsCf]) +
              ", observation versions: " + std::to_string(versions) +
              ", target versions: " + std::to_string(counts[kTargetsCf]) +
              ", catalog keys: " + std::to_string(counts[kCatalogCf]) +
              ", vintage index keys: " + std::to_string(counts[kVintageCf]) + "; all checksums OK";
  }
  return Status::OK();
}

uint64_t StoreImpl::DiskBytes() {
  uint64_t total = 0;
  for (auto* h : handles_) {
    uint64_t v = 0;
    if (db_->GetIntProperty(h, "rocksdb.live-sst-files-size", &v)) total += v;
  }
  rocksdb::VectorLogPtr wals;
  if (db_->GetSortedWalFiles(wals).ok()) {
    for (const auto& w : wals) total += w->SizeFileBytes();
  }
  return total;
}

Status StoreImpl::ConsolidateAll() {
  std::lock_guard<std::mutex> lock(write_mu_);
  WriteGeneration::Scope writing(obs_generation_);
  Counters next = counters_;
  const uint64_t seq = next.next_seq++;
  std::string counters;
  EncodeCounters(next, &counters);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::WriteBatch wb;
  VersionColumns raw, merged;
  std::vector<uint32_t> starts, order, tmp;
  std::vector<std::string> keys;
  std::string scratch, blob;
  uint32_t current = 0;
  auto flush_series = [&]() -> Status {
    if (keys.size() > 1) {
      MergeRuns(raw, starts, &merged, &order, &tmp);
      EncodeChunk(merged, chunk_layout_, options_.zstd_level, &blob, &scratch);
      for (const auto& k : keys) wb.Delete(handles_[kObsCf], k);
      wb.Put(handles_[kObsCf], ObsKey(current, seq), blob);
    }
    raw.Clear();
    starts.clear();
    keys.clear();
    if (wb.GetDataSize() > (4u << 20)) {
      wb.Put(handles_[kCatalogCf], CatalogKey(kTagCounters), counters);
      Status s = FromRocks(db_->Write(wo, &wb), "consolidating");
      wb.Clear();
      return s;
    }
    return Status::OK();
  };
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kObsCf]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ObsKeyParts key;
    if (!ParseObsKey(View(it->key()), &key))
      return Status::Corruption("bad obs key " + Hex(View(it->key())));
    const uint32_t id = key.series_id;
    if (id != current) {
      if (Status s = flush_series(); !s.ok()) return s;
      current = id;
    }
    keys.push_back(it->key().ToString());
    if (Status s = DecodeChunk(View(it->value()), &raw, &scratch, &starts); !s.ok()) {
      return Status::Corruption(s.message() + " (obs key " + Hex(keys.back()) + ")");
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "consolidating");
  if (Status s = flush_series(); !s.ok()) return s;
  if (wb.Count() > 0) {
    wb.Put(handles_[kCatalogCf], CatalogKey(kTagCounters), counters);
    if (Status s = FromRocks(db_->Write(wo, &wb), "consolidating"); !s.ok()) return s;
  }
  counters_ = next;
  std::lock_guard<std::mutex> publish_lock(publish_mu_);
  DropLatestSnapshotLocked();  // so that the compaction after this drops the old chunks
  return Status::OK();
}

Status StoreImpl::Compact() {
  if (options_.read_only) return Status::NotSupported("the store was opened read-only");
  // Every series in one chunk first: fewer keys, better compression, faster reads.
  if (Status s = ConsolidateAll(); !s.ok()) return s;
  rocksdb::FlushOptions fo;
  if (Status s = FromRocks(db_->Flush(fo, handles_), "flush"); !s.ok()) return s;
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* h : handles_) {
    if (Status s = FromRocks(db_->CompactRange(co, h, nullptr, nullptr), "compact"); !s.ok()) {
      return s;
    }
  }
  return Status::OK();
}

Status StoreImpl::TEST_SetFormatVersion(uint32_t version) {
  WriteGeneration::Scope writing(obs_generation_);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(
      db_->Put(wo, handles_[kCatalogCf], CatalogKey(kTagFormat), FormatMarker(version)), "test");
}

Result<uint32_t> StoreImpl::TEST_FormatVersion() {
  std::string v;
  Status s = FromRocks(
      db_->Get(rocksdb::ReadOptions(), handles_[kCatalogCf], CatalogKey(kTagFormat), &v), "test");
  if (!s.ok()) return s;
  if (v.size() != sizeof(kFormatMagic) - 1 + 4) return Status::Corruption("bad format marker");
  return DecodeFixed32BE(v.data() + v.size() - 4);
}

Status StoreImpl::TEST_PutRawChunk(std::string_view code, std::string_view blob) {
  std::lock_guard<std::mutex> lock(write_mu_);
  WriteGeneration::Scope writing(obs_generation_);
  WriteState st;
  st.counters = counters_;
  SeriesInfo info;
  if (Status s = ResolveSeries(code, &st, &info); !s.ok()) return s;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::string key = ObsKey(info.id, counters_.next_seq++);
  std::string c;
  EncodeCounters(counters_, &c);
  rocksdb::WriteBatch wb;
  wb.Put(handles_[kObsCf], key, rocksdb::Slice(blob.data(), blob.size()));
  wb.Put(handles_[kCatalogCf], CatalogKey(kTagCounters), c);
  return FromRocks(db_->Write(wo, &wb), "test write");
}

Status StoreImpl::TEST_ObservationRecords(std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  for (Cf cf : {kObsCf, kVintageCf}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[cf]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out->emplace_back(it->key().ToString(), it->value().ToString());
    }
    if (Status s = FromRocks(it->status(), "test"); !s.ok()) return s;
  }
  return Status::OK();
}

uint64_t StoreImpl::TEST_GenerationHits() const { return decoded_cache_->generation_hits(); }

namespace internal {
namespace {
// fn(the StoreImpl behind `store`), or InvalidArgument when it is not one.
template <typename Fn>
auto OnImpl(Store* store, Fn fn) -> decltype(fn(std::declval<StoreImpl*>())) {
  auto* impl = dynamic_cast<StoreImpl*>(store);
  if (impl == nullptr) return Status::InvalidArgument("not a StoreImpl");
  return fn(impl);
}
}  // namespace
Status TEST_ObservationRecords(Store* store,
                               std::vector<std::pair<std::string, std::string>>* out) {
  return OnImpl(store, [&](StoreImpl* impl) { return impl->TEST_ObservationRecords(out); });
}
Result<uint64_t> TEST_GenerationHits(Store* store) {
  return OnImpl(store,
                [](StoreImpl* impl) -> Result<uint64_t> { return impl->TEST_GenerationHits(); });
}
Status TEST_PutRawChunk(Store* store, std::string_view code, std::string_view blob) {
  return OnImpl(store, [&](StoreImpl* impl) { return impl->TEST_PutRawChunk(code, blob); });
}
Status TEST_SetFormatVersion(Store* store, uint32_t version) {
  return OnImpl(store, [&](StoreImpl* impl) { return impl->TEST_SetFormatVersion(version); });
}
Result<uint32_t> TEST_FormatVersion(Store* store) {
  return OnImpl(store, [](StoreImpl* impl) { return impl->TEST_FormatVersion(); });
}
}  // namespace internal

}  // namespace ixdb::storage
