#pragma once
// Rows out of a query (internal to query/): where, order by and limit applied as rows arrive,
// with QueryOptions::max_rows enforced (LimitExceeded), so that an ordered query with a limit
// never holds more than about 2 * limit rows.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/ast.hpp"
#include "query/query.hpp"
#include "query/table.hpp"

namespace ixdb::query {

class RowCollector {
 public:
  // Fails (QueryError) for a where/order by column the table does not have.
  RowCollector(const ast::Query& q, std::vector<Column> columns, const QueryOptions& options,
               std::string_view text);
  ~RowCollector();

  // Adds a row; false when no more rows are wanted (limit reached without ordering).
  // `cumulative`: the row's period cells are year-to-date spans (its series is cumulative), for
  // the span rule of `where period ...`.
  bool Add(std::vector<Cell>&& row, bool cumulative = false);
  bool Done() const { return order_.empty() && limit_ && rows_.size() >= *limit_; }
  // A hint: about n more rows are coming (avoids re-allocating the row vector).
  void Reserve(size_t n);
  Table Finish(std::vector<std::string> notes);
  const std::vector<Column>& columns() const { return columns_; }

 private:
  struct Compiled;
  int ColumnIndex(const std::string& name, size_t pos, const char* where);
  std::unique_ptr<Compiled> Compile(const ast::Condition& c);
  bool Eval(const Compiled& c, const std::vector<Cell>& row, bool row_cumulative) const;
  int CompareCells(const Cell& a, const Cell& b, ColumnType type) const;
  void Sort(size_t keep);
  void CheckSize();

  std::vector<Column> columns_;
  const QueryOptions& options_;
  std::string_view text_;
  std::unique_ptr<Compiled> where_;
  std::vector<std::pair<int, bool>> order_;
  std::optional<size_t> limit_;
  std::vector<std::vector<Cell>> rows_;
  size_t added_ = 0;  // rows added, for the cancellation check every 1024 rows
};

}  // namespace ixdb::query
