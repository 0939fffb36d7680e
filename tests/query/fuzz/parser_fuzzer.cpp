// libFuzzer target: any bytes through the query parser. The parser must return an AST or an
// InvalidArgument/LimitExceeded status with a message; it must never crash, hang, recurse
// without bound or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = ixdb::query::ParseQuery(text);
  if (!r.ok()) {
    if (r.status().message().empty()) __builtin_trap();
    if (!r.status().IsInvalidArgument() && !r.status().IsLimitExceeded()) __builtin_trap();
  } else if (!r->expr) {
    __builtin_trap();
  }
  return 0;
}
