#pragma once
// The rows of a value query as Table cells (internal to query/): what RunQuery's Table holds for
// the columns of ColumnarResult, built in one place for the executor's Values and for
// columnar_render's ToTable, so that both paths give the same cells.

#include <string_view>
#include <vector>

#include "query/query.hpp"
#include "query/table.hpp"

namespace ixdb::query {

// indicator, period, value, unit, [from_period], [vintage, status], qualifier. The qualifier
// column is always there: the caller drops it when no row can have one (ColumnarResult's
// qualifier_column).
std::vector<Column> ValueColumns(bool from_column, bool raw_columns);

// Appends the rows of `s`, one per period, with the cells of ValueColumns(from_column,
// raw_columns).
void AppendValueRows(const SeriesColumns& s, bool from_column, bool raw_columns,
                     std::vector<std::vector<Cell>>* rows);

// The text of a qualifier cell of row i of `s`: "" (a null cell) for none and for a missing
// value (a bound on a missing value says nothing), else "~", ">=", "<=" or "?".
std::string_view QualifierCellText(const SeriesColumns& s, size_t i);

}  // namespace ixdb::query
