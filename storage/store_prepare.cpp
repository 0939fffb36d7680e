// Preparing a batch: validation, then the keys it will write. Nothing is written here; the
// result is a WritePlan that store_write.cpp commits atomically.
//  1. metadata (new series, changed metadata kept in the history, widened series rewritten);
//  2. observations (store_prepare_observations.cpp): resolve series, validate every row, group
//     rows by series, compare each series with what is stored and encode its new versions as
//     one chunk;
//  3. targets.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace internal {

namespace {
bool ValidFrequency(Frequency f) {
  return f == Frequency::kAnnual || f == Frequency::kQuarterly || f == Frequency::kMonthly;
}
}  // namespace

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

Status FormulaNotData(std::string_view code) {
  const std::string c(code);
  return Status::InvalidArgument(
      c +
      " is a formula (ixdb define): its values are computed, not stored; "
      "`ixdb define --drop " +
      c + "` frees the code for data");
}

bool IsWidening(const SeriesMeta& from, const SeriesMeta& to) {
  if (!to.cumulative) return false;
  if (from.frequency == Frequency::kAnnual && !from.cumulative) {
    return to.frequency == Frequency::kQuarterly || to.frequency == Frequency::kMonthly;
  }
  return from.frequency == Frequency::kQuarterly && from.cumulative &&
         to.frequency == Frequency::kMonthly;
}

int32_t WidenedPeriod(const SeriesMeta& from, const SeriesMeta& to, int32_t index) {
  const Period p{from.frequency, index};
  const int ratio = PeriodsPerYear(to.frequency) / PeriodsPerYear(from.frequency);
  // The span ending with the last sub-period of `p`: a year is its Q4 / M12 span, a quarter
  // span its last month.
  return p.year() * PeriodsPerYear(to.frequency) + p.sub() * ratio - 1;
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

}  // namespace internal

namespace {

bool SameTarget(const TargetRecord& a, const TargetRecord& b) {
  return a.comparator == b.comparator && SameValue(a.value, b.value) &&
         SameValue(a.tolerance, b.tolerance) && SameValue(a.value_high, b.value_high) &&
         a.on == b.on && a.about == b.about && a.unit == b.unit && a.relative_to == b.relative_to &&
         a.text == b.text && a.deleted == b.deleted;
}

TargetRecord ToTargetRecord(const Target& t, uint64_t load_id) {
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
  r.load_id = load_id;
  return r;
}

// What was known of target t at t.vintage: the newest version with vintage <= t.vintage of a
// load that is not retracted, from the store (`cf` of `db`) and from this write (`staged`:
// staged puts sort after stored ones of equal vintage: higher seq). *prev: its key and record.
Status KnownTarget(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                   const std::map<std::string, std::string>& staged, const RevertedLoads& reverted,
                   uint32_t id, const Target& t,
                   std::optional<std::pair<std::string, TargetRecord>>* prev) {
  const std::string prefix =
      TargetGroupPrefix(id, static_cast<uint8_t>(t.period.freq), t.period.index);
  std::string bound = prefix;
  PutOrderedInt32(&bound, t.vintage.days);
  PutFixed64BE(&bound, UINT64_MAX);
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekForPrev(bound); it->Valid() && StartsWith(it->key(), prefix); it->Prev()) {
      TargetRecord r;
      if (!DecodeTarget(View(it->value()), &r))
        return Status::Corruption("bad target record " + Hex(View(it->key())));
      if (reverted.Hidden(r.load_id)) continue;
      prev->emplace(it->key().ToString(), std::move(r));
      break;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading targets");
  }
  auto sit = staged.upper_bound(bound);
  if (sit != staged.begin()) {
    --sit;
    if (sit->first.compare(0, prefix.size(), prefix) == 0 &&
        (!*prev || sit->first > (*prev)->first)) {
      TargetRecord r;
      if (!DecodeTarget(sit->second, &r)) return Status::Corruption("bad staged target");
      prev->emplace(sit->first, std::move(r));
    }
  }
  return Status::OK();
}

}  // namespace

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

Status StoreImpl::ReadVersions(uint32_t id, const WriteState& st, VersionColumns* cols,
                               std::vector<std::string>* keys, std::string* scratch) {
  cols->Clear();
  keys->clear();
  std::vector<uint32_t> runs;
  if (!st.replaced_chunks.count(id)) {
    const std::string prefix = SeriesPrefix(id);
    rocksdb::ReadOptions ro;
    const std::string upper = SeriesPrefix(id + 1);
    rocksdb::Slice upper_slice(upper);
    if (id != UINT32_MAX) ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[kObsCf]));
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      keys->emplace_back(it->key().data(), it->key().size());
      Status s = DecodeChunk(View(it->value()), cols, scratch, &runs);
      if (!s.ok()) return Status::Corruption(s.message() + " (obs key " + Hex(keys->back()) + ")");
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading observations");
  }
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

Status StoreImpl::PrepareBatch(const WriteBatch& batch, WriteState* st, WritePlan* plan) {
  const uint64_t seq = st->counters.next_seq++;
  plan->chunk_seq = seq;
  if (Status s = PrepareMetadata(batch, seq, st, plan); !s.ok()) return s;
  if (Status s = PrepareObservations(batch, seq, st, plan); !s.ok()) return s;
  return PrepareTargets(batch, seq, st);
}

// Step 1: metadata. A new series gets an id; changed metadata keeps the old record in the
// history; a widened series (annual -> cumulative quarterly/monthly) has its stored periods
// rewritten.
Status StoreImpl::PrepareMetadata(const WriteBatch& batch, uint64_t seq, WriteState* st,
                                  WritePlan* plan) {
  std::map<std::string, const SeriesMeta*, std::less<>> batch_meta;
  for (const SeriesMeta& m : batch.series()) {
    if (Status s = ValidateMeta(m); !s.ok()) return s;
    if (m.IsFormula() || !m.formula_uses.empty()) {
      return Status::InvalidArgument("series " + m.code +
                                     ": a formula is written by WriteFormulas, not with data");
    }
    auto [it, inserted] = batch_meta.emplace(m.code, &m);
    if (!inserted && !MetaEqualIgnoringUpdated(*it->second, m)) {
      return Status::InvalidArgument("series " + m.code +
                                     " has two different metadata records in one batch");
    }
  }
  for (const auto& [code, mp] : batch_meta) {
    SeriesInfo info;
    Status s = ResolveSeries(code, st, &info);
    if (s.IsNotFound() && catalog_->FindFormula(code) != nullptr) return FormulaNotData(code);
    if (s.IsNotFound()) {
      info.id = st->counters.next_series_id++;
      if (info.id == 0 || info.id == UINT32_MAX) return Status::LimitExceeded("too many series");
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
    const bool frequency_changes =
        info.meta.frequency != mp->frequency || info.meta.cumulative != mp->cumulative;
    if (frequency_changes) {
      if (!IsWidening(info.meta, *mp)) {
        return Status::InvalidArgument(
            "series " + code + " is " + FrequencyName(info.meta.frequency) +
            (info.meta.cumulative ? " cumulative" : "") + ": it cannot become " +
            FrequencyName(mp->frequency) + (mp->cumulative ? " cumulative" : "") +
            " (only annual series widen into cumulative quarterly or monthly ones)");
      }
      if (Status w = Widen(info, *mp, seq, st, plan); !w.ok()) return w;
    }
    // Changed metadata: keep the old record in the history.
    std::string old;
    EncodeMeta(info.meta, &old);
    st->catalog[HistoryKey(info.id, seq)] = old;
    auto& touch = st->touched[info.id];
    if (!(touch.first & kTouchMeta)) touch.second = seq;
    touch.first |= kTouchMeta;
    info.meta = *mp;
    info.meta.updated = st->meta_vintage;
    st->staged_series[code] = info;
    st->catalog[CatalogKey(kTagCode, code)] = CodeRecord(info.id, info.meta);
    st->summary.series_updated++;
  }
  return Status::OK();
}

// Every version keeps its vintage, load and seq; only its period becomes the equivalent span of
// the finer frequency, so every earlier as-of read gives the same values. The series' chunks
// become one chunk and its targets move to the new periods.
Status StoreImpl::Widen(const SeriesInfo& before, const SeriesMeta& after, uint64_t /*seq*/,
                        WriteState* st, WritePlan* plan) {
  // A key of its own: the batch's chunk of this series takes the batch's seq.
  const uint64_t seq = st->counters.next_seq++;
  VersionColumns all;
  std::vector<std::string> keys;
  std::string scratch;
  if (Status s = ReadVersions(before.id, *st, &all, &keys, &scratch); !s.ok()) return s;
  for (auto& p : all.period) p = WidenedPeriod(before.meta, after, p);
  all.Sort();
  if (all.size() > 0) {
    SeriesOut out;
    out.id = before.id;
    EncodeChunk(all, chunk_layout_, options_.zstd_level, &out.blob, &scratch);
    out.key = ObsKey(before.id, seq);
    out.rows = all.size();
    plan->rows += out.rows;
    for (auto& k : keys) plan->obs_deletes.push_back(std::move(k));
    st->staged_chunks[before.id].push_back(out.blob);
    plan->obs_puts.emplace_back(std::move(out.key), std::move(out.blob));
  }
  st->replaced_chunks.insert(before.id);
  // Targets: every version moves to the widened period (same vintage and seq).
  const std::string prefix = SeriesPrefix(before.id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kTargetsCf]));
  for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
    TargetKeyParts k;
    if (!ParseTargetKey(View(it->key()), &k))
      return Status::Corruption("bad target key " + Hex(View(it->key())));
    st->target_deletes.push_back(it->key().ToString());
    k.freq = static_cast<uint8_t>(after.frequency);
    k.period = WidenedPeriod(before.meta, after, k.period);
    st->targets[TargetKey(k)] = it->value().ToString();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading targets");
  st->touched[before.id].first |= kTouchObs | kTouchTargets;
  st->summary.series_widened++;
  return Status::OK();
}

// Step 3: targets. A target version records nothing when it equals what was known at its
// vintage; a target given again at the same vintage with another value replaces that
// release's version (counted as targets_replaced).
Status StoreImpl::PrepareTargets(const WriteBatch& batch, uint64_t seq, WriteState* st) {
  const auto& targets = batch.targets();
  if (targets.empty()) return Status::OK();
  std::vector<SeriesInfo> infos(targets.size());
  std::vector<uint32_t> order(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    if (Status c = ValidateSeriesCode(t.series); !c.ok()) return c;
    Status s = ResolveSeries(t.series, st, &infos[i]);
    if (s.IsNotFound() && catalog_->FindFormula(t.series) != nullptr)
      return FormulaNotData(t.series);
    if (s.IsNotFound()) {
      return Status::InvalidArgument("target of unknown series '" + t.series +
                                     "' (add its metadata to the batch first)");
    }
    if (!s.ok()) return s;
    if (Status v = ValidatePeriod(t.series, infos[i].meta, t.period, t.vintage, "target");
        !v.ok()) {
      return v;
    }
    if (static_cast<uint8_t>(t.comparator) > static_cast<uint8_t>(Comparator::kGreater)) {
      return Status::InvalidArgument("target " + DescribeObs(t.series, t.period, t.vintage) +
                                     ": bad comparator");
    }
    order[i] = static_cast<uint32_t>(i);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (infos[a].id != infos[b].id) return infos[a].id < infos[b].id;
    if (targets[a].period.index != targets[b].period.index) {
      return targets[a].period.index < targets[b].period.index;
    }
    if (targets[a].vintage != targets[b].vintage) return targets[a].vintage < targets[b].vintage;
    return a < b;
  });
  const RevertedLoads& reverted = *reverted_;
  for (size_t k = 0; k < order.size(); ++k) {
    const Target& t = targets[order[k]];
    const SeriesInfo& info = infos[order[k]];
    TargetRecord rec = ToTargetRecord(t, st->load_id);
    if (k > 0) {
      const Target& pt = targets[order[k - 1]];
      if (infos[order[k - 1]].id == info.id && pt.period == t.period && pt.vintage == t.vintage) {
        if (!SameTarget(ToTargetRecord(pt, st->load_id), rec) || pt.source != t.source) {
          return Status::InvalidArgument("target " + DescribeObs(t.series, t.period, t.vintage) +
                                         " appears twice in the batch with different values");
        }
        st->summary.targets_unchanged++;
        continue;
      }
    }
    std::optional<std::pair<std::string, TargetRecord>> prev;  // key, record
    if (Status s =
            KnownTarget(db_.get(), handles_[kTargetsCf], st->targets, reverted, info.id, t, &prev);
        !s.ok()) {
      return s;
    }
    const bool live_prev = prev && !prev->second.deleted;
    if ((t.deleted && !live_prev) || (live_prev && SameTarget(prev->second, rec))) {
      st->summary.targets_unchanged++;
      continue;
    }
    TargetKeyParts pk;
    if (prev && ParseTargetKey(prev->first, &pk) && pk.vintage == t.vintage.days) {
      st->summary.targets_replaced++;
    }
    std::string v;
    EncodeTarget(rec, &v);
    st->targets[TargetKey(info.id, static_cast<uint8_t>(t.period.freq), t.period.index,
                          t.vintage.days, seq)] = v;
    st->summary.targets_added++;
    st->touched[info.id].first |= kTouchTargets;
  }
  return Status::OK();
}

}  // namespace ixdb::storage
