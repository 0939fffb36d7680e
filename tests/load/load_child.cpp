// A helper process for the kill test (loader_kill_test.cpp) and for trying the loader by hand:
//   load_child DB_DIR CHUNK_ROWS FILE...
// Opens (or creates) the store, loads the files as one load and prints the summary. Prints
// "opened" on stderr once the store is open, so that a parent knows the load has started.
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
