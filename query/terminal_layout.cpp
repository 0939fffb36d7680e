#include "query/terminal_layout.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <string>
#include <system_error>
#include <vector>

#include "common/utf8.hpp"
#include "query/internal/text_box.hpp"
#include "query/render.hpp"

namespace ixdb::query {
namespace {

// A text column is not wrapped narrower than this (8 columns hold four CJK characters).
constexpr size_t kMinWrapWidth = 8;

bool IsNumeric(const Cell& c) {
  return std::holds_alternative<double>(c) || std::holds_alternative<int64_t>(c);
}

bool IsEmptyCell(const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return true;
  const auto* text = std::get_if<std::string>(&cell);
  return text != nullptr && text->empty();
}

}  // namespace

// Text for a table cell: valid UTF-8, and no control characters that would break the box
// (a newline in a note or source would otherwise split a row).
std::string DisplayText(std::string_view raw) {
  bool printable_ascii = true;  // the common case: nothing to escape or replace
  for (char ch : raw) printable_ascii &= ch >= 0x20 && ch < 0x7f;
  if (printable_ascii) return std::string(raw);
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

namespace {

std::string GroupThousands(std::string s) {
  if (s.find_first_of("eE") != std::string::npos) return s;  // scientific: leave it alone
  const size_t start = (!s.empty() && s[0] == '-') ? 1 : 0;
  size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  for (size_t i = end; i > start + 3; i -= 3) s.insert(i - 3, 1, ',');
  return s;
}

// A plain decimal ("-12.345") rounded to `places` decimals, half away from zero; "-0.0" is "0.0".
std::string RoundDecimal(const std::string& decimal, size_t places) {
  const bool negative = !decimal.empty() && decimal[0] == '-';
  std::string digits = decimal.substr(negative ? 1 : 0);
  size_t dot = digits.find('.');
  if (dot == std::string::npos) {
    dot = digits.size();
    digits += '.';
  }
  std::string frac = digits.substr(dot + 1);
  std::string whole = digits.substr(0, dot);
  const bool round_up = frac.size() > places && frac[places] >= '5';
  frac.resize(places, '0');
  std::string all = whole + frac;  // rounding carries through both parts
  if (round_up) {
    size_t i = all.size();
    while (i > 0 && all[i - 1] == '9') all[--i] = '0';
    if (i == 0) {
      all.insert(all.begin(), '1');
    } else {
      ++all[i - 1];
    }
  }
  const size_t whole_digits = all.size() - places;
  std::string out = all.substr(0, whole_digits);
  if (places > 0) out += "." + all.substr(whole_digits);
  if (negative && out.find_first_of("123456789") != std::string::npos) out.insert(0, 1, '-');
  return out;
}

std::string CellDisplay(const Cell& c, const TextLayout& layout) {
  if (const auto* s = std::get_if<std::string>(&c)) return DisplayText(*s);
  if (const auto* d = std::get_if<double>(&c)) {
    if (std::isnan(*d)) return DisplayText(layout.null_text);
    return FormatNumberForDisplay(*d, layout.precision, layout.separators);
  }
  if (const auto* i = std::get_if<int64_t>(&c)) {
    std::string s = std::to_string(*i);
    return layout.separators ? GroupThousands(std::move(s)) : s;
  }
  return DisplayText(layout.null_text);
}

}  // namespace

// Cuts text wider than `max_width` columns to fit, ending it with "…".
std::string TruncateToWidth(const std::string& s, size_t max_width) {
  // No character is wider than its UTF-8 bytes: a short text needs no measuring.
  if (s.size() <= max_width || DisplayWidth(s) <= max_width) return s;
  return std::string(PrefixOfWidth(s, max_width - 1)) + "\u2026";
}

namespace {

// The table as shown: columns empty in every row left out (they are noise for people; CSV
// and JSON keep every column, scripts rely on them), cells as display text.
struct Grid {
  std::vector<std::string> header;
  std::vector<bool> numeric_column;
  std::vector<std::vector<std::string>> cells;
  std::vector<std::vector<bool>> right;  // right-aligned cells
  std::vector<std::string> dropped;
};

Grid MakeGrid(const Table& table, const TextLayout& layout) {
  const size_t ncols = table.columns.size();
  std::vector<bool> keep(ncols, true);
  Grid g;
  if (!table.rows.empty()) {
    for (size_t c = kAlwaysShown; c < ncols; ++c) {
      bool empty = true;
      for (const auto& row : table.rows) {
        if (c < row.size() && !IsEmptyCell(row[c])) {
          empty = false;
          break;
        }
      }
      if (empty) {
        keep[c] = false;
        g.dropped.push_back(table.columns[c].name);
      }
    }
  }
  // A column's unit goes into its header, unless the table has a unit column saying it.
  bool has_unit_column = false;
  for (const Column& col : table.columns) has_unit_column |= col.name == "unit";
  std::vector<size_t> shown;
  for (size_t c = 0; c < ncols; ++c) {
    if (!keep[c]) continue;
    shown.push_back(c);
    const Column& col = table.columns[c];
    const bool show_unit = !col.unit.empty() && !has_unit_column;
    g.header.push_back(DisplayText(show_unit ? col.name + " (" + col.unit + ")" : col.name));
    g.numeric_column.push_back(col.type == ColumnType::kNumber || col.type == ColumnType::kInteger);
  }
  g.cells.resize(table.rows.size());
  g.right.resize(table.rows.size());
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    g.cells[r].reserve(shown.size());
    g.right[r].reserve(shown.size());
    for (size_t k = 0; k < shown.size(); ++k) {
      const size_t c = shown[k];
      const Cell empty;
      const Cell& cell = c < row.size() ? row[c] : empty;
      std::string text = CellDisplay(cell, layout);
      if (layout.width == 0 && text.size() > kMaxCellWidth)
        text = TruncateToWidth(text, kMaxCellWidth);
      g.cells[r].push_back(std::move(text));
      // Numbers line up on the right; a text cell in a numeric column (rare) too, so the
      // column reads as one.
      g.right[r].push_back(g.numeric_column[k] || IsNumeric(cell));
    }
  }
  return g;
}

std::vector<size_t> NaturalWidths(const Grid& g) {
  std::vector<size_t> w(g.header.size(), 0);
  for (size_t c = 0; c < w.size(); ++c) w[c] = DisplayWidth(g.header[c]);
  for (const auto& row : g.cells) {
    for (size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], DisplayWidth(row[c]));
  }
  for (size_t& x : w) x = std::min(x, kMaxCellWidth);
  return w;
}

}  // namespace

// "│ a │ b │": one border column, then a space, the cell and " │" per column.
size_t BoxWidth(const std::vector<size_t>& widths) {
  return std::accumulate(widths.begin(), widths.end(), size_t{1},
                         [](size_t sum, size_t w) { return sum + w + 3; });
}

namespace {

// Narrows the widest text columns, one column at a time, until the box fits `width`.
// False when even every text column at its minimum does not fit.
bool ShrinkToFit(const Grid& g, size_t width, std::vector<size_t>* widths) {
  std::vector<size_t> min(widths->size());
  for (size_t c = 0; c < min.size(); ++c) {
    min[c] = g.numeric_column[c] ? (*widths)[c] : std::min((*widths)[c], kMinWrapWidth);
  }
  size_t total = BoxWidth(*widths);
  while (total > width) {
    size_t best = widths->size();
    for (size_t c = 0; c < widths->size(); ++c) {
      if ((*widths)[c] > min[c] && (best == widths->size() || (*widths)[c] > (*widths)[best])) {
        best = c;
      }
    }
    if (best == widths->size()) return false;
    --(*widths)[best];
    --total;
  }
  return true;
}

std::vector<std::string> CellLines(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return {text};
  return WrapToWidth(text, width);
}

}  // namespace

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

namespace {

void AppendPadded(std::string& out, const std::string& text, size_t width, bool right_align) {
  const size_t w = DisplayWidth(text);
  const size_t pad = width > w ? width - w : 0;
  if (right_align) out.append(pad, ' ');
  out += text;
  if (!right_align) out.append(pad, ' ');
}

// One row of the box; cells wider than their column continue on the lines below.
void AppendBoxRow(std::string& out, const std::vector<std::string>& cells,
                  const std::vector<bool>& right, const std::vector<size_t>& widths) {
  bool one_line = true;  // the common case: every cell fits its column
  for (size_t c = 0; c < cells.size() && one_line; ++c)
    one_line = DisplayWidth(cells[c]) <= widths[c];
  if (one_line) {
    out += "\u2502";
    for (size_t c = 0; c < cells.size(); ++c) {
      out += ' ';
      AppendPadded(out, cells[c], widths[c], right[c]);
      out += " \u2502";
    }
    out += '\n';
    return;
  }
  std::vector<std::vector<std::string>> lines(cells.size());
  size_t height = 1;
  for (size_t c = 0; c < cells.size(); ++c) {
    lines[c] = CellLines(cells[c], widths[c]);
    height = std::max(height, lines[c].size());
  }
  for (size_t k = 0; k < height; ++k) {
    out += "\u2502";
    for (size_t c = 0; c < cells.size(); ++c) {
      out += ' ';
      AppendPadded(out, k < lines[c].size() ? lines[c][k] : std::string(), widths[c], right[c]);
      out += " \u2502";
    }
    out += '\n';
  }
}

void AppendBox(std::string& out, const Grid& g, const std::vector<size_t>& widths) {
  if (g.header.empty()) return;
  AppendRule(out, widths, "\u250c", "\u252c", "\u2510");
  AppendBoxRow(out, g.header, std::vector<bool>(g.header.size(), false), widths);
  AppendRule(out, widths, "\u251c", "\u253c", "\u2524");
  for (size_t r = 0; r < g.cells.size(); ++r) AppendBoxRow(out, g.cells[r], g.right[r], widths);
  AppendRule(out, widths, "\u2514", "\u2534", "\u2518");
}

// psql's expanded view: per row a "─[ RECORD n ]" line, then "column │ value" lines.
void AppendRecords(std::string& out, const Grid& g, size_t width) {
  size_t label = 0;
  for (const auto& h : g.header) label = std::max(label, DisplayWidth(h));
  size_t value = 0;
  for (const auto& row : g.cells) {
    for (const auto& cell : row) value = std::max(value, DisplayWidth(cell));
  }
  if (width > 0) {
    label = std::min(label, std::max(kMinWrapWidth, width / 3));
    value = width > label + 3 + kMinWrapWidth ? width - label - 3 : kMinWrapWidth;
  }
  const size_t line_width = width > 0 ? width : label + 3 + value;
  for (size_t r = 0; r < g.cells.size(); ++r) {
    std::string title = "\u2500[ RECORD " + std::to_string(r + 1) + " ]";
    out += title;
    for (size_t k = DisplayWidth(title); k < line_width; ++k) out += "\u2500";
    out += '\n';
    for (size_t c = 0; c < g.header.size(); ++c) {
      const auto names = CellLines(g.header[c], label);
      const auto values = CellLines(g.cells[r][c], value);
      for (size_t k = 0; k < std::max(names.size(), values.size()); ++k) {
        AppendPadded(out, k < names.size() ? names[k] : std::string(), label, false);
        out += " \u2502";
        if (k < values.size() && !values[k].empty()) {
          out += ' ';
          out += values[k];
        }
        out += '\n';
      }
    }
  }
}

// A footer line, wrapped to the width with continuation lines indented under its text.
void AppendFooter(std::string& out, const std::string& prefix, const std::string& text,
                  size_t width) {
  const std::string indent(DisplayWidth(prefix), ' ');
  if (width == 0 || width <= indent.size() + kMinWrapWidth) {
    out += prefix + text + '\n';
    return;
  }
  const auto lines = WrapToWidth(text, width - indent.size());
  for (size_t k = 0; k < lines.size(); ++k) out += (k == 0 ? prefix : indent) + lines[k] + '\n';
}

}  // namespace

void AppendTableFooter(std::string& out, size_t rows, const std::vector<std::string>& dropped,
                       const std::vector<std::string>& notes, size_t width) {
  out += std::to_string(rows);
  out += rows == 1 ? " row\n" : " rows\n";
  if (!dropped.empty()) {
    std::string names;
    for (const auto& name : dropped) names += (names.empty() ? "" : " ") + name;
    AppendFooter(out,
                 "empty columns not shown: ", names + " (--format csv or json shows every column)",
                 width);
  }
  for (const auto& note : notes) AppendFooter(out, "note: ", DisplayText(note), width);
}

namespace {

size_t CharBytes(std::string_view s, size_t i) {
  const size_t n = Utf8SequenceLength(s, i);
  return n == 0 ? 1 : n;  // an invalid byte counts as one character
}

}  // namespace

std::string FormatNumberForDisplay(double v, int precision, bool separators) {
  std::string s;
  if (precision < 0 || std::isnan(v) || std::isinf(v)) {
    s = FormatNumber(v);
  } else if (std::fabs(v) >= 1e21) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific,
                           std::min(precision, 17));
    s = std::string(buf, r.ptr);
  } else {
    // Rounded from the shortest decimal form, half away from zero, so that the digits are the
    // ones the user sees elsewhere: 20011.65 -> 20011.7, although the double is 20011.6499...
    char buf[512];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    s = RoundDecimal(std::string(buf, r.ptr), static_cast<size_t>(std::min(precision, 300)));
  }
  return separators ? GroupThousands(std::move(s)) : s;
}

std::vector<std::string> WrapToWidth(std::string_view text, size_t width) {
  // The text as atoms: runs of spaces, runs of narrow non-space characters (words), and
  // single wide characters (CJK text breaks between any two of them).
  struct Atom {
    std::string_view text;
    size_t width;
    bool space;
  };
  std::vector<std::string> lines(1);
  std::vector<Atom> atoms;
  auto flush_atoms = [&]() {
    size_t used = 0;
    for (const Atom& a : atoms) {
      if (a.space) {
        if (used == 0) continue;  // no leading spaces on a line
        if (used + a.width > width) {
          lines.emplace_back();
          used = 0;
          continue;
        }
        lines.back() += a.text;
        used += a.width;
        continue;
      }
      if (used + a.width > width && used > 0) {
        while (!lines.back().empty() && lines.back().back() == ' ') lines.back().pop_back();
        lines.emplace_back();
        used = 0;
      }
      if (a.width <= width) {
        lines.back() += a.text;
        used += a.width;
        continue;
      }
      // A word wider than the line: cut it by characters.
      for (size_t i = 0; i < a.text.size();) {
        const size_t n = CharBytes(a.text, i);
        const std::string_view ch = a.text.substr(i, n);
        const size_t w = DisplayWidth(ch);
        if (used + w > width && used > 0) {
          lines.emplace_back();
          used = 0;
        }
        lines.back() += ch;
        used += w;
        i += n;
      }
    }
    while (!lines.back().empty() && lines.back().back() == ' ') lines.back().pop_back();
    atoms.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n') {
      flush_atoms();
      lines.emplace_back();
      ++i;
      continue;
    }
    const size_t start = i;
    const size_t n = CharBytes(text, i);
    const size_t w = DisplayWidth(text.substr(i, n));
    if (text[i] == ' ') {
      while (i < text.size() && text[i] == ' ') ++i;
      atoms.push_back({text.substr(start, i - start), i - start, true});
    } else if (w >= 2) {
      i += n;
      atoms.push_back({text.substr(start, n), w, false});
    } else {
      size_t aw = 0;
      while (i < text.size() && text[i] != ' ' && text[i] != '\n') {
        const size_t m = CharBytes(text, i);
        const size_t cw = DisplayWidth(text.substr(i, m));
        if (cw >= 2) break;
        aw += cw;
        i += m;
        // A word may also break after these (latest_ / period, agri_online_ / retail).
        if (m == 1 && (text[i - 1] == '_' || text[i - 1] == '-' || text[i - 1] == '/')) break;
      }
      atoms.push_back({text.substr(start, i - start), aw, false});
    }
  }
  flush_atoms();
  return lines;
}

std::string RenderTextTable(const Table& table, const TextLayout& layout) {
  const Grid g = MakeGrid(table, layout);
  std::vector<size_t> widths = NaturalWidths(g);
  bool records = layout.expanded == ExpandedMode::kOn;
  if (!records && layout.width > 0 && !g.header.empty() && BoxWidth(widths) > layout.width) {
    records = layout.expanded == ExpandedMode::kAuto || !ShrinkToFit(g, layout.width, &widths);
  }
  std::string out;
  if (records) {
    AppendRecords(out, g, layout.width);
  } else {
    AppendBox(out, g, widths);
  }
  if (layout.footer)
    AppendTableFooter(out, table.rows.size(), g.dropped, table.notes, layout.width);
  return out;
}

}  // namespace ixdb::query
