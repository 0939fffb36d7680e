// The extractor on two reports it was not built from: the national government work reports of
// 2024 and 2025 (../shared/gwr, CMake cache variable IXDB_GWR_DIR; registered only when they
// are at hand). The list of main targets of each, read by hand from the report, must come out
// whole with its comparators, with the review year's headline figures and the budget's totals.
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
  // Whatever the list below does not name: each candidate states its value and unit in its own
  // phrase, targets are the plan year's and observations the review year's (or the plan
  // year's, a forecast such as 预计今年高校毕业生超过1170万人).
  const std::string plan = std::to_string(plan_year), review = std::to_string(plan_year - 1);
  for (const Candidate& c : ex->candidates) {
    INFO(file << ": " << c.period << " " << c.value << " " << c.unit << " | " << c.source);
    CHECK(c.source.find(c.value) != std::string::npos);
    CHECK(c.source.find(c.unit) != std::string::npos);
    if (c.kind == CandidateKind::kTarget) {
      CHECK(c.period == plan);
    } else {
      CHECK((c.period.rfind(review, 0) == 0 || c.period.rfind(plan, 0) == 0));
    }
  }
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
               {"unemployment_rate", "2023", "5.2", "%", ""},
               {"cpi_growth", "2023", "0.2", "%", ""},
               {"urbanization_rate", "2023", "66.2", "%", ""},
               {"gdp_growth", "2024", "5", "%", "~"},
               {"new_urban_jobs", "2024", "1200", "万人", ">="},
               {"unemployment_rate", "2024", "5.5", "%", "~"},
               {"cpi_growth", "2024", "3", "%", "~"},
               {"resident_income_growth", "2024", "", "", "relative"},
               {"grain_output", "2024", "1.3", "万亿斤", ">="},
               {"energy_intensity_decline", "2024", "2.5", "%", "~"},
               {"deficit_ratio", "2024", "3", "%", "="},
               {"deficit", "2024", "4.06", "万亿元", "="},
               {"budget_expenditure", "2024", "28.5", "万亿元", "="},
               {"central_budget_investment", "2024", "7000", "亿元", "="}});
}

TEST_CASE("Government work report 2025: the main targets and the year reviewed", "[extract][gwr]") {
  CheckReport("gwr2025.txt", 2025,
              {{"gdp", "2024", "134.9", "万亿元", ""},
               {"gdp_growth", "2024", "5", "%", ""},
               {"unemployment_rate", "2024", "5.1", "%", ""},
               {"cpi_growth", "2024", "0.2", "%", ""},
               {"urbanization_rate", "2024", "67", "%", ""},
               {"gdp_growth", "2025", "5", "%", "~"},
               {"unemployment_rate", "2025", "5.5", "%", "~"},
               {"new_urban_jobs", "2025", "1200", "万人", ">="},
               {"cpi_growth", "2025", "2", "%", "~"},
               {"resident_income_growth", "2025", "", "", "relative"},
               {"grain_output", "2025", "1.4", "万亿斤", "~"},
               {"energy_intensity_decline", "2025", "3", "%", "~"},
               {"deficit_ratio", "2025", "4", "%", "~"},
               {"deficit", "2025", "5.66", "万亿元", "="},
               {"budget_expenditure", "2025", "29.7", "万亿元", "="},
               {"central_budget_investment", "2025", "7350", "亿元", "="}});
}

}  // namespace
}  // namespace ixdb::extract
