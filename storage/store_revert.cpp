// Revert: a load is retracted, not overwritten. Its versions stay in the history (revisions()
// shows them with the revert's id) and every other read skips them (read_view.cpp), so the
// values known without it are read with their own vintages. Only metadata is written back.
#include <rocksdb/iterator.h>

#include <tuple>

#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace {

struct Touched {
  uint32_t id = 0;
  uint8_t flags = 0;
  uint64_t meta_seq = 0;
};

// Step 1: the load, which must exist, not be retracted already, and not be a revert itself.
Status ReadRevertibleLoad(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* catalog_cf,
                          uint64_t load_id, LoadRecord* old) {
  const std::string lkey = LoadKey(load_id);
  std::string lval;
  rocksdb::Status rs = db->Get(rocksdb::ReadOptions(), catalog_cf, lkey, &lval);
  if (rs.IsNotFound()) return Status::NotFound("no load " + std::to_string(load_id));
  if (!rs.ok()) return FromRocks(rs, "reading load record");
  if (!DecodeLoad(lval, old))
    return Status::Corruption("bad load record " + std::to_string(load_id));
  if (old->reverted_by != 0) {
    return Status::InvalidArgument("load " + std::to_string(load_id) +
                                   " was already reverted by load " +
                                   std::to_string(old->reverted_by));
  }
  if (old->reverts != 0) {
    return Status::InvalidArgument("load " + std::to_string(load_id) + " is the revert of load " +
                                   std::to_string(old->reverts) + ": a revert cannot be reverted");
  }
  return Status::OK();
}

// Step 2: the series the load touched.
Status ReadTouched(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* catalog_cf, uint64_t load_id,
                   std::vector<Touched>* touched) {
  const std::string prefix = LoadTouchPrefix(load_id);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), catalog_cf));
  for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
    Touched t;
    uint64_t lid;
    if (!ParseLoadTouchKey(View(it->key()), &lid, &t.id) ||
        !DecodeTouch(View(it->value()), &t.flags, &t.meta_seq)) {
      return Status::Corruption("bad load touch record " + Hex(View(it->key())));
    }
    touched->push_back(t);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading load record");
  return Status::OK();
}

// Step 3: metadata the load changed goes back to what it was before the load.
Status RestoreMetadata(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* catalog_cf, const Touched& t,
                       uint64_t seq, WriteState* st_out) {
  WriteState& st = *st_out;
  std::string hval, code, cval;
  SeriesMeta before, now;
  uint32_t cid;
  if (!db->Get(rocksdb::ReadOptions(), catalog_cf, HistoryKey(t.id, t.meta_seq), &hval).ok() ||
      !DecodeMeta(hval, &before) ||
      !db->Get(rocksdb::ReadOptions(), catalog_cf, IdKey(kTagId, t.id), &code).ok() ||
      !db->Get(rocksdb::ReadOptions(), catalog_cf, CatalogKey(kTagCode, code), &cval).ok() ||
      !DecodeCodeRecord(cval, &cid, &now)) {
    return Status::Corruption("missing metadata history of series id " + std::to_string(t.id));
  }
  // A widened series keeps its new frequency: its stored periods are the widened ones.
  before.frequency = now.frequency;
  before.cumulative = now.cumulative;
  if (!MetaEqualIgnoringUpdated(before, now)) {
    std::string enc;
    EncodeMeta(now, &enc);
    st.catalog[HistoryKey(t.id, seq)] = enc;
    st.catalog[CatalogKey(kTagCode, code)] = CodeRecord(t.id, before);
    st.staged_series[code] = SeriesInfo{t.id, before, true};
    st.touched[t.id] = {static_cast<uint8_t>(kTouchMeta), seq};
    st.summary.series_updated++;
  }
  return Status::OK();
}

// Step 4 for targets: counts the target versions of series `id` that load_id recorded.
Status CountRetractedTargets(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* targets_cf, uint32_t id,
                             uint64_t load_id, uint64_t* retracted) {
  const std::string prefix = SeriesPrefix(id);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), targets_cf));
  for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
    TargetRecord r;
    if (!DecodeTarget(View(it->value()), &r))
      return Status::Corruption("bad target " + Hex(View(it->key())));
    *retracted += r.load_id == load_id;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading targets");
  return Status::OK();
}

}  // namespace

Result<WriteSummary> StoreImpl::Revert(uint64_t load_id, const LoadInfo& info) {
  std::lock_guard<std::mutex> lock(write_mu_);
  // 1. The load, which must exist, not be retracted already, and not be a revert itself.
  LoadRecord old;
  if (Status s = ReadRevertibleLoad(db_.get(), handles_[kCatalogCf], load_id, &old); !s.ok()) {
    return s;
  }
  WriteState st;
  if (Status s = StartWrite(info, &st); !s.ok()) return s;
  const uint64_t seq = st.counters.next_seq++;
  WritePlan plan;

  // 2. The series it touched.
  std::vector<Touched> touched;
  if (Status s = ReadTouched(db_.get(), handles_[kCatalogCf], load_id, &touched); !s.ok()) {
    return s;
  }

  VersionColumns versions;
  std::vector<std::string> keys;
  std::string scratch;
  for (const Touched& t : touched) {
    // 3. Metadata it changed goes back to what it was before the load.
    if (t.flags & kTouchMeta) {
      if (Status s = RestoreMetadata(db_.get(), handles_[kCatalogCf], t, seq, &st); !s.ok()) {
        return s;
      }
    }
    // 4. Count what is retracted (nothing is rewritten).
    if (t.flags & kTouchObs) {
      if (Status s = ReadVersions(t.id, st, &versions, &keys, &scratch); !s.ok()) return s;
      for (uint64_t l : versions.load_id) st.summary.retracted += l == load_id;
    }
    if (t.flags & kTouchTargets) {
      if (Status s = CountRetractedTargets(db_.get(), handles_[kTargetsCf], t.id, load_id,
                                           &st.summary.retracted);
          !s.ok()) {
        return s;
      }
    }
  }

  // 5. The records: the load is marked retracted, the revert says what it retracted.
  old.reverted_by = st.load_id;
  std::string enc;
  EncodeLoad(old, &enc);
  st.catalog[LoadKey(load_id)] = enc;
  FinishLoad(info, &st, &plan);
  {
    LoadRecord rec;
    DecodeLoad(plan.catalog[LoadKey(st.load_id)], &rec);
    rec.reverts = load_id;
    EncodeLoad(rec, &plan.catalog[LoadKey(st.load_id)]);
  }
  auto next_reverted = std::make_shared<const RevertedLoads>(reverted_->With(load_id, st.load_id));
  if (Status s = Publish(CatalogAfter(st), next_reverted, [&] { return Commit(&plan); }); !s.ok()) {
    return s;
  }
  counters_ = st.counters;
  return st.summary;
}

}  // namespace ixdb::storage
