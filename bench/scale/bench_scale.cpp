// bench/scale (issue 13, "how cost grows"): the vintaged workload of bench/peers (the same
// generator, vintaged_workload.hpp) at 2M, 10M and, by hand, 100M rows, loaded into ixdb; per
// size: load rows/s, bytes on disk per row, peak memory of the load (bench_load in a process of
// its own), and the latency of the four reads of bench/peers timed the way a user gets them
// (query + CSV, ixdb_reads.hpp): one-series yoy, yoy of every series (full scan), as-of one
// series, revision history of one value. Then whether load time and bytes grow linearly (per row
// within ±20% of the smallest size) and the one-series reads stay flat (within ±30%). The sizes
// are loaded one after the other, then read taking turns (every store open at once).
//
// usage: bench_scale [--huge] [--sizes medium,large,huge] [--reps N] [--full-reps N] [--samples N]
//                    [--out DIR] [--keep]
// The CSVs are bench/peers' (bench/out/peers/SIZE/obs.csv, reused); each store is removed after
// its size unless --keep.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/peers/answer.hpp"
#include "bench/peers/ixdb_reads.hpp"
#include "bench/peers/vintaged_workload.hpp"

using namespace ixdb;
using namespace ixdb::bench;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_scale: %s\n", what.c_str());
  std::exit(1);
}

constexpr Read kReads[] = {Read::kYoyOne, Read::kYoyAll, Read::kAsOfOne, Read::kRevisionsOne};
constexpr const char* kReadNames[] = {"one-series yoy", "full scan", "as-of one series",
                                      "revision history"};

struct SizeResult {
  std::string size;
  uint64_t rows = 0;
  size_t series = 0;
  IxdbLoadFigures load;
  double read_ms[4] = {};    // medians, in kReads' order
  size_t read_rows[4] = {};  // rows of the first sample's answer
};

// One size: its workload, the load's figures, its store (open for the reads) and its queries.
struct SizeRun {
  SizeResult result;
  std::unique_ptr<VintagedWorkload> workload;
  std::string db;
  std::unique_ptr<storage::Store> store;
  std::vector<std::string> texts[4];  // per read, in kReads' order
  std::vector<double> times[4];
};

void LoadSize(const std::string& size, const fs::path& out_dir, size_t samples, SizeRun* run) {
  WorkloadSpec spec;
  if (!SpecForSize(size, &spec)) Die("unknown size '" + size + "': " + SizeNames());
  run->workload = std::make_unique<VintagedWorkload>(spec);
  const VintagedWorkload& workload = *run->workload;
  std::string error;
  const std::string csv = workload.EnsureCsv((out_dir / size).string(), &error);
  if (csv.empty()) Die(error);
  run->db = (out_dir / size / "scale-ixdb").string();
  std::printf("%s: loading %s ...\n", size.c_str(), csv.c_str());
  SizeResult& r = run->result;
  r.size = size;
  r.series = workload.series().size();
  r.load = LoadIxdb(run->db, csv);
  r.rows = r.load.rows;

  const auto sample = workload.SampleSeries(samples);
  if (sample.empty()) Die("no monthly series starting in 2010 in size " + size);
  const Status s = storage::Store::Open(storage::Options{}, run->db, &run->store);
  if (!s.ok()) Die("open ixdb: " + s.ToString());
  for (int k = 0; k < 4; ++k) {
    const Read read = kReads[k];
    if (read == Read::kYoyAll) {
      run->texts[k].push_back(IxdbQueryText(read, "", ""));
      continue;
    }
    for (uint32_t id : sample) {
      const std::string param = read == Read::kAsOfOne ? workload.VintageDate(5)
                                : read == Read::kRevisionsOne
                                    ? workload.PeriodText(id, workload.MostRevisedPeriod(id))
                                    : "";
      run->texts[k].push_back(IxdbQueryText(read, workload.series()[id].code, param));
    }
  }
}

// Every size's reads, the sizes taking turns query by query within each round, so that other
// load on the shared machine hits every size alike (the flatness check compares them).
void TimeReads(std::vector<SizeRun>& runs, int reps, int full_reps) {
  for (int k = 0; k < 4; ++k) {
    const Read read = kReads[k];
    for (auto& run : runs) {
      Answer first;
      TimeIxdbRead(*run.store, read, run.texts[k][0], Rendering::kCsv, &first);
      run.result.read_rows[k] = first.rows.size();
      if (read == Read::kYoyAll) continue;
      for (const auto& t : run.texts[k])
        TimeIxdbRead(*run.store, read, t, Rendering::kCsv, nullptr);  // warm-up
    }
    const int rounds = read == Read::kYoyAll ? full_reps : reps;
    for (int round = 0; round < rounds; ++round) {
      for (size_t i = 0; i < runs.front().texts[k].size(); ++i) {
        for (auto& run : runs) {
          if (i < run.texts[k].size()) {
            run.times[k].push_back(
                TimeIxdbRead(*run.store, read, run.texts[k][i], Rendering::kCsv, nullptr));
          }
        }
      }
    }
    for (auto& run : runs) run.result.read_ms[k] = Median(run.times[k]);
  }
}

std::string Verdict(double ratio, double tolerance) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f (%s)", ratio,
                std::abs(ratio - 1) <= tolerance ? "ok" : "NOT within");
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::vector<std::string> sizes = {"medium", "large"};
  int reps = 25, full_reps = 3;
  size_t samples = 8;
  bool keep = false;
  fs::path out_dir = fs::path(IXDB_BENCH_DIR) / "out" / "peers";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--huge")
      sizes.push_back("huge");
    else if (a == "--sizes") {
      sizes.clear();
      std::stringstream ss(next());
      std::string s;
      while (std::getline(ss, s, ',')) sizes.push_back(s);
    } else if (a == "--reps")
      reps = std::stoi(next());
    else if (a == "--full-reps")
      full_reps = std::stoi(next());
    else if (a == "--samples")
      samples = std::stoul(next());
    else if (a == "--out")
      out_dir = next();
    else if (a == "--keep")
      keep = true;
    else {
      Die(std::string("usage: bench_scale [--huge] [--sizes a,b,c] [--reps N] [--full-reps N] "
                      "[--samples N] [--out DIR] "
                      "[--keep]\n  sizes: ") +
          SizeNames());
    }
  }
  std::vector<SizeRun> runs(sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) LoadSize(sizes[i], out_dir, samples, &runs[i]);
  std::printf("reading (the sizes take turns) ...\n");
  TimeReads(runs, reps, full_reps);
  std::vector<SizeResult> results;
  for (auto& run : runs) {
    results.push_back(run.result);
    run.store.reset();
    if (!keep) fs::remove_all(run.db);
  }

  std::printf(
      "\nbench/scale: ixdb on the vintaged workload of bench/peers; reads timed as query + CSV; "
      "medians of "
      "%zu series x %d rounds (full scan: %d runs)\n\n",
      samples, reps, full_reps);
  std::printf(
      "| size | rows | series | load rows/s | load s | bytes/row | peak memory | one-series yoy | "
      "full scan | "
      "as-of one series | revision history |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : results) {
    std::printf(
        "| %s | %.2fM | %zu | %.2fM | %.2f | %.2f | %.0f MiB | %.3f ms (%zu rows) | %.3f s | %.3f "
        "ms (%zu rows) | "
        "%.3f ms (%zu versions) |\n",
        r.size.c_str(), r.rows / 1e6, r.series, r.rows / r.load.seconds / 1e6, r.load.seconds,
        static_cast<double>(r.load.disk_bytes) / r.rows, r.load.peak_rss_bytes / 1048576.0,
        r.read_ms[0], r.read_rows[0], r.read_ms[1] / 1000, r.read_ms[2], r.read_rows[2],
        r.read_ms[3], r.read_rows[3]);
  }
  for (const auto& r : results) {
    if (r.rows >= 9'000'000 &&
        r.rows <= 11'000'000) {  // issue 13: peak memory <= 1.5 GB for 10M rows
      const bool met = r.load.peak_rss_bytes <= 1'500'000'000ull;
      std::printf("\npeak memory of the %s load: %.2f GB (goal <= 1.5 GB for 10M rows): %s\n",
                  r.size.c_str(), r.load.peak_rss_bytes / 1e9, met ? "met" : "NOT MET");
    }
  }
  if (results.size() < 2) return 0;
  const SizeResult& base = results.front();
  std::printf(
      "\ngrowth against %s (per-row ratios: 1.00 is linear; one-series reads: 1.00 is flat)\n",
      base.size.c_str());
  bool all_ok = true;
  for (size_t i = 1; i < results.size(); ++i) {
    const SizeResult& r = results[i];
    const double load = (r.load.seconds / r.rows) / (base.load.seconds / base.rows);
    const double bytes = (static_cast<double>(r.load.disk_bytes) / r.rows) /
                         (static_cast<double>(base.load.disk_bytes) / base.rows);
    const double scan = (r.read_ms[1] / r.rows) / (base.read_ms[1] / base.rows);
    std::printf("  %s (%.1fx the rows):\n", r.size.c_str(),
                static_cast<double>(r.rows) / base.rows);
    std::printf("    load time per row    %s   (goal: linear ±20%%)\n", Verdict(load, 0.2).c_str());
    std::printf("    bytes per row        %s   (goal: linear ±20%%)\n",
                Verdict(bytes, 0.2).c_str());
    all_ok = all_ok && std::abs(load - 1) <= 0.2 && std::abs(bytes - 1) <= 0.2;
    for (int k : {0, 2, 3}) {
      const double flat = r.read_ms[k] / base.read_ms[k];
      std::printf("    %-20s %s   (goal: flat ±30%%)\n", kReadNames[k], Verdict(flat, 0.3).c_str());
      all_ok = all_ok && std::abs(flat - 1) <= 0.3;
    }
    std::printf("    full scan per row    %.2f   (not a goal; 1.00 is linear)\n", scan);
  }
  std::printf("\nscale goals: %s\n", all_ok ? "met" : "NOT MET");
  return 0;
}
