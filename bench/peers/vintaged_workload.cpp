#include "bench/peers/vintaged_workload.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace ixdb::bench {
namespace {

constexpr int kFirstVintageMonth = 2025 * 12;  // 2025-01, month index year * 12 + (month - 1)
constexpr int kFirstStartYear = 1997;
constexpr int kStartYears = 14;  // 1997 .. 2010
constexpr int kSampleStartYear = 2010;

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser: a good 64-bit hash of a 64-bit key
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
uint64_t Hash(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  return Mix(seed ^ Mix(a ^ Mix(b ^ Mix(c))));
}
double Unit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }  // [0, 1)

// Writes the period as ixdb prints it; returns the length.
int FormatPeriodTo(char* out, int periods_per_year, int32_t p) {
  const int year = p / periods_per_year, sub = p % periods_per_year;
  if (periods_per_year == 12) return std::snprintf(out, 16, "%04d-%02d", year, sub + 1);
  if (periods_per_year == 4) return std::snprintf(out, 16, "%04dQ%d", year, sub + 1);
  return std::snprintf(out, 16, "%04d", year);
}

}  // namespace

bool SpecForSize(std::string_view size, WorkloadSpec* spec) {
  *spec = WorkloadSpec{};
  if (size == "small")
    spec->regions = 8;
  else if (size == "medium")
    spec->regions = 96;
  else if (size == "large")
    spec->regions = 462;
  else if (size == "huge")
    spec->regions = 4620;
  else
    return false;
  return true;
}

const char* SizeNames() {
  return "small (~170k rows), medium (~2.08M), large (~10M), huge (~100M)";
}

VintagedWorkload::VintagedWorkload(const WorkloadSpec& spec) : spec_(spec) {
  series_.reserve(static_cast<size_t>(spec.regions) * spec.indicators);
  for (uint32_t r = 0; r < spec.regions; ++r) {
    for (uint32_t i = 0; i < spec.indicators; ++i) {
      WorkloadSeries s;
      char code[32];
      std::snprintf(code, sizeof code, "r%u_ind%u", r, i);
      s.code = code;
      const uint32_t kind = i % 4;
      s.frequency = kind < 2    ? WorkloadFrequency::kMonthly
                    : kind == 2 ? WorkloadFrequency::kQuarterly
                                : WorkloadFrequency::kAnnual;
      s.periods_per_year = kind < 2 ? 12 : kind == 2 ? 4 : 1;
      const uint32_t index = static_cast<uint32_t>(series_.size());
      const int start_year =
          kFirstStartYear + static_cast<int>(Hash(spec.seed, index, 1) % kStartYears);
      s.first = start_year * s.periods_per_year;
      series_.push_back(std::move(s));
    }
  }
}

std::string VintagedWorkload::VintageDate(int vintage) const {
  const int m = kFirstVintageMonth + vintage;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-15", m / 12, m % 12 + 1);
  return buf;
}

int32_t VintagedWorkload::LastPeriod(uint32_t s, int vintage) const {
  const int last_month = kFirstVintageMonth + vintage - 1;  // the month before the release
  const int ppy = series_[s].periods_per_year;
  return (last_month + 1) / (12 / ppy) - 1;
}

std::string VintagedWorkload::PeriodText(uint32_t s, int32_t period) const {
  char buf[16];
  const int n = FormatPeriodTo(buf, series_[s].periods_per_year, period);
  return std::string(buf, static_cast<size_t>(n));
}

bool VintagedWorkload::Revised(uint32_t s, int32_t period, int vintage) const {
  return Unit(Hash(spec_.seed, s, static_cast<uint64_t>(period) << 8 | 2,
                   static_cast<uint64_t>(vintage))) < spec_.revision_rate;
}

double VintagedWorkload::Value(uint32_t s, int32_t period, int vintage) const {
  const WorkloadSeries& ws = series_[s];
  const double base = 50 + Unit(Hash(spec_.seed, s, 3)) * 950;
  const double years = static_cast<double>(period) / ws.periods_per_year - kFirstStartYear;
  const double noise =
      1 + 0.04 * (Unit(Hash(spec_.seed, s, static_cast<uint64_t>(period) << 8 | 4)) - 0.5);
  double v = base * std::pow(1.04, years) * noise;
  if (vintage > 0) {
    v *= 1 + 0.01 * (Unit(Hash(spec_.seed, s, static_cast<uint64_t>(period) << 8 | 5,
                               static_cast<uint64_t>(vintage))) -
                     0.5);
  }
  return std::round(v * 1000) / 1000;
}

void VintagedWorkload::RowsOf(uint32_t s, int vintage, std::vector<WorkloadRow>* out) const {
  out->clear();
  const int32_t last = LastPeriod(s, vintage);
  int32_t from = series_[s].first;
  if (vintage > 0) {
    const int32_t before = LastPeriod(s, vintage - 1);
    const int32_t window = std::max(series_[s].first, before - 2 * series_[s].periods_per_year + 1);
    for (int32_t p = window; p <= before; ++p) {
      if (Revised(s, p, vintage)) out->push_back({s, p, vintage, Value(s, p, vintage)});
    }
    from = before + 1;
  }
  // A new period's first release is its value "as of vintage 0": revisions perturb that.
  for (int32_t p = from; p <= last; ++p) out->push_back({s, p, vintage, Value(s, p, 0)});
}

uint64_t VintagedWorkload::ForEachRow(const std::function<void(const WorkloadRow&)>& emit) const {
  uint64_t n = 0;
  std::vector<WorkloadRow> rows;
  for (int v = 0; v < spec_.vintages; ++v) {
    for (uint32_t s = 0; s < series_.size(); ++s) {
      RowsOf(s, v, &rows);
      for (const WorkloadRow& r : rows) emit(r);
      n += rows.size();
    }
  }
  return n;
}

std::vector<WorkloadRow> VintagedWorkload::VersionsOf(uint32_t s, int32_t period) const {
  std::vector<WorkloadRow> out, rows;
  for (int v = 0; v < spec_.vintages; ++v) {
    RowsOf(s, v, &rows);
    for (const WorkloadRow& r : rows) {
      if (r.period == period) out.push_back(r);
    }
  }
  return out;
}

uint64_t VintagedWorkload::WriteCsv(const std::string& path, std::string* error) const {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) {
    *error = "cannot write " + path + ": " + std::strerror(errno);
    return 0;
  }
  std::vector<char> buffer(1 << 20);
  std::setvbuf(f.get(), buffer.data(), _IOFBF, buffer.size());
  std::fputs("indicator,period,vintage,value\n", f.get());
  std::vector<std::string> dates;
  for (int v = 0; v < spec_.vintages; ++v) dates.push_back(VintageDate(v));
  char line[128];
  const uint64_t rows = ForEachRow([&](const WorkloadRow& r) {
    const WorkloadSeries& s = series_[r.series];
    char* p = line;
    std::memcpy(p, s.code.data(), s.code.size());
    p += s.code.size();
    *p++ = ',';
    p += FormatPeriodTo(p, s.periods_per_year, r.period);
    *p++ = ',';
    std::memcpy(p, dates[r.vintage].data(), 10);
    p += 10;
    *p++ = ',';
    p = std::to_chars(p, line + sizeof line - 1, r.value, std::chars_format::fixed, 3).ptr;
    *p++ = '\n';
    std::fwrite(line, 1, static_cast<size_t>(p - line), f.get());
  });
  if (std::ferror(f.get()) || std::fflush(f.get()) != 0) {
    *error = "cannot write " + path + ": " + std::strerror(errno);
    return 0;
  }
  return rows;
}

std::string VintagedWorkload::EnsureCsv(const std::string& dir, std::string* error) const {
  const std::filesystem::path csv = std::filesystem::path(dir) / "obs.csv";
  const std::filesystem::path marker = csv.string() + ".complete";
  const std::string spec = "vintaged v1 regions=" + std::to_string(spec_.regions) +
                           " indicators=" + std::to_string(spec_.indicators) +
                           " seed=" + std::to_string(spec_.seed) +
                           " vintages=" + std::to_string(spec_.vintages) +
                           " rate=" + std::to_string(spec_.revision_rate);
  std::string line;
  std::ifstream in(marker);
  if (std::filesystem::exists(csv) && std::getline(in, line) && line == spec) return csv.string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::remove(marker, ec);
  std::printf("generating %s ...\n", csv.c_str());
  if (WriteCsv(csv.string(), error) == 0) return {};
  std::ofstream(marker) << spec << "\n";
  return csv.string();
}

std::vector<uint32_t> VintagedWorkload::SampleSeries(size_t count) const {
  std::vector<uint32_t> all;
  for (uint32_t s = 0; s < series_.size(); ++s) {
    if (series_[s].periods_per_year == 12 && series_[s].first == kSampleStartYear * 12)
      all.push_back(s);
  }
  std::vector<uint32_t> out;
  if (all.empty()) return out;
  const size_t n = std::min(count, all.size());
  for (size_t k = 0; k < n; ++k) out.push_back(all[k * all.size() / n]);
  return out;
}

int32_t VintagedWorkload::MostRevisedPeriod(uint32_t s) const {
  const int32_t last = LastPeriod(s, spec_.vintages - 1);
  int32_t best = last;
  size_t best_count = 0;
  for (int32_t p = std::max(series_[s].first, last - 2 * series_[s].periods_per_year); p <= last;
       ++p) {
    const size_t n = VersionsOf(s, p).size();
    if (n > best_count) best = p, best_count = n;
  }
  return best;
}

}  // namespace ixdb::bench
