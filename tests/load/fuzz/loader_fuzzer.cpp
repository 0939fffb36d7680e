// libFuzzer target for the loader's readers: long, wide, SDMX-CSV and targets, UTF-8 and
// GB18030, --codes sanitize, --ignore-unknown-columns, --skip-bad (see loader_fuzz_input.hpp).
// The load library is compiled into the target so that it carries the fuzzer's coverage.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/load/fuzz/loader_fuzz_input.hpp"

namespace {
std::string scratch;
std::unique_ptr<ixdb::storage::Store> store;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ixdb-load-fuzz-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) abort();
  scratch = tmpl;
  ixdb::storage::Options o;
  o.sync = false;
  if (!ixdb::storage::Store::Open(o, scratch + "/db", &store).ok()) abort();
  // Close the store from an exit handler registered after Open: RocksDB creates function-local
  // statics during Open (its periodic task scheduler), and handlers run in reverse order, so
  // this runs while they still exist. Left to the global's destructor, the close came after
  // them and aborted in a destroyed mutex when libFuzzer exited (-runs=N, -max_total_time).
  atexit([] { store.reset(); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!ixdb::load::fuzz::RunInput(*store, input, scratch)) __builtin_trap();
  return 0;
}
