// Opening a store: the directory, RocksDB with its column families, the format marker, then
// the catalog and the retracted loads in memory. docs/storage-format.md.
#include <rocksdb/cache.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/internal/decoded_series_cache.hpp"
#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

namespace fs = std::filesystem;
using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace {

rocksdb::Options MakeCfOptions(Cf cf, std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::Options opt;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = std::move(cache);
  t.block_size = 16 * 1024;
  t.format_version = 5;
  opt.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // Chunks are already zstd-compressed; compressing the obs blocks again costs time for nothing.
  if (cf == kObsCf) {
    opt.compression = rocksdb::kNoCompression;
    opt.bottommost_compression = rocksdb::kNoCompression;
  } else {
    opt.compression = rocksdb::kZSTD;
    opt.bottommost_compression = rocksdb::kZSTD;
  }
  return opt;
}

// Step 1: the directory. A store killed while being created holds the creation marker:
// nothing in it was ever acknowledged, so it is wiped and created again. Sets *empty, and the
// column families of an existing store.
Status PrepareDirectory(const Options& options, const std::string& path, bool* empty,
                        std::vector<std::string>* cf_names) {
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  if (exists && !fs::is_directory(path, ec)) {
    return Status::InvalidArgument(path + " is not a directory (an ixdb store is a directory)");
  }
  const fs::path creating = fs::path(path) / kCreatingFile;
  if (exists && fs::exists(creating, ec) && !options.read_only) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.path() != creating) fs::remove_all(e.path(), ec);
    }
    fs::remove(creating, ec);
  }
  *empty = !exists || fs::is_empty(path, ec);
  if (*empty && (!options.create_if_missing || options.read_only)) {
    return Status::NotFound("no ixdb store at " + path);
  }
  if (!*empty) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, cf_names);
    if (!s.ok() ||
        std::find(cf_names->begin(), cf_names->end(), kCfNames[kCatalogCf]) == cf_names->end()) {
      return Status::InvalidArgument(path +
                                     " is not an ixdb store (the directory is not empty and "
                                     "holds no ixdb data); choose an empty or new directory");
    }
    if (options.error_if_exists) {
      return Status::InvalidArgument("an ixdb store already exists at " + path);
    }
    return Status::OK();
  }
  if (!exists) {
    fs::create_directories(path, ec);
    if (ec) return Status::IOError("cannot create " + path + ": " + ec.message());
  }
  std::ofstream(creating) << "an ixdb store is being created here\n";
  if (!fs::exists(creating, ec)) return Status::IOError("cannot write in " + path);
  return Status::OK();
}

}  // namespace

Status Store::Open(const Options& options, const std::string& path, std::unique_ptr<Store>* store) {
  return StoreImpl::Open(options, path, store);
}

StoreImpl::~StoreImpl() {
  latest_snapshot_.reset();  // before the DB it belongs to
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  if (db_) db_->Close().PermitUncheckedError();
}

Status StoreImpl::Open(const Options& options, const std::string& path,
                       std::unique_ptr<Store>* store) {
  store->reset();
  bool empty = false;
  std::vector<std::string> cf_names;
  if (Status s = PrepareDirectory(options, path, &empty, &cf_names); !s.ok()) return s;
  auto impl = std::unique_ptr<StoreImpl>(new StoreImpl());
  impl->options_ = options;
  impl->path_ = path;
  impl->decoded_cache_ = std::make_unique<DecodedSeriesCache>(options.decoded_cache_bytes);
  if (Status s = impl->OpenRocks(cf_names); !s.ok()) return s;
  if (Status s = impl->ReadOrCreateFormat(empty); !s.ok()) return s;
  if (Status s = impl->LoadCatalog(); !s.ok()) return s;
  std::error_code ec;
  if (!options.read_only) fs::remove_all(fs::path(path) / kStagingDir, ec);
  *store = std::move(impl);
  return Status::OK();
}

// Step 2: RocksDB, with every column family of this format (and those of a newer one, so that
// its marker can be read and refused).
Status StoreImpl::OpenRocks(const std::vector<std::string>& existing_cfs) {
  auto cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  for (int i = 0; i < kNumCfs; ++i) cf_options_[i] = MakeCfOptions(Cf(i), cache);
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.keep_log_file_num = 2;
  dbo.max_manifest_file_size = 16 << 20;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.max_background_jobs = 2;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < kNumCfs; ++i) descs.emplace_back(kCfNames[i], cf_options_[i]);
  for (const auto& name : existing_cfs) {
    if (std::find(std::begin(kCfNames), std::end(kCfNames), name) == std::end(kCfNames)) {
      descs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options_.read_only) {
    // A read-only open next to a live writer (ixdb serve) can find an SST file named in the
    // MANIFEST that a compaction has just removed: that open fails with an I/O error or
    // corruption, and a moment later the MANIFEST is consistent again.
    constexpr int kAttempts = 5;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      handles_.clear();
      s = rocksdb::DB::OpenForReadOnly(dbo, path_, descs, &handles_, &raw);
      if (s.ok() || !(s.IsIOError() || s.IsCorruption()) || attempt == kAttempts) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
    }
  } else {
    s = rocksdb::DB::Open(dbo, path_, descs, &handles_, &raw);
  }
  if (!s.ok()) {
    const std::string msg = s.ToString();
    if (s.IsIOError() &&
        (msg.find("lock") != std::string::npos || msg.find("LOCK") != std::string::npos)) {
      return Status::Busy("the ixdb store at " + path_ + " is in use by another process (" + msg +
                          ")");
    }
    return FromRocks(s, "opening " + path_);
  }
  db_.reset(raw);
  return Status::OK();
}

// Step 3: the format marker (written with the counters in one write for a new store), checked
// against this build's version.
Status StoreImpl::ReadOrCreateFormat(bool empty) {
  rocksdb::ColumnFamilyHandle* catalog = handles_[kCatalogCf];
  std::string marker;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog, CatalogKey(kTagFormat), &marker);
  if (s.IsNotFound()) {
    if (!empty) return Status::InvalidArgument(path_ + " is not an ixdb store (no format marker)");
    std::string v = FormatMarker(kNewStoreFormatVersion), c;
    EncodeCounters(Counters{}, &c);
    rocksdb::WriteBatch wb;
    wb.Put(catalog, CatalogKey(kTagFormat), v);
    wb.Put(catalog, CatalogKey(kTagCounters), c);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (Status st = FromRocks(db_->Write(wo, &wb), "initialising " + path_); !st.ok()) return st;
    marker = v;
    std::error_code ec;
    fs::remove(fs::path(path_) / kCreatingFile, ec);
  } else if (!s.ok()) {
    return FromRocks(s, "reading the format marker of " + path_);
  }
  std::string_view mv = marker;
  const size_t magic_len = sizeof(kFormatMagic) - 1;
  if (mv.size() != magic_len + 4 || mv.substr(0, magic_len) != kFormatMagic) {
    return Status::InvalidArgument(path_ + " is not an ixdb store (bad format marker)");
  }
  const uint32_t version = DecodeFixed32BE(mv.data() + magic_len);
  if (version > kFormatVersion) {
    return Status::NotSupported("store format v" + std::to_string(version) +
                                " is newer than this ixdb (v" + std::to_string(kFormatVersion) +
                                "): " + path_);
  }
  format_version_ = version;
  chunk_layout_ =
      version >= kFirstPackedFormatVersion ? ChunkLayout::kPacked : ChunkLayout::kVarint;
  return Status::OK();
}

// Step 4: counters, the catalog (series and formulas) and the retracted loads, into memory.
Status StoreImpl::LoadCatalog() {
  rocksdb::ColumnFamilyHandle* catalog = handles_[kCatalogCf];
  std::string counters;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), catalog, CatalogKey(kTagCounters), &counters);
  if (!s.ok() || !DecodeCounters(counters, &counters_)) {
    return Status::Corruption(path_ + ": missing or bad counters record");
  }
  auto cat = std::make_shared<Catalog>();
  RevertedLoads reverted;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), catalog));
  const std::string codes(1, kTagCode);
  for (it->Seek(codes); it->Valid() && StartsWith(it->key(), codes); it->Next()) {
    uint32_t id;
    SeriesMeta m;
    if (!DecodeCodeRecord(View(it->value()), &id, &m)) {
      return Status::Corruption(path_ + ": bad catalog record " + Hex(View(it->key())));
    }
    cat->Put(id, m);
  }
  const std::string formulas(1, kTagFormula);
  for (it->Seek(formulas); it->Valid() && StartsWith(it->key(), formulas); it->Next()) {
    SeriesMeta m;
    if (!DecodeMeta(View(it->value()), &m) || !m.IsFormula()) {
      return Status::Corruption(path_ + ": bad formula record " + Hex(View(it->key())));
    }
    cat->formulas.emplace(m.code, std::move(m));
  }
  const std::string loads(1, kTagLoad);
  for (it->Seek(loads); it->Valid() && StartsWith(it->key(), loads); it->Next()) {
    LoadRecord r;
    if (!DecodeLoad(View(it->value()), &r)) {
      return Status::Corruption(path_ + ": bad load record " + Hex(View(it->key())));
    }
    if (r.reverted_by != 0) reverted = reverted.With(r.id, r.reverted_by);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the catalog of " + path_);
  catalog_ = std::move(cat);
  reverted_ = std::make_shared<const RevertedLoads>(std::move(reverted));
  return Status::OK();
}

}  // namespace ixdb::storage
