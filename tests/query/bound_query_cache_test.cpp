// The process's cache of parsed and bound queries (query/internal/bound_query_cache.hpp): a text
// asked again is evaluated without being parsed, against whatever store it is asked of; texts
// that do not parse or bind are never kept; the cache stays within its capacity.
#include "query/internal/bound_query_cache.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "query/columnar_render.hpp"
#include "query/executor.hpp"
#include "query/query.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

std::string Csv(storage::Store& store, const std::string& q) {
  auto r = RunAnswer(store, q);
  INFO(q << ": " << r.status().ToString());
  REQUIRE(r.ok());
  return RenderCsv(*r);
}

// A store with one annual series `code`: 2022 = a, 2023 = b.
std::unique_ptr<storage::Store> StoreWith(const test::TempDir& dir, double a, double b) {
  auto store = test::OpenStore(dir);
  storage::WriteBatch batch;
  storage::SeriesMeta meta;
  meta.code = "x";
  meta.frequency = Frequency::kAnnual;
  meta.unit = "亿元";
  batch.PutSeries(meta);
  for (auto [year, value] : {std::pair{2022, a}, std::pair{2023, b}}) {
    storage::Observation o;
    o.series = "x";
    o.period = Period::Annual(year);
    o.vintage = DateFromYmd(2024, 1, 20);
    o.value = value;
    batch.PutObservation(o);
  }
  REQUIRE(store->Write(batch, storage::LoadInfo{}).ok());
  return store;
}

TEST_CASE("Bound query cache: one text, two stores, each store's answer", "[query]") {
  test::TempDir dir_a, dir_b;
  auto a = StoreWith(dir_a, 100, 150);
  auto b = StoreWith(dir_b, 200, 250);
  const std::string q = "yoy(x) # bound query cache test";
  auto first = ParseAndBind(q);
  REQUIRE(first.ok());
  auto again = ParseAndBind(q);
  REQUIRE(again.ok());
  CHECK(first->get() == again->get());  // kept: the same bound query
  // 150 / 100 - 1 = 50%; 250 / 200 - 1 = 25%.
  CHECK(Csv(*a, q) == "indicator,period,value,unit\nx,2022,,%\nx,2023,50,%\n");
  CHECK(Csv(*b, q) == "indicator,period,value,unit\nx,2022,,%\nx,2023,25,%\n");
  CHECK(Csv(*a, q) == "indicator,period,value,unit\nx,2022,,%\nx,2023,50,%\n");
}

TEST_CASE("Bound query cache: texts that fail are not kept and fail the same way again",
          "[query]") {
  test::TempDir dir;
  auto store = StoreWith(dir, 1, 2);
  const size_t before = BoundQueryCache::Shared().entries();
  for (const char* q : {"yoy(x", "nosuchfunction(x) # cache test", "cagr(x, 2022) # cache test"}) {
    INFO(q);
    auto first = RunAnswer(*store, q);
    auto second = RunAnswer(*store, q);
    REQUIRE_FALSE(first.ok());
    REQUIRE_FALSE(second.ok());
    CHECK(first.status().ToString() == second.status().ToString());
  }
  CHECK(BoundQueryCache::Shared().entries() <= before);
  // An unknown series is the store's business, not the binder's: it is found once it exists.
  const std::string later = "y # added later";
  CHECK_FALSE(RunAnswer(*store, later).ok());
  storage::WriteBatch batch;
  storage::SeriesMeta meta;
  meta.code = "y";
  meta.frequency = Frequency::kAnnual;
  batch.PutSeries(meta);
  storage::Observation o;
  o.series = "y";
  o.period = Period::Annual(2024);
  o.vintage = DateFromYmd(2025, 1, 20);
  o.value = 7;
  batch.PutObservation(o);
  REQUIRE(store->Write(batch, storage::LoadInfo{}).ok());
  CHECK(Csv(*store, later) ==
        "indicator,period,value,unit,vintage,status,qualifier\ny,2024,7,,2025-01-20,,\n");
}

TEST_CASE("Bound query cache: the least recently used go beyond the capacity", "[query]") {
  BoundQueryCache cache;
  auto query = std::make_shared<const ast::Query>();
  for (size_t i = 0; i < BoundQueryCache::kCapacity + 10; ++i)
    cache.Insert("x" + std::to_string(i), query);
  CHECK(cache.entries() == BoundQueryCache::kCapacity);
  CHECK(cache.Find("x0") == nullptr);
  CHECK(cache.Find("x10") != nullptr);  // the oldest kept, now the most recent
  cache.Insert("new", query);
  CHECK(cache.Find("x10") != nullptr);
  CHECK(cache.Find("x11") == nullptr);  // evicted in its place
  CHECK(cache.Find(std::string(BoundQueryCache::kMaxTextBytes + 1, 'x')) == nullptr);
  cache.Insert(std::string(BoundQueryCache::kMaxTextBytes + 1, 'y'), query);
  CHECK(cache.entries() == BoundQueryCache::kCapacity);  // too long to keep
}

TEST_CASE("Bound query cache: threads evaluate one bound query at once", "[query]") {
  test::TempDir dir;
  auto store = StoreWith(dir, 100, 110);
  const std::string q = "round(yoy(x) * 2, 1) # threads";
  const std::string want = Csv(*store, q);
  // round(10.000000000000009 * 2, 1) = 20.
  CHECK(want == "indicator,period,value,unit\nyoy(x)*2,2022,,%\nyoy(x)*2,2023,20,%\n");
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto r = RunAnswer(*store, q);
        if (!r.ok() || RenderCsv(*r) != want) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) CHECK(w == 0);
}

}  // namespace
}  // namespace ixdb::query
