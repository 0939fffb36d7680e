// Series data helpers: the fast period formatter.
#include "query/internal/series_data.hpp"

#include <catch2/catch.hpp>

namespace ixdb::query {
namespace {

TEST_CASE("SeriesData: FastPeriodText equals FormatPeriod for every period kind", "[query]") {
  for (Frequency f : {Frequency::kAnnual, Frequency::kQuarterly, Frequency::kMonthly}) {
    const int ppy = PeriodsPerYear(f);
    for (int32_t index = 900 * ppy; index < 10100 * ppy;
         index += (index > 1990 * ppy && index < 2030 * ppy) ? 1 : 7) {
      for (bool cumulative : {false, true}) {
        const Period p{f, index};
        INFO(FrequencyName(f) << " " << index << " " << cumulative);
        REQUIRE(FastPeriodText(p, cumulative) == FormatPeriod(p, cumulative));
      }
    }
  }
}

}  // namespace
}  // namespace ixdb::query
