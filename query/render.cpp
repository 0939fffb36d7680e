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

namespace ixdb::query {
namespace {

// Fixed notation reads best ("100000000", not "1e+08") as long as it stays short; outside this
// range the shortest general form (scientific) is used instead of hundreds of digits.
constexpr double kFixedMin = 1e-6;
constexpr double kFixedMax = 1e21;
// Widest cell of the text table, in terminal columns.
constexpr size_t kMaxCellWidth = 48;

bool IsNumeric(const Cell& c) {
  return std::holds_alternative<double>(c) || std::holds_alternative<int64_t>(c);
}

// A cell as plain text; empty for null and for NaN (a missing value).
std::string CellText(const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* d = std::get_if<double>(&c)) return std::isnan(*d) ? std::string() : FormatNumber(*d);
  if (const auto* i = std::get_if<int64_t>(&c)) return std::to_string(*i);
  return {};
}


// Text for a table cell: valid UTF-8, and no control characters that would break the box
// (a newline in a note or source would otherwise split a row).
std::string DisplayText(std::string_view raw) {
  std::string s = SanitizeUtf8(raw);
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch < 0x20 || ch == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}


// Cuts text wider than `max_width` columns to fit, ending it with "…", so that one long
// source phrase does not push the whole table off the screen (CSV and JSON keep it whole).
std::string Truncate(const std::string& s, size_t max_width) {
  if (DisplayWidth(s) <= max_width) return s;
  return std::string(PrefixOfWidth(s, max_width - 1)) + "\u2026";
}

void AppendRule(std::string& out, const std::vector<size_t>& widths, const char* left,
                const char* mid, const char* right) {
  out += left;
  for (size_t i = 0; i < widths.size(); ++i) {
    if (i > 0) out += mid;
    for (size_t k = 0; k < widths[i] + 2; ++k) out += "\u2500";
  }
  out += right;
  out += '\n';
}

void AppendPadded(std::string& out, const std::string& text, size_t width, bool right_align) {
  size_t w = DisplayWidth(text);
  size_t pad = width > w ? width - w : 0;
  if (right_align) out.append(pad, ' ');
  out += text;
  if (!right_align) out.append(pad, ' ');
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

namespace {

bool IsEmptyCell(const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return true;
  const auto* text = std::get_if<std::string>(&cell);
  return text != nullptr && text->empty();
}

// For people, a column that is empty in every row (no stage, no note...) is noise: the text
// table leaves it out and says so. CSV and JSON keep every column (scripts rely on them).
// The leading columns (indicator, period, value...) always stay.
Table WithoutEmptyColumns(const Table& table, std::vector<std::string>* dropped) {
  constexpr size_t kAlwaysShown = 3;
  std::vector<bool> keep(table.columns.size(), true);
  if (table.rows.empty()) return table;
  for (size_t c = kAlwaysShown; c < table.columns.size(); ++c) {
    bool empty = true;
    for (const auto& row : table.rows) {
      if (c < row.size() && !IsEmptyCell(row[c])) {
        empty = false;
        break;
      }
    }
    if (empty) {
      keep[c] = false;
      dropped->push_back(table.columns[c].name);
    }
  }
  if (dropped->empty()) return table;
  Table out;
  out.notes = table.notes;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (keep[c]) out.columns.push_back(table.columns[c]);
  }
  out.rows.reserve(table.rows.size());
  for (const auto& row : table.rows) {
    std::vector<Cell> kept;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c >= keep.size() || keep[c]) kept.push_back(row[c]);
    }
    out.rows.push_back(std::move(kept));
  }
  return out;
}

}  // namespace

std::string RenderText(const Table& full_table) {
  std::vector<std::string> dropped;
  const Table table = WithoutEmptyColumns(full_table, &dropped);
  const size_t ncols = table.columns.size();
  std::vector<std::string> header(ncols);
  std::vector<size_t> widths(ncols, 0);
  std::vector<bool> numeric(ncols, false);
  // A column's unit goes into its header, unless the table has a unit column saying it.
  bool has_unit_column = false;
  for (const Column& col : table.columns) has_unit_column |= col.name == "unit";
  for (size_t c = 0; c < ncols; ++c) {
    const Column& col = table.columns[c];
    bool show_unit = !col.unit.empty() && !has_unit_column;
    header[c] = DisplayText(show_unit ? col.name + " (" + col.unit + ")" : col.name);
    widths[c] = DisplayWidth(header[c]);
    numeric[c] = col.type == ColumnType::kNumber || col.type == ColumnType::kInteger;
  }
  std::vector<std::vector<std::string>> cells(table.rows.size());
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    cells[r].resize(ncols);
    for (size_t c = 0; c < ncols && c < row.size(); ++c) {
      cells[r][c] = Truncate(DisplayText(CellText(row[c])), kMaxCellWidth);
      widths[c] = std::max(widths[c], DisplayWidth(cells[r][c]));
    }
  }

  std::string out;
  if (ncols > 0) {
    AppendRule(out, widths, "\u250c", "\u252c", "\u2510");
    out += "\u2502";
    for (size_t c = 0; c < ncols; ++c) {
      out += ' ';
      AppendPadded(out, header[c], widths[c], false);
      out += " \u2502";
    }
    out += '\n';
    AppendRule(out, widths, "\u251c", "\u253c", "\u2524");
    for (size_t r = 0; r < cells.size(); ++r) {
      out += "\u2502";
      for (size_t c = 0; c < ncols; ++c) {
        // Numbers line up on the right; a text cell in a numeric column (rare) too, so the
        // column reads as one.
        bool right = numeric[c] || (c < table.rows[r].size() && IsNumeric(table.rows[r][c]));
        out += ' ';
        AppendPadded(out, cells[r][c], widths[c], right);
        out += " \u2502";
      }
      out += '\n';
    }
    AppendRule(out, widths, "\u2514", "\u2534", "\u2518");
  }
  out += std::to_string(table.rows.size());
  out += table.rows.size() == 1 ? " row\n" : " rows\n";
  if (!dropped.empty()) {
    out += "empty columns not shown:";
    for (const auto& name : dropped) out += " " + name;
    out += " (--format csv or json shows every column)\n";
  }
  for (const auto& note : table.notes) {
    out += "note: ";
    out += DisplayText(note);
    out += '\n';
  }
  return out;
}

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

std::string RenderJson(const Table& table) {
  if (table.rows.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    out += "  ";
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
    out += r + 1 < table.rows.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

}  // namespace ixdb::query
