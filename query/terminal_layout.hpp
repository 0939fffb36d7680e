#pragma once
// The text rendering of a query result for people, sized for a terminal: the boxed table
// (numbers right-aligned, CJK characters counted as two columns), fitted to a width by
// wrapping its widest text columns, or turned into records (psql's `\x`, sqlite3's
// `.mode line`) when it cannot fit; the row count and the notes below it wrapped to the same
// width. Also how numbers and missing values are shown (precision, thousands separators,
// a text for nulls). Pure functions of a Table and a width: no terminal I/O here (the shell
// asks the terminal for its width and passes it in).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query/table.hpp"

namespace ixdb::query {

enum class ExpandedMode : uint8_t {
  kOff,   // the boxed table; wrapped to fit, records only when even wrapped it cannot fit
  kOn,    // always records: one "─[ RECORD n ]" block per row, a line per column
  kAuto,  // records as soon as a row at its natural width is wider than the screen
};

struct TextLayout {
  // Terminal columns every line must fit in. 0: no limit; then a cell wider than 48 columns is
  // cut and ends with "…" (the form for pipes and files: one line per row). Default: 0.
  size_t width = 0;
  ExpandedMode expanded = ExpandedMode::kOff;
  // Decimal places of numbers (1 -> 5.7, 20011.7). -1: the shortest form that reads back to
  // the same double, as CSV prints it. Integers are never given decimals. Default: -1.
  int precision = -1;
  // The text of a missing value (a null or NaN cell). Default: empty.
  std::string null_text;
  // Thousands separators in numbers: 20,011.65. Default: off.
  bool separators = false;
  // The lines under the table: "N rows", the empty columns left out, the notes. Default: on.
  bool footer = true;
};

// The table (or its records) followed by "N rows", the empty columns left out ("empty columns
// not shown: ...") and the notes ("note: ..."). With layout.width > 0 no line is wider than
// layout.width terminal columns (for widths of 20 and more). Control characters in cells show
// escaped (\n), invalid UTF-8 as U+FFFD.
std::string RenderTextTable(const Table& table, const TextLayout& layout = {});

// A number as the text table shows it: `precision` decimal places (-1: the shortest exact
// form), rounded half away from zero from the shortest decimal form, so 20011.65 shows as
// 20011.7 with one place (although the double is 20011.6499...) and -0.04 as 0.0; with
// thousands separators when `separators`. NaN is "nan".
std::string FormatNumberForDisplay(double v, int precision = -1, bool separators = false);

// Breaks `text` into lines of at most `width` terminal columns: at spaces where it can, after
// `_`, `-` and `/`, between CJK characters (which need no space), inside a word only when the
// word alone is wider than `width`. Spaces at a break are dropped; "\n" always breaks. Empty text
// gives one empty line. REQUIRES: width >= 2 (a CJK character must fit).
std::vector<std::string> WrapToWidth(std::string_view text, size_t width);

}  // namespace ixdb::query
