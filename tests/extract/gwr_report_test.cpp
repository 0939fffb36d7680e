// The extractor on two reports it was not built from: the national government work reports of
// 2024 and 2025 (../shared/gwr, CMake cache variable IXDB_GWR_DIR; registered only when they
// are at hand). The list of main targets of each, read by hand from the report, must come out
// whole with its comparators, and the review year's GDP growth with it.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "extract/extract.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::extract {
namespace {

struct Expected {
  const char* code;
  const char* period;
  const char* value;
  const char* unit;
  const char* comparator;  // targets; the qualifier for observations
};

void CheckReport(const std::string& file, int plan_year, const std::vector<Expected>& expected) {
  auto ex = ExtractFile(std::string(IXDB_GWR_DIR) + "/" + file, {});
  REQUIRE_OK(ex.status());
  CHECK(ex->plan_year == plan_year);
  size_t observations = 0, targets = 0;
  for (const Candidate& c : ex->candidates)
    (c.kind == CandidateKind::kTarget ? targets : observations)++;
  WARN(file << ": " << observations << " observations, " << targets << " targets, " << ex->seconds
            << " s");
  for (const Expected& e : expected) {
    INFO(file << ": " << e.code << " " << e.period << " " << e.value);
    bool found = false;
    for (const Candidate& c : ex->candidates) {
      if (c.indicator != e.code || c.period != e.period || c.value != e.value) continue;
      found = true;
      CHECK(c.unit == e.unit);
      CHECK((c.kind == CandidateKind::kTarget ? c.comparator : c.qualifier) == e.comparator);
    }
    CHECK(found);
  }
}

TEST_CASE("Government work report 2024: the main targets and the year reviewed", "[extract][gwr]") {
  CheckReport("gwr2024.txt", 2024,
              {{"gdp_growth", "2023", "5.2", "%", ""},
               {"new_urban_jobs", "2023", "1244", "万人", ""},
               {"gdp_growth", "2024", "5", "%", "~"},
               {"new_urban_jobs", "2024", "1200", "万人", ">="},
               {"unemployment_rate", "2024", "5.5", "%", "~"},
               {"cpi_growth", "2024", "3", "%", "~"},
               {"resident_income_growth", "2024", "", "", "relative"},
               {"grain_output", "2024", "1.3", "万亿斤", ">="},
               {"energy_intensity_decline", "2024", "2.5", "%", "~"},
               {"deficit_ratio", "2024", "3", "%", "="}});
}

TEST_CASE("Government work report 2025: the main targets and the year reviewed", "[extract][gwr]") {
  CheckReport("gwr2025.txt", 2025,
              {{"gdp", "2024", "134.9", "万亿元", ""},
               {"gdp_growth", "2024", "5", "%", ""},
               {"gdp_growth", "2025", "5", "%", "~"},
               {"unemployment_rate", "2025", "5.5", "%", "~"},
               {"new_urban_jobs", "2025", "1200", "万人", ">="},
               {"cpi_growth", "2025", "2", "%", "~"},
               {"resident_income_growth", "2025", "", "", "relative"},
               {"grain_output", "2025", "1.4", "万亿斤", "~"},
               {"energy_intensity_decline", "2025", "3", "%", "~"},
               {"deficit_ratio", "2025", "4", "%", "~"}});
}

}  // namespace
}  // namespace ixdb::extract
