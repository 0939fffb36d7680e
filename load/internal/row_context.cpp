#include "load/internal/row_context.hpp"

#include <cmath>

namespace ixdb::load::internal {

const char* const kMetaFieldNames[kMetaFieldCount] = {
    "name",       "name_en",      "region", "unit",   "measure", "frequency",
    "cumulative", "level_series", "notes",  "better", "unit",    "name"};

std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out += "...";
  out += "'";
  return out;
}

std::string SanitizeCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      out += c;
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || !((out[0] >= 'A' && out[0] <= 'Z') || (out[0] >= 'a' && out[0] <= 'z'))) {
    out.insert(0, "s_");
  }
  return out;
}

uint8_t StatusWithFootnote(uint8_t status, FootnoteStatus foot) {
  using storage::ObsStatus;
  if (status != 0 || foot == FootnoteStatus::kNone) return status;
  return static_cast<uint8_t>(foot == FootnoteStatus::kPreliminary ? ObsStatus::kPreliminary
                              : foot == FootnoteStatus::kEstimate  ? ObsStatus::kEstimate
                                                                   : ObsStatus::kRevised);
}

void RowContext::Begin(uint32_t line, uint64_t offset) {
  line_ = line;
  offset_ = offset;
  meta_.clear();
  bad_ = false;
  obs_before_ = b_->obs.size();
  extras_before_ = b_->extras.size();
  targets_before_ = b_->targets.size();
}

void RowContext::End() {
  if (bad_) {
    b_->obs.resize(obs_before_);
    b_->extras.resize(extras_before_);
    b_->targets.resize(targets_before_);
    return;
  }
  for (auto& m : meta_) b_->meta.push_back(std::move(m));
  for (auto [s, bits] : freq_seen_) ++b_->freq_counts[s][FreqSlot(bits)];
  for (auto [s, bits] : span_seen_) b_->span_bits[s] |= bits;
  freq_seen_.clear();
  span_seen_.clear();
}

void RowContext::Error(uint32_t col, std::string msg, std::string group) {
  if (bad_) return;
  bad_ = true;
  b_->errors.push_back(RowError{ctx_.file, line_, col, std::move(msg), offset_, std::move(group)});
  freq_seen_.clear();
  span_seen_.clear();
}

bool RowContext::Series(std::string_view raw, int col, uint32_t* id) {
  std::string_view code = Trim(raw);
  if (!last_code_.empty() && code == last_code_) {
    *id = last_id_;
    return true;
  }
  auto it = b_->code_index.find(code);
  if (it == b_->code_index.end()) {
    if (code.empty()) {
      Error(Col(col), "empty indicator");
      return false;
    }
    std::string derived;
    if (Status s = storage::ValidateSeriesCode(code); !s.ok()) {
      if (ctx_.codes != CodeMode::kSanitize) {
        // One message per distinct code, however many rows carry it.
        Error(Col(col),
              s.message() +
                  " (ixdb load --codes sanitize derives a valid code: " + SanitizeCode(code) + ")",
              "code:" + std::string(code));
        return false;
      }
      derived = SanitizeCode(code);
      if (Status d = storage::ValidateSeriesCode(derived); !d.ok()) {
        Error(Col(col), "cannot derive a series code from " + Quote(code) + ": " + d.message(),
              "code:" + std::string(code));
        return false;
      }
    }
    // The block maps what was written to its series; a sanitized code is a series of its own
    // (several originals mapping to one code are refused when blocks are merged).
    const auto nid = static_cast<uint32_t>(b_->codes.size());
    b_->codes.emplace_back(derived.empty() ? std::string(code) : derived);
    b_->freq_counts.push_back({0, 0, 0});
    b_->span_bits.push_back(0);
    if (ctx_.codes == CodeMode::kSanitize) {
      b_->written.emplace_back(code);
      b_->first_seen.emplace_back(line_, Col(col));
    }
    it = b_->code_index.emplace(std::string(code), nid).first;
    if (!derived.empty()) AddMeta(nid, kMetaNameHint, col, std::string(code));
  }
  last_code_ = it->first;
  last_id_ = it->second;
  *id = last_id_;
  return true;
}

namespace {

// 2023, 2023Q3, 2023-07 without building a Result (the common forms of bulk files).
bool FastPeriod(std::string_view t, ParsedPeriod* out) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (t.size() < 4 || t.size() > 7 || !digit(t[0]) || !digit(t[1]) || !digit(t[2]) ||
      !digit(t[3]) || t[0] == '0') {
    return false;
  }
  const int year = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  if (t.size() == 4) {
    *out = ParsedPeriod{Period::Annual(year), false};
    return true;
  }
  if (t.size() == 6 && (t[4] == 'Q' || t[4] == 'q') && t[5] >= '1' && t[5] <= '4') {
    *out = ParsedPeriod{Period::Quarter(year, t[5] - '0'), false};
    return true;
  }
  if (t.size() == 7 && (t[4] == '-' || t[4] == 'M' || t[4] == 'm') && digit(t[5]) && digit(t[6])) {
    const int m = (t[5] - '0') * 10 + (t[6] - '0');
    if (m >= 1 && m <= 12) {
      *out = ParsedPeriod{Period::Month(year, m), false};
      return true;
    }
  }
  return false;
}

}  // namespace

bool RowContext::PeriodCell(std::string_view raw, int col, ParsedPeriod* out) {
  std::string_view t = Trim(raw);
  if (FastPeriod(t, out)) return true;
  auto p = ParsePeriod(t);
  if (!p.ok()) {
    Error(Col(col), t.empty() ? "empty period" : p.status().message());
    return false;
  }
  *out = *p;
  return true;
}

void RowContext::SeePeriod(uint32_t series, const ParsedPeriod& p) {
  if (p.span) {
    span_seen_.emplace_back(series, SpanBit(p));
  } else {
    freq_seen_.emplace_back(series, FreqBit(p.period.freq));
  }
}

bool RowContext::Vintage(const std::vector<std::string_view>& f, int col, int32_t* out) {
  std::string_view t = col >= 0 ? Trim(f[col]) : std::string_view();
  if (t.empty()) {
    b_->used_default_vintage = true;
    *out = ctx_.default_vintage.days;
    return true;
  }
  if (t == last_vintage_text_) {
    *out = last_vintage_;
    return true;
  }
  auto d = ParseDateFast(t);
  if (!d.ok()) {
    Error(Col(col), "bad vintage " + Quote(t) + ": expected a date YYYY-MM-DD");
    return false;
  }
  last_vintage_text_.assign(t);
  last_vintage_ = d->days;
  *out = d->days;
  return true;
}

bool RowContext::StatusCell(std::string_view raw, int col, uint8_t* out) {
  std::string_view t = Trim(raw);
  if (t.empty()) {
    *out = 0;
    return true;
  }
  auto s = storage::ParseObsStatus(t);
  if (!s.ok()) {
    Error(Col(col),
          "unknown status " + Quote(t) + " (expected estimate, preliminary, final or revised)");
    return false;
  }
  *out = static_cast<uint8_t>(*s);
  return true;
}

bool RowContext::QualifierCell(std::string_view raw, int col, uint8_t* out) {
  std::string_view q = Trim(raw);
  *out = 0;
  if (q.empty()) return true;
  auto r = storage::ParseQualifier(q);
  if (!r.ok()) {
    Error(Col(col), "unknown qualifier " + Quote(q) + " (expected ~, >=, <=, 左右, 以上, 以内...)");
    return false;
  }
  *out = static_cast<uint8_t>(*r);
  return true;
}

bool RowContext::Number(std::string_view raw, int col, const char* what, double* out,
                        FootnoteStatus* footnote) {
  if (raw.empty()) {
    *out = storage::kMissing;
    return true;
  }
  if (ParseNumber(raw, out, footnote)) return true;
  if (IsMissingMarker(raw)) {
    *out = storage::kMissing;
    return true;
  }
  Error(Col(col), std::string("not a number: ") + Quote(Trim(raw)) + " (" + what + ")");
  return false;
}

void RowContext::MetaCells(const std::vector<std::string_view>& f, uint32_t series,
                           const int* meta_cols) {
  for (int m = 0; m < kMetaFieldCount && !bad_; ++m) {
    const int col = meta_cols[m];
    if (col < 0) continue;
    std::string_view t = Trim(f[col]);
    if (t.empty()) continue;
    std::string value;
    switch (m) {
      case kMetaMeasure: {
        auto k = storage::ParseMeasure(t);
        if (!k.ok()) {
          Error(Col(col), "unknown measure " + Quote(t) +
                              " (expected level, growth, rate, share, count or ratio)");
          return;
        }
        value = storage::MeasureName(*k);
        break;
      }
      case kMetaFrequency: {
        auto fr = ParseFrequency(t);
        if (!fr.ok()) {
          Error(Col(col), fr.status().message());
          return;
        }
        value = FrequencyName(*fr);
        break;
      }
      case kMetaCumulative: {
        bool v;
        if (!ParseBool(t, &v)) {
          Error(Col(col), "bad cumulative flag " + Quote(t) + " (expected true or false)");
          return;
        }
        value = v ? "true" : "false";
        break;
      }
      case kMetaBetter: {
        auto b = storage::ParseBetter(t);
        if (!b.ok()) {
          Error(Col(col), "bad better " + Quote(t) + " (expected higher or lower)");
          return;
        }
        value = storage::BetterName(*b);
        break;
      }
      case kMetaLevelSeries: {
        Status s = storage::ValidateSeriesCode(t);
        if (!s.ok()) {
          Error(Col(col), "level_series: " + s.message());
          return;
        }
        value = std::string(t);
        break;
      }
      default:
        value = std::string(t);
    }
    AddMeta(series, static_cast<MetaField>(m), col, std::move(value));
  }
}

void RowContext::AddMeta(uint32_t series, MetaField field, int col, std::string value) {
  meta_.push_back(MetaEvent{series, static_cast<uint8_t>(field), static_cast<uint16_t>(col + 1),
                            line_, std::move(value), offset_});
}

PendingObs RowContext::NewObs(uint32_t series, const ParsedPeriod& p, int32_t vintage, double value,
                              int pcol) {
  PendingObs o{};
  o.series = series;
  o.pindex = p.period.index;
  o.pfreq = static_cast<uint8_t>(p.period.freq);
  o.flags = p.span ? kObsSpan : 0;
  o.vintage = vintage;
  o.line = line_;
  o.value = value;
  o.pcol = static_cast<uint16_t>(pcol + 1);
  o.file = ctx_.file;
  return o;
}

void RowContext::PushObs(PendingObs o, uint32_t stage, uint32_t source) {
  if (stage != 0 || source != 0) {
    o.flags |= kObsExtra;
    b_->extras.push_back(ObsExtra{static_cast<uint32_t>(b_->obs.size()), stage, source});
  }
  b_->obs.push_back(o);
}

void RowContext::PushTarget(PendingTarget t) {
  t.line = line_;
  t.file = ctx_.file;
  t.offset = offset_;
  b_->targets.push_back(std::move(t));
}

}  // namespace ixdb::load::internal
