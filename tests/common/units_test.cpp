#include "common/units.hpp"

#include <catch2/catch.hpp>

TEST_CASE("Units: scale prefixes and conversion", "[common]") {
  CHECK(ixdb::ParseUnit("亿元").base == "元");
  CHECK(ixdb::ParseUnit("亿元").scale == 1e8);
  CHECK(ixdb::ParseUnit("万亿元").scale == 1e12);
  CHECK(ixdb::ParseUnit("万人").base == "人");
  CHECK(ixdb::ParseUnit("千伏安").base == "千伏安");
  CHECK(ixdb::ParseUnit("%").percent);
  auto f = ixdb::UnitConversionFactor("亿元", "万亿元");
  REQUIRE(f.ok());
  CHECK(20011.65 * *f == Approx(2.001165));
  auto bad = ixdb::UnitConversionFactor("%", "亿元");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("%") != std::string::npos);
  CHECK(bad.status().message().find("亿元") != std::string::npos);
}
