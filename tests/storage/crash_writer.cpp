// Child process of the storage crash test: writes batches to the store at argv[1] in a loop and
// prints each batch number (flushed) after Write returned OK. It never stops by itself; the test
// kills it with SIGKILL at random moments.
//
// Batch i: a new series b<i> with CrashRows(i) annual observations of value i, plus the value i
// for period 1000+i of the shared series "all"; recorded as a load with command "batch <i>".
// Odd batches are large enough to go through SST ingestion, even ones through a WriteBatch.

#include <cstdio>
#include <memory>
#include <string>

#include "storage/store.hpp"
#include "tests/storage/crash_layout.hpp"

using namespace ixdb;
using namespace ixdb::storage;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: storage_crash_writer DIR\n");
    return 2;
  }
  Options options;
  options.ingest_min_rows = kCrashIngestRows;
  std::unique_ptr<Store> store;
  Status s = Store::Open(options, argv[1], &store);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  auto loads = store->NewReadView()->ListLoads();
  if (!loads.ok()) return 1;
  int next = static_cast<int>(loads->size());  // batches are numbered by load
  for (int i = next;; ++i) {
    WriteBatch b;
    std::string code = "b" + std::to_string(i);
    SeriesMeta m;
    m.code = code;
    m.name_zh = "批次";
    b.PutSeries(m);
    if (i == 0) {
      SeriesMeta all;
      all.code = "all";
      b.PutSeries(all);
    }
    uint32_t ref = b.InternSeries(code);
    for (int r = 0; r < CrashRows(i); ++r) {
      b.PutObservation(ref, Period::Annual(2000 + r), DateFromYmd(2024, 1, 1), i);
    }
    b.PutObservation(b.InternSeries("all"), Period::Annual(1000 + i), DateFromYmd(2024, 1, 1), i);
    LoadInfo info;
    info.command = "batch " + std::to_string(i);
    auto w = store->Write(b, info);
    if (!w.ok()) {
      std::fprintf(stderr, "batch %d: %s\n", i, w.status().ToString().c_str());
      return 1;
    }
    std::printf("%d\n", i);
    std::fflush(stdout);
  }
}
