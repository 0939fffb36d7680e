#include "query/render.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "common/json_writer.hpp"
#include "common/utf8.hpp"
#include "query/internal/output_text.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::query {
namespace {

void AppendCsvField(std::string& out, std::string_view field) {
  const size_t at = out.size();
  out.resize(at + 2 * field.size() + 2);
  out.resize(static_cast<size_t>(WriteCsvField(out.data() + at, field) - out.data()));
}

// The most bytes a cell takes in CSV.
size_t CsvRoom(const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return 2 * s->size() + 2;
  return kNumberRoom;
}

// A cell as CSV at p (room: CsvRoom): empty for null and for NaN (a missing value); returns
// the end.
char* WriteCsvCell(char* p, const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return WriteCsvField(p, *s);
  if (const auto* i = std::get_if<int64_t>(&c)) return std::to_chars(p, p + kNumberRoom, *i).ptr;
  const auto* d = std::get_if<double>(&c);
  return d == nullptr || std::isnan(*d) ? p : WriteNumber(p, *d);
}

}  // namespace

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "nan";
  char buf[kNumberRoom];
  return std::string(buf, WriteNumber(buf, v));
}

std::string RenderText(const Table& table) { return RenderTextTable(table, TextLayout{}); }

std::string RenderCsv(const Table& table, bool bom) {
  std::string out;
  if (bom) out += "\xEF\xBB\xBF";
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out += ',';
    AppendCsvField(out, table.columns[c].name);
  }
  out += '\n';
  // Each row is written in place into room sized for its worst case, then trimmed: no
  // temporary string per cell.
  const size_t ncols = table.columns.size();
  out.reserve(out.size() + table.rows.size() * (ncols * 12 + 1));
  for (const auto& row : table.rows) {
    const size_t cells = std::min(ncols, row.size());
    size_t room = ncols + 1;
    for (size_t c = 0; c < cells; ++c) room += CsvRoom(row[c]);
    const size_t at = out.size();
    if (out.capacity() < at + room) out.reserve(std::max(2 * out.capacity(), at + room));
    out.resize(at + room);
    char* p = out.data() + at;
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) *p++ = ',';
      if (c < cells) p = WriteCsvCell(p, row[c]);
    }
    *p++ = '\n';
    out.resize(static_cast<size_t>(p - out.data()));
  }
  return out;
}

namespace {

void AppendJsonRow(std::string& out, const Table& table, const std::vector<Cell>& row) {
  JsonWriter json(out);
  json.BeginObject();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    json.Key(table.columns[c].name);
    const Cell* cell = c < row.size() ? &row[c] : nullptr;
    if (cell == nullptr || std::holds_alternative<std::monostate>(*cell)) {
      json.Null();
    } else if (const auto* s = std::get_if<std::string>(cell)) {
      json.String(*s);
    } else if (const auto* d = std::get_if<double>(cell)) {
      // JSON has no NaN or infinity: a missing or non-finite value is null. Finite values
      // print as the text table does (fixed notation while short), not in the wire's form.
      if (std::isfinite(*d)) {
        json.Number(FormatNumber(*d));
      } else {
        json.Null();
      }
    } else {
      json.Int(std::get<int64_t>(*cell));
    }
  }
  json.EndObject();
}

}  // namespace

std::string RenderJson(const Table& table) {
  if (table.rows.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    out += "  ";
    AppendJsonRow(out, table, table.rows[r]);
    out += r + 1 < table.rows.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

std::string RenderJsonLine(const Table& table) {
  std::string out = "[";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (r > 0) out += ',';
    AppendJsonRow(out, table, table.rows[r]);
  }
  out += "]\n";
  return out;
}

}  // namespace ixdb::query
