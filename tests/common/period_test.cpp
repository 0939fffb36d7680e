#include "common/period.hpp"

#include <catch2/catch.hpp>

using ixdb::Frequency;
using ixdb::ParsePeriod;
using ixdb::Period;

TEST_CASE("Period: accepted forms parse to the right period and span flag", "[common]") {
  struct Case {
    const char* text;
    Period period;
    bool span;
  };
  const Case cases[] = {
      {"2023", Period::Annual(2023), false},
      {"2023年", Period::Annual(2023), false},
      {"2023年全年", Period::Annual(2023), false},
      {"2023Q3", Period::Quarter(2023, 3), false},
      {"2023q1", Period::Quarter(2023, 1), false},
      {"2023-Q4", Period::Quarter(2023, 4), false},
      {"2023-07", Period::Month(2023, 7), false},
      {"2023M07", Period::Month(2023, 7), false},
      {"2023-M07", Period::Month(2023, 7), false},
      {"2023M7", Period::Month(2023, 7), false},
      {"2023H1", Period::Quarter(2023, 2), true},
      {"2023-S1", Period::Quarter(2023, 2), true},
      {"2023Q1-Q3", Period::Quarter(2023, 3), true},
      {"2023Q1-Q1", Period::Quarter(2023, 1), true},
      {"2023M01-M05", Period::Month(2023, 5), true},
      {"2023年一季度", Period::Quarter(2023, 1), false},
      {"2023年第二季度", Period::Quarter(2023, 2), false},
      {"2023年上半年", Period::Quarter(2023, 2), true},
      {"2023年前三季度", Period::Quarter(2023, 3), true},
      {"2023年1-5月", Period::Month(2023, 5), true},
      {"2023年1—2月", Period::Month(2023, 2), true},
      {"2023年5月", Period::Month(2023, 5), false},
      {"2023年十二月", Period::Month(2023, 12), false},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = ParsePeriod(c.text);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK(r->period == c.period);
    CHECK(r->span == c.span);
  }
}

TEST_CASE("Period: the second half-year is Jul-Dec, not a year-to-date span", "[common]") {
  for (const char* text : {"2023H2", "2023S2", "2023年下半年", "2023-H2"}) {
    INFO(text);
    auto r = ParsePeriod(text);
    REQUIRE(r.ok());
    CHECK(r->period == Period::Quarter(2023, 4));
    CHECK_FALSE(r->span);
    REQUIRE(r->first.has_value());
    CHECK(*r->first == Period::Quarter(2023, 3));
    // No series holds a half-year: resolving it says what to use instead.
    auto resolved = ResolvePeriod(*r, Frequency::kQuarterly, false, "gdp");
    REQUIRE_FALSE(resolved.ok());
    CHECK(resolved.status().message().find("2023H2 (Jul-Dec)") != std::string::npos);
  }
}

TEST_CASE("Period: rejected forms say what is wrong", "[common]") {
  const char* bad[] = {"",        "23",       "2023Q5",       "2023Q0",      "2023-13",
                       "2023M00", "2023H3",   "2023Q2-Q3",    "2023M02-M05", "2023-01-05",
                       "abc",     "2023Q1-Q", "2023年前季度", "2023x",       "2023年3-5月"};
  for (const char* text : bad) {
    INFO(text);
    auto r = ParsePeriod(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().find("bad period") != std::string::npos);
  }
}

TEST_CASE("Period: printed forms parse back to the same period", "[common]") {
  for (int q = 1; q <= 4; ++q) {
    for (bool cum : {false, true}) {
      Period p = Period::Quarter(2023, q);
      auto text = ixdb::FormatPeriod(p, cum);
      auto r = ParsePeriod(text);
      REQUIRE(r.ok());
      auto resolved = ixdb::ResolvePeriod(*r, Frequency::kQuarterly, cum);
      REQUIRE(resolved.ok());
      CHECK(*resolved == p);
    }
  }
  for (int m = 1; m <= 12; ++m) {
    for (bool cum : {false, true}) {
      Period p = Period::Month(2023, m);
      auto r = ParsePeriod(ixdb::FormatPeriod(p, cum));
      REQUIRE(r.ok());
      auto resolved = ixdb::ResolvePeriod(*r, Frequency::kMonthly, cum);
      REQUIRE(resolved.ok());
      CHECK(*resolved == p);
    }
  }
  CHECK(ixdb::FormatPeriod(Period::Quarter(2023, 3), true) == "2023Q1-Q3");
  CHECK(ixdb::FormatPeriod(Period::Quarter(2023, 2), true) == "2023H1");
  CHECK(ixdb::FormatPeriod(Period::Month(2023, 5), true) == "2023M01-M05");
  CHECK(ixdb::FormatPeriod(Period::Month(2023, 5), false) == "2023-05");
  CHECK(ixdb::FormatPeriod(Period::Annual(2023)) == "2023");
}

TEST_CASE("Period: calendar-aware year-ago lag", "[common]") {
  CHECK(Period::Annual(2023).YearAgo() == Period::Annual(2022));
  CHECK(Period::Quarter(2023, 1).YearAgo() == Period::Quarter(2022, 1));
  CHECK(Period::Month(2023, 1).YearAgo() == Period::Month(2022, 1));
  CHECK(Period::Month(2023, 1).Shifted(-1) == Period::Month(2022, 12));
  CHECK(Period::Quarter(2023, 1).Shifted(-1).year() == 2022);
  CHECK(Period::Quarter(2023, 1).Shifted(-1).sub() == 4);
}

TEST_CASE("Period: resolving against a series' frequency", "[common]") {
  auto year = *ParsePeriod("2023");
  auto q3span = *ParsePeriod("2023Q1-Q3");
  auto month = *ParsePeriod("2023-07");
  // A bare year in a cumulative quarterly series is the full-year span.
  auto r = ixdb::ResolvePeriod(year, Frequency::kQuarterly, true);
  REQUIRE(r.ok());
  CHECK(*r == Period::Quarter(2023, 4));
  // A span in a non-cumulative series is an error.
  auto e = ixdb::ResolvePeriod(q3span, Frequency::kQuarterly, false, "gdp");
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().message().find("not cumulative") != std::string::npos);
  // Frequency mismatch names both.
  auto m = ixdb::ResolvePeriod(month, Frequency::kQuarterly, false, "gdp");
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "period 2023-07 is monthly but series gdp is quarterly");
  CHECK_FALSE(ixdb::ResolvePeriod(year, Frequency::kQuarterly, false).ok());
}
