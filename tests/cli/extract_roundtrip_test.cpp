// `ixdb extract` end to end on the seed report: extract, load the two files into a fresh store,
// and `targets(2024)` lists the headline targets with the right comparators; with --db the
// phrases attach to the series a store already has. Runs the built binary through the shell.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/common/test_util.hpp"

namespace {

struct Proc {
  int code = -1;
  std::string out, err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Proc Ixdb(const ixdb::test::TempDir& dir, const std::vector<std::string>& args) {
  std::string cmd = "env -u IXDB_DB " + Quote(IXDB_BIN);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " > " + Quote(dir.Sub("stdout")) + " 2> " + Quote(dir.Sub("stderr"));
  const int status = std::system(cmd.c_str());
  Proc p;
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  p.out = ReadAll(dir.Sub("stdout"));
  p.err = ReadAll(dir.Sub("stderr"));
  return p;
}

// The rows of a CSV without quoted commas (targets(2024) in CSV: no field of interest has one).
std::map<std::string, std::vector<std::string>> ByIndicator(const std::string& csv) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (!f.empty()) rows[f[0]] = f;
  }
  return rows;
}

TEST_CASE("ixdb extract: the seed report round trip lists the headline targets", "[cli][extract]") {
  ixdb::test::TempDir dir;
  const std::string out = dir.Sub("d"), db = dir.Sub("store");
  Proc p = Ixdb(dir, {"extract", IXDB_SEED_REPORT, "--out", out, "--text"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(p.out.empty());  // the summary goes to standard error
  CHECK(p.err.find("plan year 2024") != std::string::npos);
  CHECK(p.err.find("mapped to existing series: 0") != std::string::npos);
  for (const char* f : {"observations.csv", "targets.csv", "review.csv", "text.txt"}) {
    CHECK(!ReadAll(out + "/" + f).empty());
  }

  p = Ixdb(dir, {"--db", db, "load", "--vintage", "2024-01-20", out + "/observations.csv",
                 out + "/targets.csv"});
  INFO(p.out << p.err);
  REQUIRE(p.code == 0);
  p = Ixdb(dir, {"--db", db, "query", "--format", "csv", "targets(2024)"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  const auto rows = ByIndicator(p.out);
  REQUIRE(rows.count("indicator") == 1);
  CHECK(rows.at("indicator")[2] == "comparator");
  CHECK(rows.at("indicator")[3] == "target");
  struct Headline {
    const char* code;
    const char* comparator;
    const char* target;
  };
  const Headline headline[] = {
      {"gdp_growth", "=", "6"},
      {"budget_revenue_growth", "=", "7"},
      {"industrial_va_growth", "=", "7"},
      {"services_va_growth", "=", "7"},
      {"hitech_va_growth", "=", "8"},
      {"fai_growth", "=", "8"},
      {"retail_sales_growth", "=", "9"},
      {"trade_growth", "=", "8"},
      {"fdi_growth", "=", "8"},
      {"cpi_growth", "<=", "3"},
      {"new_urban_jobs", ">=", "25"},
      {"unemployment_rate", "<=", "5.5"},
      {"resident_income_growth", "relative", ""},
      {"energy_intensity_decline", "", ""},
      {"pollutant_emission_reduction", "", ""},
  };
  for (const Headline& h : headline) {
    INFO(h.code);
    REQUIRE(rows.count(h.code) == 1);
    const auto& r = rows.at(h.code);
    CHECK(r[2] == h.comparator);
    CHECK(r[3] == h.target);
  }
  CHECK(rows.at("energy_intensity_decline")[6] == "qualitative");
}

TEST_CASE("ixdb extract --db: phrases attach to the series of the store", "[cli][extract]") {
  ixdb::test::TempDir dir;
  const std::string db = dir.Sub("store"), out = dir.Sub("d");
  const std::string wuhan = IXDB_WUHAN_DIR;
  Proc p = Ixdb(dir, {"--db", db, "load", wuhan + "/observations.csv", wuhan + "/targets.csv"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  p = Ixdb(dir, {"extract", IXDB_SEED_REPORT, "--out", out, "--db", db, "--vintage", "2024-01-20"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  const size_t at = p.err.find("mapped to existing series: ");
  REQUIRE(at != std::string::npos);
  CHECK(std::atoi(p.err.c_str() + at + 27) >= 200);
  // The files load into the store they were mapped onto: no conflicting metadata or periods.
  p = Ixdb(dir, {"--db", db, "load", out + "/observations.csv", out + "/targets.csv"});
  INFO(p.out << p.err);
  CHECK(p.code == 0);
}

TEST_CASE("ixdb extract: bad arguments and files are errors that name them", "[cli][extract]") {
  ixdb::test::TempDir dir;
  Proc p = Ixdb(dir, {"extract", dir.Sub("missing.txt"), "--out", dir.Sub("d")});
  CHECK(p.code == 1);
  CHECK(p.err.find("ixdb: " + dir.Sub("missing.txt") + ": cannot open") == 0);
  p = Ixdb(dir, {"extract", IXDB_SEED_REPORT});
  CHECK(p.code == 1);
  CHECK(p.err.find("--out") != std::string::npos);
  p = Ixdb(dir, {"extract", IXDB_SEED_REPORT, "--out", dir.Sub("d"), "--vintage", "2024-13-01"});
  CHECK(p.code == 1);
  CHECK(p.err.find("--vintage") != std::string::npos);
  p = Ixdb(dir, {"extract", IXDB_SEED_REPORT, "--out", dir.Sub("d"), "--year", "24"});
  CHECK(p.code == 1);
  CHECK(p.err.find("--year 24") != std::string::npos);
  p = Ixdb(dir, {"extract", IXDB_SEED_REPORT, "--out", dir.Sub("d"), "--db", dir.Sub("nostore")});
  CHECK(p.code == 1);
}

}  // namespace
