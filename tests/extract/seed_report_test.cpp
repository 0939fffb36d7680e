// The extractor measured on the seed report (../shared/seed/wuhan-2023-plan-report.txt), with
// data/wuhan — built from it by hand — as the reference. Registered only when the report is at
// hand (CMake cache variable IXDB_SEED_DIR).
//
// How it is measured (docs/extract.md, "Measured"):
//  - The reference is every row of data/wuhan/observations.csv of vintage 2024-01-20 with a
//    value (228), and every row of data/wuhan/targets.csv (169).
//  - A candidate matches a reference row when kind, period, value and unit are equal (values
//    as numbers; for targets without a number only kind and period) and the candidate's phrase
//    overlaps an occurrence of the row's `source` phrase in the normalised text. Each reference
//    row matches at most one candidate and the other way round.
//  - precision = matched candidates / all candidates; recall = matched rows / all rows;
//    comparator accuracy = matched pairs whose comparator (targets) or qualifier
//    (observations) agree / matched pairs.
//  - Where data/wuhan converted a unit or split a phrase, the reference follows the text as
//    written: kAsWritten below lists those rows with the value and unit the text has.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/utf8.hpp"
#include "extract/extract.hpp"
#include "extract/internal/csv.hpp"
#include "extract/internal/normalize.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::extract {
namespace {

constexpr double kMinPrecision = 0.95;
constexpr double kMinRecall = 0.90;
constexpr double kMinComparatorAccuracy = 0.95;

struct AsWritten {
  const char* kind;
  const char* code;
  const char* period;
  const char* value;
  const char* unit;
  const char* why;
};

// Rows of data/wuhan whose value or unit is not the one written in their phrase.
const AsWritten kAsWritten[] = {
    {"observation", "gdp", "2023", "2", "万亿元",
     "经济总量有望突破2万亿元: stored as 20000 亿元 in gdp's unit"},
    {"observation", "fiveg_stations_per_10k", "2023", "28.5", "个",
     "每万人拥有5G基站数达28.5个: unit 个/万人 in the data"},
    {"target", "fiveg_stations_per_10k", "2024", "30", "个",
     "全市每万人5G基站数超过30个: unit 个/万人 in the data"},
    {"observation", "high_value_patents_per_10k", "2023", "34.6", "件",
     "每万人口…拥有量达34.6件: unit 件/万人 in the data"},
    {"target", "city_clusters", "2024", "5", "大",
     "5大城市组团: the text has no classifier but 大"},
    {"target", "green_industrial_parks", "2024", "1", "",
     "实现破零: no number or unit written; 1 个 in the data"},
    {"target", "business_env_reform_major_items", "2024", "30", "大项",
     "30大项: unit 项 in the data"},
    {"target", "business_env_reform_minor_items", "2024", "128", "小项",
     "128小项: unit 项 in the data"},
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Row {
  std::string kind, code, period, value, unit, comparator, source;
  std::vector<std::pair<size_t, size_t>> spans;  // code points of each occurrence of source
};

std::vector<std::map<std::string, std::string>> ReadTable(const std::string& path) {
  auto rows = internal::ParseCsv(ReadAll(path), path);
  REQUIRE(rows.ok());
  std::vector<std::map<std::string, std::string>> out;
  for (size_t r = 1; r < rows->size(); ++r) {
    std::map<std::string, std::string> m;
    for (size_t i = 0; i < (*rows)[0].size() && i < (*rows)[r].size(); ++i)
      m[(*rows)[0][i]] = (*rows)[r][i];
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<Row> Reference(const std::string& text) {
  const std::string dir = IXDB_WUHAN_DIR;
  std::vector<Row> rows;
  for (auto& r : ReadTable(dir + "/observations.csv")) {
    if (r["vintage"] != "2024-01-20" || r["value"].empty()) continue;
    rows.push_back({"observation",
                    r["indicator"],
                    r["period"],
                    r["value"],
                    r["unit"],
                    r["qualifier"],
                    r["source"],
                    {}});
  }
  for (auto& r : ReadTable(dir + "/targets.csv")) {
    rows.push_back({"target",
                    r["indicator"],
                    r["period"],
                    r["target"],
                    r["target"].empty() ? "" : r["unit"],
                    r["comparator"],
                    r["source"],
                    {}});
  }
  for (Row& row : rows) {
    for (const AsWritten& w : kAsWritten) {
      if (row.kind == w.kind && row.code == w.code && row.period == w.period) {
        row.value = w.value;
        row.unit = w.unit;
      }
    }
    // The phrase as normalisation writes it (the data keeps the report's spaces).
    std::string phrase = internal::NormalizeText(row.source);
    while (!phrase.empty() && phrase.back() == '\n') phrase.pop_back();
    for (size_t at = text.find(phrase); at != std::string::npos; at = text.find(phrase, at + 1)) {
      const size_t begin = CodePointCount(std::string_view(text).substr(0, at));
      row.spans.emplace_back(begin, begin + CodePointCount(phrase));
    }
    INFO("reference phrase not in the text: " << row.source);
    CHECK_FALSE(row.spans.empty());
  }
  return rows;
}

bool SameNumber(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (a.empty() || b.empty()) return false;
  return std::strtod(a.c_str(), nullptr) == std::strtod(b.c_str(), nullptr);
}

TEST_CASE("Seed report: precision, recall and comparator accuracy against data/wuhan",
          "[extract][seed]") {
  auto ex = ExtractFile(IXDB_SEED_REPORT, {});
  REQUIRE_OK(ex.status());
  CHECK(ex->plan_year == 2024);
  std::vector<Row> reference = Reference(ex->text);
  REQUIRE(reference.size() == 228 + 169);

  std::vector<bool> used(reference.size(), false);
  size_t matched = 0, comparators_agree = 0;
  std::string false_positives, comparator_errors;
  for (const Candidate& c : ex->candidates) {
    const std::string kind = CandidateKindName(c.kind);
    const std::string comparator = c.kind == CandidateKind::kTarget ? c.comparator : c.qualifier;
    size_t hit = reference.size();
    for (size_t i = 0; i < reference.size() && hit == reference.size(); ++i) {
      const Row& r = reference[i];
      if (used[i] || r.kind != kind || r.period != c.period || !SameNumber(r.value, c.value))
        continue;
      if (!r.value.empty() && r.unit != c.unit) continue;
      for (auto [b, e] : r.spans) {
        if (b < c.offset + c.length && c.offset < e) hit = i;
      }
    }
    if (hit == reference.size()) {
      false_positives +=
          "  " + kind + " " + c.period + " " + c.value + " " + c.unit + " | " + c.source + "\n";
      continue;
    }
    used[hit] = true;
    ++matched;
    if (reference[hit].comparator == comparator) {
      ++comparators_agree;
    } else {
      comparator_errors +=
          "  " + comparator + " vs " + reference[hit].comparator + " | " + c.source + "\n";
    }
  }
  std::string missed;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (!used[i])
      missed += "  " + reference[i].kind + " " + reference[i].code + " " + reference[i].period +
                " " + reference[i].value + " " + reference[i].unit + " | " + reference[i].source +
                "\n";
  }
  const double precision =
      static_cast<double>(matched) / static_cast<double>(ex->candidates.size());
  const double recall = static_cast<double>(matched) / static_cast<double>(reference.size());
  const double accuracy = static_cast<double>(comparators_agree) / static_cast<double>(matched);
  WARN("seed: " << ex->candidates.size() << " candidates, " << reference.size()
                << " reference rows, " << matched << " matched: precision " << precision
                << ", recall " << recall << ", comparator accuracy " << accuracy << "; "
                << ex->seconds << " s");
  INFO("false positives:\n"
       << false_positives << "missed:\n"
       << missed << "comparators:\n"
       << comparator_errors);
  CHECK(precision >= kMinPrecision);
  CHECK(recall >= kMinRecall);
  CHECK(accuracy >= kMinComparatorAccuracy);
}

TEST_CASE("Seed report: the headline targets with their comparators", "[extract][seed]") {
  auto ex = ExtractFile(IXDB_SEED_REPORT, {});
  REQUIRE_OK(ex.status());
  struct Headline {
    const char* code;
    const char* value;
    const char* comparator;
  };
  // Section 二 of the report, 主要预期目标.
  const Headline headline[] = {
      {"gdp_growth", "6", "="},
      {"budget_revenue_growth", "7", "="},
      {"industrial_va_growth", "7", "="},
      {"services_va_growth", "7", "="},
      {"hitech_va_growth", "8", "="},
      {"fai_growth", "8", "="},
      {"retail_sales_growth", "9", "="},
      {"trade_growth", "8", "="},
      {"fdi_growth", "8", "="},
      {"energy_intensity_decline", "", "qualitative"},
      {"pollutant_emission_reduction", "", "qualitative"},
      {"cpi_growth", "3", "<="},
      {"resident_income_growth", "", "relative"},
      {"new_urban_jobs", "25", ">="},
      {"unemployment_rate", "5.5", "<="},
  };
  for (const Headline& h : headline) {
    INFO(h.code);
    bool found = false;
    for (const Candidate& c : ex->candidates) {
      if (c.indicator != h.code || c.kind != CandidateKind::kTarget) continue;
      found = true;
      CHECK(c.period == "2024");
      CHECK(c.value == h.value);
      CHECK(c.comparator == h.comparator);
    }
    CHECK(found);
  }
}

// How long extraction takes is measured by bench/extract, not here: a timed unit test fails
// on a busy machine and proves nothing about speed.

}  // namespace
}  // namespace ixdb::extract
