// Rows out of a query: where, order by (numbers, periods by their months, nulls last) and limit
// applied as rows arrive, and max_rows enforced.
#include "query/internal/row_collector.hpp"

#include <catch2/catch.hpp>

#include "query/internal/series_data.hpp"
#include "query/parser.hpp"

namespace ixdb::query {
namespace {

Table Collect(const std::string& clauses, const std::vector<std::vector<Cell>>& rows,
              const QueryOptions& options = {}) {
  const std::string text = "x " + clauses;
  auto q = ParseQuery(text);
  REQUIRE(q.ok());
  RowCollector rc(*q,
                  {{"indicator", ColumnType::kString, ""},
                   {"period", ColumnType::kPeriod, ""},
                   {"value", ColumnType::kNumber, ""}},
                  options, text);
  for (auto row : rows) {
    if (!rc.Add(std::move(row))) break;
  }
  return rc.Finish({});
}

const std::vector<std::vector<Cell>> kRows = {
    {Cell{std::string("a")}, Cell{std::string("2023Q2")}, Cell{2.0}},
    {Cell{std::string("b")}, Cell{std::string("2023")}, Cell{}},
    {Cell{std::string("c")}, Cell{std::string("2022-12")}, Cell{-1.0}},
    {Cell{std::string("d")}, Cell{std::string("2023H1")}, Cell{5.0}},
};

TEST_CASE("RowCollector: where, order by and limit", "[query]") {
  CHECK(Collect("where value > 0", kRows).rows.size() == 2);
  CHECK(Collect("where value = null", kRows).rows.size() == 1);
  Table t = Collect("order by value desc", kRows);
  REQUIRE(t.rows.size() == 4);
  CHECK(std::get<std::string>(t.rows[0][0]) == "d");
  CHECK(std::get<std::string>(t.rows[3][0]) == "b");  // nulls last, whatever the direction
  Table p = Collect("order by period", kRows);
  CHECK(std::get<std::string>(p.rows[0][0]) == "c");  // 2022-12 first
  CHECK(Collect("limit 2", kRows).rows.size() == 2);
  CHECK(Collect("order by value limit 1", kRows).rows.size() == 1);
  // 2023Q2 (Apr-Jun) and the span 2023H1 (Jan-Jun) lie within H1; 2023 does not.
  CHECK(Collect("where period = 2023H1", kRows).rows.size() == 2);
}

TEST_CASE("RowCollector: an unknown column names the columns, max_rows is a limit", "[query]") {
  const std::string text = "x where colour = red";
  auto q = ParseQuery(text);
  REQUIRE(q.ok());
  try {
    RowCollector rc(*q, {{"value", ColumnType::kNumber, ""}}, QueryOptions{}, text);
    FAIL("no error");
  } catch (const QueryError& e) {
    CHECK(e.status.message().find("unknown column 'colour' in where (columns: value)") !=
          std::string::npos);
  }
  QueryOptions small;
  small.max_rows = 3;
  try {
    Collect("", kRows, small);
    FAIL("no error");
  } catch (const QueryError& e) {
    CHECK(e.status.IsLimitExceeded());
  }
}

}  // namespace
}  // namespace ixdb::query
