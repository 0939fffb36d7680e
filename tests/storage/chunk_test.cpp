#include "storage/internal/chunk.hpp"

#include <cmath>
#include <cstring>
#include <random>

#include "storage/internal/key_codec.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::storage::internal {
namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, 8) == 0; }

VersionColumns Sample(std::mt19937_64& rng, size_t n, bool decimals) {
  VersionColumns c;
  int32_t p = static_cast<int32_t>(rng() % 1000) - 500;
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 3) p += static_cast<int32_t>(rng() % 3);
    int32_t v = 19000 + static_cast<int32_t>(i);
    double val;
    if (rng() % 10 == 0) {
      val = std::numeric_limits<double>::quiet_NaN();
    } else if (decimals) {
      val = static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 100.0;
    } else {
      std::uniform_real_distribution<double> d(-1e6, 1e6);
      val = d(rng);
    }
    c.PushRow(p, v, 5 + i / 7, 3 + i / 11, val, rng() % 5, rng() % 4, rng() % 13 == 0,
              rng() % 4 ? 0 : c.InternString(rng() % 2 ? "初步核实" : "最终核实"),
              rng() % 3 ? 0 : c.InternString("公报"));
  }
  return c;
}

void RequireSame(const VersionColumns& a, const VersionColumns& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO(i);
    REQUIRE(a.period[i] == b.period[i]);
    REQUIRE(a.vintage[i] == b.vintage[i]);
    REQUIRE(a.seq[i] == b.seq[i]);
    REQUIRE(a.load_id[i] == b.load_id[i]);
    if (std::isnan(a.value[i])) {
      REQUIRE(std::isnan(b.value[i]));
    } else {
      REQUIRE(SameBits(a.value[i], b.value[i]));
    }
    REQUIRE(a.status[i] == b.status[i]);
    REQUIRE(a.qualifier[i] == b.qualifier[i]);
    REQUIRE(a.deleted[i] == b.deleted[i]);
    REQUIRE(a.strings[a.stage[i]] == b.strings[b.stage[i]]);
    REQUIRE(a.strings[a.source[i]] == b.strings[b.source[i]]);
  }
}

TEST_CASE("Chunk: columns round-trip (decimal and binary values, tiny and large)", "[storage]") {
  std::mt19937_64 rng(42);
  std::string blob, scratch, scratch2;
  for (size_t n : {0, 1, 2, 7, 100, 5000}) {
    for (bool decimals : {true, false}) {
      INFO("n=" << n << " decimals=" << decimals);
      VersionColumns c = Sample(rng, n, decimals);
      REQUIRE(c.IsSorted());
      EncodeChunk(c, 3, &blob, &scratch);
      VersionColumns d;
      REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch2));
      RequireSame(c, d);
      // Appending a second chunk keeps the first and re-interns strings.
      REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch2));
      REQUIRE(d.size() == 2 * n);
    }
  }
}

TEST_CASE("Chunk: short decimals are stored compactly", "[storage]") {
  VersionColumns c;
  for (int i = 0; i < 1000; ++i) {
    c.PushRow(24000 + i, 19700, 1, 1, 20011.65 + i * 0.37, 3, 0, 0, 0, 0);
  }
  std::string blob, scratch;
  EncodeChunk(c, 3, &blob, &scratch);
  CHECK(blob.size() < 1000 * 2);
  VersionColumns d;
  REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch));
  RequireSame(c, d);
}

TEST_CASE("Chunk: malformed input is Corruption, never a crash", "[storage]") {
  std::mt19937_64 rng(7);
  std::string blob, scratch;
  VersionColumns c = Sample(rng, 300, true);
  EncodeChunk(c, 3, &blob, &scratch);
  // Raw (uncompressed) chunks exercise the column decoder directly.
  VersionColumns tiny = Sample(rng, 3, true);
  std::string raw;
  EncodeChunk(tiny, 3, &raw, &scratch);
  int corrupt = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string bad = iter % 2 ? blob : raw;
    int kind = iter % 3;
    if (kind == 0 && bad.size() > 1) {
      bad.resize(rng() % bad.size());
    } else {
      for (int k = 0; k < 1 + iter % 4; ++k)
        bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    VersionColumns d;
    Status s = DecodeChunkSorted(bad, &d, &scratch);
    if (!s.ok()) {
      CHECK(s.IsCorruption());
      CHECK(d.size() == 0);
      ++corrupt;
    }
  }
  CHECK(corrupt > 2900);
  // Random bytes behind a raw tag with a valid crc reach the column parser.
  for (int iter = 0; iter < 3000; ++iter) {
    std::string body(rng() % 64, '\0');
    for (char& ch : body) ch = static_cast<char>(rng());
    if (!body.empty() && iter % 2) body[0] = static_cast<char>(rng() % 8);
    uint32_t crc = Crc32c(body);
    std::string b(1, static_cast<char>(kChunkRaw));
    b += body;
    for (int k = 0; k < 4; ++k) b.push_back(static_cast<char>(crc >> (8 * k)));
    VersionColumns d;
    Status s = DecodeChunkSorted(b, &d, &scratch);
    if (!s.ok()) CHECK(d.size() == 0);
  }
}

TEST_CASE("Chunk: crc32c matches the standard check value", "[storage]") {
  CHECK(Crc32c("123456789") == 0xE3069283u);
  CHECK(Crc32c("") == 0u);
  std::string long_input(1000, 'x');
  uint32_t a = Crc32c(long_input);
  long_input[999] = 'y';
  CHECK(Crc32c(long_input) != a);
}

TEST_CASE("KeyCodec: big-endian keys sort numerically, varints round-trip", "[storage]") {
  CHECK(ObsKey(1, 2) < ObsKey(1, 3));
  CHECK(ObsKey(1, UINT64_MAX) < ObsKey(2, 0));
  CHECK(VintageKey(-5, 9) < VintageKey(3, 1));
  CHECK(TargetKey(1, 4, -1, 0, 0) < TargetKey(1, 4, 0, 0, 0));
  std::string s;
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 1ull << 40, ~0ull}) PutVarint64(&s, v);
  for (int64_t v : std::initializer_list<int64_t>{0, -1, 1, -1000000, INT64_MIN, INT64_MAX})
    PutVarsint64(&s, v);
  PutOrderedInt32(&s, -7);
  PutFixed64BE(&s, 0x0102030405060708ull);
  PutLengthPrefixed(&s, "武汉");
  std::string_view in = s;
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 1ull << 40, ~0ull}) {
    uint64_t got;
    REQUIRE(GetVarint64(&in, &got));
    CHECK(got == v);
  }
  for (int64_t v : std::initializer_list<int64_t>{0, -1, 1, -1000000, INT64_MIN, INT64_MAX}) {
    int64_t got;
    REQUIRE(GetVarsint64(&in, &got));
    CHECK(got == v);
  }
  int32_t i32;
  REQUIRE(GetOrderedInt32(&in, &i32));
  CHECK(i32 == -7);
  uint64_t f;
  REQUIRE(GetFixed64BE(&in, &f));
  CHECK(f == 0x0102030405060708ull);
  std::string str;
  REQUIRE(GetLengthPrefixed(&in, &str));
  CHECK(str == "武汉");
  CHECK(in.empty());
  std::string_view empty;
  CHECK_FALSE(GetVarint64(&empty, &f));
  std::string bad = "\xff\xff";
  std::string_view bv = bad;
  CHECK_FALSE(GetVarint64(&bv, &f));
}

}  // namespace
}  // namespace ixdb::storage::internal
