// The store's cache of decoded series: a read uses an entry only when the series' chunks in its
// own snapshot are the bytes the entry was decoded from. Each case below would return a stale or
// foreign answer from a cache keyed by series alone.
#include "storage/internal/decoded_series_cache.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/internal/store_internal.hpp"
#include "tests/storage/storage_test_util.hpp"

namespace ixdb::storage {
namespace {

using namespace testing;
constexpr uint64_t kUnknown = internal::WriteGeneration::kUnknown;

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
  for (uint32_t id = 1; id <= 4; ++id)
    cache.Insert(id, entry("blob" + std::to_string(id), 1000), kUnknown);
  CHECK(cache.entries() == 4);
  CHECK(cache.Find(2, source("blob2"), kUnknown) != nullptr);
  CHECK(cache.Find(2, source("blob2x"), kUnknown) == nullptr);  // other bytes: no match
  CHECK(cache.Find(7, source("blob2"), kUnknown) == nullptr);   // other series
  // Chunk boundaries are part of the source: "ab" + "c" is not "a" + "bc".
  std::string split_one, split_two;
  internal::AppendChunkSource("k", "ab", &split_one);
  internal::AppendChunkSource("k", "c", &split_one);
  internal::AppendChunkSource("k", "a", &split_two);
  internal::AppendChunkSource("k", "bc", &split_two);
  CHECK(split_one != split_two);
  // Series 1 is now the least recently used (2 was just found): a fifth entry evicts it.
  cache.Insert(5, entry("blob5", 1000), kUnknown);
  CHECK(cache.entries() == 4);
  CHECK(cache.Find(1, source("blob1"), kUnknown) == nullptr);
  CHECK(cache.Find(2, source("blob2"), kUnknown) != nullptr);
  CHECK(cache.Find(5, source("blob5"), kUnknown) != nullptr);
  CHECK(cache.bytes() <= 4 * one + one / 2);
  // Replacing a series' entry keeps one entry for it.
  cache.Insert(5, entry("blob5b", 1000), kUnknown);
  CHECK(cache.entries() == 4);
  CHECK(cache.Find(5, source("blob5"), kUnknown) == nullptr);
  CHECK(cache.Find(5, source("blob5b"), kUnknown) != nullptr);
  // Too big for the budget (over a quarter of it): not kept. Capacity 0: nothing kept.
  cache.Insert(9, entry("huge", 20000), kUnknown);
  CHECK(cache.Find(9, source("huge"), kUnknown) == nullptr);
  DecodedSeriesCache off(0);
  off.Insert(1, entry("a", 10), kUnknown);
  CHECK(off.Find(1, source("a"), kUnknown) == nullptr);
  CHECK_FALSE(off.enabled());
}

TEST_CASE("Decoded series cache: an entry is taken by id alone only at the generation it was seen",
          "[storage]") {
  using internal::DecodedSeries;
  using internal::DecodedSeriesCache;
  auto entry = [](const std::string& blob) {
    auto e = std::make_shared<DecodedSeries>();
    internal::AppendChunkSource("key", blob, &e->source);
    e->versions.value.assign(10, 1.0);
    return e;
  };
  auto source = [](const std::string& blob) {
    std::string s;
    internal::AppendChunkSource("key", blob, &s);
    return s;
  };
  DecodedSeriesCache cache(1 << 20);
  cache.Insert(1, entry("one"), 4);
  CHECK(cache.FindAtGeneration(1, 4) != nullptr);
  CHECK(cache.FindAtGeneration(1, 6) == nullptr);         // a later state: compare bytes first
  CHECK(cache.FindAtGeneration(1, kUnknown) == nullptr);  // a view taken during a write
  CHECK(cache.FindAtGeneration(2, 4) == nullptr);         // another series
  CHECK(cache.generation_hits() == 1);
  // Bytes compared equal at generation 6: from then on generation 6 is enough.
  CHECK(cache.Find(1, source("one"), 6) != nullptr);
  CHECK(cache.FindAtGeneration(1, 6) != nullptr);
  // An older view's comparison does not take the entry back to its generation.
  CHECK(cache.Find(1, source("one"), 4) != nullptr);
  CHECK(cache.FindAtGeneration(1, 6) != nullptr);
  // Other bytes at a generation record nothing.
  CHECK(cache.Find(1, source("two"), 8) == nullptr);
  CHECK(cache.FindAtGeneration(1, 8) == nullptr);
  // Decoded in a view of unknown generation: only a byte comparison finds it.
  cache.Insert(3, entry("three"), kUnknown);
  CHECK(cache.FindAtGeneration(3, kUnknown) == nullptr);
  CHECK(cache.FindAtGeneration(3, 0) == nullptr);
  CHECK(cache.Find(3, source("three"), kUnknown) != nullptr);
  // Replacing an entry replaces its generation.
  cache.Insert(1, entry("two"), 10);
  CHECK(cache.FindAtGeneration(1, 6) == nullptr);
  CHECK(cache.FindAtGeneration(1, 10) != nullptr);
  // An older view's (or a view's of unknown generation) decoding does not replace it.
  cache.Insert(1, entry("old"), 8);
  cache.Insert(1, entry("other"), kUnknown);
  CHECK(cache.FindAtGeneration(1, 10) != nullptr);
  CHECK(cache.Find(1, source("old"), 8) == nullptr);
  CHECK(cache.Find(1, source("two"), kUnknown) != nullptr);
  CHECK(cache.generation_hits() == 5);
}

// Hits of the generation shortcut so far.
uint64_t GenerationHits(Store& store) {
  auto hits = internal::TEST_GenerationHits(&store);
  REQUIRE(hits.ok());
  return *hits;
}

TEST_CASE("Decoded series cache: every kind of write ends the shortcut, old views keep theirs",
          "[storage]") {
  // After each write a new view must compare bytes (and see the write), an old view must keep
  // the versions of its snapshot, and a second new view may take the entry by generation.
  enum class Kind { kWrite, kLargeWrite, kBulkWrite, kRevert, kCompact };
  for (Kind kind :
       {Kind::kWrite, Kind::kLargeWrite, Kind::kBulkWrite, Kind::kRevert, Kind::kCompact}) {
    INFO("write kind " << static_cast<int>(kind));
    TempDir dir;
    Options o;
    o.ingest_min_rows = kind == Kind::kLargeWrite ? 1 : 200000;  // 1: every write ingests SSTs
    auto store = OpenStore(dir.path(), o);
    WriteFirst(*store);
    WriteBatch b;
    b.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 23.5));
    const WriteSummary revision = MustWrite(*store, b, "revision");
    const std::vector<double> revised{21, 22, 23.5};

    CHECK(Values(*store->NewReadView(), "g") == revised);
    const uint64_t warm = GenerationHits(*store);
    CHECK(Values(*store->NewReadView(), "g") == revised);
    CHECK(GenerationHits(*store) == warm + 1);  // the same state: taken by generation

    auto old_view = store->NewReadView();
    std::vector<double> expected;
    switch (kind) {
      case Kind::kWrite:
      case Kind::kLargeWrite: {
        WriteBatch c;
        c.PutObservation(Obs("g", Period::Annual(2023), D(2024, 4, 1), 23.75));
        MustWrite(*store, c, "second revision");
        expected = {21, 22, 23.75};
        break;
      }
      case Kind::kBulkWrite: {
        auto bulk = store->BeginBulkWrite(LoadInfo{});
        REQUIRE(bulk.ok());
        WriteBatch c;
        c.PutObservation(Obs("g", Period::Annual(2024), D(2024, 4, 1), 24));
        REQUIRE((*bulk)->Add(c).ok());
        REQUIRE((*bulk)->Commit().ok());
        expected = {21, 22, 23.5, 24};
        break;
      }
      case Kind::kRevert: {
        REQUIRE(store->Revert(revision.load_id, LoadInfo{}).ok());
        expected = {21, 22, 23};
        break;
      }
      case Kind::kCompact:
        REQUIRE(store->Compact().ok());  // new chunk keys, the same versions
        expected = revised;
        break;
    }
    const uint64_t before = GenerationHits(*store);
    CHECK(Values(*store->NewReadView(), "g") == expected);
    CHECK(GenerationHits(*store) == before);  // compared bytes: the write moved the generation
    CHECK(Values(*old_view, "g") == revised);
    CHECK(Values(*store->NewReadView(), "g") == expected);
    CHECK(Values(*old_view, "g") == revised);
    CHECK(Values(*store->NewReadView(), "g") == expected);
    CHECK(GenerationHits(*store) > before);
  }
}

TEST_CASE("Decoded series cache: readers beside a writer never see a value go back", "[storage]") {
  // A writer revises g's 2023 value (23) to 101, 102, ...; readers open view after view. A view
  // that took a stale entry by generation would show a value older than one an earlier view saw.
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteFirst(*store);
  constexpr int kRevisions = 150;
  std::atomic<bool> done{false};
  std::atomic<int> backwards{0}, disagreed{0};
  auto read_2023 = [](ReadView& view) {
    auto r = view.ReadSeries("g", ReadRequest{});
    return r.ok() && r->value.size() == 3 ? r->value[2] : -1.0;
  };
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      double last = 0;
      while (!done.load()) {
        auto view = store->NewReadView();
        const double first = read_2023(*view);
        const double again = read_2023(*view);
        if (first != again) disagreed.fetch_add(1);
        if (first < last) backwards.fetch_add(1);
        last = first;
      }
    });
  }
  for (int i = 1; i <= kRevisions; ++i) {
    WriteBatch b;
    b.PutObservation(Obs("g", Period::Annual(2023), Date{D(2024, 1, 10).days + i}, 100 + i));
    MustWrite(*store, b);
  }
  done.store(true);
  for (auto& r : readers) r.join();
  CHECK(backwards.load() == 0);
  CHECK(disagreed.load() == 0);
  CHECK(read_2023(*store->NewReadView()) == 100 + kRevisions);
  CHECK(read_2023(*store->NewReadView()) == 100 + kRevisions);
}

TEST_CASE("Read views: the snapshot views share does not keep compaction from dropping chunks",
          "[storage]") {
  // Three loads of 3000 periods (three chunks), then compaction (consolidation into one chunk):
  // a view taken and closed before it must leave no trace in the bytes on disk, as if no
  // query had run.
  auto load_and_compact = [](bool query_first) {
    TempDir dir;
    auto store = OpenStore(dir.path());
    for (int load = 0; load < 3; ++load) {
      WriteBatch b;
      if (load == 0) b.PutSeries(Meta("m", Frequency::kMonthly));
      for (int i = 0; i < 3000; ++i) {
        // Values that do not compress away (a hash of the row), so that each chunk is
        // kilobytes and chunks kept on disk would show.
        const double value = 1000 + (static_cast<uint32_t>(i * 2654435761u) % 1000000) / 100.0;
        b.PutObservation(
            Obs("m", Period::Month(1800 + i / 12, 1 + i % 12), D(2024, 1 + load, 1), value + load));
      }
      MustWrite(*store, b);
    }
    if (query_first) CHECK(Values(*store->NewReadView(), "m").size() == 3000);
    REQUIRE(store->Compact().ok());
    CHECK(Values(*store->NewReadView(), "m").size() == 3000);
    return store->DiskBytes();
  };
  const uint64_t without_view = load_and_compact(false);
  const uint64_t with_view = load_and_compact(true);
  INFO("bytes on disk: " << with_view << " after a view, " << without_view << " without");
  CHECK(with_view <= without_view + 1024);
}

}  // namespace
}  // namespace ixdb::storage
