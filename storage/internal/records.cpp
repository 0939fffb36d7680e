#include "storage/internal/records.hpp"

#include "storage/internal/key_codec.hpp"

namespace ixdb::storage::internal {

void EncodeMeta(const SeriesMeta& m, std::string* out) {
  out->clear();
  const bool formula = m.IsFormula() || !m.formula_uses.empty();
  PutU8(out, formula ? kFormulaMetaRecordVersion : kMetaRecordVersion);
  PutLengthPrefixed(out, m.code);
  PutLengthPrefixed(out, m.name_zh);
  PutLengthPrefixed(out, m.name_en);
  PutLengthPrefixed(out, m.region);
  PutLengthPrefixed(out, m.unit);
  PutU8(out, static_cast<uint8_t>(m.measure));
  PutU8(out, static_cast<uint8_t>(m.frequency));
  PutU8(out, m.cumulative ? 1 : 0);
  PutLengthPrefixed(out, m.level_series);
  PutLengthPrefixed(out, m.source);
  PutLengthPrefixed(out, m.notes);
  PutVarsint64(out, m.updated.days);
  PutU8(out, static_cast<uint8_t>(m.better));
  if (!formula) return;
  PutLengthPrefixed(out, m.formula);
  PutVarint64(out, m.formula_uses.size());
  for (const auto& u : m.formula_uses) PutLengthPrefixed(out, u);
}

bool DecodeMeta(std::string_view in, SeriesMeta* m) {
  uint8_t version, measure, freq, cumulative;
  int64_t updated;
  if (!GetU8(&in, &version) || version < 1) return false;
  if (!GetLengthPrefixed(&in, &m->code) || !GetLengthPrefixed(&in, &m->name_zh) ||
      !GetLengthPrefixed(&in, &m->name_en) || !GetLengthPrefixed(&in, &m->region) ||
      !GetLengthPrefixed(&in, &m->unit) || !GetU8(&in, &measure) || !GetU8(&in, &freq) ||
      !GetU8(&in, &cumulative) || !GetLengthPrefixed(&in, &m->level_series) ||
      !GetLengthPrefixed(&in, &m->source) || !GetLengthPrefixed(&in, &m->notes) ||
      !GetVarsint64(&in, &updated)) {
    return false;
  }
  if (measure > static_cast<uint8_t>(MeasureKind::kRatio)) return false;
  if (freq != 1 && freq != 4 && freq != 12) return false;
  m->measure = static_cast<MeasureKind>(measure);
  m->frequency = static_cast<Frequency>(freq);
  m->cumulative = cumulative != 0;
  m->updated = Date{static_cast<int32_t>(updated)};
  m->better = Better::kHigher;
  if (version >= 2) {
    uint8_t better;
    if (!GetU8(&in, &better) || better > 1) return false;
    m->better = static_cast<Better>(better);
  }
  m->formula.clear();
  m->formula_uses.clear();
  if (version >= 3) {
    uint64_t uses;
    if (!GetLengthPrefixed(&in, &m->formula) || !GetVarint64(&in, &uses) || uses > in.size()) {
      return false;
    }
    m->formula_uses.resize(uses);
    for (auto& u : m->formula_uses) {
      if (!GetLengthPrefixed(&in, &u)) return false;
    }
  }
  return true;
}

void EncodeTarget(const TargetRecord& t, std::string* out) {
  out->clear();
  PutU8(out, kTargetRecordVersion);
  PutU8(out, static_cast<uint8_t>(t.comparator));
  PutDouble(out, t.value);
  PutDouble(out, t.tolerance);
  PutLengthPrefixed(out, t.unit);
  PutLengthPrefixed(out, t.relative_to);
  PutLengthPrefixed(out, t.text);
  PutLengthPrefixed(out, t.source);
  PutU8(out, t.deleted ? 1 : 0);
  PutVarint64(out, t.load_id);
  PutU8(out, t.about ? 1 : 0);
  PutU8(out, static_cast<uint8_t>(t.on));
  PutDouble(out, t.value_high);
}

bool DecodeTarget(std::string_view in, TargetRecord* t) {
  uint8_t version, comparator, deleted;
  if (!GetU8(&in, &version) || version < 1 || !GetU8(&in, &comparator) ||
      !GetDouble(&in, &t->value) || !GetDouble(&in, &t->tolerance) ||
      !GetLengthPrefixed(&in, &t->unit) || !GetLengthPrefixed(&in, &t->relative_to) ||
      !GetLengthPrefixed(&in, &t->text) || !GetLengthPrefixed(&in, &t->source) ||
      !GetU8(&in, &deleted) || !GetVarint64(&in, &t->load_id)) {
    return false;
  }
  if (comparator > static_cast<uint8_t>(Comparator::kGreater)) return false;
  t->comparator = static_cast<Comparator>(comparator);
  t->deleted = deleted != 0;
  t->about = false;
  t->on = TargetOn::kLevel;
  t->value_high = kMissing;
  if (version >= 2) {
    uint8_t about, on;
    if (!GetU8(&in, &about) || !GetU8(&in, &on) || on > 2 || !GetDouble(&in, &t->value_high)) {
      return false;
    }
    t->about = about != 0;
    t->on = static_cast<TargetOn>(on);
  }
  return true;
}

void EncodeLoad(const LoadRecord& r, std::string* out) {
  out->clear();
  PutU8(out, kLoadRecordVersion);
  PutVarint64(out, r.id);
  PutVarsint64(out, r.unix_time);
  PutLengthPrefixed(out, r.info.command);
  PutVarint64(out, r.info.files.size());
  for (const auto& f : r.info.files) PutLengthPrefixed(out, f);
  PutVarsint64(out, r.info.vintage.days);
  const WriteSummary& s = r.summary;
  for (uint64_t v : {s.load_id, s.series_created, s.series_updated, s.observations_added,
                     s.revisions, s.unchanged, s.targets_added, s.targets_unchanged, s.deletions}) {
    PutVarint64(out, v);
  }
  PutVarint64(out, r.reverted_by);
  PutVarint64(out, r.reverts);
  for (uint64_t v : {s.corrections, s.targets_replaced, s.series_widened, s.retracted}) {
    PutVarint64(out, v);
  }
  PutVarsint64(out, s.min_vintage.days);
  PutVarsint64(out, s.max_vintage.days);
}

bool DecodeLoad(std::string_view in, LoadRecord* r) {
  uint8_t version;
  int64_t t, vintage;
  uint64_t nfiles;
  if (!GetU8(&in, &version) || version < 1 || !GetVarint64(&in, &r->id) || !GetVarsint64(&in, &t) ||
      !GetLengthPrefixed(&in, &r->info.command) || !GetVarint64(&in, &nfiles) ||
      nfiles > in.size()) {
    return false;
  }
  r->unix_time = t;
  r->info.files.resize(nfiles);
  for (auto& f : r->info.files) {
    if (!GetLengthPrefixed(&in, &f)) return false;
  }
  if (!GetVarsint64(&in, &vintage)) return false;
  r->info.vintage = Date{static_cast<int32_t>(vintage)};
  WriteSummary& s = r->summary;
  for (uint64_t* v :
       {&s.load_id, &s.series_created, &s.series_updated, &s.observations_added, &s.revisions,
        &s.unchanged, &s.targets_added, &s.targets_unchanged, &s.deletions}) {
    if (!GetVarint64(&in, v)) return false;
  }
  if (!GetVarint64(&in, &r->reverted_by) || !GetVarint64(&in, &r->reverts)) return false;
  if (version < 2) return true;
  int64_t lo, hi;
  if (!GetVarint64(&in, &s.corrections) || !GetVarint64(&in, &s.targets_replaced) ||
      !GetVarint64(&in, &s.series_widened) || !GetVarint64(&in, &s.retracted) ||
      !GetVarsint64(&in, &lo) || !GetVarsint64(&in, &hi)) {
    return false;
  }
  s.min_vintage = Date{static_cast<int32_t>(lo)};
  s.max_vintage = Date{static_cast<int32_t>(hi)};
  return true;
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

std::string TouchValue(uint8_t flags, uint64_t meta_seq) {
  std::string v;
  PutU8(&v, flags);
  PutVarint64(&v, meta_seq);
  return v;
}

bool DecodeTouch(std::string_view in, uint8_t* flags, uint64_t* meta_seq) {
  return GetU8(&in, flags) && GetVarint64(&in, meta_seq);
}

void EncodeCounters(const Counters& c, std::string* out) {
  out->clear();
  PutU8(out, kCountersRecordVersion);
  PutVarint64(out, c.next_series_id);
  PutVarint64(out, c.next_load_id);
  PutVarint64(out, c.next_seq);
}

bool DecodeCounters(std::string_view in, Counters* c) {
  uint8_t version;
  return GetU8(&in, &version) && version >= 1 && GetVarint32(&in, &c->next_series_id) &&
         GetVarint64(&in, &c->next_load_id) && GetVarint64(&in, &c->next_seq);
}

}  // namespace ixdb::storage::internal
