#include "storage/internal/rice_column.hpp"

#include <random>

#include "tests/common/test_util.hpp"

namespace ixdb::storage::internal {
namespace {

std::vector<uint64_t> RoundTrip(const std::vector<uint64_t>& in, std::string* enc) {
  enc->clear();
  PutRiceColumn(in, enc);
  enc->append("tail");  // the decoder must stop at the column's end
  std::vector<uint64_t> out(in.size(), 12345);
  const char* p = enc->data();
  REQUIRE(GetRiceColumn(&p, enc->data() + enc->size(), in.size(),
                        [&](size_t i, uint64_t u) { out[i] = u; }));
  CHECK(std::string_view(p, enc->data() + enc->size() - p) == "tail");
  return out;
}

TEST_CASE("RiceColumn: round-trips every kind of column exactly", "[storage]") {
  const std::vector<std::vector<uint64_t>> tables = {
      {},
      {0},
      {7, 7, 7, 7},                                          // constant: mode 0
      {0, 1, 2, 3, 4, 5},                                    // small
      {~0ull, 0, ~0ull - 1, 1ull << 63},                     // escapes at the extremes
      {30, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},  // vintage deltas of monthly releases
  };
  std::string enc;
  for (const auto& t : tables) CHECK(RoundTrip(t, &enc) == t);
  // 1000 values across several blocks, with an outlier in one of them.
  std::mt19937_64 rng(3);
  for (uint64_t scale : {1ull, 100ull, 100000ull, 1ull << 40}) {
    std::vector<uint64_t> v(1000);
    for (auto& x : v) x = rng() % scale;
    v[130] = ~0ull;
    CHECK(RoundTrip(v, &enc) == v);
  }
}

TEST_CASE("RiceColumn: a value costs about log2 of the block's mean plus 1.5 bits", "[storage]") {
  // 640 values uniform in [0, 2^14): k = 13 is best, costing 13 + 1 + (0 or 1) = 14.5 bits on
  // average: 1160 bytes and 10 block bytes. Varints would take 2 bytes each (1280).
  std::mt19937_64 rng(11);
  std::vector<uint64_t> v(640);
  for (auto& x : v) x = rng() % (1 << 14);
  std::string enc;
  PutRiceColumn(v, &enc);
  CHECK(enc.size() > 1100);
  CHECK(enc.size() < 1200);
}

TEST_CASE("RiceColumn: truncated or damaged columns are refused, never read past the end",
          "[storage]") {
  std::mt19937_64 rng(9);
  std::vector<uint64_t> v(200);
  for (auto& x : v) x = rng() % 5000;
  std::string enc;
  PutRiceColumn(v, &enc);
  for (size_t len = 0; len < enc.size(); ++len) {
    const std::string cut = enc.substr(0, len);
    const char* p = cut.data();
    CHECK_FALSE(GetRiceColumn(&p, cut.data() + cut.size(), v.size(), [](size_t, uint64_t) {}));
  }
  std::string bad = enc;
  bad[0] = 7;  // no such mode
  const char* p = bad.data();
  CHECK_FALSE(GetRiceColumn(&p, bad.data() + bad.size(), v.size(), [](size_t, uint64_t) {}));
  bad = enc;
  bad[1] = static_cast<char>(kRiceMaxK + 1);  // no such k
  p = bad.data();
  CHECK_FALSE(GetRiceColumn(&p, bad.data() + bad.size(), v.size(), [](size_t, uint64_t) {}));
}

}  // namespace
}  // namespace ixdb::storage::internal
