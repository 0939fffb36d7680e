#include "storage/store.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "storage/internal/chunk.hpp"
#include "storage/internal/key_codec.hpp"
#include "storage/internal/records.hpp"
#include "storage/internal/store_internal.hpp"

namespace ixdb::storage {

namespace fs = std::filesystem;
using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace {

// The on-disk format version this build writes and reads. On-disk format: do not change the
// meaning of existing versions; bump it when the layout changes incompatibly.
constexpr uint32_t kFormatVersion = 1;
constexpr char kFormatMagic[] = "ixdb-store";
// Staged SST files of bulk writes and large writes; removed at Open.
constexpr char kStagingDir[] = "staging";
// Present only while a new store is being created (see Open).
constexpr char kCreatingFile[] = "IXDB-CREATING";

// Column families. On-disk format: do not change the names.
enum Cf { kDefaultCf = 0, kCatalogCf, kObsCf, kTargetsCf, kVintageCf, kNumCfs };
const char* const kCfNames[kNumCfs] = {"default", "catalog", "obs", "targets", "vindex"};

// Flags of a load-touch record ("R" + load + series). On-disk format: do not change.
constexpr uint8_t kTouchObs = 1;
constexpr uint8_t kTouchTargets = 2;
constexpr uint8_t kTouchMeta = 4;

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

inline std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
inline bool StartsWith(const rocksdb::Slice& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

inline bool SameValue(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, 8) == 0;
}

inline double Canonical(double v) { return std::isnan(v) ? kMissing : v; }

bool MetaEqualIgnoringUpdated(SeriesMeta a, SeriesMeta b) {
  a.updated = b.updated;
  return a == b;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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

std::string DescribeObs(std::string_view code, Period p, Date v) {
  return "(" + std::string(code) + ", " + FormatPeriod(p) + ", " + FormatDate(v) + ")";
}

// Writes of at least this many observations compare and encode series on two threads.
constexpr size_t kParallelRows = 100000;

// Period years and vintages outside this range are rejected as input errors.
constexpr int kMinYear = 1;
constexpr int kMaxYear = 9999;
const Date kMinVintage = DateFromYmd(1000, 1, 1);
const Date kMaxVintage = DateFromYmd(9999, 12, 31);

bool ValidFrequency(Frequency f) {
  return f == Frequency::kAnnual || f == Frequency::kQuarterly || f == Frequency::kMonthly;
}

Status ValidateMeta(const SeriesMeta& m) {
  if (Status s = ValidateSeriesCode(m.code); !s.ok()) return s;
  if (!ValidFrequency(m.frequency)) {
    return Status::InvalidArgument("series " + m.code + ": bad frequency");
  }
  if (static_cast<uint8_t>(m.measure) > static_cast<uint8_t>(MeasureKind::kRatio)) {
    return Status::InvalidArgument("series " + m.code + ": bad measure kind");
  }
  if (m.cumulative && m.frequency == Frequency::kAnnual) {
    return Status::InvalidArgument("series " + m.code +
                                   ": cumulative is only for quarterly or monthly series");
  }
  if (!m.level_series.empty()) {
    if (Status s = ValidateSeriesCode(m.level_series); !s.ok()) {
      return Status::InvalidArgument("series " + m.code + ": level_series: " + s.message());
    }
  }
  return Status::OK();
}

Status ValidatePeriod(std::string_view code, const SeriesMeta& meta, Period p, Date v,
                      const char* what) {
  if (p.freq != meta.frequency) {
    return Status::InvalidArgument(std::string(what) + " " + DescribeObs(code, p, v) +
                                   ": period is " + FrequencyName(p.freq) + " but series " +
                                   std::string(code) + " is " + FrequencyName(meta.frequency));
  }
  if (p.year() < kMinYear || p.year() > kMaxYear) {
    return Status::InvalidArgument(std::string(what) + " of " + std::string(code) +
                                   ": period year out of range");
  }
  if (v < kMinVintage || v > kMaxVintage) {
    return Status::InvalidArgument(std::string(what) + " of " + std::string(code) +
                                   ": vintage out of range");
  }
  return Status::OK();
}

// Everything one write will put into the store, per column family.
struct Plan {
  std::map<std::string, std::string> catalog;
  std::vector<std::pair<std::string, std::string>> obs_puts;  // ascending keys
  std::vector<std::string> obs_deletes;                       // ascending keys
  std::map<std::string, std::string> targets;
  std::set<std::string> vindex;
  size_t rows = 0;  // observation versions in obs_puts (decides WriteBatch vs ingest)
};

// Existing state of one series.
struct SeriesInfo {
  uint32_t id = 0;
  SeriesMeta meta;
  bool exists = false;  // already in the store (committed)
};

// Per-load touch record value: flags + the seq at which the load first replaced metadata.
std::string TouchValue(uint8_t flags, uint64_t meta_seq) {
  std::string v;
  PutU8(&v, flags);
  PutVarint64(&v, meta_seq);
  return v;
}
bool DecodeTouch(std::string_view in, uint8_t* flags, uint64_t* meta_seq) {
  return GetU8(&in, flags) && GetVarint64(&in, meta_seq);
}

std::string CodeRecord(uint32_t id, const SeriesMeta& meta) {
  std::string v, m;
  PutFixed32BE(&v, id);
  EncodeMeta(meta, &m);
  v += m;
  return v;
}
bool DecodeCodeRecord(std::string_view in, uint32_t* id, SeriesMeta* meta) {
  return GetFixed32BE(&in, id) && DecodeMeta(in, meta);
}

// The catalog in memory: an immutable snapshot replaced (copy-on-write) by each write that
// creates series or changes metadata, so that lookups cost no RocksDB read. A ReadView holds
// the catalog that matches its RocksDB snapshot (both are taken under StoreImpl::publish_mu_).
struct CatalogEntry {
  uint32_t id = 0;
  SeriesMeta meta;
};
struct Catalog {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::map<std::string, std::shared_ptr<const CatalogEntry>, std::less<>> by_code;
  std::unordered_map<std::string, const CatalogEntry*, Hash, std::equal_to<>> index;
  std::vector<std::shared_ptr<const CatalogEntry>> by_id;  // index: series id

  Catalog() = default;
  // Copies share the entries; the hash index is rebuilt to point into them.
  Catalog(const Catalog& o) : by_code(o.by_code), by_id(o.by_id) {
    index.reserve(by_code.size());
    for (const auto& [code, e] : by_code) index.emplace(code, e.get());
  }
  Catalog& operator=(const Catalog&) = delete;

  const CatalogEntry* Find(std::string_view code) const {
    auto it = index.find(code);
    return it == index.end() ? nullptr : it->second;
  }
  const CatalogEntry* FindId(uint32_t id) const {
    return id < by_id.size() ? by_id[id].get() : nullptr;
  }
  void Put(uint32_t id, const SeriesMeta& meta) {
    auto e = std::make_shared<CatalogEntry>();
    e->id = id;
    e->meta = meta;
    if (by_id.size() <= id) by_id.resize(id + 1);
    by_id[id] = e;
    index[meta.code] = e.get();
    by_code[meta.code] = std::move(e);
  }
};

Status UnknownSeries(std::string_view code) {
  return Status::NotFound("unknown series '" + std::string(code) + "'");
}

}  // namespace

class StoreImpl;

// ---- ReadView -----------------------------------------------------------------------------

class ReadViewImpl final : public ReadView {
 public:
  // Takes ownership of `snapshot` (released at destruction).
  ReadViewImpl(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> cfs,
               const rocksdb::Snapshot* snapshot, std::shared_ptr<const Catalog> catalog)
      : db_(db), cfs_(std::move(cfs)), snapshot_(snapshot), catalog_(std::move(catalog)) {
    ro_.snapshot = snapshot_;
  }
  ~ReadViewImpl() override {
    obs_it_.reset();
    db_->ReleaseSnapshot(snapshot_);
  }

  Result<SeriesMeta> GetSeries(std::string_view code) override {
    const CatalogEntry* e = catalog_->Find(code);
    if (e == nullptr) return UnknownSeries(code);
    return e->meta;
  }

  Result<std::vector<SeriesMeta>> ListSeries() override { return ListWhere("", {}); }
  Result<std::vector<SeriesMeta>> ListSeriesByPrefix(std::string_view prefix) override {
    return ListWhere(prefix, {});
  }
  Result<std::vector<SeriesMeta>> SearchSeries(std::string_view text) override {
    std::string needle = LowerAscii(text);
    return ListWhere("", [&](const SeriesMeta& m) {
      return LowerAscii(m.code).find(needle) != std::string::npos ||
             LowerAscii(m.name_zh).find(needle) != std::string::npos ||
             LowerAscii(m.name_en).find(needle) != std::string::npos;
    });
  }

  Result<std::vector<SeriesMeta>> SeriesHistory(std::string_view code) override {
    const CatalogEntry* e = catalog_->Find(code);
    if (e == nullptr) return UnknownSeries(code);
    std::vector<SeriesMeta> out;
    std::string prefix = IdKey(kTagHistory, e->id);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, cfs_[kCatalogCf]));
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      SeriesMeta m;
      if (!DecodeMeta(View(it->value()), &m)) {
        return Status::Corruption("bad metadata history record " + Hex(View(it->key())));
      }
      out.push_back(std::move(m));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading metadata history");
    out.push_back(e->meta);
    return out;
  }

  Result<SeriesValues> ReadSeries(std::string_view code, const ReadRequest& req) override {
    const CatalogEntry* entry = catalog_->Find(code);
    if (entry == nullptr) return UnknownSeries(code);
    if (Status s = DecodeVersions(entry->id); !s.ok()) return s;
    const VersionColumns& c = raw_;
    SeriesValues out;
    out.meta = entry->meta;
    out.strings = c.strings;
    const size_t n = c.size();
    if (n == 0) return out;
    // Each run (one write's versions in a chunk) holds a period at most once, ascending; the
    // chosen version of a period is found across the runs' cursors without sorting.
    const size_t k = starts_.size();
    size_t max_run = 0;
    cur_.resize(k);
    end_.resize(k);
    for (size_t r = 0; r < k; ++r) {
      cur_[r] = starts_[r];
      end_[r] = r + 1 < k ? starts_[r + 1] : static_cast<uint32_t>(n);
      max_run = std::max<size_t>(max_run, end_[r] - cur_[r]);
      if (req.from) {
        cur_[r] = static_cast<uint32_t>(
            std::lower_bound(c.period.begin() + cur_[r], c.period.begin() + end_[r],
                             req.from->index) -
            c.period.begin());
      }
    }
    // At most one row per distinct period: sized up front, trimmed at the end.
    size_t cap = k == 1 ? max_run : 0;
    if (k > 1) {
      int32_t lo = INT32_MAX, hi = INT32_MIN;
      for (size_t r = 0; r < k; ++r) {
        if (cur_[r] < end_[r]) {
          lo = std::min(lo, c.period[cur_[r]]);
          hi = std::max(hi, c.period[end_[r] - 1]);
        }
      }
      cap = lo > hi ? 0 : std::min<size_t>(n, static_cast<size_t>(int64_t{hi} - lo + 1));
    }
    out.period.resize(cap);
    out.value.resize(cap);
    out.vintage.resize(cap);
    out.status.resize(cap);
    out.qualifier.resize(cap);
    out.stage.resize(cap);
    out.source.resize(cap);
    size_t rows = 0;
    Period* o_period = out.period.data();
    double* o_value = out.value.data();
    Date* o_vintage = out.vintage.data();
    uint8_t* o_status = out.status.data();
    uint8_t* o_qualifier = out.qualifier.data();
    uint32_t* o_stage = out.stage.data();
    uint32_t* o_source = out.source.data();
    auto trim = [&] {
      out.period.resize(rows);
      out.value.resize(rows);
      out.vintage.resize(rows);
      out.status.resize(rows);
      out.qualifier.resize(rows);
      out.stage.resize(rows);
      out.source.resize(rows);
    };
    const int32_t to = req.to ? req.to->index : INT32_MAX;
    const int32_t as_of = req.as_of.days;
    const Frequency freq = entry->meta.frequency;
    const int32_t* period = c.period.data();
    const int32_t* vintage = c.vintage.data();
    const uint64_t* seq = c.seq.data();
    const uint8_t* deleted = c.deleted.data();
    const double* value = c.value.data();
    const uint8_t* status = c.status.data();
    const uint8_t* qualifier = c.qualifier.data();
    const uint32_t* stage = c.stage.data();
    const uint32_t* source = c.source.data();
    auto emit = [&](size_t pick) {
      if (deleted[pick] || rows == cap) return;
      o_period[rows] = Period{freq, period[pick]};
      o_value[rows] = value[pick];
      o_vintage[rows] = Date{vintage[pick]};
      o_status[rows] = status[pick];
      o_qualifier[rows] = qualifier[pick];
      o_stage[rows] = stage[pick];
      o_source[rows] = source[pick];
      ++rows;
    };
    auto newer = [&](size_t a, size_t b) {  // is row a a later version than row b?
      return vintage[a] != vintage[b] ? vintage[a] > vintage[b] : seq[a] > seq[b];
    };
    if (k == 1) {
      // One run: every period has exactly one version.
      for (size_t i = cur_[0]; i < end_[0] && period[i] <= to; ++i) {
        if (req.mode == ReadMode::kAsOf && vintage[i] > as_of) continue;
        if (req.mode == ReadMode::kFirst && deleted[i]) continue;
        emit(i);
      }
      trim();
      return out;
    }
    for (;;) {
      int32_t p = INT32_MAX;
      for (size_t r = 0; r < k; ++r) {
        if (cur_[r] < end_[r] && period[cur_[r]] < p) p = period[cur_[r]];
      }
      if (p == INT32_MAX || p > to) break;
      size_t pick = SIZE_MAX, fallback = SIZE_MAX;
      for (size_t r = 0; r < k; ++r) {
        const size_t i = cur_[r];
        if (i >= end_[r] || period[i] != p) continue;
        ++cur_[r];
        switch (req.mode) {
          case ReadMode::kLatest:
            if (pick == SIZE_MAX || newer(i, pick)) pick = i;
            break;
          case ReadMode::kAsOf:
            if (vintage[i] <= as_of && (pick == SIZE_MAX || newer(i, pick))) pick = i;
            break;
          case ReadMode::kFirst:
            // The oldest version with a value; else the oldest non-deleted one (blank).
            if (deleted[i]) break;
            if (!std::isnan(value[i])) {
              if (pick == SIZE_MAX || newer(pick, i)) pick = i;
            } else if (fallback == SIZE_MAX || newer(fallback, i)) {
              fallback = i;
            }
            break;
        }
      }
      if (pick == SIZE_MAX) pick = fallback;
      if (pick != SIZE_MAX) emit(pick);
    }
    trim();
    return out;
  }

  Result<std::vector<Version>> ReadRevisions(std::string_view code, Period period) override {
    const CatalogEntry* e = catalog_->Find(code);
    if (e == nullptr) return UnknownSeries(code);
    std::vector<Version> out;
    if (period.freq != e->meta.frequency) return out;
    if (Status s = DecodeVersions(e->id); !s.ok()) return s;
    // A run holds a period at most once: find it in each run, then order by (vintage, seq).
    const VersionColumns& c = raw_;
    sorted_ = &raw_;
    std::vector<uint32_t> rows;
    for (size_t r = 0; r < starts_.size(); ++r) {
      auto b = c.period.begin() + starts_[r];
      auto e2 = r + 1 < starts_.size() ? c.period.begin() + starts_[r + 1] : c.period.end();
      auto it = std::lower_bound(b, e2, period.index);
      if (it != e2 && *it == period.index) rows.push_back(static_cast<uint32_t>(it - c.period.begin()));
    }
    std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      return c.vintage[a] != c.vintage[b] ? c.vintage[a] < c.vintage[b] : c.seq[a] < c.seq[b];
    });
    out.reserve(rows.size());
    for (uint32_t i : rows) out.push_back(MakeVersion(*e, i));
    return out;
  }

  Result<std::vector<Change>> ReadChanges(Date vintage) override {
    std::string prefix;
    PutOrderedInt32(&prefix, vintage.days);
    std::vector<uint32_t> ids;
    {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, cfs_[kVintageCf]));
      for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
        if (it->key().size() != 8) return Status::Corruption("bad vintage index key");
        ids.push_back(DecodeFixed32BE(it->key().data() + 4));
      }
      if (!it->status().ok()) return FromRocks(it->status(), "reading vintage index");
    }
    std::vector<std::pair<std::string, std::vector<Change>>> per_series;
    for (uint32_t id : ids) {
      const CatalogEntry* e = catalog_->FindId(id);
      if (e == nullptr) return Status::Corruption("vintage index names unknown series id " + std::to_string(id));
      if (Status s = LoadVersions(id); !s.ok()) return s;
      const VersionColumns& c = *sorted_;
      std::vector<Change> changes;
      for (size_t i = 0; i < c.size(); ++i) {
        if (c.vintage[i] != vintage.days) continue;
        Change ch;
        ch.series = e->meta.code;
        ch.version = MakeVersion(*e, i);
        if (i > 0 && c.period[i - 1] == c.period[i] && !c.deleted[i - 1]) {
          ch.had_previous = true;
          ch.previous_value = c.value[i - 1];
          ch.previous_status = static_cast<ObsStatus>(c.status[i - 1]);
        }
        changes.push_back(std::move(ch));
      }
      per_series.emplace_back(e->meta.code, std::move(changes));
    }
    std::sort(per_series.begin(), per_series.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Change> out;
    for (auto& [code, changes] : per_series) {
      for (auto& ch : changes) out.push_back(std::move(ch));
    }
    return out;
  }

  Result<std::vector<Target>> ReadTargets(std::string_view code, std::optional<Period> period,
                                          Date as_of) override {
    std::string prefix;
    if (!code.empty()) {
      const CatalogEntry* e = catalog_->Find(code);
      if (e == nullptr) return UnknownSeries(code);
      prefix = SeriesPrefix(e->id);
      if (period) {
        if (period->freq != e->meta.frequency) return std::vector<Target>{};
        PutU8(&prefix, static_cast<uint8_t>(period->freq));
        PutOrderedInt32(&prefix, period->index);
      }
    }
    std::vector<Target> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, cfs_[kTargetsCf]));
    // The chosen version of the current (series, period) group.
    std::string group;
    std::optional<Target> chosen;
    auto flush = [&] {
      if (chosen && !chosen->deleted) out.push_back(std::move(*chosen));
      chosen.reset();
    };
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      std::string_view k = View(it->key());
      if (k.size() != 21) return Status::Corruption("bad target key " + Hex(k));
      std::string_view g = k.substr(0, 9);
      if (g != group) {
        flush();
        group.assign(g);
      }
      std::string_view rest = k;
      uint32_t id;
      uint8_t freq;
      int32_t p, v;
      GetFixed32BE(&rest, &id);
      GetU8(&rest, &freq);
      GetOrderedInt32(&rest, &p);
      GetOrderedInt32(&rest, &v);
      if (v > as_of.days) continue;
      if (freq != 1 && freq != 4 && freq != 12) return Status::Corruption("bad target key " + Hex(k));
      TargetRecord rec;
      if (!DecodeTarget(View(it->value()), &rec)) {
        return Status::Corruption("bad target record " + Hex(k));
      }
      const CatalogEntry* se = catalog_->FindId(id);
      if (se == nullptr) return Status::Corruption("target of unknown series id " + std::to_string(id));
      Target t;
      t.series = se->meta.code;
      t.period = Period{static_cast<Frequency>(freq), p};
      t.vintage = Date{v};
      t.comparator = rec.comparator;
      t.value = rec.value;
      t.tolerance = rec.tolerance;
      t.value_high = rec.value_high;
      t.on = rec.on;
      t.about = rec.about;
      t.unit = std::move(rec.unit);
      t.relative_to = std::move(rec.relative_to);
      t.text = std::move(rec.text);
      t.source = std::move(rec.source);
      t.deleted = rec.deleted;
      chosen = std::move(t);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading targets");
    flush();
    std::stable_sort(out.begin(), out.end(), [](const Target& a, const Target& b) {
      if (a.series != b.series) return a.series < b.series;
      return a.period < b.period;
    });
    return out;
  }

  Result<std::vector<LoadRecord>> ListLoads() override {
    std::vector<LoadRecord> out;
    std::string prefix(1, kTagLoad);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, cfs_[kCatalogCf]));
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      LoadRecord r;
      if (!DecodeLoad(View(it->value()), &r)) {
        return Status::Corruption("bad load record " + Hex(View(it->key())));
      }
      out.push_back(std::move(r));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading loads");
    return out;
  }

 private:
  Result<std::vector<SeriesMeta>> ListWhere(std::string_view prefix,
                                            const std::function<bool(const SeriesMeta&)>& pred) {
    std::vector<SeriesMeta> out;
    for (auto it = catalog_->by_code.lower_bound(prefix);
         it != catalog_->by_code.end() && std::string_view(it->first).substr(0, prefix.size()) == prefix;
         ++it) {
      if (!pred || pred(it->second->meta)) out.push_back(it->second->meta);
    }
    return out;
  }

  // Decodes every chunk of series `id` into raw_, as runs (starts_) each sorted by period.
  Status DecodeVersions(uint32_t id) {
    raw_.Clear();
    starts_.clear();
    if (!obs_it_) obs_it_.reset(db_->NewIterator(ro_, cfs_[kObsCf]));
    char prefix[4];
    {
      std::string p = SeriesPrefix(id);
      std::memcpy(prefix, p.data(), 4);
    }
    // Reading series in id order (a scan) finds the iterator already on the next series:
    // no Seek needed.
    if (!(obs_it_->Valid() && StartsWith(obs_it_->key(), std::string_view(prefix, 4)) &&
          positioned_at_start_)) {
      obs_it_->Seek(rocksdb::Slice(prefix, 4));
    }
    positioned_at_start_ = false;
    for (; obs_it_->Valid() && StartsWith(obs_it_->key(), std::string_view(prefix, 4));
         obs_it_->Next()) {
      Status s = DecodeChunk(View(obs_it_->value()), &raw_, &scratch_, &starts_);
      if (!s.ok()) {
        return Status::Corruption(s.message() + " (obs key " + Hex(View(obs_it_->key())) + ")");
      }
    }
    if (!obs_it_->status().ok()) return FromRocks(obs_it_->status(), "reading observations");
    // The loop stopped on the first chunk of a later series (or the end).
    positioned_at_start_ = true;
    return Status::OK();
  }

  // Like DecodeVersions; *sorted_ then holds the versions ordered by (period, vintage, seq).
  Status LoadVersions(uint32_t id) {
    if (Status s = DecodeVersions(id); !s.ok()) return s;
    if (starts_.size() <= 1) {
      sorted_ = &raw_;
    } else {
      MergeRuns(raw_, starts_, &merged_, &order_, &tmp_);
      sorted_ = &merged_;
    }
    return Status::OK();
  }

  Version MakeVersion(const CatalogEntry& entry, size_t i) const {
    const VersionColumns& c = *sorted_;
    Version v;
    v.period = Period{entry.meta.frequency, c.period[i]};
    v.vintage = Date{c.vintage[i]};
    v.load_id = c.load_id[i];
    v.value = c.value[i];
    v.status = static_cast<ObsStatus>(c.status[i]);
    v.qualifier = static_cast<Qualifier>(c.qualifier[i]);
    v.stage = c.strings[c.stage[i]];
    v.source = c.strings[c.source[i]];
    v.deleted = c.deleted[i] != 0;
    return v;
  }

  rocksdb::DB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  const rocksdb::Snapshot* snapshot_;
  std::shared_ptr<const Catalog> catalog_;
  rocksdb::ReadOptions ro_;
  std::unique_ptr<rocksdb::Iterator> obs_it_;
  // True if obs_it_ stands on the first chunk of its series (after a completed scan).
  bool positioned_at_start_ = false;
  // Scratch of LoadVersions, reused so that reading a series allocates (almost) nothing.
  VersionColumns raw_, merged_;
  const VersionColumns* sorted_ = &raw_;
  std::vector<uint32_t> starts_, order_, tmp_, cur_, end_;
  std::string scratch_;
};

// ---- Store --------------------------------------------------------------------------------

class BulkWriteImpl;

class StoreImpl final : public Store {
 public:
  ~StoreImpl() override {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    handles_.clear();
    if (db_) db_->Close().PermitUncheckedError();
  }

  static Status Open(const Options& options, const std::string& path,
                     std::unique_ptr<Store>* store);

  Result<WriteSummary> Write(const WriteBatch& batch, const LoadInfo& info) override;
  Result<std::unique_ptr<BulkWrite>> BeginBulkWrite(const LoadInfo& info) override;
  Result<WriteSummary> Revert(uint64_t load_id, const LoadInfo& info) override;
  std::unique_ptr<ReadView> NewReadView() override {
    std::lock_guard<std::mutex> lock(publish_mu_);
    return std::make_unique<ReadViewImpl>(db_.get(), handles_, db_->GetSnapshot(), catalog_);
  }
  Status Backup(const std::string& dest) override;
  Status Check(std::string* report) override;
  uint64_t DiskBytes() override;
  Status Compact() override;
  // Rewrites every series stored in several chunks as one chunk (all versions kept).
  Status ConsolidateAll();

  Status TEST_PutRawChunk(std::string_view code, std::string_view blob);
  Status TEST_SetFormatVersion(uint32_t version) {
    std::string v(kFormatMagic);
    PutFixed32BE(&v, version);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(db_->Put(wo, handles_[kCatalogCf], CatalogKey(kTagFormat), v), "test");
  }

 private:
  friend class BulkWriteImpl;

  // State of one write being prepared (a Write, a Revert or one BulkWrite).
  struct WriteState {
    Counters counters;
    uint64_t load_id = 0;
    Date meta_vintage{};
    WriteSummary summary;
    // Series created or changed by this write (visible to later batches of a bulk write).
    std::map<std::string, SeriesInfo, std::less<>> staged_series;
    // Chunks staged by earlier batches of a bulk write, per series id.
    std::unordered_map<uint32_t, std::vector<std::string>> staged_chunks;
    // Touch flags per series for this load, and the seq of the first metadata replacement.
    std::map<uint32_t, std::pair<uint8_t, uint64_t>> touched;
    std::map<std::string, std::string> catalog;  // catalog puts (merged over a bulk write)
    std::map<std::string, std::string> targets;  // target puts (merged over a bulk write)
    bool bulk = false;
  };

  Status ResolveSeries(std::string_view code, WriteState* st, SeriesInfo* info);
  // The catalog after `st` is applied, or null if `st` does not change it.
  std::shared_ptr<const Catalog> CatalogAfter(const WriteState& st);
  // Runs `apply` (the RocksDB write) and then installs `next` (if not null), atomically for
  // NewReadView.
  Status Publish(std::shared_ptr<const Catalog> next, const std::function<Status()>& apply);
  Status ReadVersions(uint32_t id, const WriteState& st, VersionColumns* cols,
                      std::vector<std::string>* keys, std::string* scratch);
  // Validates `batch` and adds its effect to `st` and `plan`. Nothing is written.
  Status PrepareBatch(const WriteBatch& batch, WriteState* st, Plan* plan);
  Status PrepareTargets(const WriteBatch& batch, WriteState* st);
  // One series' part of a write: its new chunk and the chunks it replaces.
  struct SeriesOut {
    uint32_t id = 0;
    std::string key, blob;
    std::vector<std::string> deletes;
    std::vector<int32_t> vintages;  // distinct vintages of the new versions
    size_t rows = 0;
  };
  // Encodes one series' new versions (sorted) as a chunk, consolidating with `existing` if
  // due. Thread-safe (touches no shared state).
  void EncodeSeries(uint32_t id, const VersionColumns& existing,
                    const std::vector<std::string>& existing_keys, const VersionColumns& fresh,
                    uint64_t seq, bool bulk, SeriesOut* out, std::string* scratch) const;
  void ApplySeries(SeriesOut&& out, WriteState* st, Plan* plan);
  void FinishLoad(const LoadInfo& info, WriteState* st, Plan* plan);
  Status Commit(Plan* plan);
  Status WriteSst(Cf cf, const std::string& file,
                  const std::vector<std::pair<std::string, std::string>>& puts,
                  const std::vector<std::string>& deletes);
  Status IngestFiles(const std::vector<std::pair<Cf, std::string>>& files);
  std::string NewStagingDir();
  Status StartWrite(const LoadInfo& info, WriteState* st);

  Options options_;
  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::Options cf_options_[kNumCfs];
  std::mutex write_mu_;  // serialises writes; held by an open BulkWrite for its lifetime
  Counters counters_;    // guarded by write_mu_
  // Guards catalog_ and is held while a write that changes the catalog is applied, so that a
  // ReadView's RocksDB snapshot and catalog always match.
  std::mutex publish_mu_;
  std::shared_ptr<const Catalog> catalog_;
  std::atomic<uint64_t> staging_counter_{0};
};

namespace {

rocksdb::Options MakeCfOptions(const Options& o, Cf cf, std::shared_ptr<rocksdb::Cache> cache) {
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

}  // namespace

Status Store::Open(const Options& options, const std::string& path,
                   std::unique_ptr<Store>* store) {
  return StoreImpl::Open(options, path, store);
}

Status StoreImpl::Open(const Options& options, const std::string& path,
                       std::unique_ptr<Store>* store) {
  store->reset();
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (exists && !fs::is_directory(path, ec)) {
    return Status::InvalidArgument(path + " is not a directory (an ixdb store is a directory)");
  }
  // A store killed while being created holds the creation marker: nothing in it was ever
  // acknowledged, so it is wiped and created again.
  const fs::path creating = fs::path(path) / kCreatingFile;
  if (exists && fs::exists(creating, ec) && !options.read_only) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.path() != creating) fs::remove_all(e.path(), ec);
    }
    fs::remove(creating, ec);
  }
  bool empty = !exists || fs::is_empty(path, ec);
  if (empty && (!options.create_if_missing || options.read_only)) {
    return Status::NotFound("no ixdb store at " + path);
  }
  std::vector<std::string> cf_names;
  if (!empty) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &cf_names);
    if (!s.ok() || std::find(cf_names.begin(), cf_names.end(), kCfNames[kCatalogCf]) ==
                       cf_names.end()) {
      return Status::InvalidArgument(path +
                                     " is not an ixdb store (the directory is not empty and "
                                     "holds no ixdb data); choose an empty or new directory");
    }
    if (options.error_if_exists) {
      return Status::InvalidArgument("an ixdb store already exists at " + path);
    }
  } else {
    if (!exists) {
      fs::create_directories(path, ec);
      if (ec) return Status::IOError("cannot create " + path + ": " + ec.message());
    }
    std::ofstream(creating) << "an ixdb store is being created here\n";
    if (!fs::exists(creating, ec)) return Status::IOError("cannot write in " + path);
  }

  auto impl = std::unique_ptr<StoreImpl>(new StoreImpl());
  impl->options_ = options;
  impl->path_ = path;
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  for (int i = 0; i < kNumCfs; ++i) impl->cf_options_[i] = MakeCfOptions(options, Cf(i), cache);

  rocksdb::DBOptions dbo;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.keep_log_file_num = 2;
  dbo.max_manifest_file_size = 16 << 20;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.max_background_jobs = 2;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < kNumCfs; ++i) descs.emplace_back(kCfNames[i], impl->cf_options_[i]);
  // Column families of a newer format are opened too, so that its marker can be read.
  for (const auto& name : cf_names) {
    if (std::find(std::begin(kCfNames), std::end(kCfNames), name) == std::end(kCfNames)) {
      descs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    s = rocksdb::DB::OpenForReadOnly(dbo, path, descs, &impl->handles_, &raw);
  } else {
    s = rocksdb::DB::Open(dbo, path, descs, &impl->handles_, &raw);
  }
  if (!s.ok()) {
    std::string msg = s.ToString();
    if (s.IsIOError() && (msg.find("lock") != std::string::npos ||
                          msg.find("LOCK") != std::string::npos)) {
      return Status::Busy("the ixdb store at " + path +
                          " is in use by another process (" + msg + ")");
    }
    return FromRocks(s, "opening " + path);
  }
  impl->db_.reset(raw);
  rocksdb::ColumnFamilyHandle* catalog = impl->handles_[kCatalogCf];

  std::string marker;
  s = raw->Get(rocksdb::ReadOptions(), catalog, CatalogKey(kTagFormat), &marker);
  if (s.IsNotFound()) {
    if (!empty) {
      return Status::InvalidArgument(path + " is not an ixdb store (no format marker)");
    }
    // A new store: write the marker and counters in one write.
    std::string v(kFormatMagic), c;
    PutFixed32BE(&v, kFormatVersion);
    EncodeCounters(Counters{}, &c);
    rocksdb::WriteBatch wb;
    wb.Put(catalog, CatalogKey(kTagFormat), v);
    wb.Put(catalog, CatalogKey(kTagCounters), c);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (Status st = FromRocks(raw->Write(wo, &wb), "initialising " + path); !st.ok()) return st;
    marker = v;
    fs::remove(creating, ec);
  } else if (!s.ok()) {
    return FromRocks(s, "reading the format marker of " + path);
  }
  std::string_view mv = marker;
  const size_t magic_len = sizeof(kFormatMagic) - 1;
  if (mv.size() != magic_len + 4 || mv.substr(0, magic_len) != kFormatMagic) {
    return Status::InvalidArgument(path + " is not an ixdb store (bad format marker)");
  }
  uint32_t version = DecodeFixed32BE(mv.data() + magic_len);
  if (version > kFormatVersion) {
    return Status::NotSupported("store format v" + std::to_string(version) +
                                " is newer than this ixdb (v" + std::to_string(kFormatVersion) +
                                "): " + path);
  }
  std::string counters;
  s = raw->Get(rocksdb::ReadOptions(), catalog, CatalogKey(kTagCounters), &counters);
  if (!s.ok() || !DecodeCounters(counters, &impl->counters_)) {
    return Status::Corruption(path + ": missing or bad counters record");
  }
  auto cat = std::make_shared<Catalog>();
  {
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), catalog));
    std::string prefix(1, kTagCode);
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      uint32_t id;
      SeriesMeta m;
      if (!DecodeCodeRecord(View(it->value()), &id, &m)) {
        return Status::Corruption(path + ": bad catalog record " + Hex(View(it->key())));
      }
      cat->Put(id, m);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the catalog of " + path);
  }
  impl->catalog_ = std::move(cat);
  if (!options.read_only) fs::remove_all(fs::path(path) / kStagingDir, ec);
  *store = std::move(impl);
  return Status::OK();
}

Status StoreImpl::StartWrite(const LoadInfo& info, WriteState* st) {
  if (options_.read_only) return Status::NotSupported("the store was opened read-only");
  st->counters = counters_;
  st->load_id = st->counters.next_load_id++;
  st->meta_vintage = info.vintage.days != 0 ? info.vintage : Today();
  st->summary.load_id = st->load_id;
  return Status::OK();
}

Status StoreImpl::ResolveSeries(std::string_view code, WriteState* st, SeriesInfo* info) {
  auto it = st->staged_series.find(code);
  if (it != st->staged_series.end()) {
    *info = it->second;
    return Status::OK();
  }
  const CatalogEntry* e = catalog_->Find(code);  // writers hold write_mu_: catalog_ is current
  if (e == nullptr) return UnknownSeries(code);
  info->id = e->id;
  info->meta = e->meta;
  info->exists = true;
  return Status::OK();
}

std::shared_ptr<const Catalog> StoreImpl::CatalogAfter(const WriteState& st) {
  if (st.staged_series.empty()) return nullptr;
  auto next = std::make_shared<Catalog>(*catalog_);
  for (const auto& [code, info] : st.staged_series) next->Put(info.id, info.meta);
  return next;
}

Status StoreImpl::Publish(std::shared_ptr<const Catalog> next, const std::function<Status()>& apply) {
  if (!next) return apply();
  std::lock_guard<std::mutex> lock(publish_mu_);
  Status s = apply();
  if (s.ok()) catalog_ = std::move(next);
  return s;
}

Status StoreImpl::ReadVersions(uint32_t id, const WriteState& st, VersionColumns* cols,
                               std::vector<std::string>* keys, std::string* scratch) {
  cols->Clear();
  keys->clear();
  std::string prefix = SeriesPrefix(id);
  rocksdb::ReadOptions ro;
  std::string upper = SeriesPrefix(id + 1);
  rocksdb::Slice upper_slice(upper);
  if (id != UINT32_MAX) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[kObsCf]));
  std::vector<uint32_t> runs;
  for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
    keys->emplace_back(it->key().data(), it->key().size());
    Status s = DecodeChunk(View(it->value()), cols, scratch, &runs);
    if (!s.ok()) return Status::Corruption(s.message() + " (obs key " + Hex(keys->back()) + ")");
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading observations");
  if (auto sc = st.staged_chunks.find(id); sc != st.staged_chunks.end()) {
    for (const auto& blob : sc->second) {
      if (Status s = DecodeChunk(blob, cols, scratch, &runs); !s.ok()) return s;
    }
  }
  if (runs.size() > 1) {
    VersionColumns sorted;
    std::vector<uint32_t> order, tmp;
    MergeRuns(*cols, runs, &sorted, &order, &tmp);
    *cols = std::move(sorted);
  }
  return Status::OK();
}

void StoreImpl::EncodeSeries(uint32_t id, const VersionColumns& existing,
                             const std::vector<std::string>& existing_keys,
                             const VersionColumns& fresh, uint64_t seq, bool bulk,
                             SeriesOut* out, std::string* scratch) const {
  out->id = id;
  // Consolidate when this write would exceed the chunk limit (not inside a bulk write, whose
  // earlier chunks are staged in files that cannot be deleted before they are ingested).
  bool consolidate = !bulk && static_cast<int>(existing_keys.size()) + 1 >
                                  std::max(1, options_.max_chunks_per_series);
  if (consolidate) {
    VersionColumns merged = existing;
    merged.Reserve(existing.size() + fresh.size());
    for (size_t i = 0; i < fresh.size(); ++i) merged.AppendRow(fresh, i);
    merged.Sort();
    EncodeChunk(merged, options_.zstd_level, &out->blob, scratch);
    out->deletes = existing_keys;
    out->rows = merged.size();
  } else {
    EncodeChunk(fresh, options_.zstd_level, &out->blob, scratch);
    out->rows = fresh.size();
  }
  out->key = ObsKey(id, seq);
  out->vintages.assign(fresh.vintage.begin(), fresh.vintage.end());
  std::sort(out->vintages.begin(), out->vintages.end());
  out->vintages.erase(std::unique(out->vintages.begin(), out->vintages.end()),
                      out->vintages.end());
}

void StoreImpl::ApplySeries(SeriesOut&& out, WriteState* st, Plan* plan) {
  plan->rows += out.rows;
  for (auto& k : out.deletes) plan->obs_deletes.push_back(std::move(k));
  for (int32_t v : out.vintages) plan->vindex.insert(VintageKey(v, out.id));
  if (st->bulk) st->staged_chunks[out.id].push_back(out.blob);
  plan->obs_puts.emplace_back(std::move(out.key), std::move(out.blob));
  st->touched[out.id].first |= kTouchObs;
}

Status StoreImpl::PrepareBatch(const WriteBatch& batch, WriteState* st, Plan* plan) {
  const uint64_t seq = st->counters.next_seq++;
  // 1. Metadata.
  std::map<std::string, const SeriesMeta*, std::less<>> batch_meta;
  for (const SeriesMeta& m : batch.series()) {
    if (Status s = ValidateMeta(m); !s.ok()) return s;
    auto [it, inserted] = batch_meta.emplace(m.code, &m);
    if (!inserted && !MetaEqualIgnoringUpdated(*it->second, m)) {
      return Status::InvalidArgument("series " + m.code +
                                     " has two different metadata records in one batch");
    }
  }
  for (const auto& [code, mp] : batch_meta) {
    SeriesInfo info;
    Status s = ResolveSeries(code, st, &info);
    if (s.IsNotFound()) {
      info.id = st->counters.next_series_id++;
      if (info.id == 0 || info.id == UINT32_MAX) {
        return Status::LimitExceeded("too many series");
      }
      info.meta = *mp;
      info.meta.updated = st->meta_vintage;
      info.exists = false;
      st->staged_series[code] = info;
      st->catalog[CatalogKey(kTagCode, code)] = CodeRecord(info.id, info.meta);
      st->catalog[IdKey(kTagId, info.id)] = code;
      st->touched[info.id].first |= 0;
      st->summary.series_created++;
      continue;
    }
    if (!s.ok()) return s;
    if (MetaEqualIgnoringUpdated(info.meta, *mp)) continue;
    // Changed metadata: keep the old record in the history.
    std::string hkey = IdKey(kTagHistory, info.id);
    PutFixed64BE(&hkey, seq);
    std::string old;
    EncodeMeta(info.meta, &old);
    st->catalog[hkey] = old;
    auto& touch = st->touched[info.id];
    if (!(touch.first & kTouchMeta)) touch.second = seq;
    touch.first |= kTouchMeta;
    info.meta = *mp;
    info.meta.updated = st->meta_vintage;
    st->staged_series[code] = info;
    st->catalog[CatalogKey(kTagCode, code)] = CodeRecord(info.id, info.meta);
    st->summary.series_updated++;
  }

  // 2. Observations: resolve each referenced series once.
  const auto& codes = batch.series_codes();
  const size_t n = batch.observation_count();
  std::vector<SeriesInfo> refs(codes.size());
  std::vector<uint8_t> used(codes.size(), 0);
  for (size_t i = 0; i < n; ++i) used[batch.obs_series()[i]] = 1;
  for (size_t r = 0; r < codes.size(); ++r) {
    if (!used[r]) continue;
    if (Status s = ValidateSeriesCode(codes[r]); !s.ok()) return s;
    Status s = ResolveSeries(codes[r], st, &refs[r]);
    if (s.IsNotFound()) {
      return Status::InvalidArgument("observation of unknown series '" + codes[r] +
                                     "' (add its metadata to the batch first)");
    }
    if (!s.ok()) return s;
  }
  const auto& ps = batch.obs_period();
  const auto& vs = batch.obs_vintage();
  {
    // A cheap check of every row (in parallel for large writes) finds the first bad one; the
    // full check then builds its message.
    std::vector<uint8_t> freq_of(codes.size(), 0);
    for (size_t r = 0; r < codes.size(); ++r) {
      if (used[r]) freq_of[r] = static_cast<uint8_t>(refs[r].meta.frequency);
    }
    const int32_t min_v = kMinVintage.days, max_v = kMaxVintage.days;
    auto first_bad = [&](size_t begin, size_t end) {
      const uint32_t* sr = batch.obs_series().data();
      const uint8_t* stt = batch.obs_status().data();
      const uint8_t* qual = batch.obs_qualifier().data();
      for (size_t i = begin; i < end; ++i) {
        const Period p = ps[i];
        const int y = p.year();
        if (static_cast<uint8_t>(p.freq) != freq_of[sr[i]] || y < kMinYear || y > kMaxYear ||
            vs[i].days < min_v || vs[i].days > max_v ||
            stt[i] > static_cast<uint8_t>(ObsStatus::kRevised) ||
            qual[i] > static_cast<uint8_t>(Qualifier::kAtMost)) {
          return i;
        }
      }
      return end;
    };
    size_t bad = n;
    if (n >= kParallelRows && std::thread::hardware_concurrency() > 1) {
      size_t bad2 = n;
      std::thread helper([&] { bad2 = first_bad(n / 2, n); });
      bad = first_bad(0, n / 2);
      helper.join();
      if (bad == n / 2) bad = bad2;
    } else {
      bad = first_bad(0, n);
    }
    if (bad < n) {
      const uint32_t r = batch.obs_series()[bad];
      Status s = ValidatePeriod(codes[r], refs[r].meta, ps[bad], vs[bad], "observation");
      if (!s.ok()) return s;
      return Status::InvalidArgument("observation " + DescribeObs(codes[r], ps[bad], vs[bad]) +
                                     ": bad status or qualifier");
    }
  }
  // Rows grouped by series (a stable counting sort: O(n)), then each column is scattered into
  // that order once, so that the per-series work below reads memory sequentially (rows of one
  // series are often far apart in the input, e.g. a wide file: one period of every series
  // after the other). Each group is then ordered by (period, vintage, input order).
  const auto& sref = batch.obs_series();
  std::vector<uint32_t> order(n);   // sorted position -> input row
  std::vector<size_t> group_start;  // start of each series' rows
  std::vector<uint32_t> dest(n);    // input row -> sorted position
  {
    std::vector<size_t> count(codes.size() + 1, 0);
    for (size_t i = 0; i < n; ++i) ++count[sref[i] + 1];
    for (size_t r = 0; r < codes.size(); ++r) {
      if (count[r + 1] > 0) group_start.push_back(count[r]);
      count[r + 1] += count[r];
    }
    for (size_t i = 0; i < n; ++i) {
      dest[i] = static_cast<uint32_t>(count[sref[i]]++);
      order[dest[i]] = static_cast<uint32_t>(i);
    }
  }
  group_start.push_back(n);
  const size_t groups = group_start.size() - 1;
  const auto& strings = batch.strings();
  const bool has_strings = strings.size() > 1;
  std::vector<int32_t> P(n), V(n);
  std::vector<double> X(n);
  std::vector<uint8_t> ST(n), Q(n), D(n);
  std::vector<uint32_t> SG(has_strings ? n : 0), SR(has_strings ? n : 0);
  {
    const auto& val = batch.obs_value();
    const auto& stt = batch.obs_status();
    const auto& qual = batch.obs_qualifier();
    const auto& del = batch.obs_deleted();
    auto part1 = [&] {
      for (size_t i = 0; i < n; ++i) P[dest[i]] = ps[i].index;
      for (size_t i = 0; i < n; ++i) V[dest[i]] = vs[i].days;
      if (has_strings) {
        for (size_t i = 0; i < n; ++i) SG[dest[i]] = batch.obs_stage()[i];
      }
    };
    auto part2 = [&] {
      for (size_t i = 0; i < n; ++i) X[dest[i]] = val[i];
      for (size_t i = 0; i < n; ++i) ST[dest[i]] = stt[i];
      for (size_t i = 0; i < n; ++i) Q[dest[i]] = qual[i];
      for (size_t i = 0; i < n; ++i) D[dest[i]] = del[i];
      if (has_strings) {
        for (size_t i = 0; i < n; ++i) SR[dest[i]] = batch.obs_source()[i];
      }
    };
    if (n >= kParallelRows && std::thread::hardware_concurrency() > 1) {
      std::thread helper(part2);
      part1();
      helper.join();
    } else {
      part1();
      part2();
    }
  }
  dest = std::vector<uint32_t>();
  auto stage_of = [&](size_t k) -> const std::string& { return strings[has_strings ? SG[k] : 0]; };
  auto source_of = [&](size_t k) -> const std::string& { return strings[has_strings ? SR[k] : 0]; };
  // Orders rows [b, e) by (period, vintage), keeping input order among equals.
  auto sort_group = [&](size_t b, size_t e) {
    bool sorted = true;
    for (size_t k = b + 1; k < e && sorted; ++k) {
      sorted = P[k - 1] < P[k] || (P[k - 1] == P[k] && V[k - 1] <= V[k]);
    }
    if (sorted) return;
    std::vector<uint32_t> ix(e - b);
    for (size_t k = 0; k < ix.size(); ++k) ix[k] = static_cast<uint32_t>(b + k);
    std::stable_sort(ix.begin(), ix.end(), [&](uint32_t x, uint32_t y) {
      return P[x] != P[y] ? P[x] < P[y] : V[x] < V[y];
    });
    auto permute = [&](auto& col) {
      using T = typename std::decay_t<decltype(col)>::value_type;
      std::vector<T> tmp(ix.size());
      for (size_t k = 0; k < ix.size(); ++k) tmp[k] = col[ix[k]];
      std::copy(tmp.begin(), tmp.end(), col.begin() + b);
    };
    permute(P);
    permute(V);
    permute(X);
    permute(ST);
    permute(Q);
    permute(D);
    permute(order);
    if (has_strings) {
      permute(SG);
      permute(SR);
    }
  };

  // Each series is compared with what is stored and encoded independently (in parallel for
  // large writes); the results are applied to the plan in series order.
  struct Work {
    SeriesOut out;
    WriteSummary summary;
    Status status;
    bool has_chunk = false;
  };
  std::vector<Work> work(groups);
  auto process = [&](size_t gi, VersionColumns& existing, VersionColumns& fresh,
                     std::vector<std::string>& keys, std::string& scratch) {
    Work& w = work[gi];
    WriteSummary& sum = w.summary;
    const size_t b = group_start[gi], e = group_start[gi + 1];
    sort_group(b, e);
    const SeriesInfo& info = refs[sref[order[b]]];
    const uint32_t id = info.id;
    existing.Clear();
    keys.clear();
    if (info.exists || st->staged_chunks.count(id)) {
      if (Status s = ReadVersions(id, *st, &existing, &keys, &scratch); !s.ok()) {
        w.status = s;
        return;
      }
    }
    fresh.Clear();
    fresh.Reserve(e - b);
    size_t ei = 0;  // first existing row of the current period
    for (size_t g = b; g < e;) {
      const int32_t p = P[g];
      size_t ge = g;
      while (ge < e && P[ge] == p) ++ge;
      while (ei < existing.size() && existing.period[ei] < p) ++ei;
      size_t ee = ei;
      while (ee < existing.size() && existing.period[ee] == p) ++ee;
      size_t ej = ei;               // existing rows [ei, ej) have vintage <= current
      int64_t batch_last = -1;      // row of `fresh` recorded last for this period
      for (size_t k = g; k < ge; ++k) {
        const int32_t v = V[k];
        if (k > g && V[k - 1] == v) {
          if (!SameValue(X[k - 1], X[k]) || ST[k - 1] != ST[k] || Q[k - 1] != Q[k] ||
              D[k - 1] != D[k] || stage_of(k - 1) != stage_of(k) ||
              source_of(k - 1) != source_of(k)) {
            const uint32_t row = order[k];
            w.status = Status::InvalidArgument(
                "observation " + DescribeObs(codes[sref[row]], ps[row], vs[row]) +
                " appears twice in the batch with different values");
            return;
          }
          sum.unchanged++;
          continue;
        }
        while (ej < ee && existing.vintage[ej] <= v) ++ej;
        // What was known at vintage v: the newest of the existing and this batch's versions.
        bool have_prev = false;
        double pv = kMissing;
        uint8_t pst = 0, pq = 0, pdel = 0;
        if (batch_last >= 0 && (ej == ei || fresh.vintage[batch_last] >= existing.vintage[ej - 1])) {
          have_prev = true;
          pv = fresh.value[batch_last];
          pst = fresh.status[batch_last];
          pq = fresh.qualifier[batch_last];
          pdel = fresh.deleted[batch_last];
        } else if (ej > ei) {
          have_prev = true;
          pv = existing.value[ej - 1];
          pst = existing.status[ej - 1];
          pq = existing.qualifier[ej - 1];
          pdel = existing.deleted[ej - 1];
        }
        const bool live_prev = have_prev && !pdel;
        const bool is_del = D[k] != 0;
        if (is_del) {
          if (!live_prev) {
            sum.unchanged++;
            continue;
          }
          sum.deletions++;
        } else if (live_prev && SameValue(pv, X[k]) && pst == ST[k] && pq == Q[k]) {
          sum.unchanged++;
          continue;
        } else {
          sum.observations_added++;
          if (live_prev) sum.revisions++;
        }
        fresh.PushRow(p, v, seq, st->load_id, is_del ? kMissing : Canonical(X[k]),
                      is_del ? 0 : ST[k], is_del ? 0 : Q[k], is_del ? 1 : 0,
                      is_del || !has_strings ? 0 : fresh.InternString(stage_of(k)),
                      is_del || !has_strings ? 0 : fresh.InternString(source_of(k)));
        batch_last = static_cast<int64_t>(fresh.size() - 1);
      }
      g = ge;
    }
    if (fresh.size() > 0) {
      EncodeSeries(id, existing, keys, fresh, seq, st->bulk, &w.out, &scratch);
      w.has_chunk = true;
    }
  };
  {
    std::atomic<size_t> next{0};
    auto worker = [&] {
      VersionColumns existing, fresh;
      std::vector<std::string> keys;
      std::string scratch;
      for (size_t gi; (gi = next.fetch_add(1)) < groups;) {
        process(gi, existing, fresh, keys, scratch);
      }
    };
    const bool parallel = n >= kParallelRows && std::thread::hardware_concurrency() > 1;
    std::thread helper;
    if (parallel) helper = std::thread(worker);
    worker();
    if (helper.joinable()) helper.join();
  }
  for (Work& w : work) {
    if (!w.status.ok()) return w.status;
  }
  for (Work& w : work) {
    const WriteSummary& x = w.summary;
    st->summary.unchanged += x.unchanged;
    st->summary.deletions += x.deletions;
    st->summary.observations_added += x.observations_added;
    st->summary.revisions += x.revisions;
    if (w.has_chunk) ApplySeries(std::move(w.out), st, plan);
  }
  // 3. Targets.
  if (Status s = PrepareTargets(batch, st); !s.ok()) return s;
  return Status::OK();
}

Status StoreImpl::PrepareTargets(const WriteBatch& batch, WriteState* st) {
  const auto& targets = batch.targets();
  if (targets.empty()) return Status::OK();
  const uint64_t seq = st->counters.next_seq - 1;  // the batch's seq (taken in PrepareBatch)
  std::vector<SeriesInfo> infos(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    if (Status s = ValidateSeriesCode(t.series); !s.ok()) return s;
    Status s = ResolveSeries(t.series, st, &infos[i]);
    if (s.IsNotFound()) {
      return Status::InvalidArgument("target of unknown series '" + t.series +
                                     "' (add its metadata to the batch first)");
    }
    if (!s.ok()) return s;
    if (Status s2 = ValidatePeriod(t.series, infos[i].meta, t.period, t.vintage, "target");
        !s2.ok()) {
      return s2;
    }
    if (static_cast<uint8_t>(t.comparator) > static_cast<uint8_t>(Comparator::kQualitative)) {
      return Status::InvalidArgument("target " + DescribeObs(t.series, t.period, t.vintage) +
                                     ": bad comparator");
    }
  }
  std::vector<uint32_t> order(targets.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (infos[a].id != infos[b].id) return infos[a].id < infos[b].id;
    if (targets[a].period.index != targets[b].period.index) {
      return targets[a].period.index < targets[b].period.index;
    }
    if (targets[a].vintage != targets[b].vintage) return targets[a].vintage < targets[b].vintage;
    return a < b;
  });
  auto same = [](const TargetRecord& a, const TargetRecord& b) {
    return a.comparator == b.comparator && SameValue(a.value, b.value) &&
           SameValue(a.tolerance, b.tolerance) && SameValue(a.value_high, b.value_high) &&
           a.on == b.on && a.about == b.about && a.unit == b.unit &&
           a.relative_to == b.relative_to && a.text == b.text && a.deleted == b.deleted;
  };
  auto to_record = [&](const Target& t) {
    TargetRecord r;
    r.comparator = t.comparator;
    r.value = Canonical(t.value);
    r.tolerance = Canonical(t.tolerance);
    r.value_high = Canonical(t.value_high);
    r.on = t.on;
    r.about = t.about;
    r.unit = t.unit;
    r.relative_to = t.relative_to;
    r.text = t.text;
    r.source = t.source;
    r.deleted = t.deleted;
    r.load_id = st->load_id;
    return r;
  };
  for (size_t k = 0; k < order.size(); ++k) {
    const Target& t = targets[order[k]];
    const SeriesInfo& info = infos[order[k]];
    TargetRecord rec = to_record(t);
    if (k > 0) {
      const Target& pt = targets[order[k - 1]];
      if (infos[order[k - 1]].id == info.id && pt.period == t.period && pt.vintage == t.vintage) {
        if (!same(to_record(pt), rec) || pt.source != t.source) {
          return Status::InvalidArgument("target " + DescribeObs(t.series, t.period, t.vintage) +
                                         " appears twice in the batch with different values");
        }
        st->summary.targets_unchanged++;
        continue;
      }
    }
    // What was known at t.vintage: newest version with vintage <= t.vintage, from the store
    // and from this write (staged puts sort after stored ones of equal vintage: higher seq).
    std::string prefix = SeriesPrefix(info.id);
    PutU8(&prefix, static_cast<uint8_t>(t.period.freq));
    PutOrderedInt32(&prefix, t.period.index);
    std::string bound = prefix;
    PutOrderedInt32(&bound, t.vintage.days);
    PutFixed64BE(&bound, UINT64_MAX);
    std::optional<std::pair<std::string, std::string>> prev;  // key, value
    {
      std::unique_ptr<rocksdb::Iterator> it(
          db_->NewIterator(rocksdb::ReadOptions(), handles_[kTargetsCf]));
      it->SeekForPrev(bound);
      if (it->Valid() && StartsWith(it->key(), prefix)) {
        prev.emplace(it->key().ToString(), it->value().ToString());
      }
      if (!it->status().ok()) return FromRocks(it->status(), "reading targets");
    }
    auto sit = st->targets.upper_bound(bound);
    if (sit != st->targets.begin()) {
      --sit;
      if (sit->first.compare(0, prefix.size(), prefix) == 0 && (!prev || sit->first > prev->first)) {
        prev.emplace(sit->first, sit->second);
      }
    }
    TargetRecord prec;
    bool live_prev = false;
    if (prev) {
      if (!DecodeTarget(prev->second, &prec)) {
        return Status::Corruption("bad target record " + Hex(prev->first));
      }
      live_prev = !prec.deleted;
    }
    if ((t.deleted && !live_prev) || (live_prev && same(prec, rec))) {
      st->summary.targets_unchanged++;
      continue;
    }
    st->targets[TargetKey(info.id, static_cast<uint8_t>(t.period.freq), t.period.index,
                          t.vintage.days, seq)] = [&] {
      std::string v;
      EncodeTarget(rec, &v);
      return v;
    }();
    st->summary.targets_added++;
    st->touched[info.id].first |= kTouchTargets;
  }
  return Status::OK();
}

void StoreImpl::FinishLoad(const LoadInfo& info, WriteState* st, Plan* plan) {
  LoadRecord rec;
  rec.id = st->load_id;
  rec.unix_time = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  rec.info = info;
  rec.summary = st->summary;
  std::string v;
  EncodeLoad(rec, &v);
  std::string lkey(1, kTagLoad);
  PutFixed64BE(&lkey, st->load_id);
  st->catalog[lkey] = v;
  for (const auto& [id, touch] : st->touched) {
    if (touch.first == 0) continue;
    std::string k(1, kTagLoadTouch);
    PutFixed64BE(&k, st->load_id);
    PutFixed32BE(&k, id);
    st->catalog[k] = TouchValue(touch.first, touch.second);
  }
  EncodeCounters(st->counters, &v);
  st->catalog[CatalogKey(kTagCounters)] = v;
  plan->catalog = std::move(st->catalog);
  plan->targets = std::move(st->targets);
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

Status StoreImpl::Commit(Plan* plan) {
  std::sort(plan->obs_puts.begin(), plan->obs_puts.end());
  std::sort(plan->obs_deletes.begin(), plan->obs_deletes.end());
  const bool ingest = plan->rows >= options_.ingest_min_rows;
  if (!ingest) {
    rocksdb::WriteBatch wb;
    for (const auto& [k, v] : plan->catalog) wb.Put(handles_[kCatalogCf], k, v);
    for (const auto& k : plan->obs_deletes) wb.Delete(handles_[kObsCf], k);
    for (const auto& [k, v] : plan->obs_puts) wb.Put(handles_[kObsCf], k, v);
    for (const auto& [k, v] : plan->targets) wb.Put(handles_[kTargetsCf], k, v);
    for (const auto& k : plan->vindex) wb.Put(handles_[kVintageCf], k, rocksdb::Slice());
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
  std::vector<std::pair<std::string, std::string>> vix;
  for (const auto& k : plan->vindex) vix.emplace_back(k, std::string());
  Status s = write(kCatalogCf, cat, {});
  if (s.ok()) s = write(kObsCf, plan->obs_puts, plan->obs_deletes);
  if (s.ok()) s = write(kTargetsCf, tgt, {});
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
  Plan plan;
  if (Status s = PrepareBatch(batch, &st, &plan); !s.ok()) return s;
  FinishLoad(info, &st, &plan);
  if (Status s = Publish(CatalogAfter(st), [&] { return Commit(&plan); }); !s.ok()) return s;
  counters_ = st.counters;
  return st.summary;
}

// ---- Revert -------------------------------------------------------------------------------

Result<WriteSummary> StoreImpl::Revert(uint64_t load_id, const LoadInfo& info) {
  std::lock_guard<std::mutex> lock(write_mu_);
  std::string lkey(1, kTagLoad);
  PutFixed64BE(&lkey, load_id);
  std::string lval;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), handles_[kCatalogCf], lkey, &lval);
  if (rs.IsNotFound()) return Status::NotFound("no load " + std::to_string(load_id));
  if (!rs.ok()) return FromRocks(rs, "reading load record");
  LoadRecord old;
  if (!DecodeLoad(lval, &old)) return Status::Corruption("bad load record " + std::to_string(load_id));
  if (old.reverted_by != 0) {
    return Status::InvalidArgument("load " + std::to_string(load_id) +
                                   " was already reverted by load " +
                                   std::to_string(old.reverted_by));
  }
  WriteState st;
  if (Status s = StartWrite(info, &st); !s.ok()) return s;
  const uint64_t seq = st.counters.next_seq++;
  Plan plan;
  // Series the load touched.
  std::vector<std::tuple<uint32_t, uint8_t, uint64_t>> touched;
  {
    std::string prefix(1, kTagLoadTouch);
    PutFixed64BE(&prefix, load_id);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handles_[kCatalogCf]));
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      uint8_t flags;
      uint64_t meta_seq;
      if (it->key().size() != prefix.size() + 4 || !DecodeTouch(View(it->value()), &flags, &meta_seq)) {
        return Status::Corruption("bad load touch record " + Hex(View(it->key())));
      }
      touched.emplace_back(DecodeFixed32BE(it->key().data() + prefix.size()), flags, meta_seq);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading load record");
  }
  VersionColumns existing, fresh;
  std::vector<std::string> keys;
  std::string scratch;
  for (const auto& [id_binding, flags, meta_seq] : touched) {
    const auto id = id_binding;  // clang 14 cannot capture a structured binding in a lambda
    if (flags & kTouchMeta) {
      std::string hkey = IdKey(kTagHistory, id);
      PutFixed64BE(&hkey, meta_seq);
      std::string hval, code, cval;
      SeriesMeta before, now;
      uint32_t cid;
      if (!db_->Get(rocksdb::ReadOptions(), handles_[kCatalogCf], hkey, &hval).ok() ||
          !DecodeMeta(hval, &before) ||
          !db_->Get(rocksdb::ReadOptions(), handles_[kCatalogCf], IdKey(kTagId, id), &code).ok() ||
          !db_->Get(rocksdb::ReadOptions(), handles_[kCatalogCf], CatalogKey(kTagCode, code), &cval)
               .ok() ||
          !DecodeCodeRecord(cval, &cid, &now)) {
        return Status::Corruption("missing metadata history of series id " + std::to_string(id));
      }
      if (!MetaEqualIgnoringUpdated(before, now)) {
        std::string nkey = IdKey(kTagHistory, id);
        PutFixed64BE(&nkey, seq);
        std::string enc;
        EncodeMeta(now, &enc);
        st.catalog[nkey] = enc;
        st.catalog[CatalogKey(kTagCode, code)] = CodeRecord(id, before);
        st.staged_series[code] = SeriesInfo{id, before, true};
        st.touched[id] = {static_cast<uint8_t>(kTouchMeta), seq};
        st.summary.series_updated++;
      }
    }
    if (flags & kTouchObs) {
      if (Status s = ReadVersions(id, st, &existing, &keys, &scratch); !s.ok()) return s;
      fresh.Clear();
      const VersionColumns& c = existing;
      for (size_t i = 0; i < c.size(); ++i) {
        if (c.load_id[i] != load_id) continue;
        // Only the top version of its (period, vintage) is undone, once.
        if (i + 1 < c.size() && c.period[i + 1] == c.period[i] && c.vintage[i + 1] == c.vintage[i]) {
          continue;
        }
        // The state before the load: the newest earlier version of another load.
        size_t j = i;
        while (j > 0 && c.period[j - 1] == c.period[i] && c.load_id[j - 1] == load_id) --j;
        const bool has_prior = j > 0 && c.period[j - 1] == c.period[i];
        if (has_prior && !c.deleted[j - 1]) {
          const size_t q = j - 1;
          fresh.PushRow(c.period[i], c.vintage[i], seq, st.load_id, c.value[q], c.status[q],
                        c.qualifier[q], 0, fresh.InternString(c.strings[c.stage[q]]),
                        fresh.InternString(c.strings[c.source[q]]));
          st.summary.observations_added++;
          if (!c.deleted[i]) st.summary.revisions++;
        } else {
          if (c.deleted[i]) continue;
          fresh.PushRow(c.period[i], c.vintage[i], seq, st.load_id, kMissing, 0, 0, 1, 0, 0);
          st.summary.deletions++;
        }
      }
      if (fresh.size() > 0) {
        SeriesOut out;
        EncodeSeries(id, existing, keys, fresh, seq, st.bulk, &out, &scratch);
        ApplySeries(std::move(out), &st, &plan);
      }
    }
    if (flags & kTouchTargets) {
      std::string prefix = SeriesPrefix(id);
      std::unique_ptr<rocksdb::Iterator> it(
          db_->NewIterator(rocksdb::ReadOptions(), handles_[kTargetsCf]));
      // Versions of one (period) group, in key order (vintage, seq).
      std::vector<std::pair<std::string, TargetRecord>> group;
      auto flush = [&]() -> void {
        for (size_t i = 0; i < group.size(); ++i) {
          const auto& [k, r] = group[i];
          if (r.load_id != load_id) continue;
          std::string_view kv(k);
          if (i + 1 < group.size() &&
              std::string_view(group[i + 1].first).substr(0, 13) == kv.substr(0, 13)) {
            continue;  // superseded at the same vintage
          }
          size_t j = i;
          while (j > 0 && group[j - 1].second.load_id == load_id) --j;
          TargetRecord restored;
          if (j > 0 && !group[j - 1].second.deleted) {
            restored = group[j - 1].second;
            st.summary.targets_added++;
          } else {
            if (r.deleted) continue;
            restored.deleted = true;
            st.summary.targets_added++;
          }
          restored.load_id = st.load_id;
          std::string nk(kv.substr(0, 13));
          PutFixed64BE(&nk, seq);
          std::string enc;
          EncodeTarget(restored, &enc);
          st.targets[nk] = enc;
          st.touched[id].first |= kTouchTargets;
        }
        group.clear();
      };
      for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
        std::string k = it->key().ToString();
        if (k.size() != 21) return Status::Corruption("bad target key " + Hex(k));
        if (!group.empty() && group.back().first.compare(0, 9, k, 0, 9) != 0) flush();
        TargetRecord r;
        if (!DecodeTarget(View(it->value()), &r)) return Status::Corruption("bad target " + Hex(k));
        group.emplace_back(std::move(k), std::move(r));
      }
      if (!it->status().ok()) return FromRocks(it->status(), "reading targets");
      flush();
    }
  }
  old.reverted_by = st.load_id;
  std::string enc;
  EncodeLoad(old, &enc);
  st.catalog[lkey] = enc;
  FinishLoad(info, &st, &plan);
  // Record what it undid.
  {
    std::string k(1, kTagLoad);
    PutFixed64BE(&k, st.load_id);
    LoadRecord rec;
    DecodeLoad(plan.catalog[k], &rec);
    rec.reverts = load_id;
    EncodeLoad(rec, &plan.catalog[k]);
  }
  if (Status s = Publish(CatalogAfter(st), [&] { return Commit(&plan); }); !s.ok()) return s;
  counters_ = st.counters;
  return st.summary;
}

// ---- BulkWrite ----------------------------------------------------------------------------

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
    Plan plan;
    Status s = store_->PrepareBatch(batch, &st_, &plan);
    if (s.ok() && (!plan.obs_puts.empty() || !plan.vindex.empty())) {
      if (dir_.empty()) dir_ = store_->NewStagingDir();
      std::sort(plan.obs_puts.begin(), plan.obs_puts.end());
      std::string file = dir_ + "/obs-" + std::to_string(files_.size()) + ".sst";
      s = store_->WriteSst(kObsCf, file, plan.obs_puts, {});
      if (s.ok()) files_.emplace_back(kObsCf, file);
      std::vector<std::pair<std::string, std::string>> vix;
      for (const auto& k : plan.vindex) vix.emplace_back(k, std::string());
      if (s.ok() && !vix.empty()) {
        file = dir_ + "/vindex-" + std::to_string(files_.size()) + ".sst";
        s = store_->WriteSst(kVintageCf, file, vix, {});
        if (s.ok()) files_.emplace_back(kVintageCf, file);
      }
    }
    if (!s.ok()) status_ = s;
    return s;
  }

  Result<WriteSummary> Commit() override {
    if (!status_.ok()) return status_;
    if (done_) return Status::InvalidArgument("bulk write already committed");
    Plan plan;
    store_->FinishLoad(info_, &st_, &plan);
    if (dir_.empty()) dir_ = store_->NewStagingDir();
    std::vector<std::pair<std::string, std::string>> cat(plan.catalog.begin(), plan.catalog.end());
    std::vector<std::pair<std::string, std::string>> tgt(plan.targets.begin(), plan.targets.end());
    std::string file = dir_ + "/catalog.sst";
    Status s = store_->WriteSst(kCatalogCf, file, cat, {});
    if (s.ok()) files_.emplace_back(kCatalogCf, file);
    if (s.ok() && !tgt.empty()) {
      file = dir_ + "/targets.sst";
      s = store_->WriteSst(kTargetsCf, file, tgt, {});
      if (s.ok()) files_.emplace_back(kTargetsCf, file);
    }
    if (s.ok()) {
      s = store_->Publish(store_->CatalogAfter(st_), [&] { return store_->IngestFiles(files_); });
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
  StoreImpl::WriteState st_;
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

// ---- Maintenance --------------------------------------------------------------------------

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
  uint64_t series = 0, loads = 0, versions = 0;
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
        if (k.size() != 12) return bad("bad key length");
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
        }
      } else if (cf == kTargetsCf) {
        TargetRecord t;
        if (k.size() != 21 || !DecodeTarget(v, &t)) return bad("bad target");
      }
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), std::string("checking column family ") + kCfNames[cf]);
    }
  }
  if (report) {
    *report = "series: " + std::to_string(series) + ", loads: " + std::to_string(loads) +
              ", chunks: " + std::to_string(counts[kObsCf]) +
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
      EncodeChunk(merged, options_.zstd_level, &blob, &scratch);
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
    if (it->key().size() != 12) return Status::Corruption("bad obs key " + Hex(View(it->key())));
    uint32_t id = DecodeFixed32BE(it->key().data());
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

Status StoreImpl::TEST_PutRawChunk(std::string_view code, std::string_view blob) {
  std::lock_guard<std::mutex> lock(write_mu_);
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

namespace internal {
Status TEST_PutRawChunk(Store* store, std::string_view code, std::string_view blob) {
  auto* impl = dynamic_cast<StoreImpl*>(store);
  if (impl == nullptr) return Status::InvalidArgument("not a StoreImpl");
  return impl->TEST_PutRawChunk(code, blob);
}
Status TEST_SetFormatVersion(Store* store, uint32_t version) {
  auto* impl = dynamic_cast<StoreImpl*>(store);
  if (impl == nullptr) return Status::InvalidArgument("not a StoreImpl");
  return impl->TEST_SetFormatVersion(version);
}
}  // namespace internal

}  // namespace ixdb::storage
