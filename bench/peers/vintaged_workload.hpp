#pragma once
// The vintaged workload of issue 13, shared by bench/peers and bench/scale: regions ×
// indicators series (codes r{region}_ind{indicator}), ½ monthly, ¼ quarterly, ¼ annual, each
// starting in a year between 1997 and 2010, published in 13 monthly vintages (2025-01-15 ..
// 2026-01-15). Vintage 0 is the whole history up to 2024; every later vintage brings the new
// periods and revises ~10% of each series' last two years of periods. Rows come in vintage
// order, as the releases arrive. Deterministic: every value is a hash of (seed, series,
// period, vintage), so any size is reproducible without holding the data in memory.
//
// Periods print as ixdb prints them (2024-07, 2024Q3, 2024), so that text periods sort in time
// order within a series and the peers can compare them with ixdb's answers as text.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ixdb::bench {

struct WorkloadSpec {
  uint32_t regions = 96;
  uint32_t indicators =
      120;  // per region; indicator i is monthly (i%4 < 2), quarterly (2), annual (3)
  uint64_t seed = 13;
  int vintages = 13;
  double revision_rate = 0.10;  // per period of the last two years, per vintage
};

// small ≈ 170k rows, medium ≈ 2.08M rows (11,520 series), large ≈ 10M, huge ≈ 100M.
// Returns false for an unknown name.
bool SpecForSize(std::string_view size, WorkloadSpec* spec);
// The names SpecForSize knows, for help texts: "small, medium, large, huge".
const char* SizeNames();

enum class WorkloadFrequency : uint8_t { kMonthly, kQuarterly, kAnnual };

struct WorkloadSeries {
  std::string code;  // r{region}_ind{indicator}
  WorkloadFrequency frequency;
  int periods_per_year;  // 12, 4, 1
  int32_t first;         // period index (year * periods_per_year + sub-period) of the first value
};

// One published version of one value.
struct WorkloadRow {
  uint32_t series;  // index into VintagedWorkload::series()
  int32_t period;   // period index in the series' frequency
  int vintage;      // 0 .. vintages-1
  double value;     // 3 decimals
};

class VintagedWorkload {
 public:
  explicit VintagedWorkload(const WorkloadSpec& spec);

  const WorkloadSpec& spec() const { return spec_; }
  const std::vector<WorkloadSeries>& series() const { return series_; }
  // "2025-01-15" + v months.
  std::string VintageDate(int vintage) const;
  // The last period of series s released by `vintage`.
  int32_t LastPeriod(uint32_t s, int vintage) const;
  // The period as ixdb prints it: 2024-07, 2024Q3, 2024.
  std::string PeriodText(uint32_t s, int32_t period) const;

  // Calls `emit` for every row in release order: vintage by vintage, series by series, periods
  // ascending within a series. Returns the number of rows.
  uint64_t ForEachRow(const std::function<void(const WorkloadRow&)>& emit) const;
  // The versions of one value, oldest first (the answer a revision history must give).
  std::vector<WorkloadRow> VersionsOf(uint32_t s, int32_t period) const;

  // Writes the long CSV `indicator,period,vintage,value` (the format `ixdb load`, COPY and
  // read_csv all read) to `path`. Returns the row count; 0 with *error set on failure.
  uint64_t WriteCsv(const std::string& path, std::string* error) const;
  // DIR/obs.csv, written once: reused while DIR/obs.csv.complete names this spec. Returns the
  // path; empty with *error set on failure.
  std::string EnsureCsv(const std::string& dir, std::string* error) const;

  // `count` monthly series that start in 2010 (192 periods by the last vintage), spread over the
  // regions: the series the one-series reads use.
  std::vector<uint32_t> SampleSeries(size_t count) const;
  // The period of the last two years of series s with the most versions (a revision history).
  int32_t MostRevisedPeriod(uint32_t s) const;

 private:
  bool Revised(uint32_t s, int32_t period, int vintage) const;
  double Value(uint32_t s, int32_t period, int vintage) const;
  // Emits the rows of series s in `vintage` into `out` (cleared first).
  void RowsOf(uint32_t s, int vintage, std::vector<WorkloadRow>* out) const;

  WorkloadSpec spec_;
  std::vector<WorkloadSeries> series_;
};

}  // namespace ixdb::bench
