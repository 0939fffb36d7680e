// The store's cache of decoded series: a read uses an entry only when the series' chunks in its
// own snapshot are the bytes the entry was decoded from. Each case below would return a stale or
// foreign answer from a cache keyed by series alone.
#include "storage/internal/decoded_series_cache.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "tests/storage/storage_test_util.hpp"

namespace ixdb::storage {
namespace {

using namespace testing;

std::vector<double> Values(ReadView& view, const std::string& code, ReadRequest req = {}) {
  auto r = view.ReadSeries(code, req);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r->value;
}

// Series g: 2021..2023 at one vintage.
void WriteFirst(Store& store) {
  WriteBatch b;
  b.PutSeries(Meta("g"));
  for (int y = 2021; y <= 2023; ++y)
    b.PutObservation(Obs("g", Period::Annual(y), D(2024, 1, 10), y - 2000));
  MustWrite(store, b, "first");
}

TEST_CASE("Decoded series cache: a read after a write sees the write", "[storage]") {
  for (size_t cache_bytes : {size_t{32} << 20, size_t{0}}) {
    INFO("cache bytes " << cache_bytes);
    TempDir dir;
    Options o;
    o.decoded_cache_bytes = cache_bytes;
    auto store = OpenStore(dir.path(), o);
    WriteFirst(*store);
    CHECK(Values(*store->NewReadView(), "g") == std::vector<double>{21, 22, 23});
    CHECK(Values(*store->NewReadView(), "g") == std::vector<double>{21, 22, 23});  // a hit
    // A revision (a new delta chunk beside the old one).
    WriteBatch b;
    b.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 23.5));
    MustWrite(*store, b, "revision");
    CHECK(Values(*store->NewReadView(), "g") == std::vector<double>{21, 22, 23.5});
    auto rev = store->NewReadView()->ReadRevisions("g", Period::Annual(2023));
    REQUIRE(rev.ok());
    REQUIRE(rev->size() == 2);
    CHECK((*rev)[1].value == 23.5);
    // Consolidation rewrites the chunks under new keys: the same versions.
    REQUIRE(store->Compact().ok());
    CHECK(Values(*store->NewReadView(), "g") == std::vector<double>{21, 22, 23.5});
    ReadRequest before;
    before.mode = ReadMode::kAsOf;
    before.as_of = D(2024, 2, 1);
    CHECK(Values(*store->NewReadView(), "g", before) == std::vector<double>{21, 22, 23});
  }
}

TEST_CASE("Decoded series cache: an old view keeps its snapshot's versions", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteFirst(*store);
  auto old_view = store->NewReadView();
  WriteBatch b;
  b.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 23.5));
  b.PutObservation(Obs("g", Period::Annual(2024), D(2024, 3, 1), 24));
  MustWrite(*store, b, "revision");
  // The newer versions are decoded (and kept) first; the old view must not take them.
  CHECK(Values(*store->NewReadView(), "g") == std::vector<double>{21, 22, 23.5, 24});
  CHECK(Values(*old_view, "g") == std::vector<double>{21, 22, 23});
  auto rev = old_view->ReadRevisions("g", Period::Annual(2023));
  REQUIRE(rev.ok());
  CHECK(rev->size() == 1);
  // And the other way round: the old versions kept by the old view do not leak into a new one.
  CHECK(Values(*store->NewReadView(), "g") == std::vector<double>{21, 22, 23.5, 24});
}

TEST_CASE("Decoded series cache: a scan and point reads in one view agree", "[storage]") {
  // More series than a view reads through the cache: the later reads decode into the view's
  // own columns, alternating with reads the cache answers.
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch b;
  const int kSeries = 40;
  for (int s = 0; s < kSeries; ++s) {
    const std::string code = "s" + std::to_string(s);
    b.PutSeries(Meta(code));
    for (int y = 0; y <= s % 7; ++y)
      b.PutObservation(Obs(code, Period::Annual(2000 + y), D(2024, 1, 1), s * 100 + y));
  }
  MustWrite(*store, b);
  auto warm = store->NewReadView();
  for (int s = 0; s < kSeries; s += 3) Values(*warm, "s" + std::to_string(s));
  auto view = store->NewReadView();
  for (int round = 0; round < 2; ++round) {
    for (int s = 0; s < kSeries; ++s) {
      INFO("round " << round << " series " << s);
      const std::vector<double> got = Values(*view, "s" + std::to_string(s));
      REQUIRE(got.size() == static_cast<size_t>(s % 7 + 1));
      for (int y = 0; y <= s % 7; ++y) CHECK(got[y] == s * 100 + y);
    }
  }
}

TEST_CASE("Decoded series cache: entries match their source, least recently used go first",
          "[storage]") {
  using internal::DecodedSeries;
  using internal::DecodedSeriesCache;
  auto entry = [](const std::string& source, size_t rows) {
    auto e = std::make_shared<DecodedSeries>();
    internal::AppendChunkSource("key", source, &e->source);
    e->versions.period.assign(rows, 0);
    e->versions.value.assign(rows, 1.0);
    return e;
  };
  auto source = [](const std::string& blob) {
    std::string s;
    internal::AppendChunkSource("key", blob, &s);
    return s;
  };
  const size_t one = entry("a", 1000)->Bytes();  // about 12 KB
  DecodedSeriesCache cache(4 * one + one / 2);   // room for four
  for (uint32_t id = 1; id <= 4; ++id) cache.Insert(id, entry("blob" + std::to_string(id), 1000));
  CHECK(cache.entries() == 4);
  CHECK(cache.Find(2, source("blob2")) != nullptr);
  CHECK(cache.Find(2, source("blob2x")) == nullptr);  // other bytes: no match
  CHECK(cache.Find(7, source("blob2")) == nullptr);   // other series
  // Chunk boundaries are part of the source: "ab" + "c" is not "a" + "bc".
  std::string split_one, split_two;
  internal::AppendChunkSource("k", "ab", &split_one);
  internal::AppendChunkSource("k", "c", &split_one);
  internal::AppendChunkSource("k", "a", &split_two);
  internal::AppendChunkSource("k", "bc", &split_two);
  CHECK(split_one != split_two);
  // Series 1 is now the least recently used (2 was just found): a fifth entry evicts it.
  cache.Insert(5, entry("blob5", 1000));
  CHECK(cache.entries() == 4);
  CHECK(cache.Find(1, source("blob1")) == nullptr);
  CHECK(cache.Find(2, source("blob2")) != nullptr);
  CHECK(cache.Find(5, source("blob5")) != nullptr);
  CHECK(cache.bytes() <= 4 * one + one / 2);
  // Replacing a series' entry keeps one entry for it.
  cache.Insert(5, entry("blob5b", 1000));
  CHECK(cache.entries() == 4);
  CHECK(cache.Find(5, source("blob5")) == nullptr);
  CHECK(cache.Find(5, source("blob5b")) != nullptr);
  // Too big for the budget (over a quarter of it): not kept. Capacity 0: nothing kept.
  cache.Insert(9, entry("huge", 20000));
  CHECK(cache.Find(9, source("huge")) == nullptr);
  DecodedSeriesCache off(0);
  off.Insert(1, entry("a", 10));
  CHECK(off.Find(1, source("a")) == nullptr);
  CHECK_FALSE(off.enabled());
}

}  // namespace
}  // namespace ixdb::storage
