// A helper process for the kill test (kill_test.cpp) and for trying the loader by hand:
//   load_child DB_DIR CHUNK_ROWS FILE...
// Opens (or creates) the store, loads the files as one load on one parsing thread (so that
// progress is reported after every chunk of CHUNK_ROWS rows) and prints the summary. On stderr
// it prints "opened" once the store is open and "progress DONE TOTAL" as the load goes, so
// that a parent can kill it at known moments.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "load/loader.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: load_child DB_DIR CHUNK_ROWS FILE...\n");
    return 2;
  }
  std::unique_ptr<ixdb::storage::Store> store;
  ixdb::Status s = ixdb::storage::Store::Open(ixdb::storage::Options{}, argv[1], &store);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "opened\n");
  ixdb::load::LoadOptions opt;
  opt.chunk_rows = std::strtoull(argv[2], nullptr, 10);
  opt.threads = 1;
  opt.progress = [](uint64_t done, uint64_t total) {
    std::fprintf(stderr, "progress %llu %llu\n", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total));
  };
  opt.vintage = ixdb::DateFromYmd(2024, 1, 20);
  std::vector<std::string> files(argv + 3, argv + argc);
  auto r = ixdb::load::LoadFiles(*store, files, opt);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", ixdb::load::FormatLoadSummary(*r).c_str());
  return 0;
}
