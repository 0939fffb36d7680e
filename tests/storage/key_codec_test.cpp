// Keys: every encoder has a parser that is its exact inverse, and the byte order of keys is the
// order reads rely on (series, then period, then vintage, then seq).
#include "storage/internal/key_codec.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

namespace ixdb::storage::internal {
namespace {

TEST_CASE("Key codec: obs, target, vintage and load-touch keys parse back", "[storage]") {
  for (uint32_t id : {1u, 255u, 65536u, 0xFFFFFFFEu}) {
    for (uint64_t seq : {uint64_t{1}, uint64_t{1} << 40, UINT64_MAX}) {
      ObsKeyParts o;
      REQUIRE(ParseObsKey(ObsKey(id, seq), &o));
      CHECK(o.series_id == id);
      CHECK(o.seq == seq);
    }
    for (int32_t period : {-5, 0, 2023 * 12 + 4, 2023}) {
      TargetKeyParts t{id, 12, period, -40000, 77};
      TargetKeyParts back;
      REQUIRE(ParseTargetKey(TargetKey(t), &back));
      CHECK(back.series_id == id);
      CHECK(back.freq == 12);
      CHECK(back.period == period);
      CHECK(back.vintage == -40000);
      CHECK(back.seq == 77);
      CHECK(TargetKey(t).substr(0, kTargetGroupSize) == TargetGroupPrefix(id, 12, period));
    }
    int32_t v;
    uint32_t sid;
    REQUIRE(ParseVintageKey(VintageKey(19800, id), &v, &sid));
    CHECK(v == 19800);
    CHECK(sid == id);
    uint64_t load;
    REQUIRE(ParseLoadTouchKey(LoadTouchKey(42, id), &load, &sid));
    CHECK(load == 42);
    CHECK(sid == id);
  }
}

TEST_CASE("Key codec: malformed keys do not parse", "[storage]") {
  ObsKeyParts o;
  CHECK_FALSE(ParseObsKey("short", &o));
  CHECK_FALSE(ParseObsKey(ObsKey(1, 2) + "x", &o));
  TargetKeyParts t;
  CHECK_FALSE(ParseTargetKey(TargetKey(1, 12, 5, 6, 7).substr(1), &t));
  CHECK_FALSE(ParseTargetKey(TargetKey(1, 7, 5, 6, 7), &t));  // no frequency 7
  int32_t v;
  uint32_t id;
  CHECK_FALSE(ParseVintageKey("1234567", &v, &id));
  uint64_t load;
  CHECK_FALSE(ParseLoadTouchKey(std::string(13, 'L'), &load, &id));
}

TEST_CASE("Key codec: bytewise order is numeric order, negative first", "[storage]") {
  std::vector<std::pair<int32_t, std::string>> keys;
  for (int32_t p : {2024, -1, 0, 1, -300, 12, INT32_MIN, INT32_MAX}) {
    keys.emplace_back(p, TargetKey(9, 1, p, 0, 0));
  }
  std::sort(keys.begin(), keys.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  for (size_t i = 1; i < keys.size(); ++i) CHECK(keys[i - 1].first < keys[i].first);
  CHECK(ObsKey(1, UINT64_MAX) < ObsKey(2, 0));  // all of a series before the next
  CHECK(VintageKey(-1, 5) < VintageKey(0, 1));
}

}  // namespace
}  // namespace ixdb::storage::internal
