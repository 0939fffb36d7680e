#pragma once
// The data model of ixdb (DOMAIN.md explains why each field exists). Plain structs; no RocksDB.

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/comparator.hpp"
#include "common/date.hpp"
#include "common/period.hpp"
#include "common/status.hpp"

namespace ixdb::storage {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
inline bool IsMissing(double v) { return std::isnan(v); }

// What kind of number a series holds. Decides e.g. whether yoy is a percent change (levels,
// counts, ratios) or a difference in percentage points (rates, shares, growth rates).
// On-disk values: do not change.
enum class MeasureKind : uint8_t {
  kLevel = 0,   // a flow or stock in money or physical units: GDP 20011.65 亿元
  kGrowth = 1,  // a reported growth rate, %: "GDP grew 6%" (constant prices)
  kRate = 2,    // a rate, %: unemployment 5.5%
  kShare = 3,   // a share of something else, %: digital economy 48% of GDP
  kCount = 4,   // a count: 个, 家, 项
  kRatio = 5,   // per capita / per 10k: 28.5 5G base stations per 10k people
};
const char* MeasureName(MeasureKind k);  // "level", "growth", ...
Result<MeasureKind> ParseMeasure(std::string_view text);
// Rates, shares and growth rates change in percentage points, the rest in percent.
inline bool ChangesInPoints(MeasureKind k) {
  return k == MeasureKind::kGrowth || k == MeasureKind::kRate || k == MeasureKind::kShare;
}

// On-disk values: do not change.
enum class ObsStatus : uint8_t {
  kUnspecified = 0,
  kEstimate = 1,
  kPreliminary = 2,
  kFinal = 3,
  kRevised = 4
};
const char* ObsStatusName(ObsStatus s);  // "", "estimate", "preliminary", "final", "revised"
Result<ObsStatus> ParseObsStatus(std::string_view text);  // also 预计/初步核算/最终核实...

// The qualifier a value was published with. On-disk values: do not change.
enum class Qualifier : uint8_t { kNone = 0, kAbout = 1, kAtLeast = 2, kAtMost = 3 };
const char* QualifierSymbol(Qualifier q);  // "", "~", ">=", "<="
// Accepts "", ~ >= <= (≈ ≥ ≤, about) and the comparator words of common/comparator.hpp that
// mean about, at least or at most (左右, 约, 以上, 超过, 突破, 不少于, 不低于, 以内, 不超过,
// 低于...), and 超 (超2万亿元).
Result<Qualifier> ParseQualifier(std::string_view text);

// Comparators and their words live in common/ (one vocabulary for the loader, the query layer
// and the extractor).
using ixdb::Comparator;
using ixdb::ComparatorSymbol;

// Which direction of an indicator is good (DOMAIN.md §6): a plain or ~ target on a
// lower-is-better indicator (PM2.5, energy intensity) is met at or below it.
// On-disk values: do not change.
enum class Better : uint8_t { kHigher = 0, kLower = 1 };
const char* BetterName(Better b);                   // "higher", "lower"
Result<Better> ParseBetter(std::string_view text);  // higher/lower (also 越高越好/越低越好)

// What a target is judged on (issue: targets on a change). On-disk values: do not change.
enum class TargetOn : uint8_t {
  kLevel = 0,  // the value itself (the default)
  kYoy = 1,    // its year-over-year change (下降3%: on=yoy, target -3)
  kDiff = 2,   // its change from the period before (提高0.5个百分点: on=diff, target 0.5)
};
const char* TargetOnName(TargetOn o);  // "level", "yoy", "diff"
Result<TargetOn> ParseTargetOn(std::string_view text);

struct SeriesMeta {
  std::string code;     // [A-Za-z][A-Za-z0-9_]*, e.g. gdp_growth
  std::string name_zh;  // 地区生产总值增长
  std::string name_en;  // GDP growth
  std::string region;   // 武汉 (optional)
  std::string unit;     // as written: 亿元, %, 万家
  MeasureKind measure = MeasureKind::kLevel;
  Frequency frequency = Frequency::kAnnual;
  bool cumulative = false;   // year-to-date values; only for quarterly and monthly series
  std::string level_series;  // for a growth series: the level series it belongs to (weights)
  Better better = Better::kHigher;
  std::string source;
  std::string notes;
  // Set by the store: the vintage of the write that last changed this metadata (for a
  // formula: the day it was defined).
  Date updated{};
  // A named formula (ixdb define) only: the query expression its values are computed from
  // whenever a query reads the code, and the codes of the series and formulas the expression
  // names (sorted, each once). Empty for a series of stored data. A formula has no
  // observations or targets; its unit, measure, frequency and cumulative are those its
  // expression gave when it was defined. storage/ never reads the expression.
  std::string formula;
  std::vector<std::string> formula_uses;

  bool IsFormula() const { return !formula.empty(); }
  bool operator==(const SeriesMeta&) const = default;
};
// Validates a code: [A-Za-z][A-Za-z0-9_]{0,63}.
Status ValidateSeriesCode(std::string_view code);

// A change to the named formulas, applied by Store::WriteFormulas as one atomic write.
struct FormulaBatch {
  std::vector<SeriesMeta> put;    // formulas defined or replaced (meta.formula not empty)
  std::vector<std::string> drop;  // codes of formulas removed
};

// The chain by which formula `code` refers back to itself through the formulas it uses, e.g.
// {"a", "b", "a"} when a uses b and b uses a; empty when it does not. `uses(c)` gives the codes
// formula c names, or nullptr when c is not a formula (a stored series ends a chain).
std::vector<std::string> FindFormulaCycle(
    std::string_view code,
    const std::function<const std::vector<std::string>*(std::string_view)>& uses);
// "a -> b -> a"
std::string FormulaCycleText(const std::vector<std::string>& cycle);

struct Observation {
  std::string series;
  Period period;            // must have the series' frequency
  Date vintage;             // publication date
  double value = kMissing;  // NaN: published as blank
  ObsStatus status = ObsStatus::kUnspecified;
  Qualifier qualifier = Qualifier::kNone;
  std::string stage;     // revision stage as published, e.g. 初步核实 (optional)
  std::string source;    // source document (optional)
  bool deleted = false;  // a deletion as of the vintage (SDMX ACTION=D); history keeps old values
  uint8_t extent = 0;    // periods before `period` it also covers (1: combined 1-2月 at M02)
};

struct Target {
  std::string series;
  Period period;  // must have the series' frequency (a bare year on a cumulative
                  // series is resolved to the full-year span by ResolvePeriod)
  Date vintage;   // date of the plan document
  Comparator comparator = Comparator::kEqual;
  double value = kMissing;       // NaN for qualitative and relative targets
  double tolerance = kMissing;   // NaN: none given (the query layer applies its defaults)
  double value_high = kMissing;  // kBetween: the upper end of the range (value is the lower)
  TargetOn on = TargetOn::kLevel;
  // The words said "about" as well as a bound (控制在3%左右: <= with the tolerance of 左右).
  bool about = false;
  std::string unit;         // unit of value, e.g. % (empty: the series' unit)
  std::string relative_to;  // kRelative: the series this one must keep pace with
  std::string text;         // the target as words (always for kQualitative)
  std::string source;       // the exact phrase / document it came from
  bool deleted = false;
};

// A description of one write (a load command, a revert...), recorded with its id.
struct LoadInfo {
  std::string command;  // e.g. "load --vintage 2024-01-20 a.csv b.csv"
  std::vector<std::string> files;
  Date vintage{};  // the default vintage of the load (informational)
};

struct WriteSummary {
  uint64_t load_id = 0;
  uint64_t series_created = 0;
  uint64_t series_updated = 0;      // metadata changed
  uint64_t observations_added = 0;  // new versions recorded (first values and revisions)
  uint64_t revisions = 0;           // of those, versions that changed an existing value/status
  uint64_t unchanged = 0;           // identical to what was known: nothing recorded
  uint64_t targets_added = 0;
  uint64_t targets_unchanged = 0;
  uint64_t deletions = 0;
  // Versions that replaced a value recorded earlier with the same vintage (a corrected release).
  uint64_t corrections = 0;
  uint64_t targets_replaced = 0;      // targets that replaced one of the same vintage
  uint64_t series_widened = 0;        // annual series widened into cumulative ones (see Write)
  uint64_t retracted = 0;             // a revert: the versions of the load it retracted
  Date min_vintage{}, max_vintage{};  // of the rows written (0: none)
};

struct LoadRecord {
  uint64_t id = 0;
  int64_t unix_time = 0;  // when the write committed (seconds)
  LoadInfo info;
  WriteSummary summary;
  uint64_t reverted_by = 0;  // id of the revert that undid it, 0 if none
  uint64_t reverts = 0;      // for a revert: the load it undid
};

// A batch of writes, applied atomically by Store::Write. Observations are kept in columns so
// that a batch of millions of rows stays compact (~30 bytes a row).
class WriteBatch {
 public:
  // Adds or updates a series' metadata (it is created if new). Observations and targets of a
  // series not yet in the store need its metadata in the same batch.
  void PutSeries(SeriesMeta meta);
  void PutObservation(const Observation& obs);
  void PutTarget(Target target);
  // Keeps columns' capacity (a loader reuses its batches).
  void Clear();
  // Makes room for `rows` observations in every column at once (a bulk loader that knows its
  // row count: no column regrows, and the room is advised to huge pages, see
  // common/huge_pages.hpp). Only capacity changes.
  void Reserve(size_t rows);

  size_t observation_count() const { return obs_series_.size(); }
  const std::vector<SeriesMeta>& series() const { return series_; }
  const std::vector<Target>& targets() const { return targets_; }

  // Columnar access for the store (REQUIRES: i < observation_count()).
  Observation ObservationAt(size_t i) const;

  // Fast path for bulk loaders: intern a series code once, then add rows by reference.
  uint32_t InternSeries(std::string_view code);
  void PutObservation(uint32_t series_ref, Period period, Date vintage, double value,
                      ObsStatus status = ObsStatus::kUnspecified,
                      Qualifier qualifier = Qualifier::kNone, std::string_view stage = {},
                      std::string_view source = {}, bool deleted = false, uint8_t extent = 0);
  const std::vector<std::string>& series_codes() const { return codes_; }
  // Raw columns (same length: observation_count()).
  const std::vector<uint32_t>& obs_series() const { return obs_series_; }
  const std::vector<Period>& obs_period() const { return obs_period_; }
  const std::vector<Date>& obs_vintage() const { return obs_vintage_; }
  const std::vector<double>& obs_value() const { return obs_value_; }
  const std::vector<uint8_t>& obs_status() const { return obs_status_; }
  const std::vector<uint8_t>& obs_qualifier() const { return obs_qualifier_; }
  const std::vector<uint8_t>& obs_deleted() const { return obs_deleted_; }
  // Indexes into strings(); both empty while no row has a stage or a source (most loads).
  const std::vector<uint32_t>& obs_stage() const { return obs_stage_; }
  const std::vector<uint32_t>& obs_source() const { return obs_source_; }
  const std::vector<uint8_t>& obs_extent() const { return obs_extent_; }  // empty: all 0
  const std::vector<std::string>& strings() const { return strings_; }    // strings()[0] == ""

 private:
  uint32_t InternString(std::string_view s);

  std::vector<SeriesMeta> series_;
  std::vector<Target> targets_;
  std::vector<std::string> codes_;
  std::vector<std::string> strings_{""};
  std::vector<uint32_t> obs_series_;
  std::vector<Period> obs_period_;
  std::vector<Date> obs_vintage_;
  std::vector<double> obs_value_;
  std::vector<uint8_t> obs_status_, obs_qualifier_, obs_deleted_;
  std::vector<uint32_t> obs_stage_, obs_source_;  // empty while no row has a stage or source
  std::vector<uint8_t> obs_extent_;               // empty while every row covers one period
  // Lookup tables for interning (kept small: codes and distinct stage/source strings).
  struct Index;
  std::shared_ptr<Index> index_;
};

// One stored version of one period, as returned by reads. Columnar results use SeriesValues.
struct Version {
  Period period;
  Date vintage;
  uint64_t load_id = 0;      // the load that recorded it
  uint64_t reverted_by = 0;  // the revert that retracted it (0: none): then only revisions see it
  uint8_t extent = 0;        // periods before `period` it also covers (combined 1-2月)
  double value = kMissing;
  ObsStatus status = ObsStatus::kUnspecified;
  Qualifier qualifier = Qualifier::kNone;
  std::string stage;
  std::string source;
  bool deleted = false;
};

// The values of one series chosen by a read (one row per period, periods ascending).
struct SeriesValues {
  SeriesMeta meta;
  std::vector<Period> period;
  std::vector<double> value;       // NaN where published blank
  std::vector<Date> vintage;       // the vintage each value comes from
  std::vector<uint8_t> status;     // ObsStatus
  std::vector<uint8_t> qualifier;  // Qualifier
  std::vector<uint32_t> stage;     // index into strings (0 = none)
  std::vector<uint32_t> source;    // index into strings (0 = none)
  // Periods before `period` a row also covers (1: NBS's combined 1-2月 at M02 of a plain monthly
  // series). Empty when every row covers one period.
  std::vector<uint8_t> extent;
  std::vector<std::string> strings{""};
  size_t size() const { return period.size(); }
};

// A value that one release added or revised (Store reads "changes").
struct Change {
  std::string series;
  Version version;            // the version the release recorded
  bool had_previous = false;  // false: a first release of that period
  double previous_value = kMissing;
  ObsStatus previous_status = ObsStatus::kUnspecified;
};

}  // namespace ixdb::storage
