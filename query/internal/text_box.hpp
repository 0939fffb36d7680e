#pragma once
// The pieces of the boxed text table (internal to query/): defined in terminal_layout.cpp, shared
// with columnar_render.cpp so that a value query's table prints the same bytes without a Table.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ixdb::query {

// Widest column of the table in terminal columns: one long source phrase must not push every
// other column off the screen (cut with "…" without a width, wrapped with one).
inline constexpr size_t kMaxCellWidth = 48;
// Leading columns (indicator, period, value...) stay even when empty in every row.
inline constexpr size_t kAlwaysShown = 3;

// Text for a table cell: valid UTF-8 (invalid bytes as U+FFFD), control characters escaped (\n).
std::string DisplayText(std::string_view raw);
// Cuts text wider than `max_width` terminal columns to fit, ending it with "…".
std::string TruncateToWidth(const std::string& s, size_t max_width);
// Terminal columns of a box with these column widths: "│ a │ b │".
size_t BoxWidth(const std::vector<size_t>& widths);
// A horizontal rule of the box: `left`, ─ over each column, `mid` between, `right`, "\n".
void AppendRule(std::string& out, const std::vector<size_t>& widths, const char* left,
                const char* mid, const char* right);
// The lines under the table: "N rows", the empty columns left out, the notes, wrapped to `width`
// (0: no limit).
void AppendTableFooter(std::string& out, size_t rows, const std::vector<std::string>& dropped,
                       const std::vector<std::string>& notes, size_t width);

}  // namespace ixdb::query
