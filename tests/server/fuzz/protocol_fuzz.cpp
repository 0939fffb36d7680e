// libFuzzer target for the wire protocol's decoders (clang, IXDB_FUZZ=ON).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/server/fuzz/protocol_fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string failure = ixdb::server::fuzz::CheckProtocolInput(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (!failure.empty()) {
    std::fprintf(stderr, "protocol property violated: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
