#include "cli/result_cells.hpp"

#include <cmath>

#include "query/render.hpp"

namespace ixdb::cli {
namespace {

const query::Cell* CellAt(const query::Table& t, size_t row, std::string_view name) {
  const int c = ColumnIndex(t, name);
  if (c < 0 || static_cast<size_t>(c) >= t.rows[row].size()) return nullptr;
  return &t.rows[row][static_cast<size_t>(c)];
}

}  // namespace

int ColumnIndex(const query::Table& t, std::string_view name) {
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (t.columns[c].name == name) return static_cast<int>(c);
  }
  return -1;
}

std::string TextAt(const query::Table& t, size_t row, std::string_view name) {
  const query::Cell* cell = CellAt(t, row, name);
  if (cell == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(cell)) return *s;
  if (const auto* i = std::get_if<int64_t>(cell)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(cell))
    return std::isnan(*d) ? std::string() : query::FormatNumber(*d);
  return {};
}

double NumberAt(const query::Table& t, size_t row, std::string_view name) {
  const query::Cell* cell = CellAt(t, row, name);
  if (cell != nullptr) {
    if (const auto* d = std::get_if<double>(cell)) return *d;
    if (const auto* i = std::get_if<int64_t>(cell)) return static_cast<double>(*i);
  }
  return std::nan("");
}

std::vector<std::string> TextColumn(const query::Table& t, std::string_view name) {
  std::vector<std::string> out;
  out.reserve(t.rows.size());
  for (size_t r = 0; r < t.rows.size(); ++r) out.push_back(TextAt(t, r, name));
  return out;
}

}  // namespace ixdb::cli
