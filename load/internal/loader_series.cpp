// Each series' frequency and metadata, decided once its rows of the load (up to a chunk) are
// seen: a new series takes the frequency its periods use; a stored annual series that receives
// year-to-date spans is widened into a cumulative series of the finer frequency (the store
// rewrites its periods); otherwise a stored series keeps its frequency.
#include "common/units.hpp"
#include "load/internal/loader_impl.hpp"

namespace ixdb::load::internal {

namespace {

// A measure for a new series when the file names none (docs/loading.md).
storage::MeasureKind DefaultMeasure(const SeriesMeta& m) {
  const UnitInfo u = ParseUnit(m.unit);
  const std::string code = Lower(m.code);
  if (u.percent || u.percentage_points) {
    const bool growth = m.name_zh.find("增长") != std::string::npos ||
                        m.name_zh.find("增速") != std::string::npos ||
                        m.name_zh.find("增幅") != std::string::npos ||
                        code.find("growth") != std::string::npos ||
                        code.find("yoy") != std::string::npos ||
                        Lower(m.name_en).find("growth") != std::string::npos;
    return growth ? storage::MeasureKind::kGrowth : storage::MeasureKind::kRate;
  }
  for (std::string_view c : {"个", "家", "项", "人", "户", "件", "所", "座", "台", "辆", "套",
                             "次", "名", "位", "只", "艘", "架", "部", "张", "条", "处"}) {
    if (u.base == c) return storage::MeasureKind::kCount;
  }
  return storage::MeasureKind::kLevel;
}

bool SameMeta(SeriesMeta a, const SeriesMeta& b) {
  a.updated = b.updated;
  return a == b;
}

// The frequency changes a stored series may undergo (storage widens its stored periods).
bool Widens(Frequency from, bool from_cum, Frequency to, bool to_cum) {
  if (!to_cum) return false;
  if (from == Frequency::kAnnual && !from_cum) return to != Frequency::kAnnual;
  return from == Frequency::kQuarterly && from_cum && to == Frequency::kMonthly;
}

std::string FrequencyText(Frequency f, bool cumulative) {
  return std::string(FrequencyName(f)) + (cumulative ? " cumulative" : "");
}

}  // namespace

void Loader::ChooseFrequency(SeriesState& s) {
  const MetaValue& fq = s.fields.Get(kMetaFrequency);
  const MetaValue& cu = s.fields.Get(kMetaCumulative);
  if (s.exists) {
    s.freq = s.stored->frequency;
    s.cumulative = s.stored->cumulative;
    Frequency want = s.freq;
    bool want_cum = s.cumulative;
    if (fq.set || cu.set) {
      if (fq.set) want = *ParseFrequency(fq.value);
      if (cu.set) want_cum = cu.value == "true";
    } else if (s.span_bits != 0 && !(s.freq == Frequency::kMonthly && !s.cumulative)) {
      // Year-to-date spans for an annual (or quarterly cumulative) series: it widens. (A plain
      // monthly series takes 1-2月 as one two-month period.)
      const Frequency spans =
          (s.span_bits & (4 | kCombinedJanFebBit)) ? Frequency::kMonthly : Frequency::kQuarterly;
      if (Widens(s.freq, s.cumulative, spans, true)) {
        want = spans;
        want_cum = true;
      }
    }
    if (want == s.freq && want_cum == s.cumulative) return;
    if (!Widens(s.freq, s.cumulative, want, want_cum)) {
      const MetaValue& at = fq.set ? fq : cu;
      AddError(RowError{at.file, at.line, 0,
                        "conflicting metadata: the store has " + s.code + " as " +
                            FrequencyText(s.freq, s.cumulative) + "; it cannot become " +
                            FrequencyText(want, want_cum) +
                            " (only an annual series widens, into a cumulative quarterly or "
                            "monthly one)",
                        0});
      return;
    }
    report_.widened.push_back(s.code + ": " + FrequencyText(s.freq, s.cumulative) + " -> " +
                              FrequencyText(want, want_cum));
    s.freq = want;
    s.cumulative = want_cum;
    return;
  }
  if (fq.set) {
    s.freq = *ParseFrequency(fq.value);
  } else if (s.span_bits != 0) {
    s.freq = (s.span_bits & (4 | kCombinedJanFebBit)) ? Frequency::kMonthly : Frequency::kQuarterly;
  } else {
    // The most common frequency among its periods (ties: the finer one).
    const uint64_t* c = s.freq_counts;
    s.freq = (c[2] > 0 && c[2] >= c[1] && c[2] >= c[0]) ? Frequency::kMonthly
             : (c[1] > 0 && c[1] >= c[0])               ? Frequency::kQuarterly
                                                        : Frequency::kAnnual;
  }
  if (cu.set) {
    s.cumulative = cu.value == "true";
  } else {
    // Spans make a series cumulative, unless they are only NBS's combined 1-2月 of a monthly
    // series whose other rows are single months.
    const bool only_jan_feb = s.span_bits == kCombinedJanFebBit && s.freq_counts[2] > 0;
    s.cumulative = s.span_bits != 0 && s.freq != Frequency::kAnnual && !only_jan_feb;
  }
  if (s.cumulative && s.freq == Frequency::kAnnual) {
    AddError(
        RowError{cu.file, cu.line, 0,
                 "conflicting metadata: " + s.code +
                     " is annual and cannot be cumulative (only quarterly and monthly series are)",
                 0});
    s.cumulative = false;
  }
}

void Loader::Decide(uint32_t id, storage::WriteBatch* batch) {
  SeriesState& s = series_[id];
  if (!s.locked) {
    ChooseFrequency(s);
    s.locked = true;
    s.locked_line = last_line_seen_;
    s.locked_file = last_file_seen_;
  }
  SeriesMeta m = s.emitted ? s.emitted_meta : s.exists ? *s.stored : SeriesMeta{};
  m.code = s.code;
  m.frequency = s.freq;
  m.cumulative = s.cumulative;
  auto field = [&](int f, std::string* out) {
    if (s.fields.Get(f).set) *out = s.fields.Get(f).value;
  };
  field(kMetaName, &m.name_zh);
  field(kMetaNameEn, &m.name_en);
  field(kMetaRegion, &m.region);
  field(kMetaUnit, &m.unit);
  field(kMetaLevelSeries, &m.level_series);
  field(kMetaNotes, &m.notes);
  if (s.fields.Get(kMetaMeasure).set)
    m.measure = *storage::ParseMeasure(s.fields.Get(kMetaMeasure).value);
  if (s.fields.Get(kMetaBetter).set)
    m.better = *storage::ParseBetter(s.fields.Get(kMetaBetter).value);
  if (!s.exists) {
    if (m.unit.empty() && s.fields.Get(kMetaUnitHint).set)
      m.unit = s.fields.Get(kMetaUnitHint).value;
    // A sanitized code keeps what was written as its name when the file gives none.
    if (m.name_zh.empty() && s.fields.Get(kMetaNameHint).set)
      m.name_zh = s.fields.Get(kMetaNameHint).value;
    if (!s.fields.Get(kMetaMeasure).set) m.measure = DefaultMeasure(m);
  }
  const bool changed =
      s.emitted ? !SameMeta(m, s.emitted_meta) : (!s.exists || !SameMeta(m, *s.stored));
  if (changed) {
    batch->PutSeries(m);
    s.emitted = true;
    s.emitted_meta = m;
  }
}

}  // namespace ixdb::load::internal
