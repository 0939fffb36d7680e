#include "storage/internal/chunk.hpp"

#include <cmath>
#include <cstring>
#include <random>

#include "storage/internal/chunk_columns.hpp"
#include "storage/internal/key_codec.hpp"
#include "storage/internal/store_impl.hpp"
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
      for (ChunkLayout layout : {ChunkLayout::kVarint, ChunkLayout::kPacked}) {
        INFO("n=" << n << " decimals=" << decimals
                  << " packed=" << (layout == ChunkLayout::kPacked));
        VersionColumns c = Sample(rng, n, decimals);
        REQUIRE(c.IsSorted());
        EncodeChunk(c, layout, 3, &blob, &scratch);
        VersionColumns d;
        REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch2));
        RequireSame(c, d);
        // Appending a second chunk keeps the first and re-interns strings.
        REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch2));
        REQUIRE(d.size() == 2 * n);
      }
    }
  }
}

TEST_CASE("Chunk: short decimals are stored compactly", "[storage]") {
  VersionColumns c;
  for (int i = 0; i < 1000; ++i) {
    c.PushRow(24000 + i, 19700, 1, 1, 20011.65 + i * 0.37, 3, 0, 0, 0, 0);
  }
  std::string blob, scratch;
  EncodeChunk(c, ChunkLayout::kVarint, 3, &blob, &scratch);
  CHECK(blob.size() < 1000 * 2);
  VersionColumns d;
  REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch));
  RequireSame(c, d);
  // Packed: the deltas 37 (zigzag 74) take 8 bits of Rice code each (k = 6: "10" and 6 bits),
  // about 1000 bytes before zstd, which takes the repetition out of both layouts.
  std::string packed;
  EncodeChunk(c, ChunkLayout::kPacked, 3, &packed, &scratch);
  CHECK(packed.size() < 1000);
  VersionColumns e;
  REQUIRE_OK(DecodeChunkSorted(packed, &e, &scratch));
  RequireSame(c, e);
}

// Values that must come back bit for bit whatever the layout: short decimals (stored as scaled
// integers), and doubles that are no short decimal (exceptions, or the xor mode when most are).
TEST_CASE("Chunk: values round-trip exactly in both layouts", "[storage]") {
  const double denormal = std::numeric_limits<double>::denorm_min();
  const std::vector<std::vector<double>> tables = {
      {0.1, 1234.567, -0.001, 0.0, 5.0, 99999.999},
      {0.1, 1234.567, 1e300, -0.001, 0.1 + 0.2, 7.25, -0.0, 8.5},
      {std::numeric_limits<double>::quiet_NaN(), 1.5, std::numeric_limits<double>::infinity(),
       -std::numeric_limits<double>::infinity(), 2.5, 3.5, 4.5},
      {denormal, -denormal, 1e-300, 0.1 + 0.2, 3.141592653589793},
      {9007199254740992.0, -9007199254740992.0, 9007199254740993.0 * 1024, 1e15, -1e15},
      {4503599627370496.5, 123456789.123, -987654321.987, 0.000001, 1e-7},
  };
  std::string blob, scratch;
  for (const auto& values : tables) {
    for (ChunkLayout layout : {ChunkLayout::kVarint, ChunkLayout::kPacked}) {
      VersionColumns c;
      for (size_t i = 0; i < values.size(); ++i) {
        c.PushRow(100 + static_cast<int32_t>(i), 20000, 7, 2, values[i], 0, 0, 0, 0, 0);
      }
      EncodeChunk(c, layout, 3, &blob, &scratch);
      VersionColumns d;
      REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch));
      REQUIRE(d.size() == values.size());
      for (size_t i = 0; i < values.size(); ++i) {
        INFO("value " << values[i] << " packed " << (layout == ChunkLayout::kPacked));
        if (std::isnan(values[i])) {
          CHECK(std::isnan(d.value[i]));
        } else {
          CHECK(SameBits(d.value[i], values[i]));
        }
      }
    }
  }
}

// Packed columns of constant values cost a few bytes whatever the row count: the decoder's
// sanity bounds must still accept them (a consolidated chunk of one-row runs, a long history).
TEST_CASE("Chunk: packed chunks of constant columns read back at any size", "[storage]") {
  std::string blob, scratch;
  for (size_t n : {17, 64, 65, 1000, 100000}) {
    for (bool one_row_runs : {true, false}) {
      INFO("n=" << n << " one-row runs=" << one_row_runs);
      VersionColumns c;
      for (size_t i = 0; i < n; ++i) {
        c.PushRow(one_row_runs ? 500 : 500 + static_cast<int32_t>(i),
                  one_row_runs ? 20000 + static_cast<int32_t>(i) : 20000, 9, 4, 2.5, 0, 0, 0, 0, 0);
      }
      EncodeChunk(c, ChunkLayout::kPacked, 3, &blob, &scratch);
      CHECK(blob.size() < 40 + n / 64);
      VersionColumns d;
      REQUIRE_OK(DecodeChunkSorted(blob, &d, &scratch));
      RequireSame(c, d);
    }
  }
}

// A store written before the packed layout holds chunks of tag 0 and 1; they must read as they
// always did. The blobs here are those the varint encoder writes; the packed decoder must not be
// asked to read them (the tag says which layout a chunk is).
TEST_CASE("Chunk: tags name the layout, and each layout reads its own chunks", "[storage]") {
  std::mt19937_64 rng(5);
  VersionColumns c = Sample(rng, 500, true);
  std::string old_blob, packed_blob, scratch;
  EncodeChunk(c, ChunkLayout::kVarint, 3, &old_blob, &scratch);
  EncodeChunk(c, ChunkLayout::kPacked, 3, &packed_blob, &scratch);
  CHECK((old_blob[0] == kChunkRaw || old_blob[0] == kChunkZstd));
  CHECK((packed_blob[0] == kChunkPacked || packed_blob[0] == kChunkPackedZstd));
  VersionColumns a, b;
  REQUIRE_OK(DecodeChunkSorted(old_blob, &a, &scratch));
  REQUIRE_OK(DecodeChunkSorted(packed_blob, &b, &scratch));
  RequireSame(c, a);
  RequireSame(c, b);
  // The same raw bytes under the other layout's tag are refused or read differently, never
  // silently accepted as the same rows (the layouts really differ).
  std::string raw;
  EncodeColumns(c, &raw);
  std::string as_packed(1, static_cast<char>(kChunkPacked));
  as_packed += raw;
  VersionColumns x;
  Status s = DecodeChunkSorted(as_packed, &x, &scratch);
  CHECK((!s.ok() || x.size() != c.size() || x.value != c.value));
  std::string unknown(1, static_cast<char>(4));
  CHECK(DecodeChunkSorted(unknown + raw, &x, &scratch).IsCorruption());
}

TEST_CASE("Chunk: malformed input is Corruption, never a crash", "[storage]") {
  std::mt19937_64 rng(7);
  std::string blob, scratch;
  VersionColumns c = Sample(rng, 300, true);
  EncodeChunk(c, ChunkLayout::kVarint, 3, &blob, &scratch);
  // Raw (uncompressed) chunks exercise the column decoder directly.
  VersionColumns tiny = Sample(rng, 3, true);
  std::string raw;
  EncodeChunk(tiny, ChunkLayout::kVarint, 3, &raw, &scratch);
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
  // Packed chunks have no checksum of their own (RocksDB's covers them): damaged ones must
  // still be Corruption or some rows, never a crash or an out-of-bounds read (ASan checks).
  std::string packed(1, static_cast<char>(kChunkPacked)), columns;
  EncodePackedColumns(c, &columns);
  packed += columns;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string bad = packed;
    if (iter % 3 == 0) {
      bad.resize(1 + rng() % (bad.size() - 1));
    } else {
      for (int k = 0; k < 1 + iter % 4; ++k) {
        bad[1 + rng() % (bad.size() - 1)] ^= static_cast<char>(1 + rng() % 255);
      }
    }
    VersionColumns d;
    Status s = DecodeChunkSorted(bad, &d, &scratch);
    if (!s.ok()) {
      CHECK(s.IsCorruption());
      CHECK(d.size() == 0);
    }
  }
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

TEST_CASE("Vintage-index entries: unpack to what was packed, sort as their keys", "[storage]") {
  // Vintages are days since 1970: before it (negative), the epoch, today, the far ends.
  const int32_t vintages[] = {INT32_MIN, -25567, -1, 0, 1, 20454, INT32_MAX};
  const uint32_t series[] = {0, 1, 77, UINT32_MAX};
  std::vector<uint64_t> entries;
  for (int32_t v : vintages) {
    for (uint32_t id : series) {
      const uint64_t e = VintageEntry(v, id);
      CHECK(VintageOfEntry(e) == v);
      CHECK(SeriesOfEntry(e) == id);
      entries.push_back(e);
    }
  }
  for (size_t i = 1; i < entries.size(); ++i) {
    INFO("entry " << i);
    CHECK(entries[i - 1] < entries[i]);  // built in key order above
    CHECK(VintageKey(VintageOfEntry(entries[i - 1]), SeriesOfEntry(entries[i - 1])) <
          VintageKey(VintageOfEntry(entries[i]), SeriesOfEntry(entries[i])));
  }
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
