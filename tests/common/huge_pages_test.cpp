#include "common/huge_pages.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>
#include <vector>

namespace ixdb {
namespace {

// ReserveHuge is used on the loader's and the store's row buffers: it must behave exactly like
// reserve (capacity, contents), whatever the kernel does with the advice.
TEST_CASE("ReserveHuge: keeps the contents and gives at least the room asked for", "[common]") {
  for (const size_t start : {size_t{0}, size_t{1}, size_t{1000}}) {
    for (const size_t want : {size_t{0}, size_t{10}, size_t{1} << 20, size_t{3} << 20}) {
      std::vector<uint32_t> v(start);
      std::iota(v.begin(), v.end(), 7u);
      ReserveHuge(v, want);
      REQUIRE(v.size() == start);
      REQUIRE(v.capacity() >= want);
      for (size_t i = 0; i < start; ++i) REQUIRE(v[i] == 7u + i);
      // The room is usable: filling it does not move the buffer.
      const uint32_t* data = v.data();
      while (v.size() < want) v.push_back(static_cast<uint32_t>(v.size()));
      if (want > start) REQUIRE(v.data() == data);
    }
  }
}

TEST_CASE("ReserveHuge: never shrinks a larger capacity", "[common]") {
  std::vector<double> v;
  v.reserve(5000);
  const double* data = v.data();
  ReserveHuge(v, 100);
  REQUIRE(v.capacity() >= 5000);
  REQUIRE(v.data() == data);
}

TEST_CASE("AdviseHugePages: ranges too small, unaligned or null are left alone", "[common]") {
  std::vector<char> buf(5u << 20, 'x');
  AdviseHugePages(nullptr, 1u << 30);
  AdviseHugePages(buf.data(), 0);
  AdviseHugePages(buf.data() + 1, 4096);
  AdviseHugePages(buf.data() + 3, buf.size() - 3);
  // Advice never changes memory.
  for (size_t i = 0; i < buf.size(); i += 4093) REQUIRE(buf[i] == 'x');
}

}  // namespace
}  // namespace ixdb
