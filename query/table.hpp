#pragma once
// The typed result of a query: named, typed columns (with units) and rows of cells.
// Renderers (query/render.hpp) turn it into an aligned table, CSV or JSON.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace ixdb::query {

enum class ColumnType : uint8_t { kString, kNumber, kInteger, kDate, kPeriod };

struct Column {
  std::string name;  // e.g. "indicator", "period", "value", "unit"
  ColumnType type = ColumnType::kString;
  std::string unit;  // the unit of a numeric column when it is the same for all rows (may be empty)
};

// A cell: null (missing), text, a number, or an integer. Dates and periods are kept as text
// in their printed form (2024-01-20, 2023Q1-Q3).
using Cell = std::variant<std::monostate, std::string, double, int64_t>;

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  // Remarks for people (not part of CSV/JSON data): e.g. "yoy of rates in percentage points",
  // "default tolerance for ~ targets: 0.5".
  std::vector<std::string> notes;
};

}  // namespace ixdb::query
