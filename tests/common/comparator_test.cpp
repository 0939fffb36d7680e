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
      {">=", Comparator::kAtLeast, false},      {"≥", Comparator::kAtLeast, false},
      {"以上", Comparator::kAtLeast, false},    {"超过", Comparator::kAtLeast, false},
      {"突破", Comparator::kAtLeast, false},    {"不少于", Comparator::kAtLeast, false},
      {"不低于", Comparator::kAtLeast, false},  {"力争达到", Comparator::kAtLeast, false},
      {"至少", Comparator::kAtLeast, false},    {"<=", Comparator::kAtMost, false},
      {"以内", Comparator::kAtMost, false},     {"以下", Comparator::kAtMost, false},
      {"控制在", Comparator::kAtMost, false},   {"不超过", Comparator::kAtMost, false},
      {"不高于", Comparator::kAtMost, false},   {"低于", Comparator::kAtMost, false},
      {"控制在…以内", Comparator::kAtMost, false}, {"控制在左右", Comparator::kAtMost, true},
      {"~", Comparator::kAbout, false},         {"左右", Comparator::kAbout, false},
      {"约", Comparator::kAbout, false},        {"大约", Comparator::kAbout, false},
      {"=", Comparator::kEqual, false},         {"==", Comparator::kEqual, false},
      {"<", Comparator::kLess, false},          {">", Comparator::kGreater, false},
      {"between", Comparator::kBetween, false}, {"BETWEEN", Comparator::kBetween, false},
      {"同步", Comparator::kRelative, false},   {"relative", Comparator::kRelative, false},
      {"qualitative", Comparator::kQualitative, false}, {" text ", Comparator::kQualitative, false},
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

TEST_CASE("Comparator: unknown words are an error naming the vocabulary, symbols round-trip", "[common]") {
  auto bad = ParseComparator("大概");
  REQUIRE(bad.status().IsInvalidArgument());
  CHECK(bad.status().message().find("unknown comparator '大概'") == 0);
  CHECK(ParseComparator("  ").status().IsInvalidArgument());
  for (int k = 0; k <= 8; ++k) {
    const auto c = static_cast<Comparator>(k);
    CHECK(ParseComparator(ComparatorSymbol(c))->comparator == c);
  }
}

}  // namespace ixdb
