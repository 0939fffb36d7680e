// Golden files: tests/query/golden/*.test hold `query -> expected CSV` cases, run against a store
// loaded from tests/query/fixtures. Format of a case (cases are separated by blank lines):
//
//   # a comment
//   option: default_about_tolerance=1      (optional; also max_rows=N, and notes=1: the
//                                           result's notes follow the CSV as `note: ...` lines)
//   query: yoy(gdp)[2021:2023]
//   indicator,period,value,unit             (the expected CSV, header first)
//   gdp,2021,13.45...,%
//
// or, for a query that must fail, `error: <Status::ToString()>` followed by the message's
// further lines (the caret lines). IXDB_GOLDEN_UPDATE=1 rewrites the files with what the
// queries return now (review the diff before committing).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "query/columnar_render.hpp"
#include "query/formulas.hpp"
#include "query/internal/function_registry.hpp"
#include "query/query.hpp"
#include "query/render.hpp"
#include "query/terminal_layout.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

struct Case {
  int line = 0;
  std::vector<std::string> comments;  // lines before the query (kept on update)
  std::vector<std::string> options;
  std::string query;
  std::string expected;  // CSV or "error: ..." text, lines joined by '\n' (with final '\n')
};

std::vector<Case> ReadCases(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Case> cases;
  Case cur;
  bool in_case = false, has_query = false;
  std::string line;
  int n = 0;
  auto flush = [&]() {
    if (has_query) cases.push_back(cur);
    cur = Case{};
    in_case = has_query = false;
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) {
      flush();
      continue;
    }
    if (!has_query) {
      if (line.rfind("query: ", 0) == 0) {
        cur.query = line.substr(7);
        cur.line = n;
        has_query = true;
      } else if (line.rfind("option: ", 0) == 0) {
        cur.options.push_back(line.substr(8));
      } else {
        cur.comments.push_back(line);
      }
      in_case = true;
      continue;
    }
    cur.expected += line + "\n";
  }
  flush();
  (void)in_case;
  return cases;
}

// Every golden query also runs through RunAnswer, whose value queries render from their columns
// (query/columnar_render.hpp) without a Table: each rendering must be byte for byte the Table
// renderer's, in every layout the shell offers, and errors must be the same.
void CheckAnswerMatchesTable(storage::Store& store, const std::string& query,
                             const QueryOptions& opts, const Result<Table>& table) {
  INFO("RunAnswer: " << query);
  auto answer = RunAnswer(store, query, opts);
  REQUIRE(answer.status().ToString() == table.status().ToString());
  if (!table.ok()) return;
  CHECK(answer->RowCount() == table->rows.size());
  CHECK(answer->notes() == table->notes);
  CHECK(RenderCsv(*answer) == RenderCsv(*table));
  CHECK(RenderCsv(*answer, true) == RenderCsv(*table, true));
  CHECK(RenderJson(*answer) == RenderJson(*table));
  CHECK(RenderJsonLine(*answer) == RenderJsonLine(*table));
  CHECK(RenderText(*answer) == RenderText(*table));
  std::vector<TextLayout> layouts(6);
  layouts[0].width = 200;
  layouts[1].width = 50;  // most value tables shrink or turn into records at this width
  layouts[2].precision = 1;
  layouts[2].separators = true;
  layouts[3].null_text = "NULL";
  layouts[4].expanded = ExpandedMode::kOn;
  layouts[5].footer = false;
  layouts[5].null_text = "空";
  for (const TextLayout& layout : layouts) {
    CHECK(RenderTextTable(*answer, layout) == RenderTextTable(*table, layout));
  }
  if (answer->columnar) {
    const Table t = ToTable(answer->values);
    CHECK(t.rows == table->rows);
    CHECK(t.notes == table->notes);
    REQUIRE(t.columns.size() == table->columns.size());
    for (size_t i = 0; i < t.columns.size(); ++i) {
      CHECK(t.columns[i].name == table->columns[i].name);
      CHECK(t.columns[i].type == table->columns[i].type);
      CHECK(t.columns[i].unit == table->columns[i].unit);
    }
  }
}

std::string Actual(storage::Store& store, const Case& c) {
  QueryOptions opts;
  bool notes = false;
  for (const auto& o : c.options) {
    auto eq = o.find('=');
    REQUIRE(eq != std::string::npos);
    const std::string key = o.substr(0, eq), val = o.substr(eq + 1);
    if (key == "default_about_tolerance")
      opts.default_about_tolerance = std::stod(val);
    else if (key == "default_about_relative_tolerance")
      opts.default_about_relative_tolerance = std::stod(val);
    else if (key == "max_rows")
      opts.max_rows = std::stoul(val);
    else if (key == "notes")
      notes = val == "1";
    else
      FAIL("unknown option " << key);
  }
  auto r = RunQuery(store, c.query, opts);
  CheckAnswerMatchesTable(store, c.query, opts, r);
  if (!r.ok()) return "error: " + r.status().ToString() + "\n";
  std::string out = RenderCsv(*r);
  if (notes) {
    for (const std::string& note : r->notes) out += "note: " + note + "\n";
  }
  return out;
}

// Runs every case of every .test file in `dir` against `store`; returns the number of cases.
size_t RunGoldenDir(storage::Store& store, const std::string& dir) {
  const bool update = std::getenv("IXDB_GOLDEN_UPDATE") != nullptr;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".test") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  size_t total = 0;
  for (const auto& f : files) {
    std::vector<Case> cases = ReadCases(f.string());
    REQUIRE(!cases.empty());
    std::ostringstream rewritten;
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      const std::string actual = Actual(store, c);
      INFO(f.filename().string() << ":" << c.line << ": " << c.query);
      if (!update) CHECK(actual == c.expected);
      ++total;
      if (i) rewritten << "\n";
      for (const auto& l : c.comments) rewritten << l << "\n";
      for (const auto& o : c.options) rewritten << "option: " << o << "\n";
      rewritten << "query: " << c.query << "\n" << actual;
    }
    if (update) {
      std::ofstream out(f);
      out << rewritten.str();
    }
  }
  return total;
}

TEST_CASE("Golden: every query in tests/query/golden returns its expected CSV", "[query]") {
  test::FixtureStore fixture;
  CHECK(RunGoldenDir(*fixture.store, std::string(IXDB_QUERY_TEST_DIR) + "/golden") >= 100);
}

// The worked examples of docs/query-language.md: ```text blocks that start with "query: ".
TEST_CASE("Golden: the worked examples of docs/query-language.md", "[query]") {
  test::FixtureStore fixture;
  std::ifstream in(std::string(IXDB_QUERY_TEST_DIR) + "/../../docs/query-language.md");
  REQUIRE(in.good());
  std::string line;
  size_t n = 0, line_no = 0;
  bool in_block = false;
  Case c;
  while (std::getline(in, line)) {
    ++line_no;
    if (!in_block && line == "```text") {
      in_block = true;
      c = Case{};
      continue;
    }
    if (in_block && line == "```") {
      in_block = false;
      if (!c.query.empty()) {
        INFO("docs/query-language.md:" << c.line << ": " << c.query);
        CHECK(Actual(*fixture.store, c) == c.expected);
        ++n;
      }
      continue;
    }
    if (!in_block) continue;
    if (c.query.empty() && line.rfind("query: ", 0) == 0) {
      c.query = line.substr(7);
      c.line = static_cast<int>(line_no);
    } else if (!c.query.empty()) {
      c.expected += line + "\n";
    }
  }
  CHECK(n >= 15);
}

// Issue 7, right answers on real plan and statistics data: spans, tolerance, need, stats and
// lower-is-better indicators, against their own fixture (tests/query/fixtures/trust).
TEST_CASE("Golden: right answers on plan and statistics data (spans, units, tolerance)",
          "[query]") {
  const std::string dir = std::string(IXDB_QUERY_TEST_DIR) + "/fixtures/trust/";
  test::FixtureStore fixture(std::vector<std::vector<std::string>>{
      {dir + "observations.csv", dir + "targets.csv", dir + "bounds.csv",
       dir + "bounds_targets.csv"},
      // A later load changes the units of two series after their targets were loaded: need()
      // and gap() must still refuse to compare (issue 7 item 4).
      {dir + "units_changed.csv"}});
  CHECK(RunGoldenDir(*fixture.store, std::string(IXDB_QUERY_TEST_DIR) + "/golden/trust") >= 25);
}

// Every function's example (what functions() and the shell's .help print) runs and answers
// with rows on the test fixtures (the docs' one and the analysis one, whose codes do not meet):
// an example is a real query, never a sketch with made-up codes.
TEST_CASE("Golden: every function's example runs and returns rows", "[query]") {
  const std::string dir = std::string(IXDB_QUERY_TEST_DIR) + "/fixtures/";
  test::FixtureStore fixture(std::vector<std::vector<std::string>>{
      {dir + "observations.csv", dir + "targets.csv"},
      {dir + "analysis/observations.csv", dir + "analysis/targets.csv"}});
  size_t n = 0;
  for (const FunctionDef& f : FunctionRegistry::Get().all()) {
    INFO(f.name << ": " << f.example);
    auto r = RunQuery(*fixture.store, f.example);
    CHECK(r.status().ToString() == "OK");
    if (r.ok()) CHECK(!r->rows.empty());
    ++n;
  }
  CHECK(n >= 40);
}

// Issue 8, the language of plan analysis: growth over several periods, accumulation, folds,
// releases, units and targets on changes, against their own fixture
// (tests/query/fixtures/analysis).
TEST_CASE("Golden: the functions of plan analysis (growth, ytd, folds, releases, units)",
          "[query]") {
  const std::string dir = std::string(IXDB_QUERY_TEST_DIR) + "/fixtures/analysis/";
  test::FixtureStore fixture({dir + "observations.csv", dir + "targets.csv"});
  CHECK(RunGoldenDir(*fixture.store, std::string(IXDB_QUERY_TEST_DIR) + "/golden/analysis") >= 60);
}

// The seed report's own examples, against the demo data set (data/wuhan).
TEST_CASE("Golden: the seed report's examples on the demo data set", "[query]") {
  const std::string data = std::string(IXDB_QUERY_TEST_DIR) + "/../../data/wuhan/";
  test::FixtureStore fixture(
      {data + "observations.csv", data + "bulletins.csv", data + "targets.csv"});
  CHECK(RunGoldenDir(*fixture.store, std::string(IXDB_QUERY_TEST_DIR) + "/golden/seed") >= 5);
}

// The demo data set with its history (data/wuhan/history.csv): revisions, cumulative releases
// and yoy over the earlier years, and the 2023/2024 figures the seed gives.
TEST_CASE("Golden: the demo data set with its history", "[query]") {
  const std::string data = std::string(IXDB_QUERY_TEST_DIR) + "/../../data/wuhan/";
  test::FixtureStore fixture({data + "observations.csv", data + "bulletins.csv",
                              data + "targets.csv", data + "history.csv"});
  CHECK(RunGoldenDir(*fixture.store, std::string(IXDB_QUERY_TEST_DIR) + "/golden/history") >= 8);
}

// Named formulas (issue 8 §5) on the fixture store: read like stored series, as of a date,
// inside other formulas and selections, listed with kind=formula.
TEST_CASE("Golden: named formulas read like stored series", "[query]") {
  test::FixtureStore fixture;
  const std::vector<FormulaDefinition> defs = {
      {"gdp_x2", "gdp * 2", "地区生产总值的两倍", ""},
      {"gdp_wan", "gdp", "地区生产总值（万亿元）", "万亿元"},
      {"per_firm", "gdp / hitech_firms", "每万家高新技术企业对应的生产总值", ""},
      {"per_firm_yoy", "yoy(per_firm)", "", ""},
  };
  for (const auto& d : defs) {
    auto r = DefineFormula(*fixture.store, d, DateFromYmd(2026, 12, 1));
    INFO(d.code << ": " << r.status().ToString());
    REQUIRE(r.ok());
  }
  CHECK(RunGoldenDir(*fixture.store, std::string(IXDB_QUERY_TEST_DIR) + "/golden/formulas") >= 12);
}

// One column of a CSV file without its header (the series codes, the vintages...).
std::set<std::string> CsvColumn(const std::string& path, size_t column) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::set<std::string> values;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    size_t begin = 0;
    for (size_t i = 0; i < column; ++i) begin = line.find(',', begin) + 1;
    values.insert(line.substr(begin, line.find(',', begin) - begin));
  }
  return values;
}

// The CSV of a result, keeping only the rows whose first column is one of `codes`.
std::string RowsOf(const Table& table, const std::set<std::string>& codes) {
  std::istringstream in(RenderCsv(table));
  std::string line, kept;
  std::getline(in, line);
  kept = line + "\n";
  while (std::getline(in, line)) {
    if (codes.count(line.substr(0, line.find(',')))) kept += line + "\n";
  }
  return kept;
}

// history.csv extends the demo's series into earlier years; it must not change any 2023 or
// 2024 figure that observations.csv and bulletins.csv give: neither the latest value, nor the
// first release, nor any revision, nor a judged target, nor what a release date changed (rows
// of the series that history.csv adds, e.g. the 2024 population of the 2024 bulletin, aside).
TEST_CASE("Demo data: history.csv changes no 2023 or 2024 figure of the seed and the bulletins",
          "[query]") {
  const std::string data = std::string(IXDB_QUERY_TEST_DIR) + "/../../data/wuhan/";
  const std::vector<std::string> seed = {data + "observations.csv", data + "bulletins.csv",
                                         data + "targets.csv"};
  std::vector<std::string> seed_and_history = seed;
  seed_and_history.push_back(data + "history.csv");
  test::FixtureStore without(seed), with(seed_and_history);

  const std::set<std::string> codes = CsvColumn(data + "observations.csv", 0);
  std::set<std::string> release_dates = CsvColumn(data + "observations.csv", 2);
  for (const auto& d : CsvColumn(data + "bulletins.csv", 2)) release_dates.insert(d);
  REQUIRE(codes.size() > 300);

  std::vector<std::string> queries = {"targets(2024)"};
  for (const auto& d : release_dates) queries.push_back("changes(" + d + ")");
  for (const auto& c : codes) {
    for (const char* q :
         {"%[2023:2024]", "first(%)[2023:2024]", "revisions(%, 2023)", "revisions(%, 2024)"}) {
      std::string text = q;
      text.replace(text.find('%'), 1, c);
      queries.push_back(text);
    }
  }
  for (const auto& q : queries) {
    INFO(q);
    auto before = RunQuery(*without.store, q);
    auto after = RunQuery(*with.store, q);
    REQUIRE(before.ok());
    REQUIRE(after.ok());
    CHECK(RowsOf(*before, codes) == RowsOf(*after, codes));
  }
  // Not vacuous: the history does change the same series before 2023.
  auto before = RunQuery(*without.store, "gdp[2009:2022]");
  auto after = RunQuery(*with.store, "gdp[2009:2022]");
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  CHECK(before->rows.empty());
  CHECK(!after->rows.empty());
}

}  // namespace
}  // namespace ixdb::query
