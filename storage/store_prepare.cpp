// Preparing a batch: validation, then the keys it will write. Nothing is written here; the
// result is a WritePlan that store_write.cpp commits atomically.
//  1. metadata (new series, changed metadata kept in the history, widened series rewritten);
//  2. observations: resolve series, validate every row, group rows by series, compare each
//     series with what is stored and encode its new versions as one chunk;
//  3. targets.
#include <algorithm>
#include <atomic>
#include <new>

#include "common/parallel.hpp"
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

}  // namespace internal

namespace {

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

// The rows of a batch regrouped by series (a stable counting sort: O(n)) with each column
// scattered into that order once, so that the per-series work reads memory sequentially
// (rows of one series are often far apart in the input, e.g. a wide file: one period of every
// series after the other).
struct GroupedRows {
  std::vector<uint32_t> order;       // sorted position -> input row
  std::vector<size_t> group_start;   // start of each series' rows, then n
  std::vector<int32_t> P, V;         // period index, vintage
  std::vector<double> X;             // value
  std::vector<uint8_t> ST, Q, D;     // status, qualifier, deleted
  std::vector<uint32_t> SG, SR;      // stage, source (only when the batch has strings)
  std::vector<uint8_t> E;            // extent (only when the batch has combined periods)
  bool has_strings = false;

  size_t groups() const { return group_start.size() - 1; }
  // Orders rows [b, e) by (period, vintage), keeping input order among equals.
  void SortGroup(size_t b, size_t e);
};

GroupedRows GroupBySeries(const WriteBatch& batch, int threads) {
  GroupedRows g;
  const size_t n = batch.observation_count();
  const auto& sref = batch.obs_series();
  const size_t ncodes = batch.series_codes().size();
  g.order.resize(n);
  std::vector<uint32_t> dest(n);  // input row -> sorted position
  {
    std::vector<size_t> count(ncodes + 1, 0);
    for (size_t i = 0; i < n; ++i) ++count[sref[i] + 1];
    for (size_t r = 0; r < ncodes; ++r) {
      if (count[r + 1] > 0) g.group_start.push_back(count[r]);
      count[r + 1] += count[r];
    }
    for (size_t i = 0; i < n; ++i) {
      dest[i] = static_cast<uint32_t>(count[sref[i]]++);
      g.order[dest[i]] = static_cast<uint32_t>(i);
    }
  }
  g.group_start.push_back(n);
  g.has_strings = batch.strings().size() > 1;
  g.P.resize(n);
  g.V.resize(n);
  g.X.resize(n);
  g.ST.resize(n);
  g.Q.resize(n);
  g.D.resize(n);
  if (g.has_strings) {
    g.SG.resize(n);
    g.SR.resize(n);
  }
  if (!batch.obs_extent().empty()) {
    g.E.resize(n);
    for (size_t i = 0; i < n; ++i) g.E[dest[i]] = batch.obs_extent()[i];
  }
  // Two halves of the columns, scattered on two threads for large batches.
  auto scatter = [&](size_t part, int) {
    if (part == 0) {
      for (size_t i = 0; i < n; ++i) g.P[dest[i]] = batch.obs_period()[i].index;
      for (size_t i = 0; i < n; ++i) g.V[dest[i]] = batch.obs_vintage()[i].days;
      if (g.has_strings) {
        for (size_t i = 0; i < n; ++i) g.SG[dest[i]] = batch.obs_stage()[i];
      }
    } else {
      for (size_t i = 0; i < n; ++i) g.X[dest[i]] = batch.obs_value()[i];
      for (size_t i = 0; i < n; ++i) g.ST[dest[i]] = batch.obs_status()[i];
      for (size_t i = 0; i < n; ++i) g.Q[dest[i]] = batch.obs_qualifier()[i];
      for (size_t i = 0; i < n; ++i) g.D[dest[i]] = batch.obs_deleted()[i];
      if (g.has_strings) {
        for (size_t i = 0; i < n; ++i) g.SR[dest[i]] = batch.obs_source()[i];
      }
    }
    return Status::OK();
  };
  (void)ParallelFor(2, n >= kParallelRows ? threads : 1, scatter);  // cannot fail
  return g;
}

void GroupedRows::SortGroup(size_t b, size_t e) {
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
    std::copy(tmp.begin(), tmp.end(), col.begin() + static_cast<ptrdiff_t>(b));
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
  if (!E.empty()) permute(E);
}

// The versions of `all` a read sees: those of retracted loads left out.
void VisibleVersions(const VersionColumns& all, const RevertedLoads& reverted, VersionColumns* out) {
  out->Clear();
  out->Reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    if (!reverted.Hidden(all.load_id[i])) out->AppendRow(all, i);
  }
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

void StoreImpl::EncodeSeries(uint32_t id, const VersionColumns& existing,
                             const std::vector<std::string>& existing_keys,
                             const VersionColumns& fresh, uint64_t seq, bool bulk,
                             SeriesOut* out, std::string* scratch) const {
  out->id = id;
  // Consolidate when this write would exceed the chunk limit (not inside a bulk write, whose
  // earlier chunks are staged in files that cannot be deleted before they are ingested).
  const bool consolidate = !bulk && static_cast<int>(existing_keys.size()) + 1 >
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
  out->vintages.erase(std::unique(out->vintages.begin(), out->vintages.end()), out->vintages.end());
}

void StoreImpl::ApplySeries(SeriesOut&& out, WriteState* st, WritePlan* plan) {
  plan->rows += out.rows;
  for (auto& k : out.deletes) plan->obs_deletes.push_back(std::move(k));
  for (int32_t v : out.vintages) plan->vindex.insert(VintageKey(v, out.id));
  if (st->bulk) st->staged_chunks[out.id].push_back(out.blob);
  plan->obs_puts.emplace_back(std::move(out.key), std::move(out.blob));
  st->touched[out.id].first |= kTouchObs;
}

Status StoreImpl::PrepareBatch(const WriteBatch& batch, WriteState* st, WritePlan* plan) {
  const uint64_t seq = st->counters.next_seq++;
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
    EncodeChunk(all, options_.zstd_level, &out.blob, &scratch);
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
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kTargetsCf]));
  for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
    TargetKeyParts k;
    if (!ParseTargetKey(View(it->key()), &k)) return Status::Corruption("bad target key " + Hex(View(it->key())));
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

// Step 2: observations.
Status StoreImpl::PrepareObservations(const WriteBatch& batch, uint64_t seq, WriteState* st,
                                      WritePlan* plan) {
  const auto& codes = batch.series_codes();
  const size_t n = batch.observation_count();
  if (n == 0) return Status::OK();
  // 2a. Resolve each referenced series once.
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
  const int threads = options_.threads;
  // 2b. Validate every row: a cheap check (in parallel for large writes) finds the first bad one;
  // the full check then builds its message.
  {
    const auto& ps = batch.obs_period();
    const auto& vs = batch.obs_vintage();
    std::vector<uint8_t> freq_of(codes.size(), 0);
    for (size_t r = 0; r < codes.size(); ++r) {
      if (used[r]) freq_of[r] = static_cast<uint8_t>(refs[r].meta.frequency);
    }
    const int32_t min_v = kMinVintage.days, max_v = kMaxVintage.days;
    const size_t parts = n >= kParallelRows ? 2 : 1;
    std::vector<size_t> bad(parts, n);
    (void)ParallelFor(parts, threads, [&](size_t part, int) {
      const size_t begin = n * part / parts, end = n * (part + 1) / parts;
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
          bad[part] = i;
          break;
        }
      }
      return Status::OK();
    });
    // A row covering several periods (combined 1-2月) belongs to a plain series and stays in its
    // year.
    if (!batch.obs_extent().empty()) {
      for (size_t i = 0; i < n; ++i) {
        const uint8_t e = batch.obs_extent()[i];
        if (e == 0) continue;
        const uint32_t r = batch.obs_series()[i];
        if (refs[r].meta.cumulative || ps[i].sub() <= e) {
          return Status::InvalidArgument("observation " + DescribeObs(codes[r], ps[i], vs[i]) +
                                         ": a combined period must lie within one year of a "
                                         "plain (not cumulative) series");
        }
      }
    }
    const size_t first_bad = *std::min_element(bad.begin(), bad.end());
    if (first_bad < n) {
      const uint32_t r = batch.obs_series()[first_bad];
      Status s = ValidatePeriod(codes[r], refs[r].meta, ps[first_bad], vs[first_bad], "observation");
      if (!s.ok()) return s;
      return Status::InvalidArgument("observation " + DescribeObs(codes[r], ps[first_bad], vs[first_bad]) +
                                     ": bad status or qualifier");
    }
  }
  // 2c. Group the rows by series.
  GroupedRows g = GroupBySeries(batch, threads);
  const auto& strings = batch.strings();
  auto stage_of = [&](size_t k) -> const std::string& { return strings[g.has_strings ? g.SG[k] : 0]; };
  auto source_of = [&](size_t k) -> const std::string& { return strings[g.has_strings ? g.SR[k] : 0]; };
  auto extent_of = [&](size_t k) -> uint8_t { return g.E.empty() ? 0 : g.E[k]; };
  const RevertedLoads& reverted = *reverted_;  // current: writers hold write_mu_

  // 2d. Compare each series with what is stored and encode its new versions, independently (on
  // several threads for large writes); the results are applied to the plan in series order.
  struct Work {
    SeriesOut out;
    WriteSummary summary;
    bool has_chunk = false;
  };
  struct Scratch {
    VersionColumns existing, visible, fresh;
    std::vector<std::string> keys;
    std::string buf;
  };
  const size_t groups = g.groups();
  std::vector<Work> work(groups);
  std::vector<Scratch> scratch(static_cast<size_t>(std::max(1, threads)));
  auto process = [&](size_t gi, int worker) -> Status {
    Scratch& sc = scratch[static_cast<size_t>(worker)];
    Work& w = work[gi];
    WriteSummary& sum = w.summary;
    const size_t b = g.group_start[gi], e = g.group_start[gi + 1];
    g.SortGroup(b, e);
    const SeriesInfo& info = refs[batch.obs_series()[g.order[b]]];
    const uint32_t id = info.id;
    sc.existing.Clear();
    sc.keys.clear();
    if (info.exists || st->staged_chunks.count(id)) {
      if (Status s = ReadVersions(id, *st, &sc.existing, &sc.keys, &sc.buf); !s.ok()) return s;
    }
    // Versions of retracted loads are history only: what was known is judged without them.
    const VersionColumns* known = &sc.existing;
    if (!reverted.empty()) {
      VisibleVersions(sc.existing, reverted, &sc.visible);
      known = &sc.visible;
    }
    const VersionColumns& ex = *known;
    VersionColumns& fresh = sc.fresh;
    fresh.Clear();
    fresh.Reserve(e - b);
    size_t ei = 0;  // first existing row of the current period
    for (size_t k0 = b; k0 < e;) {
      const int32_t p = g.P[k0];
      size_t ge = k0;
      while (ge < e && g.P[ge] == p) ++ge;
      while (ei < ex.size() && ex.period[ei] < p) ++ei;
      size_t ee = ei;
      while (ee < ex.size() && ex.period[ee] == p) ++ee;
      size_t ej = ei;           // existing rows [ei, ej) have vintage <= current
      int64_t batch_last = -1;  // row of `fresh` recorded last for this period
      for (size_t k = k0; k < ge; ++k) {
        const int32_t v = g.V[k];
        if (k > k0 && g.V[k - 1] == v) {
          if (!SameValue(g.X[k - 1], g.X[k]) || g.ST[k - 1] != g.ST[k] || g.Q[k - 1] != g.Q[k] ||
              g.D[k - 1] != g.D[k] || stage_of(k - 1) != stage_of(k) ||
              source_of(k - 1) != source_of(k) || extent_of(k - 1) != extent_of(k)) {
            const uint32_t row = g.order[k];
            return Status::InvalidArgument(
                "observation " +
                DescribeObs(codes[batch.obs_series()[row]], batch.obs_period()[row], batch.obs_vintage()[row]) +
                " appears twice in the batch with different values");
          }
          sum.unchanged++;
          continue;
        }
        while (ej < ee && ex.vintage[ej] <= v) ++ej;
        // What was known at vintage v: the newest of the existing and this batch's versions.
        bool have_prev = false;
        double pv = kMissing;
        int32_t pvint = 0;
        uint8_t pst = 0, pq = 0, pdel = 0, pext = 0;
        if (batch_last >= 0 && (ej == ei || fresh.vintage[batch_last] >= ex.vintage[ej - 1])) {
          have_prev = true;
          pv = fresh.value[batch_last];
          pvint = fresh.vintage[batch_last];
          pst = fresh.status[batch_last];
          pq = fresh.qualifier[batch_last];
          pdel = fresh.deleted[batch_last];
          pext = fresh.ExtentAt(static_cast<size_t>(batch_last));
        } else if (ej > ei) {
          have_prev = true;
          pv = ex.value[ej - 1];
          pvint = ex.vintage[ej - 1];
          pst = ex.status[ej - 1];
          pq = ex.qualifier[ej - 1];
          pdel = ex.deleted[ej - 1];
          pext = ex.ExtentAt(ej - 1);
        }
        const bool live_prev = have_prev && !pdel;
        const bool is_del = g.D[k] != 0;
        if (is_del) {
          if (!live_prev) {
            sum.unchanged++;
            continue;
          }
          sum.deletions++;
        } else if (live_prev && SameValue(pv, g.X[k]) && pst == g.ST[k] && pq == g.Q[k] &&
                   pext == extent_of(k)) {
          sum.unchanged++;
          continue;
        } else {
          sum.observations_added++;
          // A later load at the same vintage corrects that release; otherwise a changed value
          // is a revision.
          if (have_prev && pvint == v) {
            sum.corrections++;
          } else if (live_prev) {
            sum.revisions++;
          }
        }
        if (sum.min_vintage.days == 0 || v < sum.min_vintage.days) sum.min_vintage = Date{v};
        if (v > sum.max_vintage.days) sum.max_vintage = Date{v};
        fresh.PushRow(p, v, seq, st->load_id, is_del ? kMissing : Canonical(g.X[k]),
                      is_del ? 0 : g.ST[k], is_del ? 0 : g.Q[k], is_del ? 1 : 0,
                      is_del || !g.has_strings ? 0 : fresh.InternString(stage_of(k)),
                      is_del || !g.has_strings ? 0 : fresh.InternString(source_of(k)));
        fresh.SetExtent(fresh.size() - 1, is_del ? 0 : extent_of(k));
        batch_last = static_cast<int64_t>(fresh.size() - 1);
      }
      k0 = ge;
    }
    if (fresh.size() > 0) {
      EncodeSeries(id, sc.existing, sc.keys, fresh, seq, st->bulk, &w.out, &sc.buf);
      w.has_chunk = true;
    }
    return Status::OK();
  };
  if (Status s = ParallelFor(groups, n >= kParallelRows ? threads : 1, process); !s.ok()) return s;
  // 2e. Apply, in series order.
  for (Work& w : work) {
    const WriteSummary& x = w.summary;
    WriteSummary& total = st->summary;
    total.unchanged += x.unchanged;
    total.deletions += x.deletions;
    total.observations_added += x.observations_added;
    total.revisions += x.revisions;
    total.corrections += x.corrections;
    if (x.min_vintage.days != 0 && (total.min_vintage.days == 0 || x.min_vintage < total.min_vintage)) {
      total.min_vintage = x.min_vintage;
    }
    if (x.max_vintage > total.max_vintage) total.max_vintage = x.max_vintage;
    if (w.has_chunk) ApplySeries(std::move(w.out), st, plan);
  }
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
    if (s.IsNotFound()) {
      return Status::InvalidArgument("target of unknown series '" + t.series +
                                     "' (add its metadata to the batch first)");
    }
    if (!s.ok()) return s;
    if (Status v = ValidatePeriod(t.series, infos[i].meta, t.period, t.vintage, "target"); !v.ok()) {
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
  const RevertedLoads& reverted = *reverted_;
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
    // What was known at t.vintage: the newest version with vintage <= t.vintage of a load that
    // is not retracted, from the store and from this write (staged puts sort after stored ones
    // of equal vintage: higher seq).
    const std::string prefix = TargetGroupPrefix(info.id, static_cast<uint8_t>(t.period.freq), t.period.index);
    std::string bound = prefix;
    PutOrderedInt32(&bound, t.vintage.days);
    PutFixed64BE(&bound, UINT64_MAX);
    std::optional<std::pair<std::string, TargetRecord>> prev;  // key, record
    {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kTargetsCf]));
      for (it->SeekForPrev(bound); it->Valid() && StartsWith(it->key(), prefix); it->Prev()) {
        TargetRecord r;
        if (!DecodeTarget(View(it->value()), &r)) return Status::Corruption("bad target record " + Hex(View(it->key())));
        if (reverted.Hidden(r.load_id)) continue;
        prev.emplace(it->key().ToString(), std::move(r));
        break;
      }
      if (!it->status().ok()) return FromRocks(it->status(), "reading targets");
    }
    auto sit = st->targets.upper_bound(bound);
    if (sit != st->targets.begin()) {
      --sit;
      if (sit->first.compare(0, prefix.size(), prefix) == 0 && (!prev || sit->first > prev->first)) {
        TargetRecord r;
        if (!DecodeTarget(sit->second, &r)) return Status::Corruption("bad staged target");
        prev.emplace(sit->first, std::move(r));
      }
    }
    const bool live_prev = prev && !prev->second.deleted;
    if ((t.deleted && !live_prev) || (live_prev && same(prev->second, rec))) {
      st->summary.targets_unchanged++;
      continue;
    }
    TargetKeyParts pk;
    if (prev && ParseTargetKey(prev->first, &pk) && pk.vintage == t.vintage.days) {
      st->summary.targets_replaced++;
    }
    std::string v;
    EncodeTarget(rec, &v);
    st->targets[TargetKey(info.id, static_cast<uint8_t>(t.period.freq), t.period.index, t.vintage.days, seq)] = v;
    st->summary.targets_added++;
    st->touched[info.id].first |= kTouchTargets;
  }
  return Status::OK();
}

}  // namespace ixdb::storage
