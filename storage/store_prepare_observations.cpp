// Step 2 of preparing a batch (store_prepare.cpp): observations. Resolve the series, validate
// every row, group the rows by series, compare each series with what is stored and encode its
// new versions as one chunk, then apply the results in series order.
#include <algorithm>
#include <string>
#include <vector>

#include "common/huge_pages.hpp"
#include "common/parallel.hpp"
#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace internal {

// The rows of a batch grouped by series, each series' rows ordered by (period, vintage), as
// columns the per-series work reads sequentially. A batch already in that order (a bulk
// loader's: it groups and sorts its rows itself) is read in place; any other is regrouped by a
// stable counting sort (O(n)) with each column scattered into the buffers below once (rows of
// one series are often far apart in the input, e.g. a wide file: one period of every series
// after the other). Reading in place matters for speed: the buffers of the first batch of a
// load are fresh memory, and on a virtual machine first touching it costs more than the copy.
struct GroupedRows {
  std::vector<size_t> group_start;  // start of each series' rows, then n
  // The columns in grouped order: the batch's own, or the buffers below.
  const Period* P = nullptr;
  const Date* V = nullptr;
  const double* X = nullptr;
  const uint8_t *ST = nullptr, *Q = nullptr, *D = nullptr;  // status, qualifier, deleted
  const uint32_t *SG = nullptr, *SR = nullptr;              // stage, source (has_strings)
  const uint8_t* E = nullptr;  // extent (null while every row covers one period)
  bool in_place = false;       // the columns are the batch's: row k is input row k
  bool has_strings = false;
  const std::vector<std::string>* strings = nullptr;  // the batch's

  // Regrouping buffers, kept from one batch of a bulk write to the next: memory already
  // touched costs no page faults.
  std::vector<uint32_t> order;  // grouped position -> input row
  std::vector<Period> P_buf;
  std::vector<Date> V_buf;
  std::vector<double> X_buf;
  std::vector<uint8_t> ST_buf, Q_buf, D_buf, E_buf;
  std::vector<uint32_t> SG_buf, SR_buf;
  std::vector<uint32_t> dest;  // scratch: input row -> grouped position

  size_t groups() const { return group_start.size() - 1; }
  int32_t PeriodAt(size_t k) const { return P[k].index; }
  int32_t VintageAt(size_t k) const { return V[k].days; }
  uint32_t InputRow(size_t k) const { return in_place ? static_cast<uint32_t>(k) : order[k]; }
  const std::string& Stage(size_t k) const { return (*strings)[has_strings ? SG[k] : 0]; }
  const std::string& Source(size_t k) const { return (*strings)[has_strings ? SR[k] : 0]; }
  uint8_t Extent(size_t k) const { return E == nullptr ? 0 : E[k]; }
  // Orders rows [b, e) by (period, vintage), keeping input order among equals.
  // REQUIRES: !in_place (rows read in place are in order already).
  void SortGroup(size_t b, size_t e);
};

namespace {

bool Before(const Period* p, const Date* v, size_t a, size_t b) {
  return p[a].index != p[b].index ? p[a].index < p[b].index : v[a].days < v[b].days;
}

// True if every series' rows are contiguous (a series never reappears after its run) and
// ordered by (period, vintage). *starts: where each run starts, then n.
bool InGroupedOrder(const WriteBatch& batch, std::vector<size_t>* starts) {
  const size_t n = batch.observation_count();
  const uint32_t* sref = batch.obs_series().data();
  const Period* p = batch.obs_period().data();
  const Date* v = batch.obs_vintage().data();
  std::vector<uint8_t> seen(batch.series_codes().size(), 0);
  starts->clear();
  for (size_t i = 0; i < n; ++i) {
    if (i == 0 || sref[i] != sref[i - 1]) {
      if (seen[sref[i]]) return false;
      seen[sref[i]] = 1;
      starts->push_back(i);
    } else if (Before(p, v, i, i - 1)) {
      return false;
    }
  }
  starts->push_back(n);
  return true;
}

}  // namespace

void GroupBySeries(const WriteBatch& batch, int threads, GroupedRows* out) {
  GroupedRows& g = *out;
  const size_t n = batch.observation_count();
  g.has_strings = !batch.obs_stage().empty();
  g.strings = &batch.strings();
  if (InGroupedOrder(batch, &g.group_start)) {
    g.in_place = true;
    g.P = batch.obs_period().data();
    g.V = batch.obs_vintage().data();
    g.X = batch.obs_value().data();
    g.ST = batch.obs_status().data();
    g.Q = batch.obs_qualifier().data();
    g.D = batch.obs_deleted().data();
    g.SG = g.has_strings ? batch.obs_stage().data() : nullptr;
    g.SR = g.has_strings ? batch.obs_source().data() : nullptr;
    g.E = batch.obs_extent().empty() ? nullptr : batch.obs_extent().data();
    return;
  }
  g.in_place = false;
  g.group_start.clear();
  const auto& sref = batch.obs_series();
  const size_t ncodes = batch.series_codes().size();
  ReserveHuge(g.order, n);
  g.order.resize(n);
  std::vector<uint32_t>& dest = g.dest;
  ReserveHuge(dest, n);
  dest.resize(n);  // input row -> grouped position
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
  auto size = [n](auto& col) {
    ReserveHuge(col, n);
    col.resize(n);
  };
  size(g.P_buf);
  size(g.V_buf);
  size(g.X_buf);
  size(g.ST_buf);
  size(g.Q_buf);
  size(g.D_buf);
  g.SG_buf.clear();
  g.SR_buf.clear();
  if (g.has_strings) {
    size(g.SG_buf);
    size(g.SR_buf);
  }
  g.E_buf.clear();
  if (!batch.obs_extent().empty()) {
    g.E_buf.resize(n);
    for (size_t i = 0; i < n; ++i) g.E_buf[dest[i]] = batch.obs_extent()[i];
  }
  // Two halves of the columns, scattered on two threads for large batches.
  auto scatter = [&](size_t part, int) {
    if (part == 0) {
      for (size_t i = 0; i < n; ++i) g.P_buf[dest[i]] = batch.obs_period()[i];
      for (size_t i = 0; i < n; ++i) g.V_buf[dest[i]] = batch.obs_vintage()[i];
      if (g.has_strings) {
        for (size_t i = 0; i < n; ++i) g.SG_buf[dest[i]] = batch.obs_stage()[i];
      }
    } else {
      for (size_t i = 0; i < n; ++i) g.X_buf[dest[i]] = batch.obs_value()[i];
      for (size_t i = 0; i < n; ++i) g.ST_buf[dest[i]] = batch.obs_status()[i];
      for (size_t i = 0; i < n; ++i) g.Q_buf[dest[i]] = batch.obs_qualifier()[i];
      for (size_t i = 0; i < n; ++i) g.D_buf[dest[i]] = batch.obs_deleted()[i];
      if (g.has_strings) {
        for (size_t i = 0; i < n; ++i) g.SR_buf[dest[i]] = batch.obs_source()[i];
      }
    }
    return Status::OK();
  };
  (void)ParallelFor(2, n >= kParallelRows ? threads : 1, scatter);  // cannot fail
  g.P = g.P_buf.data();
  g.V = g.V_buf.data();
  g.X = g.X_buf.data();
  g.ST = g.ST_buf.data();
  g.Q = g.Q_buf.data();
  g.D = g.D_buf.data();
  g.SG = g.has_strings ? g.SG_buf.data() : nullptr;
  g.SR = g.has_strings ? g.SR_buf.data() : nullptr;
  g.E = g.E_buf.empty() ? nullptr : g.E_buf.data();
}

void GroupedRows::SortGroup(size_t b, size_t e) {
  bool sorted = true;
  for (size_t k = b + 1; k < e && sorted; ++k) sorted = !Before(P, V, k, k - 1);
  if (sorted) return;
  std::vector<uint32_t> ix(e - b);
  for (size_t k = 0; k < ix.size(); ++k) ix[k] = static_cast<uint32_t>(b + k);
  std::stable_sort(ix.begin(), ix.end(),
                   [&](uint32_t x, uint32_t y) { return Before(P, V, x, y); });
  auto permute = [&](auto& col) {
    using T = typename std::decay_t<decltype(col)>::value_type;
    std::vector<T> tmp(ix.size());
    for (size_t k = 0; k < ix.size(); ++k) tmp[k] = col[ix[k]];
    std::copy(tmp.begin(), tmp.end(), col.begin() + static_cast<ptrdiff_t>(b));
  };
  permute(P_buf);
  permute(V_buf);
  permute(X_buf);
  permute(ST_buf);
  permute(Q_buf);
  permute(D_buf);
  permute(order);
  if (has_strings) {
    permute(SG_buf);
    permute(SR_buf);
  }
  if (!E_buf.empty()) permute(E_buf);
}
}  // namespace internal

namespace {

// The versions of `all` a read sees: those of retracted loads left out.
void VisibleVersions(const VersionColumns& all, const RevertedLoads& reverted,
                     VersionColumns* out) {
  out->Clear();
  out->Reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    if (!reverted.Hidden(all.load_id[i])) out->AppendRow(all, i);
  }
}

// Step 2b: every row valid. A cheap check (in parallel for large writes) finds the first bad
// one; the full check then builds its message. refs[r]: the series of code r, if used[r].
Status ValidateObservations(const WriteBatch& batch, const std::vector<SeriesInfo>& refs,
                            const std::vector<uint8_t>& used, int threads) {
  const auto& codes = batch.series_codes();
  const size_t n = batch.observation_count();
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
    return Status::InvalidArgument("observation " +
                                   DescribeObs(codes[r], ps[first_bad], vs[first_bad]) +
                                   ": bad status or qualifier");
  }
  return Status::OK();
}

// One series' rows of a batch compared with what was known of it (step 2d): the versions to
// record go to *fresh, the counts to *sum.
struct SeriesComparison {
  const WriteBatch& batch;
  const GroupedRows& g;
  const VersionColumns& ex;  // the series' versions a read sees, sorted
  uint64_t seq, load_id;
  VersionColumns* fresh;
  WriteSummary* sum;
};

// What was known of a period at some vintage: the newest version of the existing ones and this
// batch's.
struct KnownVersion {
  bool have = false;
  double value = kMissing;
  int32_t vintage = 0;
  uint8_t status = 0, qualifier = 0, deleted = 0, extent = 0;
};

// The newer of `fresh` row batch_last (if >= 0) and existing row ej - 1 (if ej > ei).
KnownVersion KnownAt(const VersionColumns& fresh, int64_t batch_last, const VersionColumns& ex,
                     size_t ei, size_t ej) {
  KnownVersion prev;
  if (batch_last >= 0 && (ej == ei || fresh.vintage[batch_last] >= ex.vintage[ej - 1])) {
    prev.have = true;
    prev.value = fresh.value[batch_last];
    prev.vintage = fresh.vintage[batch_last];
    prev.status = fresh.status[batch_last];
    prev.qualifier = fresh.qualifier[batch_last];
    prev.deleted = fresh.deleted[batch_last];
    prev.extent = fresh.ExtentAt(static_cast<size_t>(batch_last));
  } else if (ej > ei) {
    prev.have = true;
    prev.value = ex.value[ej - 1];
    prev.vintage = ex.vintage[ej - 1];
    prev.status = ex.status[ej - 1];
    prev.qualifier = ex.qualifier[ej - 1];
    prev.deleted = ex.deleted[ej - 1];
    prev.extent = ex.ExtentAt(ej - 1);
  }
  return prev;
}

// Counts row k (vintage v) against what was known; false if it records nothing.
bool CountChange(const GroupedRows& g, size_t k, int32_t v, const KnownVersion& prev,
                 WriteSummary* sum_out) {
  WriteSummary& sum = *sum_out;
  const bool live_prev = prev.have && !prev.deleted;
  const bool is_del = g.D[k] != 0;
  if (is_del) {
    if (!live_prev) {
      sum.unchanged++;
      return false;
    }
    sum.deletions++;
  } else if (live_prev && SameValue(prev.value, g.X[k]) && prev.status == g.ST[k] &&
             prev.qualifier == g.Q[k] && prev.extent == g.Extent(k)) {
    sum.unchanged++;
    return false;
  } else {
    sum.observations_added++;
    // A later load at the same vintage corrects that release; otherwise a changed value
    // is a revision.
    if (prev.have && prev.vintage == v) {
      sum.corrections++;
    } else if (live_prev) {
      sum.revisions++;
    }
  }
  if (sum.min_vintage.days == 0 || v < sum.min_vintage.days) sum.min_vintage = Date{v};
  if (v > sum.max_vintage.days) sum.max_vintage = Date{v};
  return true;
}

// Row k of period p, vintage v as a new version of this write.
void PushVersion(const SeriesComparison& s, size_t k, int32_t p, int32_t v) {
  const GroupedRows& g = s.g;
  VersionColumns& fresh = *s.fresh;
  const bool is_del = g.D[k] != 0;
  fresh.PushRow(p, v, s.seq, s.load_id, is_del ? kMissing : Canonical(g.X[k]), is_del ? 0 : g.ST[k],
                is_del ? 0 : g.Q[k], is_del ? 1 : 0,
                is_del || !g.has_strings ? 0 : fresh.InternString(g.Stage(k)),
                is_del || !g.has_strings ? 0 : fresh.InternString(g.Source(k)));
  fresh.SetExtent(fresh.size() - 1, is_del ? 0 : g.Extent(k));
}

// True if rows a and b (same period and vintage) say different things.
bool Differ(const GroupedRows& g, size_t a, size_t b) {
  return !SameValue(g.X[a], g.X[b]) || g.ST[a] != g.ST[b] || g.Q[a] != g.Q[b] || g.D[a] != g.D[b] ||
         g.Stage(a) != g.Stage(b) || g.Source(a) != g.Source(b) || g.Extent(a) != g.Extent(b);
}

// One period: rows [k0, ge) of the batch (by vintage) against existing rows [ei, ee).
Status ComparePeriod(const SeriesComparison& s, size_t k0, size_t ge, size_t ei, size_t ee) {
  const GroupedRows& g = s.g;
  const VersionColumns& ex = s.ex;
  const int32_t p = g.PeriodAt(k0);
  size_t ej = ei;           // existing rows [ei, ej) have vintage <= current
  int64_t batch_last = -1;  // row of `fresh` recorded last for this period
  for (size_t k = k0; k < ge; ++k) {
    const int32_t v = g.VintageAt(k);
    if (k > k0 && g.VintageAt(k - 1) == v) {
      if (Differ(g, k - 1, k)) {
        const WriteBatch& batch = s.batch;
        const uint32_t row = g.InputRow(k);
        return Status::InvalidArgument("observation " +
                                       DescribeObs(batch.series_codes()[batch.obs_series()[row]],
                                                   batch.obs_period()[row],
                                                   batch.obs_vintage()[row]) +
                                       " appears twice in the batch with different values");
      }
      s.sum->unchanged++;
      continue;
    }
    while (ej < ee && ex.vintage[ej] <= v) ++ej;
    // What was known at vintage v: the newest of the existing and this batch's versions.
    const KnownVersion prev = KnownAt(*s.fresh, batch_last, ex, ei, ej);
    if (!CountChange(g, k, v, prev, s.sum)) continue;
    PushVersion(s, k, p, v);
    batch_last = static_cast<int64_t>(s.fresh->size() - 1);
  }
  return Status::OK();
}

// Rows [b, e) of one series, period by period.
Status CompareSeries(const SeriesComparison& s, size_t b, size_t e) {
  const GroupedRows& g = s.g;
  const VersionColumns& ex = s.ex;
  size_t ei = 0;  // first existing row of the current period
  for (size_t k0 = b; k0 < e;) {
    const int32_t p = g.PeriodAt(k0);
    size_t ge = k0;
    while (ge < e && g.PeriodAt(ge) == p) ++ge;
    while (ei < ex.size() && ex.period[ei] < p) ++ei;
    size_t ee = ei;
    while (ee < ex.size() && ex.period[ee] == p) ++ee;
    if (Status st = ComparePeriod(s, k0, ge, ei, ee); !st.ok()) return st;
    k0 = ge;
  }
  return Status::OK();
}

// Step 2d's result for one series, and the scratch of one worker.
struct SeriesWork {
  SeriesOut out;
  WriteSummary summary;
  bool has_chunk = false;
};
struct SeriesScratch {
  VersionColumns existing, visible, fresh;
  std::vector<std::string> keys;
  std::string buf;
};

// Step 2e: one series' observation counts added to the write's.
void AddObservationCounts(const WriteSummary& x, WriteSummary* total_out) {
  WriteSummary& total = *total_out;
  total.unchanged += x.unchanged;
  total.deletions += x.deletions;
  total.observations_added += x.observations_added;
  total.revisions += x.revisions;
  total.corrections += x.corrections;
  if (x.min_vintage.days != 0 &&
      (total.min_vintage.days == 0 || x.min_vintage < total.min_vintage)) {
    total.min_vintage = x.min_vintage;
  }
  if (x.max_vintage > total.max_vintage) total.max_vintage = x.max_vintage;
}

}  // namespace

void StoreImpl::EncodeSeries(uint32_t id, const VersionColumns& existing,
                             const std::vector<std::string>& existing_keys,
                             const VersionColumns& fresh, uint64_t seq, bool bulk, SeriesOut* out,
                             std::string* scratch) const {
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
    EncodeChunk(merged, chunk_layout_, options_.zstd_level, &out->blob, scratch);
    out->deletes = existing_keys;
    out->rows = merged.size();
  } else {
    EncodeChunk(fresh, chunk_layout_, options_.zstd_level, &out->blob, scratch);
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
  for (int32_t v : out.vintages) plan->vindex.push_back(VintageEntry(v, out.id));
  plan->obs_puts.emplace_back(std::move(out.key), std::move(out.blob));
  st->touched[out.id].first |= kTouchObs;
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
    if (s.IsNotFound() && catalog_->FindFormula(codes[r]) != nullptr)
      return FormulaNotData(codes[r]);
    if (s.IsNotFound()) {
      return Status::InvalidArgument("observation of unknown series '" + codes[r] +
                                     "' (add its metadata to the batch first)");
    }
    if (!s.ok()) return s;
  }
  const int threads = options_.threads;
  // 2b. Validate every row.
  if (Status s = ValidateObservations(batch, refs, used, threads); !s.ok()) return s;
  // 2c. Group the rows by series.
  if (!st->grouped) st->grouped = std::make_shared<GroupedRows>();
  GroupedRows& g = *st->grouped;
  GroupBySeries(batch, threads, &g);
  const RevertedLoads& reverted = *reverted_;  // current: writers hold write_mu_

  // 2d. Compare each series with what is stored and encode its new versions, independently (on
  // several threads for large writes); the results are applied to the plan in series order.
  const size_t groups = g.groups();
  std::vector<SeriesWork> work(groups);
  std::vector<SeriesScratch> scratch(static_cast<size_t>(std::max(1, threads)));
  auto process = [&](size_t gi, int worker) -> Status {
    SeriesScratch& sc = scratch[static_cast<size_t>(worker)];
    SeriesWork& w = work[gi];
    const size_t b = g.group_start[gi], e = g.group_start[gi + 1];
    if (!g.in_place) g.SortGroup(b, e);
    const SeriesInfo& info = refs[batch.obs_series()[g.InputRow(b)]];
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
    VersionColumns& fresh = sc.fresh;
    fresh.Clear();
    fresh.Reserve(e - b);
    const SeriesComparison cmp{batch, g, *known, seq, st->load_id, &fresh, &w.summary};
    if (Status s = CompareSeries(cmp, b, e); !s.ok()) return s;
    if (fresh.size() > 0) {
      EncodeSeries(id, sc.existing, sc.keys, fresh, seq, st->bulk, &w.out, &sc.buf);
      w.has_chunk = true;
    }
    return Status::OK();
  };
  if (Status s = ParallelFor(groups, n >= kParallelRows ? threads : 1, process); !s.ok()) return s;
  // 2e. Apply, in series order.
  for (SeriesWork& w : work) {
    AddObservationCounts(w.summary, &st->summary);
    if (w.has_chunk) ApplySeries(std::move(w.out), st, plan);
  }
  return Status::OK();
}

}  // namespace ixdb::storage
