// A flush: the rows staged so far go to the store, in steps:
//   1. each touched series' frequency and metadata is decided (loader_series.cpp);
//   2. every row's period is resolved against its series and the rows are grouped by series;
//   3. each series' rows are ordered by (period, vintage) and repeats dropped (a repeat with
//      another value is an error);
//   4. targets are resolved and checked (their unit against the series');
//   5. the rows are built into batches and written: one Store::Write, or a BulkWrite staged a
//      batch of whole series at a time while the next is built.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/huge_pages.hpp"
#include "common/parallel.hpp"
#include "common/units.hpp"
#include "load/internal/loader_impl.hpp"

namespace ixdb::load::internal {

namespace {

uint64_t SlotKey(int32_t pindex, int32_t vintage) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(pindex) ^ 0x80000000u) << 32) |
         (static_cast<uint32_t>(vintage) ^ 0x80000000u);
}

bool SameObs(const PendingObs& a, const PendingObs& b) {
  const bool values = (std::isnan(a.value) && std::isnan(b.value)) || a.value == b.value;
  return values && a.status == b.status && a.qualifier == b.qualifier &&
         (a.flags & (kObsDeleted | kObsCombined)) == (b.flags & (kObsDeleted | kObsCombined));
}

std::string ValueText(const PendingObs& o) {
  if (o.flags & kObsDeleted) return "deleted";
  if (std::isnan(o.value)) return "blank";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", o.value);
  std::string s = buf;
  if (o.status)
    s += std::string(" ") + storage::ObsStatusName(static_cast<storage::ObsStatus>(o.status));
  if (o.qualifier)
    s += std::string(" ") + storage::QualifierSymbol(static_cast<storage::Qualifier>(o.qualifier));
  return s;
}

bool SameTarget(const storage::Target& a, const storage::Target& b) {
  auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
  return a.comparator == b.comparator && same(a.value, b.value) && same(a.tolerance, b.tolerance) &&
         same(a.value_high, b.value_high) && a.on == b.on && a.about == b.about &&
         a.unit == b.unit && a.relative_to == b.relative_to && a.text == b.text &&
         a.source == b.source;
}

// Why a target's unit cannot be compared with its series' (empty: it can). A target on the
// level is in the series' unit (or one convertible to it: 2万亿元 on 亿元); on yoy it is in %;
// on diff in the series' unit, pp for a % series. A series with no unit takes targets with none
// (or on yoy, in %): gap() could never compare a target in 亿元 or % with it.
// `series_known`: false while the series' metadata is not known (nothing to check against).
std::string TargetUnitProblem(const storage::Target& t, const std::string& series_unit,
                              bool series_known) {
  if (t.unit.empty() || !series_known) return {};
  const UnitInfo tu = ParseUnit(t.unit), su = ParseUnit(series_unit);
  if (t.on == storage::TargetOn::kYoy) {
    return tu.percent ? std::string() : "a target on yoy is in %, not " + t.unit;
  }
  if (series_unit.empty()) {
    return "the series has no unit, so a target in " + t.unit +
           " cannot be compared with it (give the series its unit, or the target none)";
  }
  switch (t.on) {
    case storage::TargetOn::kYoy:
      break;
    case storage::TargetOn::kDiff:
      if (su.percent) {
        return tu.percentage_points || tu.percent
                   ? std::string()
                   : "a target on the change of a % series is in pp (百分点), not " + t.unit;
      }
      break;
    case storage::TargetOn::kLevel:
      if (su.percent && tu.percentage_points) {
        return "a target in " + t.unit +
               " on a series in % is a target on its change: give it on=diff";
      }
      break;
  }
  if (t.unit == series_unit || UnitConversionFactor(series_unit, t.unit).ok()) return {};
  return "target unit " + t.unit + " cannot be compared with the series' unit " + series_unit +
         " (the units measure different things)";
}

}  // namespace

storage::LoadInfo Loader::Info() const {
  storage::LoadInfo info;
  info.command = opt_.command;
  for (const auto& f : files_) info.files.push_back(f->name);
  info.vintage = default_vintage_;
  return info;
}

Status Loader::Flush(bool final) {
  auto t_resolve = Profile::Clock::now();
  storage::WriteBatch batch;
  DecideTouched(&batch);
  Grouped g = ResolveAndGroup();
  Dedupe(g);
  if (!pending_obs_.empty()) {
    last_file_seen_ = pending_obs_.back().back().file;
    last_line_seen_ = pending_obs_.back().back().line;
  }
  std::vector<storage::Target> targets = ResolveTargets();
  prof_.resolve += Profile::Since(t_resolve);
  return WriteRows(final, g, std::move(targets), batch);
}

// Step 1.
void Loader::DecideTouched(storage::WriteBatch* batch) {
  for (uint32_t id : touched_) {
    Decide(id, batch);
    series_[id].touched = false;
  }
  touched_.clear();
}

// Step 2: periods resolved (rows that do not fit their series are errors) and a counting sort by
// series. The staged vectors are split in two contiguous runs, one per thread, so that input
// order is kept: thread 0's rows of a series come first.
Loader::Grouped Loader::ResolveAndGroup() {
  const size_t nseries = series_.size();
  const size_t nvec = pending_obs_.size();
  size_t split = nvec;
  if (opt_.threads > 1 && pending_rows_ > (1u << 18)) {
    size_t acc = 0;
    for (split = 0; split < nvec && acc < pending_rows_ / 2; ++split)
      acc += pending_obs_[split].size();
  }
  const size_t parts = split < nvec ? 2 : 1;
  const size_t from[2] = {0, split}, to[2] = {split, nvec};
  std::vector<uint32_t> counts[2];
  std::vector<RowError> errs[2];
  (void)ParallelFor(parts, opt_.threads, [&](size_t part, int) {
    std::vector<uint32_t>& cnt = counts[part];
    cnt.assign(nseries + 1, 0);
    for (size_t v = from[part]; v < to[part]; ++v) {
      for (PendingObs& o : pending_obs_[v]) {
        if (IsBad(o.file, o.line)) {
          o.flags |= kObsDropped;
          continue;
        }
        const SeriesState& s = series_[o.series];
        if (o.pfreq != static_cast<uint8_t>(s.freq) || (o.flags & kObsSpan)) {
          ParsedPeriod p{Period{static_cast<Frequency>(o.pfreq), o.pindex},
                         (o.flags & kObsSpan) != 0};
          uint8_t extent = 0;
          auto r = ResolvePeriod(p, s.freq, s.cumulative, s.code, &extent);
          if (!r.ok()) {
            o.flags |= kObsDropped;
            if (!(o.flags & kObsBlankMisfit)) {
              errs[part].push_back(
                  RowError{o.file, o.line, o.pcol, r.status().message(), kNoOffset});
            }
            continue;
          }
          o.pindex = r->index;
          o.pfreq = static_cast<uint8_t>(s.freq);
          if (extent != 0) o.flags |= kObsCombined;
        }
        ++cnt[o.series + 1];
      }
    }
    return Status::OK();
  });
  for (auto& part : errs) {
    for (auto& e : part) AddError(std::move(e));
  }
  // count[s]: where series s starts in `slots`.
  Grouped g;
  g.count.assign(nseries + 1, 0);
  std::vector<uint32_t> next[2];
  for (size_t part = 0; part < parts; ++part) next[part].resize(nseries);
  for (size_t sid = 0; sid < nseries; ++sid) {
    uint32_t at = g.count[sid];
    for (size_t part = 0; part < parts; ++part) {
      next[part][sid] = at;
      at += counts[part][sid + 1];
    }
    g.count[sid + 1] = at;
  }
  ReserveHuge(g.slots, g.count.back());
  g.slots.resize(g.count.back());
  (void)ParallelFor(parts, opt_.threads, [&](size_t part, int) {
    for (size_t v = from[part]; v < to[part]; ++v) {
      const auto& vec = pending_obs_[v];
      for (uint32_t i = 0; i < vec.size(); ++i) {
        const PendingObs& o = vec[i];
        if (o.flags & kObsDropped) continue;
        g.slots[next[part][o.series]++] =
            Slot{SlotKey(o.pindex, o.vintage), static_cast<uint32_t>(v), i};
      }
    }
    return Status::OK();
  });
  return g;
}

// Step 3: per series, rows ordered by (period, vintage, input order); repeats dropped, a repeat
// with a different value is an error. Two ranges of series on two threads for large flushes.
void Loader::Dedupe(Grouped& g) {
  const size_t nseries = series_.size();
  const size_t parts = opt_.threads > 1 && g.slots.size() > (1u << 18) ? 2 : 1;
  // Split where half of the rows are.
  const size_t mid = parts == 1
                         ? nseries
                         : static_cast<size_t>(std::lower_bound(g.count.begin(), g.count.end() - 1,
                                                                g.slots.size() / 2) -
                                               g.count.begin());
  const size_t from[2] = {0, mid}, to[2] = {mid, nseries};
  std::vector<RowError> errs[2];
  (void)ParallelFor(parts, opt_.threads, [&](size_t part, int) {
    for (size_t sid = from[part]; sid < to[part]; ++sid) {
      const size_t b = g.count[sid], e = g.count[sid + 1];
      if (e - b < 2) continue;
      auto first_slot = g.slots.begin() + static_cast<ptrdiff_t>(b);
      auto end_slot = g.slots.begin() + static_cast<ptrdiff_t>(e);
      if (!std::is_sorted(first_slot, end_slot)) std::sort(first_slot, end_slot);
      size_t keep = b;  // the first row of the current key
      for (size_t i = b + 1; i < e; ++i) {
        if (g.slots[i].key != g.slots[keep].key) {
          keep = i;
          continue;
        }
        PendingObs& o = ObsAt(g.slots[i]);
        const PendingObs& first = ObsAt(g.slots[keep]);
        o.flags |= kObsDropped;
        if (!SameObs(o, first)) {
          const SeriesState& s = series_[sid];
          errs[part].push_back(RowError{
              o.file, o.line, o.pcol,
              "duplicate of " + Where(first.file, first.line, o.file) + ": " + s.code + " " +
                  FormatPeriod(Period{s.freq, o.pindex}, s.cumulative) + " vintage " +
                  FormatDate(Date{o.vintage}) + " given twice with different values (" +
                  ValueText(first) + ", then " + ValueText(o) + ")",
              kNoOffset});
        }
      }
    }
    return Status::OK();
  });
  for (auto& part : errs) {
    for (auto& e : part) AddError(std::move(e));
  }
}

// Step 4: targets resolved against their series, checked (relative_to exists, the unit can be
// compared with the series'), and deduplicated.
std::vector<storage::Target> Loader::ResolveTargets() {
  std::vector<storage::Target> targets;
  struct Seen {
    uint16_t file;
    uint64_t line;
  };
  std::unordered_map<uint64_t, std::vector<std::pair<size_t, Seen>>> seen;  // key -> (index, where)
  for (PendingTarget& t : pending_targets_) {
    if (IsBad(t.file, t.line)) continue;
    const SeriesState& s = series_[t.series];
    auto r = ResolvePeriod(t.period, s.freq, s.cumulative, s.code);
    if (!r.ok()) {
      AddError(RowError{t.file, t.line, t.pcol, r.status().message(), t.offset});
      continue;
    }
    if (!t.target.relative_to.empty() && !series_index_.count(t.target.relative_to)) {
      auto rel = view_->GetSeries(t.target.relative_to);
      if (!rel.ok()) {
        AddError(RowError{t.file, t.line, t.pcol,
                          "relative_to names an unknown series '" + t.target.relative_to +
                              "' (neither in the store nor in this load)",
                          t.offset});
        continue;
      }
    }
    const std::string series_unit = s.emitted  ? s.emitted_meta.unit
                                    : s.exists ? s.stored->unit
                                               : std::string();
    if (std::string why = TargetUnitProblem(t.target, series_unit, s.emitted || s.exists);
        !why.empty()) {
      AddError(
          RowError{t.file, t.line, t.ucol != 0 ? t.ucol : t.pcol, s.code + ": " + why, t.offset});
      continue;
    }
    t.target.series = s.code;
    t.target.period = *r;
    const uint64_t key = (static_cast<uint64_t>(t.series) << 40) ^
                         (static_cast<uint64_t>(static_cast<uint32_t>(r->index)) << 20) ^
                         static_cast<uint32_t>(t.target.vintage.days);
    bool repeat = false;
    for (const auto& [index, where] : seen[key]) {
      const storage::Target& first = targets[index];
      if (first.series != t.target.series || !(first.period == t.target.period) ||
          first.vintage != t.target.vintage) {
        continue;
      }
      repeat = true;
      if (!SameTarget(first, t.target)) {
        AddError(RowError{t.file, t.line, t.pcol,
                          "duplicate target: " + s.code + " " + FormatPeriod(*r, s.cumulative) +
                              " vintage " + FormatDate(t.target.vintage) +
                              " is given twice with different contents (first at " +
                              Where(where.file, where.line, t.file) + ")",
                          t.offset});
      }
      break;
    }
    if (repeat) continue;
    seen[key].emplace_back(targets.size(), Seen{t.file, t.line});
    targets.push_back(t.target);
  }
  pending_targets_.clear();
  return targets;
}

void Loader::BuildSeries(const Grouped& g, uint32_t sid, storage::WriteBatch* out) {
  const uint32_t ref = out->InternSeries(series_[sid].code);
  const Frequency freq = series_[sid].freq;
  for (size_t i = g.count[sid]; i < g.count[sid + 1]; ++i) {
    const PendingObs& o = pending_obs_[g.slots[i].vec][g.slots[i].idx];
    if (o.flags & kObsDropped) continue;
    std::string_view stage, source;
    if (o.flags & kObsExtra) {
      const auto& extras = pending_extras_[g.slots[i].vec];
      auto it = std::lower_bound(extras.begin(), extras.end(), g.slots[i].idx,
                                 [](const ObsExtra& x, uint32_t idx) { return x.index < idx; });
      stage = strings_.at(it->stage);
      source = strings_.at(it->source);
    }
    out->PutObservation(ref, Period{freq, o.pindex}, Date{o.vintage}, o.value,
                        static_cast<storage::ObsStatus>(o.status),
                        static_cast<storage::Qualifier>(o.qualifier), stage, source,
                        (o.flags & kObsDeleted) != 0, (o.flags & kObsCombined) ? 1 : 0);
    ++rows_staged_;
  }
}

// Step 5 for a large flush: several batches of whole series (so the store never re-reads what
// it staged), series in `by_code` order, about `per` rows each: the store stages one in the
// background while the next is built. The first batch (`batch`) has all the series metadata and
// targets.
Status Loader::StageInBatches(Grouped& g, const std::vector<uint32_t>& by_code, size_t per,
                              const storage::LoadInfo& info, storage::WriteBatch& batch) {
  auto t_store = Profile::Clock::now();
  if (!bulk_) {
    auto bw = store_.BeginBulkWrite(info);
    if (!bw.ok()) return bw.status();
    bulk_ = std::move(*bw);
  }
  storage::WriteBatch spare;
  // Room for `per` rows plus the overshoot of the last series, once (see WriteBatch::Reserve).
  batch.Reserve(per + per / 16);
  spare.Reserve(per + per / 16);
  storage::WriteBatch* cur = &batch;
  storage::WriteBatch* other = &spare;
  BackgroundTask writer;
  size_t i = 0;
  while (i < by_code.size()) {
    size_t rows = 0;
    while (i < by_code.size() && rows < per) {
      BuildSeries(g, by_code[i], cur);
      rows += g.count[by_code[i] + 1] - g.count[by_code[i]];
      ++i;
    }
    if (Status s = writer.Wait(); !s.ok()) return StoreError(s);
    writer.Start([this, cur] { return bulk_->Add(*cur); });
    std::swap(cur, other);
    cur->Clear();  // its Add has finished (waited for above)
  }
  if (Status s = writer.Wait(); !s.ok()) return StoreError(s);
  prof_.store_add += Profile::Since(t_store);
  return Status::OK();
}

// Step 5. Nothing is written while there are errors (unless --skip-bad), nor in a dry run.
Status Loader::WriteRows(bool final, Grouped& g, std::vector<storage::Target> targets,
                         storage::WriteBatch& batch) {
  const bool write_now = (opt_.skip_bad_path.empty() ? errors_.empty() : true) && !opt_.dry_run;
  auto t_build = Profile::Clock::now();
  const storage::LoadInfo info = Info();
  rows_staged_ += targets.size();
  if (opt_.dry_run) {
    for (size_t sid = 0; sid + 1 < g.count.size(); ++sid) {
      for (size_t i = g.count[sid]; i < g.count[sid + 1]; ++i) {
        rows_staged_ += !(ObsAt(g.slots[i]).flags & kObsDropped);
      }
    }
  }
  bool staged = false;  // the batch(es) of this flush are already in bulk_
  if (write_now) {
    for (storage::Target& t : targets) batch.PutTarget(std::move(t));
    targets.clear();
    // Ordered by (series code, period, vintage): the order the store keeps them in, so that its
    // own sort and its pass over the batch's columns run over sorted data.
    std::vector<uint32_t> by_code;
    for (size_t sid = 0; sid + 1 < g.count.size(); ++sid) {
      if (g.count[sid + 1] > g.count[sid]) by_code.push_back(static_cast<uint32_t>(sid));
    }
    std::sort(by_code.begin(), by_code.end(),
              [&](uint32_t a, uint32_t b) { return series_[a].code < series_[b].code; });
    const size_t total = g.count.back();
    const size_t per =
        std::max(total / 4, std::min<size_t>(opt_.chunk_rows / 4 + 1, size_t{1} << 20));
    if (total <= per) {
      for (uint32_t sid : by_code) BuildSeries(g, sid, &batch);
    } else {
      if (Status s = StageInBatches(g, by_code, per, info, batch); !s.ok()) return s;
      staged = true;
    }
  }
  g.slots = std::vector<Slot>();
  pending_obs_.clear();
  pending_extras_.clear();
  pending_rows_ = 0;
  prof_.build += Profile::Since(t_build);
  if (!write_now) return Status::OK();
  auto t_store = Profile::Clock::now();
  if (!staged && (!final || bulk_)) {
    if (!bulk_) {
      auto b = store_.BeginBulkWrite(info);
      if (!b.ok()) return b.status();
      bulk_ = std::move(*b);
    }
    Status s = bulk_->Add(batch);
    prof_.store_add += Profile::Since(t_store);
    if (!s.ok()) return StoreError(s);
  }
  if (!final) return Status::OK();
  if (bulk_) {
    auto t_commit = Profile::Clock::now();
    auto r = bulk_->Commit();
    prof_.commit += Profile::Since(t_commit);
    if (!r.ok()) return StoreError(r.status());
    report_.summary = *r;
    bulk_.reset();
    return Status::OK();
  }
  auto r = store_.Write(batch, info);
  prof_.store_add += Profile::Since(t_store);
  if (!r.ok()) return StoreError(r.status());
  report_.summary = *r;
  return Status::OK();
}

}  // namespace ixdb::load::internal
