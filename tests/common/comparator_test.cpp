#include "common/comparator.hpp"

#include <catch2/catch.hpp>

namespace ixdb {

TEST_CASE("Comparator: symbols and words of plan documents", "[common]") {
  struct Case {
    const char* text;
    Comparator comparator;
    bool about;
  };
  const Case cases[] = {
      {">=", Comparator::kAtLeast, false},
      {"≥", Comparator::kAtLeast, false},
      {"以上", Comparator::kAtLeast, false},
      {"超过", Comparator::kAtLeast, false},
      {"突破", Comparator::kAtLeast, false},
      {"不少于", Comparator::kAtLeast, false},
      {"不低于", Comparator::kAtLeast, false},
      {"力争达到", Comparator::kAtLeast, false},
      {"至少", Comparator::kAtLeast, false},
      {"<=", Comparator::kAtMost, false},
      {"以内", Comparator::kAtMost, false},
      {"以下", Comparator::kAtMost, false},
      {"控制在", Comparator::kAtMost, false},
      {"不超过", Comparator::kAtMost, false},
      {"不高于", Comparator::kAtMost, false},
      {"低于", Comparator::kAtMost, false},
      {"控制在…以内", Comparator::kAtMost, false},
      {"控制在左右", Comparator::kAtMost, true},
      {"~", Comparator::kAbout, false},
      {"左右", Comparator::kAbout, false},
      {"约", Comparator::kAbout, false},
      {"大约", Comparator::kAbout, false},
      {"=", Comparator::kEqual, false},
      {"==", Comparator::kEqual, false},
      {"<", Comparator::kLess, false},
      {">", Comparator::kGreater, false},
      {"between", Comparator::kBetween, false},
      {"BETWEEN", Comparator::kBetween, false},
      {"同步", Comparator::kRelative, false},
      {"relative", Comparator::kRelative, false},
      {"qualitative", Comparator::kQualitative, false},
      {" text ", Comparator::kQualitative, false},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = ParseComparator(c.text);
    REQUIRE(r.ok());
    CHECK(r->comparator == c.comparator);
    CHECK(r->about == c.about);
  }
}

TEST_CASE("Comparator: the longest word wins (不超过 is not 超过)", "[common]") {
  CHECK(FindComparatorWord("不超过3%")->comparator == Comparator::kAtMost);
  CHECK(FindComparatorWord("不低于90%")->comparator == Comparator::kAtLeast);
  CHECK(FindComparatorWord("控制在5.5%左右")->comparator == Comparator::kAtMost);
  CHECK(FindComparatorWord("控制在5.5%左右")->about);
  CHECK_FALSE(FindComparatorWord("增长6%").has_value());
}

TEST_CASE("Comparator: unknown words are an error naming the vocabulary, symbols round-trip",
          "[common]") {
  auto bad = ParseComparator("大概");
  REQUIRE(bad.status().IsInvalidArgument());
  CHECK(bad.status().message().find("unknown comparator '大概'") == 0);
  CHECK(ParseComparator("  ").status().IsInvalidArgument());
  for (int k = 0; k <= 8; ++k) {
    const auto c = static_cast<Comparator>(k);
    CHECK(ParseComparator(ComparatorSymbol(c))->comparator == c);
  }
}

// 约 is "about" before a figure only: a target sentence naming 约束性指标 (binding indicators) or
// 节约 must not get the tolerance of "about" (a missed ceiling would read as met).
TEST_CASE("Comparator: 约 says about before a figure, not in 约束性 or 节约", "[common]") {
  struct Case {
    const char* text;
    bool about;
  };
  const Case cases[] = {
      {"经济总量约2万亿元", true}, {"约为5%", true},        {"大约6%", true},
      {"增长6%左右", true},        {"约２万亿元", true},    {"约束性指标：能耗下降3%", false},
      {"节约用水", false},         {"集约利用土地", false}, {"增长6%", false},
      {"约束性指标约3%", true},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(SaysAbout(c.text) == c.about);
  }
  CHECK_FALSE(FindComparatorWord("约束性指标").has_value());
  CHECK(FindComparatorWord("约2万亿元")->comparator == Comparator::kAbout);
  CHECK(FindComparatorWord("单位GDP能耗下降3%以内（约束性）")->comparator == Comparator::kAtMost);
  CHECK_FALSE(FindComparatorWord("单位GDP能耗下降3%以内（约束性）")->about);
}

}  // namespace ixdb
