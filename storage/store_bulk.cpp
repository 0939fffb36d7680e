// BulkWrite: a write too large for memory. Each batch is prepared as a Write's would be and
// staged as SST files; Commit ingests them all at once, atomically across column families.
#include <algorithm>
#include <filesystem>

#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

namespace fs = std::filesystem;
using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace internal {

class BulkWriteImpl final : public BulkWrite {
 public:
  BulkWriteImpl(StoreImpl* store, const LoadInfo& info)
      : store_(store), lock_(store->write_mu_), info_(info) {}
  ~BulkWriteImpl() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  Status Start() {
    st_.bulk = true;
    return store_->StartWrite(info_, &st_);
  }

  Status Add(const WriteBatch& batch) override {
    if (!status_.ok()) return status_;
    if (done_) return Status::InvalidArgument("bulk write already committed");
    WritePlan plan;
    Status s = store_->PrepareBatch(batch, &st_, &plan);
    if (s.ok() && (!plan.obs_puts.empty() || !plan.vindex.empty())) {
      if (dir_.empty()) dir_ = store_->NewStagingDir();
      std::sort(plan.obs_puts.begin(), plan.obs_puts.end());
      std::sort(plan.obs_deletes.begin(), plan.obs_deletes.end());
      std::string file = dir_ + "/obs-" + std::to_string(files_.size()) + ".sst";
      // Deletes are of stored chunks only (those a widening replaces): staged chunks of earlier
      // batches are never deleted inside a bulk write.
      s = store_->WriteSst(kObsCf, file, plan.obs_puts, plan.obs_deletes);
      if (s.ok()) {
        files_.emplace_back(kObsCf, file);
        StageWrittenChunks(&plan);
      }
      const std::vector<std::pair<std::string, std::string>> vix =
          VintageIndexRecords(&plan.vindex);
      if (s.ok() && !vix.empty()) {
        file = dir_ + "/vindex-" + std::to_string(files_.size()) + ".sst";
        s = store_->WriteSst(kVintageCf, file, vix, {});
        if (s.ok()) files_.emplace_back(kVintageCf, file);
      }
    }
    if (!s.ok()) status_ = s;
    return s;
  }

  // A later batch that has rows of a series reads the chunks earlier batches staged for it
  // (ReadVersions): the batch's chunks, now in their file, move there instead of being copied
  // when prepared. Chunks of a widening (another seq) were put there when written.
  void StageWrittenChunks(WritePlan* plan) {
    for (auto& [key, blob] : plan->obs_puts) {
      ObsKeyParts k;
      if (ParseObsKey(key, &k) && k.seq == plan->chunk_seq) {
        st_.staged_chunks[k.series_id].push_back(std::move(blob));
      }
    }
  }

  Result<WriteSummary> Commit() override {
    if (!status_.ok()) return status_;
    if (done_) return Status::InvalidArgument("bulk write already committed");
    WritePlan plan;
    store_->FinishLoad(info_, &st_, &plan);
    if (dir_.empty()) dir_ = store_->NewStagingDir();
    std::vector<std::pair<std::string, std::string>> cat(plan.catalog.begin(), plan.catalog.end());
    std::vector<std::pair<std::string, std::string>> tgt(plan.targets.begin(), plan.targets.end());
    std::string file = dir_ + "/catalog.sst";
    Status s = store_->WriteSst(kCatalogCf, file, cat, {});
    if (s.ok()) files_.emplace_back(kCatalogCf, file);
    if (s.ok() && (!tgt.empty() || !plan.target_deletes.empty())) {
      file = dir_ + "/targets.sst";
      std::sort(plan.target_deletes.begin(), plan.target_deletes.end());
      s = store_->WriteSst(kTargetsCf, file, tgt, plan.target_deletes);
      if (s.ok()) files_.emplace_back(kTargetsCf, file);
    }
    if (s.ok()) {
      s = store_->Publish(store_->CatalogAfter(st_), nullptr,
                          [&] { return store_->IngestFiles(files_); });
    }
    if (!s.ok()) {
      status_ = s;
      return s;
    }
    done_ = true;
    store_->counters_ = st_.counters;
    return st_.summary;
  }

 private:
  StoreImpl* store_;
  std::unique_lock<std::mutex> lock_;
  LoadInfo info_;
  WriteState st_;
  Status status_;
  bool done_ = false;
  std::string dir_;
  std::vector<std::pair<Cf, std::string>> files_;
};

Result<std::unique_ptr<BulkWrite>> StoreImpl::BeginBulkWrite(const LoadInfo& info) {
  if (options_.read_only) return Status::NotSupported("the store was opened read-only");
  auto bulk = std::make_unique<BulkWriteImpl>(this, info);
  if (Status s = bulk->Start(); !s.ok()) return s;
  return std::unique_ptr<BulkWrite>(std::move(bulk));
}

}  // namespace internal

}  // namespace ixdb::storage
