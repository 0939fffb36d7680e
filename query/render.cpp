#include "query/render.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "common/json_writer.hpp"
#include "common/utf8.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::query {
namespace {

// Fixed notation reads best ("100000000", not "1e+08") as long as it stays short; outside this
// range the shortest general form (scientific) is used instead of hundreds of digits.
constexpr double kFixedMin = 1e-6;
constexpr double kFixedMax = 1e21;

// A cell as plain text; empty for null and for NaN (a missing value).
std::string CellText(const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* d = std::get_if<double>(&c)) return std::isnan(*d) ? std::string() : FormatNumber(*d);
  if (const auto* i = std::get_if<int64_t>(&c)) return std::to_string(*i);
  return {};
}


void AppendCsvField(std::string& out, std::string_view field) {
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";  // also -0: users never mean a signed zero
  char buf[512];
  double mag = std::fabs(v);
  std::to_chars_result r;
  if (mag >= kFixedMin && mag < kFixedMax) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v);
  }
  if (r.ec != std::errc()) return "nan";  // cannot happen with this buffer size
  return std::string(buf, r.ptr);
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
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out += ',';
      if (c < row.size()) AppendCsvField(out, CellText(row[c]));
    }
    out += '\n';
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
