// bench/extract: how long `ixdb extract` takes on the real reports (issue 12 asks for "well
// under a second" on the 45 KB seed). There is no peer tool that extracts targets from a plan
// report, so the figure printed beside extraction is the floor every extractor pays: reading
// the file into memory. Each time is the median of --runs runs (the machines are shared).
//
// Usage: bench_extract [--runs N] [FILE...]   (default: the seed and both government work
//        reports, from the paths compiled in by CMake)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "extract/extract.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double SecondsToRead(const std::string& path) {
  auto start = Clock::now();
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  volatile size_t size = buffer.str().size();
  (void)size;
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty())
    files = {IXDB_BENCH_SEED, IXDB_BENCH_GWR_DIR "/gwr2024.txt", IXDB_BENCH_GWR_DIR "/gwr2025.txt"};

  std::printf("%-28s %8s %10s %12s %12s %10s %12s\n", "report", "KB", "candidates", "extract ms",
              "read ms", "extract:read", "1 s budget");
  int failures = 0;
  for (const std::string& path : files) {
    std::vector<double> extract_times, read_times;
    size_t candidates = 0, bytes = 0;
    for (int r = 0; r < runs; ++r) {
      read_times.push_back(SecondsToRead(path));
      auto start = Clock::now();
      auto extraction = ixdb::extract::ExtractFile(path, {});
      extract_times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
      if (!extraction.ok()) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), extraction.status().ToString().c_str());
        ++failures;
        break;
      }
      candidates = extraction->candidates.size();
      bytes = extraction->text.size();
    }
    if (extract_times.size() < static_cast<size_t>(runs)) continue;
    const double extract = Median(extract_times), read = Median(read_times);
    const std::string name = path.substr(path.find_last_of('/') + 1);
    std::printf("%-28s %8.1f %10zu %12.2f %12.3f %9.0fx %11.1fx under\n", name.c_str(),
                bytes / 1024.0, candidates, extract * 1e3, read * 1e3, extract / read,
                1.0 / extract);
  }
  return failures == 0 ? 0 : 1;
}
