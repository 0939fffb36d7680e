// Executor helpers: the fast period formatter and the edit distance behind "did you mean".
#include "query/executor.hpp"

#include <catch2/catch.hpp>

namespace ixdb::query {
namespace {

TEST_CASE("Executor: PeriodText equals FormatPeriod for every period kind", "[query]") {
  for (Frequency f : {Frequency::kAnnual, Frequency::kQuarterly, Frequency::kMonthly}) {
    const int ppy = PeriodsPerYear(f);
    for (int32_t index = 900 * ppy; index < 10100 * ppy; index += (index > 1990 * ppy && index < 2030 * ppy) ? 1 : 7) {
      for (bool cumulative : {false, true}) {
        const Period p{f, index};
        INFO(FrequencyName(f) << " " << index << " " << cumulative);
        REQUIRE(PeriodText(p, cumulative) == FormatPeriod(p, cumulative));
      }
    }
  }
}

TEST_CASE("Executor: EditDistance is Levenshtein, capped", "[query]") {
  CHECK(EditDistance("gdp", "gdp", 2) == 0);
  CHECK(EditDistance("gpd", "gdp", 2) == 2);
  CHECK(EditDistance("gdp", "gdp_growth", 3) == 4);
  CHECK(EditDistance("gdp", "gdp_growth", 10) == 7);
  CHECK(EditDistance("retial", "retail", 2) == 2);
  CHECK(EditDistance("", "abc", 5) == 3);
  CHECK(EditDistance(std::string(300, 'a'), std::string(300, 'a'), 2) == 3);  // too long: capped
}

}  // namespace
}  // namespace ixdb::query
