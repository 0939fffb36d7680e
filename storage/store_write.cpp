// A write's life: start (a load id and counters), prepare (store_prepare.cpp), finish (the load
// record), commit (one synced RocksDB batch, or SST files ingested atomically for large
// writes) and publish (the new catalog, under the publish mutex).
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

namespace fs = std::filesystem;
using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace internal {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(context) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (s.IsNotSupported()) return Status::NotSupported(msg);
  if (s.IsBusy() || s.IsTryAgain()) return Status::Busy(msg);
  return Status::IOError(msg);
}

std::string Hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> VintageIndexRecords(
    std::vector<uint64_t>* vindex) {
  std::sort(vindex->begin(), vindex->end());
  vindex->erase(std::unique(vindex->begin(), vindex->end()), vindex->end());
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(vindex->size());
  for (uint64_t e : *vindex) out.emplace_back(VintageKey(VintageOfEntry(e), SeriesOfEntry(e)), "");
  return out;
}

std::string DescribeObs(std::string_view code, Period p, Date v) {
  return "(" + std::string(code) + ", " + FormatPeriod(p) + ", " + FormatDate(v) + ")";
}

Status UnknownSeries(std::string_view code) {
  return Status::NotFound("unknown series '" + std::string(code) + "'");
}

}  // namespace internal

void StoreImpl::DropLatestSnapshotLocked() {
  latest_snapshot_.reset();
  latest_snapshot_generation_ = WriteGeneration::kUnknown;
}

std::unique_ptr<ReadView> StoreImpl::NewReadView() {
  std::lock_guard<std::mutex> lock(publish_mu_);
  const uint64_t before = obs_generation_.Before();
  if (before == WriteGeneration::kUnknown || before != latest_snapshot_generation_) {
    // A write since the last snapshot (or during it): a new one.
    latest_snapshot_ = TakeSnapshot(db_.get());
    latest_snapshot_generation_ = obs_generation_.After(before);
  }
  return NewReadViewImpl(db_.get(), &handles_, latest_snapshot_, latest_snapshot_generation_,
                         catalog_, reverted_, decoded_cache_.get());
}

Status StoreImpl::StartWrite(const LoadInfo& info, WriteState* st) {
  if (options_.read_only) return Status::NotSupported("the store was opened read-only");
  st->counters = counters_;
  st->load_id = st->counters.next_load_id++;
  st->meta_vintage = info.vintage.days != 0 ? info.vintage : Today();
  st->summary.load_id = st->load_id;
  return Status::OK();
}

std::shared_ptr<const Catalog> StoreImpl::CatalogAfter(const WriteState& st) {
  if (st.staged_series.empty()) return nullptr;
  auto next = std::make_shared<Catalog>(*catalog_);
  for (const auto& [code, info] : st.staged_series) next->Put(info.id, info.meta);
  return next;
}

Status StoreImpl::Publish(std::shared_ptr<const Catalog> next_catalog,
                          std::shared_ptr<const RevertedLoads> next_reverted,
                          const std::function<Status()>& apply) {
  if (!next_catalog && !next_reverted) {
    Status s;
    {
      WriteGeneration::Scope writing(obs_generation_);
      s = apply();
    }
    std::lock_guard<std::mutex> lock(publish_mu_);
    DropLatestSnapshotLocked();
    return s;
  }
  std::lock_guard<std::mutex> lock(publish_mu_);
  WriteGeneration::Scope writing(obs_generation_);
  Status s = apply();
  DropLatestSnapshotLocked();
  if (s.ok()) {
    if (next_catalog) catalog_ = std::move(next_catalog);
    if (next_reverted) reverted_ = std::move(next_reverted);
  }
  return s;
}

void StoreImpl::FinishLoad(const LoadInfo& info, WriteState* st, WritePlan* plan) {
  LoadRecord rec;
  rec.id = st->load_id;
  rec.unix_time = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  rec.info = info;
  rec.summary = st->summary;
  std::string v;
  EncodeLoad(rec, &v);
  st->catalog[LoadKey(st->load_id)] = v;
  for (const auto& [id, touch] : st->touched) {
    if (touch.first == 0) continue;
    st->catalog[LoadTouchKey(st->load_id, id)] = TouchValue(touch.first, touch.second);
  }
  EncodeCounters(st->counters, &v);
  st->catalog[CatalogKey(kTagCounters)] = v;
  plan->catalog = std::move(st->catalog);
  plan->targets = std::move(st->targets);
  plan->target_deletes = std::move(st->target_deletes);
}

std::string StoreImpl::NewStagingDir() {
  fs::path dir = fs::path(path_) / kStagingDir /
                 ("w" + std::to_string(staging_counter_.fetch_add(1)) + "-" +
                  std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::error_code ec;
  fs::create_directories(dir, ec);
  return dir.string();
}

Status StoreImpl::WriteSst(Cf cf, const std::string& file,
                           const std::vector<std::pair<std::string, std::string>>& puts,
                           const std::vector<std::string>& deletes) {
  rocksdb::SstFileWriter w(rocksdb::EnvOptions(), cf_options_[cf], handles_[cf]);
  if (Status s = FromRocks(w.Open(file), "creating " + file); !s.ok()) return s;
  size_t pi = 0, di = 0;
  while (pi < puts.size() || di < deletes.size()) {
    rocksdb::Status s;
    if (di < deletes.size() && (pi == puts.size() || deletes[di] < puts[pi].first)) {
      s = w.Delete(deletes[di++]);
    } else {
      s = w.Put(puts[pi].first, puts[pi].second);
      ++pi;
    }
    if (!s.ok()) return FromRocks(s, "writing " + file);
  }
  return FromRocks(w.Finish(), "finishing " + file);
}

Status StoreImpl::IngestFiles(const std::vector<std::pair<Cf, std::string>>& files) {
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (const auto& [cf_binding, file] : files) {
    const Cf cf = cf_binding;  // clang 14 cannot capture a structured binding in a lambda
    auto it = std::find_if(args.begin(), args.end(),
                           [&](const auto& a) { return a.column_family == handles_[cf]; });
    if (it == args.end()) {
      rocksdb::IngestExternalFileArg a;
      a.column_family = handles_[cf];
      a.options.move_files = true;
      a.options.write_global_seqno = false;
      args.push_back(std::move(a));
      it = args.end() - 1;
    }
    it->external_files.push_back(file);
  }
  if (args.empty()) return Status::OK();
  return FromRocks(db_->IngestExternalFiles(args), "ingesting staged files");
}

Status StoreImpl::Commit(WritePlan* plan) {
  std::sort(plan->obs_puts.begin(), plan->obs_puts.end());
  std::sort(plan->obs_deletes.begin(), plan->obs_deletes.end());
  std::sort(plan->target_deletes.begin(), plan->target_deletes.end());
  const bool ingest = plan->rows >= options_.ingest_min_rows;
  if (!ingest) {
    rocksdb::WriteBatch wb;
    for (const auto& [k, v] : plan->catalog) wb.Put(handles_[kCatalogCf], k, v);
    for (const auto& k : plan->obs_deletes) wb.Delete(handles_[kObsCf], k);
    for (const auto& [k, v] : plan->obs_puts) wb.Put(handles_[kObsCf], k, v);
    for (const auto& k : plan->target_deletes) wb.Delete(handles_[kTargetsCf], k);
    for (const auto& [k, v] : plan->targets) wb.Put(handles_[kTargetsCf], k, v);
    for (const auto& [k, v] : VintageIndexRecords(&plan->vindex))
      wb.Put(handles_[kVintageCf], k, v);
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    return FromRocks(db_->Write(wo, &wb), "writing");
  }
  std::string dir = NewStagingDir();
  std::vector<std::pair<Cf, std::string>> files;
  auto write = [&](Cf cf, const std::vector<std::pair<std::string, std::string>>& puts,
                   const std::vector<std::string>& deletes) -> Status {
    if (puts.empty() && deletes.empty()) return Status::OK();
    std::string file = dir + "/" + kCfNames[cf] + ".sst";
    if (Status s = WriteSst(cf, file, puts, deletes); !s.ok()) return s;
    files.emplace_back(cf, file);
    return Status::OK();
  };
  std::vector<std::pair<std::string, std::string>> cat(plan->catalog.begin(), plan->catalog.end());
  std::vector<std::pair<std::string, std::string>> tgt(plan->targets.begin(), plan->targets.end());
  const std::vector<std::pair<std::string, std::string>> vix = VintageIndexRecords(&plan->vindex);
  Status s = write(kCatalogCf, cat, {});
  if (s.ok()) s = write(kObsCf, plan->obs_puts, plan->obs_deletes);
  if (s.ok()) s = write(kTargetsCf, tgt, plan->target_deletes);
  if (s.ok()) s = write(kVintageCf, vix, {});
  if (s.ok()) s = IngestFiles(files);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return s;
}

Result<WriteSummary> StoreImpl::Write(const WriteBatch& batch, const LoadInfo& info) {
  std::lock_guard<std::mutex> lock(write_mu_);
  WriteState st;
  if (Status s = StartWrite(info, &st); !s.ok()) return s;
  WritePlan plan;
  if (Status s = PrepareBatch(batch, &st, &plan); !s.ok()) return s;
  FinishLoad(info, &st, &plan);
  if (Status s = Publish(CatalogAfter(st), nullptr, [&] { return Commit(&plan); }); !s.ok())
    return s;
  counters_ = st.counters;
  return st.summary;
}

}  // namespace ixdb::storage
