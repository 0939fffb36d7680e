#include "load/internal/rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ixdb::load::internal {

const char* const kMetaFieldNames[kMetaFieldCount] = {
    "name", "name_en", "region", "unit", "measure", "frequency", "cumulative", "level_series",
    "notes", "better", "unit"};

namespace {

using storage::Comparator;
using storage::ObsStatus;
using storage::Qualifier;

std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out += "...";
  out += "'";
  return out;
}

// Column names, lower case. Aliases map to the same role.
enum class Role {
  kUnknown, kIndicator, kPeriod, kValue, kVintage, kStatus, kStage, kSource, kQualifier,
  kTarget, kComparator, kTolerance, kUnit, kRelativeTo, kText, kMeta
};

Role RoleOf(std::string_view name, MetaField* meta) {
  static const std::pair<std::string_view, Role> kRoles[] = {
      {"indicator", Role::kIndicator}, {"series", Role::kIndicator}, {"code", Role::kIndicator},
      {"period", Role::kPeriod},       {"value", Role::kValue},      {"vintage", Role::kVintage},
      {"status", Role::kStatus},       {"stage", Role::kStage},      {"source", Role::kSource},
      {"qualifier", Role::kQualifier}, {"target", Role::kTarget},
      {"comparator", Role::kComparator}, {"tolerance", Role::kTolerance},
      {"unit", Role::kUnit},           {"relative_to", Role::kRelativeTo},
      {"text", Role::kText}};
  for (const auto& [n, r] : kRoles) {
    if (name == n) return r;
  }
  static const std::pair<std::string_view, MetaField> kMeta[] = {
      {"name", kMetaName},           {"name_zh", kMetaName},
      {"name_en", kMetaNameEn},      {"region", kMetaRegion},
      {"measure", kMetaMeasure},     {"frequency", kMetaFrequency},
      {"cumulative", kMetaCumulative}, {"level_series", kMetaLevelSeries},
      {"notes", kMetaNotes},         {"better", kMetaBetter}};
  for (const auto& [n, m] : kMeta) {
    if (name == n) {
      *meta = m;
      return Role::kMeta;
    }
  }
  return Role::kUnknown;
}

thread_local uint32_t header_error_col = 0;

Status HeaderError(size_t col, const std::string& why) {
  header_error_col = static_cast<uint32_t>(col + 1);
  return Status::InvalidArgument(why);
}

Result<Schema> ParseHeaderImpl(const std::vector<std::string_view>& header, Format format);

Result<Schema> ParseSdmxHeader(const std::vector<std::string>& names) {
  Schema sc;
  sc.format = Format::kSdmx;
  sc.width = names.size();
  int time = -1, value = -1;
  size_t first_dim = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (i == 0 && (n == "structure" || n == "dataflow")) {
      first_dim = 1;
    } else if (i == first_dim && i > 0 && n == "structure_id") {
      first_dim = i + 1;
    } else if (i == first_dim && n == "action") {
      sc.action = static_cast<int>(i);
      first_dim = i + 1;
    } else if (n == "time_period") {
      time = static_cast<int>(i);
    } else if (n == "obs_value") {
      value = static_cast<int>(i);
    }
  }
  if (time < 0) return HeaderError(names.size() - 1, "SDMX-CSV needs a TIME_PERIOD column");
  if (value < 0) return HeaderError(names.size() - 1, "SDMX-CSV needs an OBS_VALUE column");
  if (value < time) return HeaderError(value, "OBS_VALUE must come after TIME_PERIOD");
  sc.period = time;
  sc.value = value;
  for (int i = static_cast<int>(first_dim); i < time; ++i) {
    const std::string& n = names[i];
    if (n == "freq" || n == "frequency") {
      sc.freq_dim = i;
      continue;
    }
    if (n == "ref_area" || n == "geo" || n == "region") sc.area_dim = i;
    sc.dimensions.push_back(i);
  }
  if (sc.dimensions.empty()) {
    return HeaderError(time, "SDMX-CSV needs at least one dimension column before TIME_PERIOD");
  }
  for (size_t i = value + 1; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (n == "obs_status") sc.obs_status = static_cast<int>(i);
    if (n == "unit_mult") sc.unit_mult = static_cast<int>(i);
    if (n == "unit_measure" || n == "unit") sc.unit_measure = static_cast<int>(i);
    if (n == "vintage") sc.vintage = static_cast<int>(i);
  }
  return sc;
}

}  // namespace

Result<Schema> ParseHeader(const std::vector<std::string_view>& header, Format format,
                           uint32_t* error_col) {
  header_error_col = 1;
  auto r = ParseHeaderImpl(header, format);
  *error_col = header_error_col;
  return r;
}

namespace {
Result<Schema> ParseHeaderImpl(const std::vector<std::string_view>& header, Format format) {
  std::vector<std::string> names;
  for (std::string_view h : header) names.push_back(Lower(Trim(h)));
  if (names.empty()) return HeaderError(0, "empty header");
  if (format == Format::kAuto) {
    auto has = [&](std::string_view n) {
      for (const auto& x : names) {
        if (x == n) return true;
      }
      return false;
    };
    const bool indicator = has("indicator") || has("series") || has("code");
    int period_headers = 0;
    for (const auto& x : names) {
      if (!x.empty() && ParsePeriodFast(x).ok()) ++period_headers;
    }
    if (names[0] == "structure" || names[0] == "dataflow" ||
        (has("time_period") && has("obs_value"))) {
      format = Format::kSdmx;
    } else if (has("target") && has("comparator")) {
      format = Format::kTargets;
    } else if (indicator && has("period") && has("value")) {
      format = Format::kLong;
    } else if (indicator && period_headers > 0) {
      format = Format::kWide;
    } else {
      return HeaderError(0,
                         "cannot tell the format from the header; expected long "
                         "(indicator,period,value), targets (indicator,period,target,comparator), "
                         "wide (indicator,2019,2020,...) or SDMX-CSV (STRUCTURE,...,TIME_PERIOD,"
                         "OBS_VALUE), or give --format");
    }
  }
  if (format == Format::kSdmx) return ParseSdmxHeader(names);

  Schema sc;
  sc.format = format;
  sc.width = names.size();
  const char* kind = format == Format::kLong      ? "long"
                     : format == Format::kTargets ? "targets"
                                                  : "wide";
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    const int col = static_cast<int>(i);
    MetaField mf = kMetaName;
    Role role = RoleOf(n, &mf);
    if (format == Format::kWide && role == Role::kUnknown) {
      auto p = ParsePeriodFast(n);
      if (p.ok()) {
        for (const auto& [c, q] : sc.period_columns) {
          if (q.period == p->period && q.span == p->span) {
            return HeaderError(i, "period " + Quote(header[i]) + " appears twice (also column " +
                                      std::to_string(c + 1) + ")");
          }
        }
        sc.period_columns.emplace_back(col, *p);
        continue;
      }
    }
    // Roles not allowed in this format.
    if (format != Format::kTargets &&
        (role == Role::kTarget || role == Role::kComparator || role == Role::kTolerance ||
         role == Role::kRelativeTo || role == Role::kText)) {
      role = Role::kUnknown;
    }
    if (format == Format::kTargets && (role == Role::kValue || role == Role::kStatus ||
                                       role == Role::kStage || role == Role::kQualifier)) {
      role = Role::kUnknown;
    }
    if (format == Format::kWide && (role == Role::kPeriod || role == Role::kValue ||
                                    role == Role::kQualifier)) {
      role = Role::kUnknown;
    }
    if (role == Role::kUnknown) {
      std::string msg = "unknown column " + Quote(header[i]) + " for a " + kind + " file";
      if (format == Format::kWide) msg += " (neither a known column nor a period)";
      return HeaderError(i, msg);
    }
    int* slot = nullptr;
    switch (role) {
      case Role::kIndicator: slot = &sc.indicator; break;
      case Role::kPeriod: slot = &sc.period; break;
      case Role::kValue: slot = &sc.value; break;
      case Role::kVintage: slot = &sc.vintage; break;
      case Role::kStatus: slot = &sc.status; break;
      case Role::kStage: slot = &sc.stage; break;
      case Role::kSource: slot = &sc.source; break;
      case Role::kQualifier: slot = &sc.qualifier; break;
      case Role::kTarget: slot = &sc.target; break;
      case Role::kComparator: slot = &sc.comparator; break;
      case Role::kTolerance: slot = &sc.tolerance; break;
      case Role::kUnit:
        slot = format == Format::kTargets ? &sc.unit : &sc.meta[kMetaUnit];
        break;
      case Role::kRelativeTo: slot = &sc.relative_to; break;
      case Role::kText: slot = &sc.text; break;
      case Role::kMeta: slot = &sc.meta[mf]; break;
      case Role::kUnknown: break;
    }
    if (*slot >= 0) {
      return HeaderError(i, "column " + Quote(header[i]) + " appears twice (also column " +
                                std::to_string(*slot + 1) + ")");
    }
    *slot = col;
  }
  auto require = [&](int idx, const char* name) -> Status {
    if (idx >= 0) return Status::OK();
    return HeaderError(names.size() - 1, std::string("a ") + kind + " file needs a column '" +
                                             name + "'");
  };
  Status s = require(sc.indicator, "indicator");
  if (s.ok() && format != Format::kWide) s = require(sc.period, "period");
  if (s.ok() && format == Format::kLong) s = require(sc.value, "value");
  if (s.ok() && format == Format::kTargets) s = require(sc.target, "target");
  if (s.ok() && format == Format::kTargets) s = require(sc.comparator, "comparator");
  if (!s.ok()) return s;
  if (format == Format::kWide && sc.period_columns.empty()) {
    return HeaderError(names.size() - 1,
                       "a wide file needs period columns (e.g. 2019, 2020 or 2023Q1)");
  }
  return sc;
}

// Parses one record into the block; returns an error message and the field it concerns, or
// an empty message. Nothing of a bad record is kept.
class RowParser {
 public:
  RowParser(const ParseContext& ctx, Block* block) : ctx_(ctx), sc_(*ctx.schema), b_(block) {
    for (int m : sc_.meta) has_meta_ = has_meta_ || m >= 0;
  }

  void Record(const std::vector<std::string_view>& f, uint32_t line, uint64_t offset) {
    line_ = line;
    offset_ = offset;
    meta_.clear();
    bad_ = false;
    ++b_->rows;
    size_t n = f.size();
    if (n != sc_.width) {
      // Excel writes trailing empty fields; accept them.
      while (n > sc_.width && Trim(f[n - 1]).empty()) --n;
      if (n != sc_.width) {
        const uint32_t col = static_cast<uint32_t>(std::min(f.size(), sc_.width) + 1);
        Error(col, "expected " + std::to_string(sc_.width) + " fields (as in the header), found " +
                       std::to_string(f.size()));
        return;
      }
    }
    bool all_blank = Trim(f[0]).empty();
    for (size_t i = 1; i < n && all_blank; ++i) all_blank = Trim(f[i]).empty();
    if (all_blank) return;
    const size_t obs_before = b_->obs.size();
    const size_t extras_before = b_->extras.size();
    const size_t targets_before = b_->targets.size();
    switch (sc_.format) {
      case Format::kLong: LongRow(f); break;
      case Format::kTargets: TargetRow(f); break;
      case Format::kWide: WideRow(f); break;
      case Format::kSdmx: SdmxRow(f); break;
      case Format::kAuto: break;
    }
    if (bad_) {
      b_->obs.resize(obs_before);
      b_->extras.resize(extras_before);
      b_->targets.resize(targets_before);
      return;
    }
    for (auto& m : meta_) b_->meta.push_back(std::move(m));
    for (auto [s, bits] : freq_seen_) ++b_->freq_counts[s][FreqSlot(bits)];
    for (auto [s, bits] : span_seen_) b_->span_bits[s] |= bits;
    freq_seen_.clear();
    span_seen_.clear();
  }

 private:
  void Error(uint32_t col, std::string msg) {
    if (bad_) return;
    bad_ = true;
    b_->errors.push_back(RowError{ctx_.file, line_, col, std::move(msg), offset_});
    freq_seen_.clear();
    span_seen_.clear();
  }

  static uint32_t Col(int idx) { return static_cast<uint32_t>(idx + 1); }

  // Interns a series code; validates new codes.
  bool Series(std::string_view raw, int col, uint32_t* id) {
    std::string_view code = Trim(raw);
    if (code == last_code_ && !last_code_.empty()) {
      *id = last_id_;
      return true;
    }
    auto it = b_->code_index.find(code);
    if (it == b_->code_index.end()) {
      if (code.empty()) {
        Error(Col(col), "empty indicator");
        return false;
      }
      Status s = storage::ValidateSeriesCode(code);
      if (!s.ok()) {
        Error(Col(col), s.message());
        return false;
      }
      const auto nid = static_cast<uint32_t>(b_->codes.size());
      b_->codes.emplace_back(code);
      b_->freq_counts.push_back({0, 0, 0});
      b_->span_bits.push_back(0);
      it = b_->code_index.emplace(std::string(code), nid).first;
    }
    last_code_ = it->first;
    last_id_ = it->second;
    *id = last_id_;
    return true;
  }

  bool ParsePeriodCell(std::string_view raw, int col, ParsedPeriod* out) {
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

  // 2023, 2023Q3, 2023-07 without building a Result (the common forms of bulk files).
  static bool FastPeriod(std::string_view t, ParsedPeriod* out) {
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
    if (t.size() == 7 && (t[4] == '-' || t[4] == 'M' || t[4] == 'm') && digit(t[5]) &&
        digit(t[6])) {
      const int m = (t[5] - '0') * 10 + (t[6] - '0');
      if (m >= 1 && m <= 12) {
        *out = ParsedPeriod{Period::Month(year, m), false};
        return true;
      }
    }
    return false;
  }

  void SeePeriod(uint32_t series, const ParsedPeriod& p) {
    if (p.span) {
      span_seen_.emplace_back(series, FreqBit(p.period.freq));
    } else {
      freq_seen_.emplace_back(series, FreqBit(p.period.freq));
    }
  }

  bool Vintage(const std::vector<std::string_view>& f, int col, int32_t* out) {
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

  bool StatusCell(std::string_view raw, int col, uint8_t* out) {
    std::string_view t = Trim(raw);
    if (t.empty()) {
      *out = 0;
      return true;
    }
    auto s = storage::ParseObsStatus(t);
    if (!s.ok()) {
      Error(Col(col), "unknown status " + Quote(t) +
                          " (expected estimate, preliminary, final or revised)");
      return false;
    }
    *out = static_cast<uint8_t>(*s);
    return true;
  }

  // A number cell; blank and the missing markers give NaN. `footnote` may be null.
  bool Number(std::string_view raw, int col, const char* what, double* out,
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

  // Reads the series metadata cells of a row.
  void MetaCells(const std::vector<std::string_view>& f, uint32_t series) {
    if (!has_meta_) return;
    for (int m = 0; m < kMetaFieldCount && !bad_; ++m) {
      const int col = sc_.meta[m];
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

  void AddMeta(uint32_t series, MetaField field, int col, std::string value) {
    meta_.push_back(MetaEvent{series, static_cast<uint8_t>(field), static_cast<uint16_t>(col + 1),
                              line_, std::move(value), offset_});
  }

  PendingObs NewObs(uint32_t series, const ParsedPeriod& p, int32_t vintage, double value,
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

  void PushObs(PendingObs o, uint32_t stage, uint32_t source) {
    if (stage != 0 || source != 0) {
      o.flags |= kObsExtra;
      b_->extras.push_back(ObsExtra{static_cast<uint32_t>(b_->obs.size()), stage, source});
    }
    b_->obs.push_back(o);
  }

  // Shared by long and wide rows: status, stage, source columns.
  bool ObsAttributes(const std::vector<std::string_view>& f, uint8_t* status, uint32_t* stage,
                     uint32_t* source) {
    *status = 0;
    *stage = 0;
    *source = 0;
    if (sc_.status >= 0 && !StatusCell(f[sc_.status], sc_.status, status)) return false;
    if (sc_.stage >= 0) *stage = b_->strings.Intern(Trim(f[sc_.stage]));
    if (sc_.source >= 0) *source = b_->strings.Intern(Trim(f[sc_.source]));
    return true;
  }

  void LongRow(const std::vector<std::string_view>& f) {
    uint32_t series;
    if (!Series(f[sc_.indicator], sc_.indicator, &series)) return;
    const std::string_view period_text = Trim(f[sc_.period]);
    const std::string_view value_text = f[sc_.value];
    if (period_text.empty()) {
      // A row that only carries metadata.
      if (!Trim(value_text).empty()) {
        Error(Col(sc_.period), "empty period");
        return;
      }
      MetaCells(f, series);
      return;
    }
    ParsedPeriod p;
    if (!ParsePeriodCell(period_text, sc_.period, &p)) return;
    FootnoteStatus foot = FootnoteStatus::kNone;
    double value;
    if (!Number(value_text, sc_.value, "value", &value, &foot)) return;
    int32_t vintage;
    if (!Vintage(f, sc_.vintage, &vintage)) return;
    uint8_t status;
    uint32_t stage, source;
    if (!ObsAttributes(f, &status, &stage, &source)) return;
    if (status == 0 && foot != FootnoteStatus::kNone) {
      status = static_cast<uint8_t>(foot == FootnoteStatus::kPreliminary ? ObsStatus::kPreliminary
                                    : foot == FootnoteStatus::kEstimate  ? ObsStatus::kEstimate
                                                                         : ObsStatus::kRevised);
    }
    uint8_t qualifier = 0;
    if (sc_.qualifier >= 0) {
      std::string_view q = Trim(f[sc_.qualifier]);
      if (!q.empty()) {
        auto r = storage::ParseQualifier(q);
        if (!r.ok()) {
          Error(Col(sc_.qualifier),
                "unknown qualifier " + Quote(q) + " (expected ~, >=, <=, 左右, 以上, 以内...)");
          return;
        }
        qualifier = static_cast<uint8_t>(*r);
      }
    }
    MetaCells(f, series);
    if (bad_) return;
    SeePeriod(series, p);
    PendingObs o = NewObs(series, p, vintage, value, sc_.period);
    o.status = status;
    o.qualifier = qualifier;
    PushObs(o, stage, source);
  }

  void WideRow(const std::vector<std::string_view>& f) {
    uint32_t series;
    if (!Series(f[sc_.indicator], sc_.indicator, &series)) return;
    int32_t vintage;
    if (!Vintage(f, sc_.vintage, &vintage)) return;
    uint8_t status;
    uint32_t stage, source;
    if (!ObsAttributes(f, &status, &stage, &source)) return;
    MetaCells(f, series);
    if (bad_) return;
    bool any_value = false;
    for (const auto& [col, p] : sc_.period_columns) {
      FootnoteStatus foot = FootnoteStatus::kNone;
      double value;
      if (!Number(f[col], col, "value", &value, &foot)) return;
      const bool blank = std::isnan(value);
      if (!blank) {
        any_value = true;
        SeePeriod(series, p);
      }
      PendingObs o = NewObs(series, p, vintage, value, col);
      if (blank) o.flags |= kObsBlankMisfit;
      o.status = status;
      if (status == 0 && foot != FootnoteStatus::kNone) {
        o.status = static_cast<uint8_t>(foot == FootnoteStatus::kPreliminary ? ObsStatus::kPreliminary
                                        : foot == FootnoteStatus::kEstimate ? ObsStatus::kEstimate
                                                                            : ObsStatus::kRevised);
      }
      PushObs(o, stage, source);
    }
    if (!any_value) {
      for (const auto& [col, p] : sc_.period_columns) SeePeriod(series, p);
    }
  }

  void TargetRow(const std::vector<std::string_view>& f) {
    uint32_t series;
    if (!Series(f[sc_.indicator], sc_.indicator, &series)) return;
    ParsedPeriod p;
    if (!ParsePeriodCell(f[sc_.period], sc_.period, &p)) return;
    storage::Target t;
    if (!Number(f[sc_.target], sc_.target, "target", &t.value, nullptr)) return;
    if (sc_.tolerance >= 0 &&
        !Number(f[sc_.tolerance], sc_.tolerance, "tolerance", &t.tolerance, nullptr)) {
      return;
    }
    if (sc_.text >= 0) t.text = std::string(Trim(f[sc_.text]));
    if (sc_.source >= 0) t.source = std::string(Trim(f[sc_.source]));
    if (sc_.unit >= 0) t.unit = std::string(Trim(f[sc_.unit]));
    std::string_view comp = Trim(f[sc_.comparator]);
    const bool has_value = !std::isnan(t.value);
    if (comp.empty()) {
      if (has_value || t.text.empty()) {
        Error(Col(sc_.comparator), has_value ? "empty comparator (expected >=, <=, ~, =, 以上...)"
                                             : "empty comparator and no text");
        return;
      }
      t.comparator = Comparator::kQualitative;
    } else {
      auto reading = ParseComparator(comp);
      if (!reading.ok()) {
        Error(Col(sc_.comparator), reading.status().message());
        return;
      }
      t.comparator = reading->comparator;
      // 控制在3%左右: a ceiling with the tolerance of 左右, which the query layer chooses by the
      // target's unit (0.5 pp for %, 2% of the target for levels) unless a tolerance is given.
      t.about = reading->about;
    }
    if (sc_.relative_to >= 0) {
      std::string_view rel = Trim(f[sc_.relative_to]);
      if (!rel.empty()) {
        Status s = storage::ValidateSeriesCode(rel);
        if (!s.ok()) {
          Error(Col(sc_.relative_to), "relative_to: " + s.message());
          return;
        }
        t.relative_to = std::string(rel);
        if (comp.empty()) t.comparator = Comparator::kRelative;
      }
    }
    switch (t.comparator) {
      case Comparator::kRelative:
        if (t.relative_to.empty()) {
          Error(Col(sc_.relative_to >= 0 ? sc_.relative_to : sc_.comparator),
                "a relative (同步) target needs the series it follows in relative_to");
          return;
        }
        break;
      case Comparator::kQualitative:
        if (t.text.empty()) {
          Error(Col(sc_.text >= 0 ? sc_.text : sc_.comparator),
                "a qualitative target needs its words in the text column");
          return;
        }
        break;
      default:
        if (!has_value) {
          if (t.text.empty()) {
            Error(Col(sc_.target), "empty target (a qualitative target needs text instead)");
            return;
          }
          t.comparator = Comparator::kQualitative;
        }
    }
    int32_t vintage;
    if (!Vintage(f, sc_.vintage, &vintage)) return;
    t.vintage = Date{vintage};
    MetaCells(f, series);
    if (bad_) return;
    if (!t.unit.empty()) AddMeta(series, kMetaUnitHint, sc_.unit, t.unit);
    SeePeriod(series, p);
    PendingTarget pt;
    pt.series = series;
    pt.period = p;
    pt.target = std::move(t);
    pt.line = line_;
    pt.pcol = static_cast<uint16_t>(sc_.period + 1);
    pt.file = ctx_.file;
    pt.offset = offset_;
    b_->targets.push_back(std::move(pt));
  }

  void SdmxRow(const std::vector<std::string_view>& f) {
    // Series code: the dimension values (FREQ excluded), lower case, joined by '_'.
    code_.clear();
    for (int d : sc_.dimensions) {
      std::string_view v = Trim(f[d]);
      if (v.empty()) {
        Error(Col(d), "empty dimension value");
        return;
      }
      if (!code_.empty()) code_ += '_';
      for (char c : v) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        code_ += alnum ? static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) : '_';
      }
    }
    if (!(code_[0] >= 'a' && code_[0] <= 'z')) code_.insert(0, "s_");
    uint32_t series;
    if (!Series(code_, sc_.dimensions.front(), &series)) return;
    bool deleted = false;
    if (sc_.action >= 0) {
      std::string_view a = Trim(f[sc_.action]);
      if (a == "D" || a == "d") {
        deleted = true;
      } else if (!(a.empty() || a == "I" || a == "A" || a == "R" || a == "i" || a == "a" ||
                   a == "r")) {
        Error(Col(sc_.action), "unknown ACTION " + Quote(a) + " (expected I, A, R or D)");
        return;
      }
    }
    ParsedPeriod p;
    if (!ParsePeriodCell(f[sc_.period], sc_.period, &p)) return;
    double value = storage::kMissing;
    std::string_view vt = Trim(f[sc_.value]);
    if (!deleted && !vt.empty()) {
      std::string scaled;
      if (sc_.unit_mult >= 0) {
        std::string_view m = Trim(f[sc_.unit_mult]);
        if (!m.empty() && m != "0") {
          int mult = 0;
          bool ok = m.size() <= 3;
          for (size_t i = (m[0] == '-' ? 1 : 0); ok && i < m.size(); ++i) {
            ok = m[i] >= '0' && m[i] <= '9';
          }
          if (ok) mult = std::atoi(std::string(m).c_str());
          if (!ok || mult < -30 || mult > 30) {
            Error(Col(sc_.unit_mult), "bad UNIT_MULT " + Quote(m) + " (expected an integer power of 10)");
            return;
          }
          double base;
          if (!Number(vt, sc_.value, "OBS_VALUE", &base, nullptr)) return;
          if (!std::isnan(base)) {
            // Scale in decimal (the written digits with the exponent added), so that 20011.65
            // with UNIT_MULT 8 is exactly 2001165000000.
            std::string written(vt);
            written.erase(std::remove(written.begin(), written.end(), ','), written.end());
            written += "e" + std::to_string(mult);
            if (!ParseNumber(written, &value)) value = base * std::pow(10.0, mult);
          }
        } else if (!Number(vt, sc_.value, "OBS_VALUE", &value, nullptr)) {
          return;
        }
      } else if (!Number(vt, sc_.value, "OBS_VALUE", &value, nullptr)) {
        return;
      }
    }
    uint8_t status = 0;
    if (sc_.obs_status >= 0) {
      std::string_view s = Trim(f[sc_.obs_status]);
      // SDMX code list CL_OBS_STATUS.
      if (s == "E" || s == "F") status = static_cast<uint8_t>(ObsStatus::kEstimate);
      if (s == "P") status = static_cast<uint8_t>(ObsStatus::kPreliminary);
      if (s == "R") status = static_cast<uint8_t>(ObsStatus::kRevised);
      if (s == "M" || s == "L" || s == "O") value = storage::kMissing;
    }
    int32_t vintage;
    if (!Vintage(f, sc_.vintage, &vintage)) return;
    if (sc_.freq_dim >= 0) {
      std::string_view fr = Trim(f[sc_.freq_dim]);
      if (!fr.empty()) {
        auto r = ParseFrequency(fr);
        if (!r.ok()) {
          // SDMX also has S (half-yearly), W, D...: not supported.
          Error(Col(sc_.freq_dim), "unsupported FREQ " + Quote(fr) + " (expected A, Q or M)");
          return;
        }
        AddMeta(series, kMetaFrequency, sc_.freq_dim, FrequencyName(*r));
      }
    }
    if (sc_.area_dim >= 0) AddMeta(series, kMetaRegion, sc_.area_dim, std::string(Trim(f[sc_.area_dim])));
    if (sc_.unit_measure >= 0) {
      std::string_view u = Trim(f[sc_.unit_measure]);
      if (!u.empty()) AddMeta(series, kMetaUnit, sc_.unit_measure, std::string(u));
    }
    SeePeriod(series, p);
    PendingObs o = NewObs(series, p, vintage, value, sc_.period);
    o.status = status;
    if (deleted) o.flags |= kObsDeleted;
    PushObs(o, 0, 0);
  }

  const ParseContext& ctx_;
  const Schema& sc_;
  Block* b_;
  uint32_t line_ = 0;
  uint64_t offset_ = 0;
  bool bad_ = false;
  bool has_meta_ = false;
  std::vector<MetaEvent> meta_;
  std::vector<std::pair<uint32_t, uint8_t>> freq_seen_, span_seen_;
  std::string_view last_code_;
  uint32_t last_id_ = 0;
  std::string last_vintage_text_;
  int32_t last_vintage_ = 0;
  std::string code_;
};

}  // namespace

void ParseRecords(const ParseContext& ctx, CsvReader& reader, uint64_t line_base,
                  size_t base_offset, size_t max_obs, Block* block) {
  RowParser parser(ctx, block);
  std::vector<std::string_view> fields;
  std::string error;
  while (!reader.done() && block->obs.size() < max_obs) {
    uint32_t error_field = 0;
    if (!reader.Next(&fields, &error, &error_field)) {
      if (!error.empty()) {
        block->errors.push_back(RowError{ctx.file,
                                         static_cast<uint32_t>(reader.record_line() - line_base),
                                         error_field, error, base_offset + reader.record_begin()});
        ++block->rows;
        error.clear();
      }
      continue;
    }
    parser.Record(fields, static_cast<uint32_t>(reader.record_line() - line_base),
                  base_offset + reader.record_begin());
  }
}

}  // namespace ixdb::load::internal
