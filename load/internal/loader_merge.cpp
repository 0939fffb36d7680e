// Blocks merged in file order: their series codes become global series ids (reading stored
// metadata the first time), their rows get absolute lines, their metadata events are checked
// against what earlier rows and the store said.
#include "common/parallel.hpp"
#include "load/internal/loader_impl.hpp"

namespace ixdb::load::internal {

Result<uint32_t> Loader::SeriesId(const std::string& code) {
  // Series get ids in the order they first appear, and every later vintage of a release lists
  // them in that order again: checking the series after the last one found turns most lookups
  // into a sequential walk. At 554,400 series the hash table no longer fits in the caches and
  // its lookups were the largest part of a 100M-row load (docs/benchmarks.md).
  if (const uint32_t next = last_series_id_ + 1;
      next < series_.size() && series_[next].code == code)
    return last_series_id_ = next;
  auto it = series_index_.find(code);
  if (it != series_index_.end()) return last_series_id_ = it->second;
  SeriesState s;
  s.code = code;
  auto r = view_->GetSeries(code);
  if (r.ok()) {
    s.exists = true;
    s.stored = std::make_unique<SeriesMeta>(std::move(*r));
  } else if (!r.status().IsNotFound()) {
    return r.status();
  }
  const auto id = static_cast<uint32_t>(series_.size());
  series_.push_back(std::move(s));
  series_index_.emplace(code, id);
  return last_series_id_ = id;
}

void Loader::Touch(uint32_t id) {
  if (!series_[id].touched) {
    series_[id].touched = true;
    touched_.push_back(id);
  }
}

Status Loader::Merge(Block* b) {
  std::vector<uint32_t> map;
  std::vector<uint8_t> used;
  Status s = MergeCodes(b, &map);
  if (!s.ok()) return s;
  RemapObs(b, map, &used);
  MergeRest(b, map, used);
  return Status::OK();
}

Status Loader::MergePair(Block* a, Block* b) {
  std::vector<uint32_t> map_a, map_b;
  std::vector<uint8_t> used_a, used_b;
  Status s = MergeCodes(a, &map_a);
  if (s.ok()) s = MergeCodes(b, &map_b);
  if (!s.ok()) return s;
  (void)ParallelFor(2, opt_.threads, [&](size_t half, int) {
    if (half == 0)
      RemapObs(a, map_a, &used_a);
    else
      RemapObs(b, map_b, &used_b);
    return Status::OK();
  });
  MergeRest(a, map_a, used_a);
  MergeRest(b, map_b, used_b);
  return Status::OK();
}

Status Loader::MergeCodes(Block* b, std::vector<uint32_t>* map) {
  map->resize(b->codes.size());
  for (size_t i = 0; i < b->codes.size(); ++i) {
    auto id = SeriesId(b->codes[i]);
    if (!id.ok()) return id.status();
    (*map)[i] = *id;
    SeriesState& s = series_[*id];
    for (int k = 0; k < 3; ++k) s.freq_counts[k] += b->freq_counts[i][k];
    s.span_bits |= b->span_bits[i];
    // --codes sanitize: one code must not stand for two codes as written.
    if (!b->written.empty()) {
      const std::string& written = b->written[i];
      if (s.original.empty()) {
        s.original = written;
      } else if (s.original != written) {
        const auto [line, col] = b->first_seen[i];
        AddError(RowError{b->file, b->first_line + line, col,
                          "codes " + Quote(s.original) + " and " + Quote(written) +
                              " both become " + Quote(s.code) +
                              " with --codes sanitize; rename one of them",
                          kNoOffset, "sanitize:" + s.code + ":" + written});
      }
    }
  }
  return Status::OK();
}

void Loader::RemapObs(Block* b, const std::vector<uint32_t>& map, std::vector<uint8_t>* used) {
  used->assign(map.size(), 0);
  const auto first_line = static_cast<uint32_t>(b->first_line);
  uint32_t last_local = UINT32_MAX, last_global = 0;
  for (PendingObs& o : b->obs) {
    if (o.series != last_local) {
      last_local = o.series;
      last_global = map[o.series];
      (*used)[o.series] = 1;
    }
    o.series = last_global;
    o.line += first_line;
  }
}

void Loader::MergeRest(Block* b, const std::vector<uint32_t>& map,
                       const std::vector<uint8_t>& used) {
  rows_read_ += b->rows;
  used_default_vintage_ = used_default_vintage_ || b->used_default_vintage;
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) Touch(map[i]);
  }
  std::vector<uint32_t> smap(b->strings.size());
  for (size_t i = 0; i < b->strings.size(); ++i) smap[i] = strings_.Intern(b->strings.at(i));
  for (RowError& e : b->errors) {
    e.line += b->first_line;
    AddError(std::move(e));
  }
  for (MetaEvent& ev : b->meta) {
    const uint32_t id = map[ev.series];
    Touch(id);
    ApplyMeta(id, ev, b->first_line + ev.line, b->file);
  }
  for (ObsExtra& x : b->extras) {
    x.stage = smap[x.stage];
    x.source = smap[x.source];
  }
  pending_rows_ += b->obs.size();
  if (!b->obs.empty()) {
    pending_obs_.push_back(std::move(b->obs));
    pending_extras_.push_back(std::move(b->extras));
  }
  const auto first_line = static_cast<uint32_t>(b->first_line);
  for (PendingTarget& t : b->targets) {
    t.series = map[t.series];
    Touch(t.series);
    t.line += first_line;
    pending_targets_.push_back(std::move(t));
  }
}

std::string Loader::Where(uint16_t file, uint64_t line, uint16_t here_file) const {
  if (file == here_file) return "line " + std::to_string(line);
  return files_[file]->name + ":" + std::to_string(line);
}

void Loader::ApplyMeta(uint32_t id, MetaEvent& ev, uint64_t line, uint16_t file) {
  SeriesState& s = series_[id];
  if (ev.field == kMetaUnitHint || ev.field == kMetaNameHint) {
    MetaValue& h = s.fields.Mutable(ev.field);
    if (!h.set) h = MetaValue{ev.value, file, line, true};
    return;
  }
  const bool structural = ev.field == kMetaFrequency || ev.field == kMetaCumulative;
  // A stored series' frequency may still change here if the change widens it (checked once its
  // rows are all seen, in Decide); once decided in this load it is fixed.
  if (structural && s.locked) {
    const std::string current =
        ev.field == kMetaFrequency ? FrequencyName(s.freq) : (s.cumulative ? "true" : "false");
    if (ev.value != current) {
      std::string why = s.code + " was already loaded as " + current + " (from its rows up to " +
                        Where(s.locked_file, s.locked_line, file) + ")";
      AddError(RowError{file, line, ev.col,
                        "conflicting metadata: " + std::string(kMetaFieldNames[ev.field]) + " '" +
                            ev.value + "' but " + why,
                        ev.offset});
    }
    return;
  }
  MetaValue& mv = s.fields.Mutable(ev.field);
  if (!mv.set) {
    mv = MetaValue{std::move(ev.value), file, line, true};
    return;
  }
  if (mv.value != ev.value) {
    AddError(RowError{file, line, ev.col,
                      "conflicting metadata for " + s.code + ": " + kMetaFieldNames[ev.field] +
                          " '" + ev.value + "' but " + Where(mv.file, mv.line, file) + " said '" +
                          mv.value + "'",
                      ev.offset});
  }
}

}  // namespace ixdb::load::internal
