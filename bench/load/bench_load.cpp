// Loads one CSV into a fresh ixdb store and prints what run.sh needs, one "key value" a line:
// rows, seconds (the load, durable), rows_per_s, disk_bytes (after a full compaction),
// peak_rss_bytes (getrusage), plus the load summary.
//
// usage: bench_load DB_DIR FILE [THREADS=2] [CHUNK_ROWS=default]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "load/loader.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_load DB_DIR FILE [THREADS=2] [CHUNK_ROWS]\n");
    return 2;
  }
  std::unique_ptr<ixdb::storage::Store> store;
  ixdb::Status s = ixdb::storage::Store::Open(ixdb::storage::Options{}, argv[1], &store);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  ixdb::load::LoadOptions opt;
  if (argc > 3) opt.threads = std::atoi(argv[3]);
  if (argc > 4) opt.chunk_rows = std::strtoull(argv[4], nullptr, 10);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = ixdb::load::LoadFiles(*store, {argv[2]}, opt);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const uint64_t peak = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
  const auto t1 = std::chrono::steady_clock::now();
  s = store->Compact();
  const double compact_secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("summary %s\n", ixdb::load::FormatLoadSummary(*r).c_str());
  std::printf("rows %llu\n", static_cast<unsigned long long>(r->rows_read));
  std::printf("seconds %.3f\n", secs);
  std::printf("rows_per_s %.0f\n", static_cast<double>(r->rows_read) / secs);
  std::printf("compact_seconds %.3f\n", compact_secs);
  std::printf("disk_bytes %llu\n", static_cast<unsigned long long>(store->DiskBytes()));
  std::printf("peak_rss_bytes %llu\n", static_cast<unsigned long long>(peak));
  return 0;
}
