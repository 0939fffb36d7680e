// ReadView: reads of one consistent snapshot. A series' chunks are decoded into runs (one
// write's versions each, sorted by period); the version each read chooses is found across the
// runs' cursors without sorting. Versions of loads retracted by a revert are skipped by every
// read but ReadRevisions.
#include <algorithm>
#include <optional>

#include "common/strings.hpp"
#include "storage/internal/decoded_series_cache.hpp"
#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace {

// The reads of a view that go through the store's cache of decoded series: a query about a few
// series makes a few; a scan makes thousands, and the rest of those go straight to raw columns.
constexpr size_t kPointReads = 16;

// The rows a ReadSeries returns: the columns of *out sized for `cap` rows up front (at most one
// row per distinct period), filled by Emit through raw pointers and trimmed by Trim.
class ChosenRows {
 public:
  // `labels`: also the stage and source columns.
  ChosenRows(const VersionColumns& c, Frequency freq, size_t cap, bool labels, SeriesValues* out)
      : out_(*out), cap_(cap), has_extent_(!c.extent.empty()), labels_(labels), freq_(freq), c_(c) {
    Resize(cap);
    o_period_ = out_.period.data();
    o_value_ = out_.value.data();
    o_vintage_ = out_.vintage.data();
    o_status_ = out_.status.data();
    o_qualifier_ = out_.qualifier.data();
    o_stage_ = out_.stage.data();
    o_source_ = out_.source.data();
  }

  // Appends row `pick` of the versions, unless it is a deletion.
  [[gnu::always_inline]] void Emit(size_t pick) {
    if (deleted_[pick] || rows_ == cap_) return;
    o_period_[rows_] = Period{freq_, period_[pick]};
    o_value_[rows_] = value_[pick];
    o_vintage_[rows_] = Date{vintage_[pick]};
    o_status_[rows_] = status_[pick];
    o_qualifier_[rows_] = qualifier_[pick];
    if (labels_) {
      o_stage_[rows_] = stage_[pick];
      o_source_[rows_] = source_[pick];
    }
    if (has_extent_) out_.extent[rows_] = c_.extent[pick];
    ++rows_;
  }

  void Trim() { Resize(rows_); }

 private:
  // Every column of the result (extent only if the versions have one).
  void Resize(size_t size) {
    out_.period.resize(size);
    out_.value.resize(size);
    out_.vintage.resize(size);
    out_.status.resize(size);
    out_.qualifier.resize(size);
    if (labels_) {
      out_.stage.resize(size);
      out_.source.resize(size);
    }
    if (has_extent_) out_.extent.resize(size);
  }

  SeriesValues& out_;
  const size_t cap_;
  const bool has_extent_;
  const bool labels_;
  const Frequency freq_;
  const VersionColumns& c_;
  size_t rows_ = 0;
  Period* o_period_;
  double* o_value_;
  Date* o_vintage_;
  uint8_t* o_status_;
  uint8_t* o_qualifier_;
  uint32_t* o_stage_;
  uint32_t* o_source_;
  const int32_t* period_ = c_.period.data();
  const int32_t* vintage_ = c_.vintage.data();
  const uint8_t* deleted_ = c_.deleted.data();
  const double* value_ = c_.value.data();
  const uint8_t* status_ = c_.status.data();
  const uint8_t* qualifier_ = c_.qualifier.data();
  const uint32_t* stage_ = c_.stage.data();
  const uint32_t* source_ = c_.source.data();
};

class ReadViewImpl final : public ReadView {
 public:
  // Shares `snapshot` with the other views of it (the last one releases it).
  ReadViewImpl(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>* cfs,
               std::shared_ptr<const rocksdb::Snapshot> snapshot, uint64_t generation,
               std::shared_ptr<const Catalog> catalog,
               std::shared_ptr<const RevertedLoads> reverted, DecodedSeriesCache* cache)
      : db_(db),
        cfs_(cfs),
        snapshot_(std::move(snapshot)),
        generation_(generation),
        catalog_(std::move(catalog)),
        reverted_(std::move(reverted)),
        cache_(cache) {
    ro_.snapshot = snapshot_.get();
    // The store never writes range deletions (DeleteRange): iterators need not look for them.
    ro_.ignore_range_deletions = true;
  }
  ~ReadViewImpl() override { obs_it_.reset(); }

  // Reads only members that never change after construction, so another thread may call it
  // while this view is in use.
  std::unique_ptr<ReadView> NewViewOfSnapshot() const override {
    return std::make_unique<ReadViewImpl>(db_, cfs_, snapshot_, generation_, catalog_, reverted_,
                                          cache_);
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
    return ListWhere("", [&](const SeriesMeta& m) {
      return ContainsIgnoreCase(m.code, text) || ContainsIgnoreCase(m.name_zh, text) ||
             ContainsIgnoreCase(m.name_en, text);
    });
  }

  const SeriesMeta* FindMeta(std::string_view code) const override {
    if (const CatalogEntry* e = catalog_->Find(code)) return &e->meta;
    return catalog_->FindFormula(code);
  }

  std::vector<const SeriesMeta*> ListMeta() const override {
    std::vector<const SeriesMeta*> out;
    out.reserve(catalog_->by_code.size() + catalog_->formulas.size());
    auto s = catalog_->by_code.begin();
    auto f = catalog_->formulas.begin();
    while (s != catalog_->by_code.end() || f != catalog_->formulas.end()) {
      if (f == catalog_->formulas.end() || (s != catalog_->by_code.end() && s->first < f->first)) {
        out.push_back(&(s++)->second->meta);
      } else {
        out.push_back(&(f++)->second);
      }
    }
    return out;
  }

  Result<SeriesMeta> GetFormula(std::string_view code) override {
    const SeriesMeta* f = catalog_->FindFormula(code);
    if (f == nullptr) return Status::NotFound("no formula '" + std::string(code) + "'");
    return *f;
  }

  Result<std::vector<SeriesMeta>> ListFormulas() override {
    std::vector<SeriesMeta> out;
    out.reserve(catalog_->formulas.size());
    for (const auto& [code, f] : catalog_->formulas) out.push_back(f);
    return out;
  }

  Result<std::vector<SeriesMeta>> SeriesHistory(std::string_view code) override {
    const CatalogEntry* e = catalog_->Find(code);
    if (e == nullptr) return UnknownSeries(code);
    std::vector<SeriesMeta> out;
    const std::string prefix = IdKey(kTagHistory, e->id);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, (*cfs_)[kCatalogCf]));
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
    const VersionColumns& c = *versions_;
    SeriesValues out;
    if (!req.values_only) {
      out.meta = entry->meta;
      out.strings = c.strings;
    }
    if (c.size() == 0) return out;
    // Each run (one write's versions in a chunk) holds a period at most once, ascending; the
    // chosen version of a period is found across the runs' cursors without sorting.
    const size_t max_run = StartCursors(c, req);
    ChosenRows rows(c, entry->meta.frequency, RowCapacity(c, max_run), !req.values_only, &out);
    if (starts_.size() == 1) {
      ChooseInOneRun(c, req, &rows);
    } else if (req.mode != ReadMode::kFirst && FitsSlots(c, req, max_run)) {
      ChooseBySlots(c, req, &rows);
    } else {
      ChooseAcrossRuns(c, req, &rows);
    }
    rows.Trim();
    return out;
  }

  Result<std::vector<Version>> ReadRevisions(std::string_view code, Period period) override {
    const CatalogEntry* e = catalog_->Find(code);
    if (e == nullptr) return UnknownSeries(code);
    std::vector<Version> out;
    if (period.freq != e->meta.frequency) return out;
    if (Status s = DecodeVersions(e->id); !s.ok()) return s;
    // A run holds a period at most once: find it in each run, then order by (vintage, seq).
    const VersionColumns& c = *versions_;
    sorted_ = versions_;
    std::vector<uint32_t> rows;
    for (size_t r = 0; r < starts_.size(); ++r) {
      auto b = c.period.begin() + starts_[r];
      auto e2 = r + 1 < starts_.size() ? c.period.begin() + starts_[r + 1] : c.period.end();
      auto it = std::lower_bound(b, e2, period.index);
      if (it != e2 && *it == period.index)
        rows.push_back(static_cast<uint32_t>(it - c.period.begin()));
    }
    std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      return c.vintage[a] != c.vintage[b] ? c.vintage[a] < c.vintage[b] : c.seq[a] < c.seq[b];
    });
    out.reserve(rows.size());
    for (uint32_t i : rows) {
      out.push_back(MakeVersion(*e, i));
      out.back().reverted_by = reverted_->RevertedBy(out.back().load_id);
    }
    return out;
  }

  Result<std::vector<Version>> ReadRevisionsInRange(std::string_view code,
                                                    std::optional<Period> from,
                                                    std::optional<Period> to) override {
    const CatalogEntry* e = catalog_->Find(code);
    if (e == nullptr) return UnknownSeries(code);
    std::vector<Version> out;
    if ((from && from->freq != e->meta.frequency) || (to && to->freq != e->meta.frequency))
      return out;
    if (Status s = LoadVersions(e->id); !s.ok()) return s;
    const VersionColumns& c = *sorted_;
    const int32_t lo = from ? from->index : INT32_MIN, hi = to ? to->index : INT32_MAX;
    auto first = std::lower_bound(c.period.begin(), c.period.end(), lo);
    for (size_t i = static_cast<size_t>(first - c.period.begin());
         i < c.size() && c.period[i] <= hi; ++i) {
      out.push_back(MakeVersion(*e, i));
      out.back().reverted_by = reverted_->RevertedBy(out.back().load_id);
    }
    return out;
  }

  Result<std::vector<Change>> ReadChanges(Date vintage) override {
    const std::string prefix = VintagePrefix(vintage.days);
    std::vector<uint32_t> ids;
    {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, (*cfs_)[kVintageCf]));
      for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
        int32_t v;
        uint32_t id;
        if (!ParseVintageKey(View(it->key()), &v, &id))
          return Status::Corruption("bad vintage index key");
        ids.push_back(id);
      }
      if (!it->status().ok()) return FromRocks(it->status(), "reading vintage index");
    }
    std::vector<std::pair<std::string, std::vector<Change>>> per_series;
    for (uint32_t id : ids) {
      const CatalogEntry* e = catalog_->FindId(id);
      if (e == nullptr)
        return Status::Corruption("vintage index names unknown series id " + std::to_string(id));
      if (Status s = LoadVersions(id); !s.ok()) return s;
      const VersionColumns& c = *sorted_;
      std::vector<Change> changes;
      const RevertedLoads& reverted = *reverted_;
      // Per period: the release of `vintage` as finally recorded (a later load at the same
      // vintage corrects it: one net change), against the newest version before it.
      for (size_t i = 0; i < c.size();) {
        size_t end = i;
        while (end < c.size() && c.period[end] == c.period[i]) ++end;
        std::optional<size_t> before, release;
        for (size_t j = i; j < end; ++j) {
          if (reverted.Hidden(c.load_id[j])) continue;
          if (c.vintage[j] < vintage.days) before = j;
          if (c.vintage[j] == vintage.days) release = j;
        }
        i = end;
        if (!release) continue;
        const size_t r = *release;
        const bool live_before = before && !c.deleted[*before];
        if (live_before && !c.deleted[r] && SameValue(c.value[*before], c.value[r]) &&
            c.status[*before] == c.status[r] && c.qualifier[*before] == c.qualifier[r]) {
          continue;  // corrected back to what was known before: no net change
        }
        if (!live_before && c.deleted[r]) continue;
        Change ch;
        ch.series = e->meta.code;
        ch.version = MakeVersion(*e, r);
        if (live_before) {
          ch.had_previous = true;
          ch.previous_value = c.value[*before];
          ch.previous_status = static_cast<ObsStatus>(c.status[*before]);
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
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, (*cfs_)[kTargetsCf]));
    // The chosen version of the current (series, period) group.
    std::string group;
    std::optional<Target> chosen;
    auto flush = [&] {
      if (chosen && !chosen->deleted) out.push_back(std::move(*chosen));
      chosen.reset();
    };
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      std::string_view k = View(it->key());
      TargetKeyParts parts;
      if (!ParseTargetKey(k, &parts)) return Status::Corruption("bad target key " + Hex(k));
      std::string_view g = k.substr(0, kTargetGroupSize);
      if (g != group) {
        flush();
        group.assign(g);
      }
      const uint32_t id = parts.series_id;
      const uint8_t freq = parts.freq;
      const int32_t p = parts.period, v = parts.vintage;
      if (v > as_of.days) continue;
      TargetRecord rec;
      if (!DecodeTarget(View(it->value()), &rec)) {
        return Status::Corruption("bad target record " + Hex(k));
      }
      if (reverted_->Hidden(rec.load_id)) continue;  // retracted by a revert
      const CatalogEntry* se = catalog_->FindId(id);
      if (se == nullptr)
        return Status::Corruption("target of unknown series id " + std::to_string(id));
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
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro_, (*cfs_)[kCatalogCf]));
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
  // Puts the cursor of every run (cur_, end_) on its first row at or after req.from; returns
  // the length of the longest run.
  size_t StartCursors(const VersionColumns& c, const ReadRequest& req) {
    const size_t n = c.size();
    const size_t k = starts_.size();
    size_t max_run = 0;
    cur_.resize(k);
    end_.resize(k);
    for (size_t r = 0; r < k; ++r) {
      cur_[r] = starts_[r];
      end_[r] = r + 1 < k ? starts_[r + 1] : static_cast<uint32_t>(n);
      max_run = std::max<size_t>(max_run, end_[r] - cur_[r]);
      if (req.from) {
        cur_[r] =
            static_cast<uint32_t>(std::lower_bound(c.period.begin() + cur_[r],
                                                   c.period.begin() + end_[r], req.from->index) -
                                  c.period.begin());
      }
    }
    return max_run;
  }

  // At most one row per distinct period between the cursors and the ends of the runs.
  size_t RowCapacity(const VersionColumns& c, size_t max_run) const {
    const size_t n = c.size();
    const size_t k = starts_.size();
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
    return cap;
  }

  // One run: every period has exactly one version. The two choosing loops are inlined into
  // ReadSeries (the hot path of every read), so that the ChosenRows they fill stays in registers
  // as the loop's locals did before they were cut out of it.
  [[gnu::always_inline]] void ChooseInOneRun(const VersionColumns& c, const ReadRequest& req,
                                             ChosenRows* rows) {
    const int32_t to = req.to ? req.to->index : INT32_MAX;
    const int32_t as_of = req.as_of.days;
    const int32_t* period = c.period.data();
    const int32_t* vintage = c.vintage.data();
    const uint8_t* deleted = c.deleted.data();
    const uint64_t* load = c.load_id.data();
    const RevertedLoads& reverted = *reverted_;
    for (size_t i = cur_[0]; i < end_[0] && period[i] <= to; ++i) {
      if (req.mode == ReadMode::kAsOf && vintage[i] > as_of) continue;
      if (req.mode == ReadMode::kFirst && deleted[i]) continue;
      if (reverted.Hidden(load[i])) continue;
      rows->Emit(i);
    }
  }

  // True if the periods between the cursors and `to` span few enough slots for ChooseBySlots
  // (about one per version: dense series; a sparse one keeps the cursor walk). Sets slot_lo_.
  bool FitsSlots(const VersionColumns& c, const ReadRequest& req, size_t max_run) {
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t r = 0; r < starts_.size(); ++r) {
      if (cur_[r] < end_[r]) {
        lo = std::min(lo, c.period[cur_[r]]);
        hi = std::max(hi, c.period[end_[r] - 1]);
      }
    }
    if (req.to) hi = std::min(hi, req.to->index);
    slot_lo_ = lo;
    if (lo > hi) {
      slots_.clear();
      return true;
    }
    const int64_t span = int64_t{hi} - lo + 1;
    if (span > static_cast<int64_t>(4 * (c.size() + max_run) + 64)) return false;
    slots_.assign(static_cast<size_t>(span), UINT32_MAX);
    return true;
  }

  // Latest and as-of over several runs: a run is one write, so its vintage, sequence and load
  // are the same on every row. The runs a read may see are visited newest first and each
  // period's slot keeps the first version put in it: one pass over the rows, none per period
  // and run.
  [[gnu::always_inline]] void ChooseBySlots(const VersionColumns& c, const ReadRequest& req,
                                            ChosenRows* rows) {
    const int32_t to = req.to ? req.to->index : INT32_MAX;
    const int32_t* period = c.period.data();
    const int32_t* vintage = c.vintage.data();
    const uint64_t* seq = c.seq.data();
    run_order_.clear();
    for (size_t r = 0; r < starts_.size(); ++r) {
      const uint32_t first = starts_[r];
      if (req.mode == ReadMode::kAsOf && vintage[first] > req.as_of.days) continue;
      if (reverted_->Hidden(c.load_id[first])) continue;  // retracted by a revert: history only
      run_order_.push_back(static_cast<uint32_t>(r));
    }
    // Newest first; of runs of equal (vintage, seq) the first one wins, as in ChooseAcrossRuns.
    std::sort(run_order_.begin(), run_order_.end(), [&](uint32_t a, uint32_t b) {
      const uint32_t x = starts_[a], y = starts_[b];
      if (vintage[x] != vintage[y]) return vintage[x] > vintage[y];
      return seq[x] != seq[y] ? seq[x] > seq[y] : a < b;
    });
    uint32_t* slot = slots_.data();
    for (uint32_t r : run_order_) {
      for (uint32_t i = cur_[r]; i < end_[r] && period[i] <= to; ++i) {
        uint32_t& s = slot[period[i] - slot_lo_];
        if (s == UINT32_MAX) s = i;
      }
    }
    for (uint32_t s : slots_) {
      if (s != UINT32_MAX) rows->Emit(s);
    }
  }

  // Several runs: period by period, the version each mode chooses among the runs' cursors.
  [[gnu::always_inline]] void ChooseAcrossRuns(const VersionColumns& c, const ReadRequest& req,
                                               ChosenRows* rows) {
    const size_t k = starts_.size();
    const int32_t to = req.to ? req.to->index : INT32_MAX;
    const int32_t as_of = req.as_of.days;
    const int32_t* period = c.period.data();
    const int32_t* vintage = c.vintage.data();
    const uint64_t* seq = c.seq.data();
    const uint64_t* load = c.load_id.data();
    const RevertedLoads& reverted = *reverted_;
    auto newer = [&](size_t a, size_t b) {  // is row a a later version than row b?
      return vintage[a] != vintage[b] ? vintage[a] > vintage[b] : seq[a] > seq[b];
    };
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
        if (reverted.Hidden(load[i])) continue;  // retracted by a revert: history only
        switch (req.mode) {
          case ReadMode::kLatest:
            if (pick == SIZE_MAX || newer(i, pick)) pick = i;
            break;
          case ReadMode::kAsOf:
            if (vintage[i] <= as_of && (pick == SIZE_MAX || newer(i, pick))) pick = i;
            break;
          case ReadMode::kFirst:
            firsts_.push_back(static_cast<uint32_t>(i));
            break;
        }
      }
      if (req.mode == ReadMode::kFirst) pick = FirstRelease(c);
      if (pick == SIZE_MAX) pick = fallback;
      if (pick != SIZE_MAX) rows->Emit(pick);
    }
  }

  // The first release of a period among the candidate rows in firsts_ (cleared): the oldest
  // vintage whose release (its newest version: a later load at the same vintage corrects it)
  // has a value; else the oldest release that is blank. SIZE_MAX when every one is a deletion.
  size_t FirstRelease(const VersionColumns& c) {
    std::sort(firsts_.begin(), firsts_.end(), [&](uint32_t a, uint32_t b) {
      return c.vintage[a] != c.vintage[b] ? c.vintage[a] < c.vintage[b] : c.seq[a] > c.seq[b];
    });
    size_t pick = SIZE_MAX, blank = SIZE_MAX;
    for (size_t j = 0; j < firsts_.size(); ++j) {
      const uint32_t i = firsts_[j];
      if (j > 0 && c.vintage[firsts_[j - 1]] == c.vintage[i]) continue;  // corrected away
      if (c.deleted[i]) continue;
      if (!std::isnan(c.value[i])) {
        pick = i;
        break;
      }
      if (blank == SIZE_MAX) blank = i;
    }
    firsts_.clear();
    return pick != SIZE_MAX ? pick : blank;
  }

  Result<std::vector<SeriesMeta>> ListWhere(std::string_view prefix,
                                            const std::function<bool(const SeriesMeta&)>& pred) {
    std::vector<SeriesMeta> out;
    for (auto it = catalog_->by_code.lower_bound(prefix);
         it != catalog_->by_code.end() &&
         std::string_view(it->first).substr(0, prefix.size()) == prefix;
         ++it) {
      if (!pred || pred(it->second->meta)) out.push_back(it->second->meta);
    }
    return out;
  }

  // Decodes every chunk of series `id` into *versions_, as runs (starts_) each sorted by period:
  // the first reads of a view (point reads) through the store's cache of decoded series, later
  // ones (a scan) straight into raw_, so that a scan neither copies chunks nor evicts the
  // series users keep asking about.
  Status DecodeVersions(uint32_t id) {
    held_.reset();
    versions_ = &raw_;
    raw_.Clear();
    starts_.clear();
    const bool point_read = cache_ != nullptr && cache_->enabled() && reads_++ < kPointReads;
    // Decoded at this view's generation already: RocksDB need not be asked (the iterator stays
    // where it is, so the next read seeks).
    if (point_read) {
      if (std::shared_ptr<const DecodedSeries> entry = cache_->FindAtGeneration(id, generation_)) {
        positioned_at_start_ = false;
        UseEntry(std::move(entry));
        return Status::OK();
      }
    }
    if (!obs_it_) obs_it_.reset(db_->NewIterator(ro_, (*cfs_)[kObsCf]));
    char prefix[4];
    {
      std::string p = SeriesPrefix(id);
      std::memcpy(prefix, p.data(), 4);
    }
    const std::string_view series_prefix(prefix, 4);
    // Reading series in id order (a scan) finds the iterator already on the next series:
    // no Seek needed.
    if (!(obs_it_->Valid() && StartsWith(obs_it_->key(), series_prefix) && positioned_at_start_)) {
      obs_it_->Seek(rocksdb::Slice(prefix, 4));
    }
    positioned_at_start_ = false;
    if (point_read) source_.clear();
    for (; obs_it_->Valid() && StartsWith(obs_it_->key(), series_prefix); obs_it_->Next()) {
      if (point_read) {
        AppendChunkSource(View(obs_it_->key()), View(obs_it_->value()), &source_);
        continue;
      }
      Status s = DecodeChunk(View(obs_it_->value()), &raw_, &scratch_, &starts_);
      if (!s.ok()) {
        return Status::Corruption(s.message() + " (obs key " + Hex(View(obs_it_->key())) + ")");
      }
    }
    if (!obs_it_->status().ok()) return FromRocks(obs_it_->status(), "reading observations");
    // The loop stopped on the first chunk of a later series (or the end).
    positioned_at_start_ = true;
    return point_read ? DecodeThroughCache(id) : Status::OK();
  }

  // The versions of series `id` whose chunks source_ holds: the cache's entry if it was decoded
  // from the same bytes, else decoded now and kept in the cache.
  Status DecodeThroughCache(uint32_t id) {
    std::shared_ptr<const DecodedSeries> entry = cache_->Find(id, source_, generation_);
    if (entry == nullptr) {
      auto fresh = std::make_shared<DecodedSeries>();
      fresh->source = source_;
      std::string_view bad_key;
      if (Status s = DecodeSeriesSource(fresh.get(), &scratch_, &bad_key); !s.ok())
        return Status::Corruption(s.message() + " (obs key " + Hex(bad_key) + ")");
      cache_->Insert(id, fresh, generation_);
      entry = std::move(fresh);
    }
    UseEntry(std::move(entry));
    return Status::OK();
  }

  // The versions of a series are the cache's `entry` (held alive while they are in use).
  void UseEntry(std::shared_ptr<const DecodedSeries> entry) {
    starts_ = entry->run_starts;
    versions_ = &entry->versions;
    held_ = std::move(entry);
  }

  // Like DecodeVersions; *sorted_ then holds the versions ordered by (period, vintage, seq).
  Status LoadVersions(uint32_t id) {
    if (Status s = DecodeVersions(id); !s.ok()) return s;
    if (starts_.size() <= 1) {
      sorted_ = versions_;
    } else {
      MergeRuns(*versions_, starts_, &merged_, &order_, &tmp_);
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
    v.extent = c.ExtentAt(i);
    return v;
  }

  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>* cfs_;  // the store's (it outlives its views)
  std::shared_ptr<const rocksdb::Snapshot> snapshot_;
  // The write generation snapshot_ shows (WriteGeneration::kUnknown: not known).
  uint64_t generation_;
  std::shared_ptr<const Catalog> catalog_;
  std::shared_ptr<const RevertedLoads> reverted_;
  rocksdb::ReadOptions ro_;
  std::unique_ptr<rocksdb::Iterator> obs_it_;
  // True if obs_it_ stands on the first chunk of its series (after a completed scan).
  bool positioned_at_start_ = false;
  // Scratch of LoadVersions, reused so that reading a series allocates (almost) nothing.
  VersionColumns raw_, merged_;
  // The versions DecodeVersions gave: raw_, or a cache entry that held_ keeps alive.
  const VersionColumns* versions_ = &raw_;
  std::shared_ptr<const DecodedSeries> held_;
  const VersionColumns* sorted_ = &raw_;
  std::vector<uint32_t> starts_, order_, tmp_, cur_, end_, firsts_;
  // ChooseBySlots: the runs it reads, and per period from slot_lo_ the row chosen (UINT32_MAX:
  // none yet).
  std::vector<uint32_t> run_order_, slots_;
  int32_t slot_lo_ = 0;
  std::string scratch_;
  // The store's cache of decoded series (null: none), the reads this view has made, and the
  // chunks of the series being read (keys and blobs, as the cache compares them).
  DecodedSeriesCache* cache_;
  size_t reads_ = 0;
  std::string source_;
};

}  // namespace

namespace internal {

std::unique_ptr<ReadView> NewReadViewImpl(rocksdb::DB* db,
                                          const std::vector<rocksdb::ColumnFamilyHandle*>* cfs,
                                          std::shared_ptr<const rocksdb::Snapshot> snapshot,
                                          uint64_t generation,
                                          std::shared_ptr<const Catalog> catalog,
                                          std::shared_ptr<const RevertedLoads> reverted,
                                          DecodedSeriesCache* cache) {
  return std::make_unique<ReadViewImpl>(db, cfs, std::move(snapshot), generation,
                                        std::move(catalog), std::move(reverted), cache);
}

std::shared_ptr<const rocksdb::Snapshot> TakeSnapshot(rocksdb::DB* db) {
  return std::shared_ptr<const rocksdb::Snapshot>(
      db->GetSnapshot(), [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
}

}  // namespace internal

}  // namespace ixdb::storage
