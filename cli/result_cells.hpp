#pragma once
// Reading a query result by column name: the shell's views and completion read the tables of
// describe(), revisions(), targets(), functions(), list() and search() this way, so that a
// column moving or a new one appearing changes nothing.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "query/table.hpp"

namespace ixdb::cli {

// The index of the column `name`, or -1.
int ColumnIndex(const query::Table& t, std::string_view name);

// The cell of `row` in column `name` as text: strings as they are, integers printed, numbers
// in their shortest form; "" for a null cell or a missing column. REQUIRES: row < t.rows.size().
std::string TextAt(const query::Table& t, size_t row, std::string_view name);

// The cell as a number: numbers and integers; NaN for anything else.
double NumberAt(const query::Table& t, size_t row, std::string_view name);

// TextAt for every row.
std::vector<std::string> TextColumn(const query::Table& t, std::string_view name);

}  // namespace ixdb::cli
