#include "storage/types.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "common/huge_pages.hpp"
#include "common/strings.hpp"

namespace ixdb::storage {

namespace {

template <typename E>
struct Word {
  const char* text;
  E value;
};

template <typename E, size_t N>
Result<E> Lookup(std::string_view text, const Word<E> (&words)[N], const char* what) {
  std::string t = Lower(Trim(text));
  for (const auto& w : words) {
    if (t == w.text) return w.value;
  }
  return Status::InvalidArgument(std::string("unknown ") + what + " '" + std::string(text) + "'");
}

}  // namespace

const char* MeasureName(MeasureKind k) {
  switch (k) {
    case MeasureKind::kLevel:
      return "level";
    case MeasureKind::kGrowth:
      return "growth";
    case MeasureKind::kRate:
      return "rate";
    case MeasureKind::kShare:
      return "share";
    case MeasureKind::kCount:
      return "count";
    case MeasureKind::kRatio:
      return "ratio";
  }
  return "?";
}

Result<MeasureKind> ParseMeasure(std::string_view text) {
  static const Word<MeasureKind> kWords[] = {
      {"level", MeasureKind::kLevel},   {"总量", MeasureKind::kLevel},
      {"水平", MeasureKind::kLevel},    {"growth", MeasureKind::kGrowth},
      {"增速", MeasureKind::kGrowth},   {"增长", MeasureKind::kGrowth},
      {"增长率", MeasureKind::kGrowth}, {"rate", MeasureKind::kRate},
      {"率", MeasureKind::kRate},       {"比率", MeasureKind::kRate},
      {"share", MeasureKind::kShare},   {"占比", MeasureKind::kShare},
      {"比重", MeasureKind::kShare},    {"count", MeasureKind::kCount},
      {"数量", MeasureKind::kCount},    {"个数", MeasureKind::kCount},
      {"ratio", MeasureKind::kRatio},   {"人均", MeasureKind::kRatio},
  };
  return Lookup(text, kWords, "measure kind");
}

const char* BetterName(Better b) { return b == Better::kLower ? "lower" : "higher"; }

Result<Better> ParseBetter(std::string_view text) {
  static const Word<Better> kWords[] = {
      {"", Better::kHigher},         {"higher", Better::kHigher}, {"high", Better::kHigher},
      {"越高越好", Better::kHigher}, {"lower", Better::kLower},   {"low", Better::kLower},
      {"越低越好", Better::kLower},
  };
  return Lookup(text, kWords, "better (expected higher or lower)");
}

const char* TargetOnName(TargetOn o) {
  switch (o) {
    case TargetOn::kLevel:
      return "level";
    case TargetOn::kYoy:
      return "yoy";
    case TargetOn::kDiff:
      return "diff";
  }
  return "?";
}

Result<TargetOn> ParseTargetOn(std::string_view text) {
  static const Word<TargetOn> kWords[] = {
      {"", TargetOn::kLevel},
      {"level", TargetOn::kLevel},
      {"yoy", TargetOn::kYoy},
      {"diff", TargetOn::kDiff},
  };
  return Lookup(text, kWords, "target basis 'on' (expected level, yoy or diff)");
}

const char* ObsStatusName(ObsStatus s) {
  switch (s) {
    case ObsStatus::kUnspecified:
      return "";
    case ObsStatus::kEstimate:
      return "estimate";
    case ObsStatus::kPreliminary:
      return "preliminary";
    case ObsStatus::kFinal:
      return "final";
    case ObsStatus::kRevised:
      return "revised";
  }
  return "?";
}

Result<ObsStatus> ParseObsStatus(std::string_view text) {
  static const Word<ObsStatus> kWords[] = {
      {"", ObsStatus::kUnspecified},     {"estimate", ObsStatus::kEstimate},
      {"e", ObsStatus::kEstimate},       {"est", ObsStatus::kEstimate},
      {"预计", ObsStatus::kEstimate},    {"预估", ObsStatus::kEstimate},
      {"估计", ObsStatus::kEstimate},    {"preliminary", ObsStatus::kPreliminary},
      {"p", ObsStatus::kPreliminary},    {"prelim", ObsStatus::kPreliminary},
      {"初步", ObsStatus::kPreliminary}, {"初步核算", ObsStatus::kPreliminary},
      {"快报", ObsStatus::kPreliminary}, {"final", ObsStatus::kFinal},
      {"f", ObsStatus::kFinal},          {"最终", ObsStatus::kFinal},
      {"最终核实", ObsStatus::kFinal},   {"终核", ObsStatus::kFinal},
      {"revised", ObsStatus::kRevised},  {"r", ObsStatus::kRevised},
      {"修订", ObsStatus::kRevised},     {"初步核实", ObsStatus::kRevised},
      {"核实", ObsStatus::kRevised},
  };
  return Lookup(text, kWords, "observation status");
}

const char* QualifierSymbol(Qualifier q) {
  switch (q) {
    case Qualifier::kNone:
      return "";
    case Qualifier::kAbout:
      return "~";
    case Qualifier::kAtLeast:
      return ">=";
    case Qualifier::kAtMost:
      return "<=";
  }
  return "?";
}

Result<Qualifier> ParseQualifier(std::string_view text) {
  static const Word<Qualifier> kWords[] = {
      {"", Qualifier::kNone},       {"~", Qualifier::kAbout},    {"≈", Qualifier::kAbout},
      {"about", Qualifier::kAbout}, {">=", Qualifier::kAtLeast}, {"≥", Qualifier::kAtLeast},
      {"超", Qualifier::kAtLeast},  {"<=", Qualifier::kAtMost},  {"≤", Qualifier::kAtMost},
  };
  auto symbol = Lookup(text, kWords, "qualifier");
  if (symbol.ok()) return symbol;
  if (auto w = FindComparatorWord(Trim(text))) {
    switch (w->comparator) {
      case Comparator::kAbout:
        return Qualifier::kAbout;
      case Comparator::kAtLeast:
        return Qualifier::kAtLeast;
      case Comparator::kAtMost:
        return Qualifier::kAtMost;
      default:
        break;
    }
  }
  return symbol.status();
}

Status ValidateSeriesCode(std::string_view code) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("bad series code '" + std::string(code) + "': " + why);
  };
  if (code.empty()) return bad("empty");
  if (code.size() > 64) return bad("longer than 64 characters");
  char c0 = code[0];
  if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z')))
    return bad("must start with a letter");
  for (char c : code) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return bad("only letters, digits and _ are allowed");
  }
  return Status::OK();
}

std::vector<std::string> FindFormulaCycle(
    std::string_view code,
    const std::function<const std::vector<std::string>*(std::string_view)>& uses) {
  // Depth-first from `code`; `path` is the chain being followed, `done` the formulas whose
  // uses lead nowhere back to `code` (each is walked once, so a wide graph stays linear).
  std::vector<std::string> path{std::string(code)};
  std::vector<size_t> next{0};
  std::unordered_set<std::string> done;
  while (!path.empty()) {
    const std::vector<std::string>* u = uses(path.back());
    if (u == nullptr || next.back() >= u->size()) {
      done.insert(path.back());
      path.pop_back();
      next.pop_back();
      continue;
    }
    const std::string& child = (*u)[next.back()++];
    if (child == code) {
      path.push_back(child);
      return path;
    }
    if (done.count(child) || std::find(path.begin(), path.end(), child) != path.end()) continue;
    path.push_back(child);
    next.push_back(0);
  }
  return {};
}

std::string FormulaCycleText(const std::vector<std::string>& cycle) {
  std::string out;
  for (const auto& c : cycle) out += (out.empty() ? "" : " -> ") + c;
  return out;
}

// ---- WriteBatch ---------------------------------------------------------------------------

struct WriteBatch::Index {
  std::unordered_map<std::string, uint32_t> codes;
  std::unordered_map<std::string, uint32_t> strings;
};

void WriteBatch::PutSeries(SeriesMeta meta) { series_.push_back(std::move(meta)); }

void WriteBatch::PutObservation(const Observation& obs) {
  PutObservation(InternSeries(obs.series), obs.period, obs.vintage, obs.value, obs.status,
                 obs.qualifier, obs.stage, obs.source, obs.deleted, obs.extent);
}

void WriteBatch::PutTarget(Target target) { targets_.push_back(std::move(target)); }

void WriteBatch::Clear() {
  series_.clear();
  targets_.clear();
  codes_.clear();
  strings_.assign(1, "");
  obs_series_.clear();
  obs_period_.clear();
  obs_vintage_.clear();
  obs_value_.clear();
  obs_status_.clear();
  obs_qualifier_.clear();
  obs_deleted_.clear();
  obs_stage_.clear();
  obs_source_.clear();
  obs_extent_.clear();
  index_.reset();
}

void WriteBatch::Reserve(size_t rows) {
  ReserveHuge(obs_series_, rows);
  ReserveHuge(obs_period_, rows);
  ReserveHuge(obs_vintage_, rows);
  ReserveHuge(obs_value_, rows);
  ReserveHuge(obs_status_, rows);
  ReserveHuge(obs_qualifier_, rows);
  ReserveHuge(obs_deleted_, rows);
}

Observation WriteBatch::ObservationAt(size_t i) const {
  Observation o;
  o.series = codes_[obs_series_[i]];
  o.period = obs_period_[i];
  o.vintage = obs_vintage_[i];
  o.value = obs_value_[i];
  o.status = static_cast<ObsStatus>(obs_status_[i]);
  o.qualifier = static_cast<Qualifier>(obs_qualifier_[i]);
  if (!obs_stage_.empty()) {
    o.stage = strings_[obs_stage_[i]];
    o.source = strings_[obs_source_[i]];
  }
  o.deleted = obs_deleted_[i] != 0;
  o.extent = obs_extent_.empty() ? 0 : obs_extent_[i];
  return o;
}

// The index is shared between copies of a batch (index_ is a shared_ptr), so it is rebuilt
// before the first insertion into a copy, or when it does not match the columns.
#define IXDB_ENSURE_INDEX()                                                                \
  do {                                                                                     \
    if (!index_ || index_.use_count() > 1 || index_->codes.size() != codes_.size() ||      \
        index_->strings.size() != strings_.size()) {                                       \
      auto idx = std::make_shared<Index>();                                                \
      for (uint32_t i = 0; i < codes_.size(); ++i) idx->codes.emplace(codes_[i], i);       \
      for (uint32_t i = 0; i < strings_.size(); ++i) idx->strings.emplace(strings_[i], i); \
      index_ = std::move(idx);                                                             \
    }                                                                                      \
  } while (0)

uint32_t WriteBatch::InternSeries(std::string_view code) {
  IXDB_ENSURE_INDEX();
  auto [it, inserted] =
      index_->codes.try_emplace(std::string(code), static_cast<uint32_t>(codes_.size()));
  if (inserted) codes_.emplace_back(code);
  return it->second;
}

uint32_t WriteBatch::InternString(std::string_view s) {
  if (s.empty()) return 0;
  IXDB_ENSURE_INDEX();
  auto [it, inserted] =
      index_->strings.try_emplace(std::string(s), static_cast<uint32_t>(strings_.size()));
  if (inserted) strings_.emplace_back(s);
  return it->second;
}
#undef IXDB_ENSURE_INDEX

void WriteBatch::PutObservation(uint32_t series_ref, Period period, Date vintage, double value,
                                ObsStatus status, Qualifier qualifier, std::string_view stage,
                                std::string_view source, bool deleted, uint8_t extent) {
  // The extent column exists from the first row that covers several periods on; the stage and
  // source columns from the first row with either (a bulk load has neither, and two columns of
  // zeros would be 8 bytes a row of fresh memory to write).
  const size_t before = obs_series_.size();
  if (extent != 0 && obs_extent_.size() < before) obs_extent_.resize(before, 0);
  if (extent != 0 || !obs_extent_.empty()) obs_extent_.push_back(extent);
  const bool strings = !stage.empty() || !source.empty();
  if (strings && obs_stage_.size() < before) {
    obs_stage_.resize(before, 0);
    obs_source_.resize(before, 0);
  }
  if (strings || !obs_stage_.empty()) {
    obs_stage_.push_back(stage.empty() ? 0 : InternString(stage));
    obs_source_.push_back(source.empty() ? 0 : InternString(source));
  }
  obs_series_.push_back(series_ref);
  obs_period_.push_back(period);
  obs_vintage_.push_back(vintage);
  obs_value_.push_back(value);
  obs_status_.push_back(static_cast<uint8_t>(status));
  obs_qualifier_.push_back(static_cast<uint8_t>(qualifier));
  obs_deleted_.push_back(deleted ? 1 : 0);
}

}  // namespace ixdb::storage
