#include "common/units.hpp"

#include <catch2/catch.hpp>
#include <string>

// Each row: a unit, its base and its scale (hand-checked: 十亿 = 10^9, 万千瓦 = 10^4 * 10^3 瓦).
TEST_CASE("Units: scale prefixes, stacked prefixes and compound units", "[common]") {
  struct Row {
    const char* text;
    const char* base;
    double scale;
  };
  const Row rows[] = {
      {"亿元", "元", 1e8},
      {"万亿元", "元", 1e12},
      {"万人", "人", 1e4},
      {"十亿美元", "美元", 1e9},
      {"百亿元", "元", 1e10},
      {"千亿元", "元", 1e11},
      {"十元", "元", 1e1},
      {"百户", "户", 1e2},
      {"千人", "人", 1e3},
      {"千万元", "元", 1e7},
      {"百万吨", "吨", 1e6},
      {"万千瓦", "瓦", 1e7},
      {"千伏安", "伏安", 1e3},
      {"亿千瓦时", "瓦时", 1e11},
      {"十万人", "人", 1e5},
      {"元", "元", 1},
      {"家", "家", 1},
      {"千", "千", 1},
      // Quotients: the numerator's scale over the denominator's.
      {"亿元/万人", "元/人", 1e4},
      {"元/人", "元/人", 1},
      {"个/万人", "个/人", 1e-4},
      {"台/百户", "台/户", 1e-2},
      {"元/人/年", "元/人/年", 1},
  };
  for (const Row& r : rows) {
    INFO(r.text);
    const ixdb::UnitInfo u = ixdb::ParseUnit(r.text);
    CHECK(u.base == r.base);
    CHECK(u.scale == Approx(r.scale));
    CHECK_FALSE(u.percent);
  }
  CHECK(ixdb::ParseUnit("%").percent);
  CHECK(ixdb::ParseUnit("百分点").percentage_points);
  CHECK_FALSE(ixdb::ParseUnit("百分点").percent);
}

TEST_CASE("Units: conversion factors, and units that measure different things", "[common]") {
  struct Row {
    const char* from;
    const char* to;
    double factor;  // value_in_from * factor = value_in_to
  };
  const Row rows[] = {
      {"亿元", "万亿元", 1e-4},     // 20011.65 亿元 = 2.001165 万亿元
      {"亿元/万人", "元/人", 1e4},  // GDP per head: 亿元 per 万人 = 10^8 / 10^4 元 per 人
      {"元/人", "万元/人", 1e-4},  {"十亿美元", "亿美元", 10},
      {"千瓦", "万千瓦", 1e-4},    {"个/万人", "个/千人", 1e-1},
  };
  for (const Row& r : rows) {
    INFO(r.from << " -> " << r.to);
    auto f = ixdb::UnitConversionFactor(r.from, r.to);
    REQUIRE(f.ok());
    CHECK(*f == Approx(r.factor));
  }
  auto f = ixdb::UnitConversionFactor("亿元", "万亿元");
  REQUIRE(f.ok());
  CHECK(20011.65 * *f == Approx(2.001165));
  for (auto [a, b] :
       {std::pair{"%", "亿元"}, std::pair{"亿元", "万人"}, std::pair{"亿元/万人", "元"},
        std::pair{"元/人", "人/元"}, std::pair{"亿元", "亿美元"}}) {
    INFO(a << " -> " << b);
    auto bad = ixdb::UnitConversionFactor(a, b);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message().find(a) != std::string::npos);
    CHECK(bad.status().message().find(b) != std::string::npos);
  }
}
