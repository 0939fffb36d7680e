// Value queries rendered from their columns. The Table path (executor Values + render.cpp)
// allocates a vector per row and a string per text cell, then formats each cell by its variant;
// here the texts a series repeats on every row (indicator, unit, their display widths and CSV
// or JSON forms) are made once per series, and periods and numbers are written in place.
// tests/query/columnar_render_test.cpp runs the golden corpus through both paths.
#include "query/columnar_render.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/json_writer.hpp"
#include "common/utf8.hpp"
#include "query/internal/output_text.hpp"
#include "query/internal/series_data.hpp"
#include "query/internal/text_box.hpp"
#include "query/internal/value_rows.hpp"
#include "query/render.hpp"
#include "storage/types.hpp"

namespace ixdb::query {
namespace {

// Room for a vintage's text (FormatDate: 10 bytes for years 1000-9999, a few more beyond) and
// for a status name ("preliminary").
constexpr size_t kVintageRoom = 32;
constexpr size_t kStatusRoom = 16;

char* Put(char* p, std::string_view text) {
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
}

// n (at most a few dozen) bytes from src to dst, inline: a cell is too short for a call to memcpy
// to pay (the two copies of 8 or 4 bytes overlap when n is not a multiple).
inline void CopyShort(char* dst, const char* src, size_t n) {
  if (n >= 8) {
    for (size_t done = 0; done + 8 < n; done += 8) std::memcpy(dst + done, src + done, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (size_t j = 0; j < n; ++j) dst[j] = src[j];
  }
}

// Put for the short texts a row repeats (an indicator code, a unit).
char* PutShort(char* p, std::string_view text) {
  CopyShort(p, text.data(), text.size());
  return p + text.size();
}

bool RowIsSpan(const SeriesColumns& s, size_t i) {
  return s.cumulative || (!s.extent.empty() && s.extent[i] != 0);
}

// The status cell of row i of `s`, looked up by code in a table made once from the names (a
// strlen per cell showed in profiles).
std::string_view StatusText(const SeriesColumns& s, size_t i) {
  static const std::array<std::string_view, 256> kNames = [] {
    std::array<std::string_view, 256> t;
    for (size_t c = 0; c < t.size(); ++c)
      t[c] = storage::ObsStatusName(static_cast<storage::ObsStatus>(c));
    return t;
  }();
  return kNames[s.status[i]];
}

// `field` in CSV form, made once per series (or vintage).
std::string CsvText(std::string_view field) {
  std::string out(CsvFieldRoom(field), '\0');
  out.resize(static_cast<size_t>(WriteCsvField(out.data(), field) - out.data()));
  return out;
}

// The text of the vintage cells of a series, made once per vintage (a series has a handful).
class VintageText {
 public:
  std::string_view At(Date d) {
    if (of_ != d) Make(d);
    return text_;
  }
  // As a CSV field.
  std::string_view CsvAt(Date d) {
    if (of_ != d) Make(d);
    return csv_;
  }

 private:
  void Make(Date d) {
    of_ = d;
    text_ = FormatDate(d);
    // Written into csv_'s own buffer: a series' rows change vintage a dozen times.
    csv_.resize(CsvFieldRoom(text_));
    csv_.resize(static_cast<size_t>(WriteCsvField(csv_.data(), text_) - csv_.data()));
  }
  std::optional<Date> of_;
  std::string text_, csv_;
};

std::vector<Column> ShownValueColumns(const ColumnarResult& r) {
  std::vector<Column> cols = ValueColumns(r.from_column, r.raw_columns);
  if (!r.qualifier_column) cols.pop_back();
  return cols;
}

// A JSON string, or null for empty text (the Table's null cell).
std::string JsonTextOrNull(std::string_view text) {
  if (text.empty()) return "null";
  std::string out;
  AppendJsonString(out, text);
  return out;
}

// The rows as JSON objects, each after `row_prefix`, `between` consecutive rows, `after_last`
// after the last; between `open` and `close`. No rows: "[]\n".
std::string JsonRows(const ColumnarResult& r, std::string_view open, std::string_view row_prefix,
                     std::string_view between, std::string_view after_last) {
  const size_t total = r.RowCount();
  if (total == 0) return "[]\n";
  std::string out(open);
  size_t written = 0;
  for (const SeriesColumns& s : r.series) {
    const size_t n = s.period.size();
    if (n == 0) continue;
    const std::string head = std::string(row_prefix) +
                             "{\"indicator\":" + JsonTextOrNull(s.indicator) + ",\"period\":\"";
    const std::string unit = ",\"unit\":" + JsonTextOrNull(s.unit);
    const size_t room = head.size() + unit.size() + between.size() + after_last.size() +
                        2 * kPeriodRoom + kNumberRoom + kVintageRoom + kStatusRoom + 96;
    VintageText vintage;
    const size_t at = out.size();
    out.resize(at + n * room);
    char* p = out.data() + at;
    for (size_t i = 0; i < n; ++i) {
      p = Put(p, head);
      p = WritePeriodText(p, s.period[i], RowIsSpan(s, i));
      p = Put(p, "\",\"value\":");
      // JSON has no NaN or infinity: a missing or non-finite value is null.
      p = std::isfinite(s.value[i]) ? WriteNumber(p, s.value[i]) : Put(p, "null");
      p = Put(p, unit);
      if (r.from_column) {
        p = Put(p, ",\"from_period\":\"");
        p = WritePeriodText(p, s.from[i], s.cumulative);
        *p++ = '"';
      }
      if (r.raw_columns) {
        const std::string_view status = s.raw ? StatusText(s, i) : std::string_view();
        if (s.raw) {
          p = Put(p, ",\"vintage\":\"");
          p = Put(p, vintage.At(s.vintage[i]));
          *p++ = '"';
        } else {
          p = Put(p, ",\"vintage\":null");
        }
        if (status.empty()) {
          p = Put(p, ",\"status\":null");
        } else {
          p = Put(p, ",\"status\":\"");
          p = Put(p, status);
          *p++ = '"';
        }
      }
      if (r.qualifier_column) {
        const std::string_view q = QualifierCellText(s, i);
        if (q.empty()) {
          p = Put(p, ",\"qualifier\":null");
        } else {
          p = Put(p, ",\"qualifier\":\"");
          p = Put(p, q);
          *p++ = '"';
        }
      }
      *p++ = '}';
      p = Put(p, ++written < total ? between : after_last);
    }
    out.resize(static_cast<size_t>(p - out.data()));
  }
  out += "]\n";
  return out;
}

// The columns of the text table, in ValueColumns order.
enum TextColumn : size_t {
  kIndicator,
  kPeriod,
  kValue,
  kUnit,
  kFrom,
  kVintage,
  kStatus,
  kQualifier
};
constexpr size_t kTextColumns = 8;
constexpr const char* kTextHeader[kTextColumns] = {"indicator",   "period",  "value",  "unit",
                                                   "from_period", "vintage", "status", "qualifier"};

// A cell's text for people, once per series: display text (control characters escaped), cut to
// kMaxCellWidth without a layout width, and its width in terminal columns.
struct ShownText {
  std::string text;
  size_t width = 0;
};
ShownText Shown(std::string_view raw, const TextLayout& layout) {
  ShownText t;
  t.text = DisplayText(raw);
  if (layout.width == 0 && t.text.size() > kMaxCellWidth)
    t.text = TruncateToWidth(t.text, kMaxCellWidth);
  t.width = DisplayWidth(t.text);
  return t;
}

// `n` spaces at p. A cell's padding is short: 16 bytes at a time (the room of a row has
// them: each cell is given its column's widest bytes plus its width plus 6).
char* PutSpaces(char* p, size_t n) {
  static constexpr char kSpaces[16] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
                                       ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
  for (size_t done = 0; done < n; done += 16) std::memcpy(p + done, kSpaces, 16);
  return p + n;
}

// One padded cell of a box row, then its right border: " text   │".
char* PutCell(char* p, std::string_view text, size_t width, size_t column_width, bool right) {
  *p++ = ' ';
  const size_t pad = column_width - width;
  if (right) p = PutSpaces(p, pad);
  p = Put(p, text);
  if (!right) p = PutSpaces(p, pad);
  std::memcpy(p, " \u2502", 4);
  return p + 4;
}

// The texts of one column's cells, one per row of the table, written once in the first pass
// (which needs their widths) and copied into the rows in the second: one buffer, grown as
// needed and never cleared (every byte is written before it is read).
class RowTexts {
 public:
  void Reserve(size_t rows, size_t room_per_row) {
    Grow(rows * room_per_row);
    ends_.reserve(rows);
  }
  // Where the next row's text is to be written, with room for n bytes.
  char* Room(size_t n) {
    if (size_ + n > capacity_) Grow(std::max(2 * capacity_, size_ + n));
    return buf_.get() + size_;
  }
  // The next row's text was written at Room() up to `end`; returns its length.
  size_t Commit(const char* end) {
    const auto len = static_cast<size_t>(end - (buf_.get() + size_));
    size_ += len;
    ends_.push_back(static_cast<uint32_t>(size_));
    return len;
  }
  size_t Add(std::string_view text) {
    char* at = Room(text.size());
    if (!text.empty()) std::memcpy(at, text.data(), text.size());  // an empty view may be null
    return Commit(at + text.size());
  }
  // The text of row j (empty for a row given none).
  std::string_view At(size_t j) const {
    const size_t begin = j == 0 ? 0 : ends_[j - 1];
    return {buf_.get() + begin, ends_[j] - begin};
  }

 private:
  void Grow(size_t capacity) {
    auto next = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(next.get(), buf_.get(), size_);
    buf_ = std::move(next);
    capacity_ = capacity;
  }
  std::unique_ptr<char[]> buf_;
  size_t size_ = 0, capacity_ = 0;
  std::vector<uint32_t> ends_;  // row j's text ends at ends_[j]
};

// What the first pass over the rows learns: each column's width and widest bytes and whether
// any of its cells is non-empty, the periods' and numbers' texts (written once, copied into the
// rows), and the indicator's and unit's shown text per series.
struct BoxMeasure {
  size_t width[kTextColumns];
  size_t bytes[kTextColumns];
  bool filled[kTextColumns] = {};
  RowTexts periods, numbers;  // a row whose value is missing has an empty number
  std::vector<ShownText> indicator, unit;
  ShownText null_text;

  void Widen(size_t c, size_t w, size_t b) {
    width[c] = std::max(width[c], w);
    bytes[c] = std::max(bytes[c], b);
  }
  void WidenNull(size_t c) { Widen(c, null_text.width, null_text.text.size()); }
  // A text cell that shows the null text when empty (an unqualified row, a status-less version).
  void WidenText(size_t c, size_t len) {
    filled[c] = filled[c] || len > 0;
    if (len > 0)
      Widen(c, len, len);
    else
      WidenNull(c);
  }
};

// The vintage and status columns of series s.
void MeasureRawColumns(const SeriesColumns& s, bool raw_columns, BoxMeasure* m) {
  if (!raw_columns) return;
  if (!s.raw) {
    m->WidenNull(kVintage);
    m->WidenNull(kStatus);
    return;
  }
  VintageText vintage;
  m->filled[kVintage] = true;
  for (size_t i = 0; i < s.period.size(); ++i) {
    const size_t vw = vintage.At(s.vintage[i]).size();
    m->Widen(kVintage, vw, vw);
    m->WidenText(kStatus, StatusText(s, i).size());
  }
}

// Pass 1. False when a number is wider than a cell may be (the Table renderer then cuts it).
bool MeasureBox(const ColumnarResult& r, const TextLayout& layout, BoxMeasure* m) {
  const bool plain_numbers = layout.precision < 0 && !layout.separators;
  m->null_text = Shown(layout.null_text, layout);
  m->indicator.resize(r.series.size());
  m->unit.resize(r.series.size());
  for (size_t c = 0; c < kTextColumns; ++c) m->width[c] = m->bytes[c] = std::strlen(kTextHeader[c]);
  const size_t total = r.RowCount();
  m->periods.Reserve(total, 8);
  m->numbers.Reserve(total, 20);
  char buf[kPeriodRoom];
  for (size_t k = 0; k < r.series.size(); ++k) {
    const SeriesColumns& s = r.series[k];
    if (s.period.empty()) continue;
    m->indicator[k] = Shown(s.indicator, layout);
    m->unit[k] = s.unit.empty() ? m->null_text : Shown(s.unit, layout);
    m->Widen(kIndicator, m->indicator[k].width, m->indicator[k].text.size());
    m->Widen(kUnit, m->unit[k].width, m->unit[k].text.size());
    m->filled[kIndicator] = m->filled[kIndicator] || !s.indicator.empty();
    m->filled[kUnit] = m->filled[kUnit] || !s.unit.empty();
    for (size_t i = 0; i < s.period.size(); ++i) {
      char* period = m->periods.Room(kPeriodRoom);
      const size_t pw = m->periods.Commit(WritePeriodText(period, s.period[i], RowIsSpan(s, i)));
      m->Widen(kPeriod, pw, pw);
      const double v = s.value[i];
      if (std::isnan(v)) {
        m->numbers.Add({});
        m->WidenNull(kValue);
      } else {
        size_t len;
        if (plain_numbers) {
          char* number = m->numbers.Room(kNumberRoom);
          len = m->numbers.Commit(WriteNumber(number, v));
        } else {
          len = m->numbers.Add(FormatNumberForDisplay(v, layout.precision, layout.separators));
        }
        if (len > kMaxCellWidth) return false;  // cut or wrapped: rare
        m->Widen(kValue, len, len);
      }
      if (r.from_column) {
        const size_t fw = static_cast<size_t>(WritePeriodText(buf, s.from[i], s.cumulative) - buf);
        m->Widen(kFrom, fw, fw);
      }
      if (r.qualifier_column) m->WidenText(kQualifier, QualifierCellText(s, i).size());
    }
    MeasureRawColumns(s, r.raw_columns, m);
  }
  return true;
}

// The columns shown and their widths. Columns after the first kAlwaysShown that are empty in
// every row are left out (when there are rows) and named in `dropped`, as the Table renderer
// does. False when a column would have to be wrapped.
bool ChooseBoxColumns(const ColumnarResult& r, const TextLayout& layout, BoxMeasure* m,
                      std::vector<size_t>* shown, std::vector<size_t>* widths,
                      std::vector<std::string>* dropped) {
  const bool present[kTextColumns] = {
      true, true, true, true, r.from_column, r.raw_columns, r.raw_columns, r.qualifier_column};
  m->filled[kPeriod] = m->filled[kValue] = m->filled[kFrom] = true;
  for (size_t c = 0; c < kTextColumns; ++c) {
    if (!present[c]) continue;
    if (r.RowCount() > 0 && c >= kAlwaysShown && !m->filled[c]) {
      dropped->emplace_back(kTextHeader[c]);
      continue;
    }
    if (layout.width > 0 && m->width[c] > kMaxCellWidth) return false;
    shown->push_back(c);
    widths->push_back(std::min(m->width[c], kMaxCellWidth));
  }
  return layout.width == 0 || BoxWidth(*widths) <= layout.width;
}

// A text cell, or the null text when it is empty.
char* PutTextOrNull(char* p, std::string_view text, size_t column_width, const BoxMeasure& m) {
  if (text.empty()) return PutCell(p, m.null_text.text, m.null_text.width, column_width, false);
  return PutCell(p, text, text.size(), column_width, false);
}

// Row i of series k (the table's row `row`) in column `column`.
char* PutBoxCell(char* p, size_t column, size_t column_width, const SeriesColumns& s, size_t k,
                 size_t i, size_t row, const BoxMeasure& m, VintageText* vintage) {
  char buf[kPeriodRoom];
  switch (column) {
    case kIndicator:
      return PutCell(p, m.indicator[k].text, m.indicator[k].width, column_width, false);
    case kPeriod: {
      const std::string_view text = m.periods.At(row);
      return PutCell(p, text, text.size(), column_width, false);
    }
    case kValue: {
      if (std::isnan(s.value[i]))
        return PutCell(p, m.null_text.text, m.null_text.width, column_width, true);
      const std::string_view text = m.numbers.At(row);
      return PutCell(p, text, text.size(), column_width, true);
    }
    case kUnit:
      return PutCell(p, m.unit[k].text, m.unit[k].width, column_width, false);
    case kFrom: {
      const size_t len = static_cast<size_t>(WritePeriodText(buf, s.from[i], s.cumulative) - buf);
      return PutCell(p, std::string_view(buf, len), len, column_width, false);
    }
    case kVintage: {
      if (!s.raw) return PutCell(p, m.null_text.text, m.null_text.width, column_width, false);
      const std::string_view text = vintage->At(s.vintage[i]);
      return PutCell(p, text, text.size(), column_width, false);
    }
    case kStatus:
      return PutTextOrNull(p, s.raw ? StatusText(s, i) : std::string_view(), column_width, m);
    case kQualifier:
      return PutTextOrNull(p, QualifierCellText(s, i), column_width, m);
  }
  return p;
}

// A box row of one series with the cells that are the same on every row (indicator, unit)
// written and the others blank: PutRow copies it and writes the varying cells into their
// blanks (left-aligned texts over the padding, numbers right-aligned), which is what PutCell
// would have written when every varying cell is as many bytes as columns.
class RowTemplate {
 public:
  // Bytes PutRow may write past the end of a row (the room after the last row has them).
  static constexpr size_t kOvershoot = 32;

  void Make(const std::vector<size_t>& shown, const std::vector<size_t>& widths,
            const SeriesColumns& s, size_t k, const BoxMeasure& m, size_t row_room) {
    bytes_.assign(row_room + kOvershoot, ' ');
    blanks_.clear();
    char* const t = bytes_.data();
    char* q = Put(t, "\u2502");
    for (size_t col = 0; col < shown.size(); ++col) {
      const size_t c = shown[col];
      if (c == kIndicator || c == kUnit) {
        q = PutBoxCell(q, c, widths[col], s, k, 0, 0, m, nullptr);
      } else {
        blanks_.push_back({c, static_cast<size_t>(q - t) + 1, widths[col]});
        q = PutCell(q, "", 0, widths[col], false);
      }
    }
    *q++ = '\n';
    size_ = static_cast<size_t>(q - t);
  }

  // Row i of series s (the table's row `row`) at p; returns its end.
  char* PutRow(char* p, const SeriesColumns& s, size_t i, size_t row, const BoxMeasure& m,
               VintageText* vintage) const {
    for (size_t done = 0; done < size_; done += kOvershoot)
      std::memcpy(p + done, bytes_.data() + done, kOvershoot);
    for (const Blank& b : blanks_) {
      char* cell = p + b.offset;
      switch (b.column) {
        case kPeriod:
          PutLeft(cell, m.periods.At(row));
          break;
        case kValue:
          PutRight(cell, b.width,
                   std::isnan(s.value[i]) ? std::string_view(m.null_text.text) : m.numbers.At(row));
          break;
        case kFrom:
          WritePeriodText(cell, s.from[i], s.cumulative);
          break;
        case kVintage:
          PutLeft(cell, s.raw ? vintage->At(s.vintage[i]) : std::string_view(m.null_text.text));
          break;
        case kStatus:
          PutLeftOrNull(cell, s.raw ? StatusText(s, i) : std::string_view(), m);
          break;
        case kQualifier:
          PutLeftOrNull(cell, QualifierCellText(s, i), m);
          break;
      }
    }
    return p + size_;
  }

 private:
  struct Blank {
    size_t column;
    size_t offset;  // of the cell's text in the row
    size_t width;
  };
  static void PutLeft(char* cell, std::string_view text) {
    CopyShort(cell, text.data(), text.size());
  }
  static void PutLeftOrNull(char* cell, std::string_view text, const BoxMeasure& m) {
    PutLeft(cell, text.empty() ? std::string_view(m.null_text.text) : text);
  }
  static void PutRight(char* cell, size_t width, std::string_view text) {
    CopyShort(cell + width - text.size(), text.data(), text.size());
  }

  std::string bytes_;
  size_t size_ = 0;
  std::vector<Blank> blanks_;
};

// The boxed table at its natural width, or nullopt when the layout needs what only the Table
// renderer does (records, shrinking or wrapping columns to fit layout.width).
std::optional<std::string> BoxFromColumns(const ColumnarResult& r, const TextLayout& layout) {
  if (layout.expanded == ExpandedMode::kOn) return std::nullopt;
  BoxMeasure m;
  if (!MeasureBox(r, layout, &m)) return std::nullopt;
  std::vector<size_t> shown, widths;
  std::vector<std::string> dropped;
  if (!ChooseBoxColumns(r, layout, &m, &shown, &widths, &dropped)) return std::nullopt;

  std::string out;
  AppendRule(out, widths, "\u250c", "\u252c", "\u2510");
  // The most bytes a row can take: borders, padding and each column's widest cell; and the
  // bytes PutSpaces may write past the end of the last padding.
  constexpr size_t kSpacesOvershoot = 16;
  size_t row_room = 4;
  for (size_t k = 0; k < shown.size(); ++k) row_room += m.bytes[shown[k]] + widths[k] + 6;
  out.resize(out.size() + row_room + kSpacesOvershoot);
  char* p = out.data() + out.size() - row_room - kSpacesOvershoot;
  p = Put(p, "\u2502");
  for (size_t k = 0; k < shown.size(); ++k) {
    const size_t header = std::strlen(kTextHeader[shown[k]]);
    p = PutCell(p, kTextHeader[shown[k]], header, widths[k], false);
  }
  *p++ = '\n';
  out.resize(static_cast<size_t>(p - out.data()));
  AppendRule(out, widths, "\u251c", "\u253c", "\u2524");

  // Pass 2: the rows, written into room sized for them up front. When the null text is as
  // many bytes as columns (so is every cell but the indicator and unit: ASCII), a row of a
  // series is a copy of the series' RowTemplate with its cells that vary written into their
  // blanks; otherwise cell by cell.
  const bool templated = m.null_text.text.size() == m.null_text.width;
  RowTemplate tmpl;
  size_t row = 0;
  for (size_t k = 0; k < r.series.size(); ++k) {
    const SeriesColumns& s = r.series[k];
    const size_t n = s.period.size();
    if (n == 0) continue;
    VintageText vintage;
    const size_t at = out.size();
    out.resize(at + n * row_room + std::max(kSpacesOvershoot, RowTemplate::kOvershoot));
    p = out.data() + at;
    if (templated) {
      tmpl.Make(shown, widths, s, k, m, row_room);
      for (size_t i = 0; i < n; ++i, ++row) p = tmpl.PutRow(p, s, i, row, m, &vintage);
    } else {
      for (size_t i = 0; i < n; ++i, ++row) {
        p = Put(p, "\u2502");
        for (size_t col = 0; col < shown.size(); ++col)
          p = PutBoxCell(p, shown[col], widths[col], s, k, i, row, m, &vintage);
        *p++ = '\n';
      }
    }
    out.resize(static_cast<size_t>(p - out.data()));
  }
  AppendRule(out, widths, "\u2514", "\u2534", "\u2518");
  if (layout.footer) AppendTableFooter(out, r.RowCount(), dropped, r.notes, layout.width);
  return out;
}

}  // namespace

Table ToTable(const ColumnarResult& result) {
  Table t;
  t.columns = ValueColumns(result.from_column, result.raw_columns);
  t.rows.reserve(result.RowCount());
  for (const SeriesColumns& s : result.series) {
    AppendValueRows(s, result.from_column, result.raw_columns, &t.rows);
  }
  // The value column carries the unit when every series has the same one.
  if (!result.series.empty()) {
    const std::string& unit = result.series.front().unit;
    bool same = true;
    for (const SeriesColumns& s : result.series) same = same && s.unit == unit;
    if (same) t.columns[2].unit = unit;
  }
  if (!result.qualifier_column) {
    t.columns.pop_back();
    for (auto& row : t.rows) row.pop_back();
  }
  t.notes = result.notes;
  return t;
}

Table TakeTable(Answer&& answer) {
  if (!answer.columnar) return std::move(answer.table);
  Table t = ToTable(answer.values);
  answer.values = ColumnarResult{};
  return t;
}

std::string RenderCsv(const ColumnarResult& result, bool bom) {
  std::string out;
  if (bom) out += "\xEF\xBB\xBF";
  const std::vector<Column> columns = ShownValueColumns(result);
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out += ',';
    out += CsvText(columns[c].name);
  }
  out += '\n';
  for (const SeriesColumns& s : result.series) {
    const size_t n = s.period.size();
    if (n == 0) continue;
    const std::string indicator = CsvText(s.indicator);
    const std::string unit = CsvText(s.unit);
    const size_t room = indicator.size() + unit.size() + 2 * kPeriodRoom + kNumberRoom +
                        kVintageRoom + kStatusRoom + 16;
    VintageText vintage;
    const size_t at = out.size();
    out.resize(at + n * room);
    char* p = out.data() + at;
    for (size_t i = 0; i < n; ++i) {
      p = PutShort(p, indicator);
      *p++ = ',';
      p = WritePeriodText(p, s.period[i], RowIsSpan(s, i));
      *p++ = ',';
      if (!std::isnan(s.value[i])) p = WriteNumber(p, s.value[i]);
      *p++ = ',';
      p = PutShort(p, unit);
      if (result.from_column) {
        *p++ = ',';
        p = WritePeriodText(p, s.from[i], s.cumulative);
      }
      if (result.raw_columns) {
        *p++ = ',';
        if (s.raw) p = PutShort(p, vintage.CsvAt(s.vintage[i]));
        *p++ = ',';
        if (s.raw) p = PutShort(p, StatusText(s, i));
      }
      if (result.qualifier_column) {
        *p++ = ',';
        p = PutShort(p, QualifierCellText(s, i));
      }
      *p++ = '\n';
    }
    out.resize(static_cast<size_t>(p - out.data()));
  }
  return out;
}

std::string RenderJson(const ColumnarResult& result) {
  return JsonRows(result, "[\n", "  ", ",\n", "\n");
}

std::string RenderJsonLine(const ColumnarResult& result) {
  return JsonRows(result, "[", "", ",", "");
}

std::string RenderTextTable(const ColumnarResult& result, const TextLayout& layout) {
  if (std::optional<std::string> box = BoxFromColumns(result, layout)) return std::move(*box);
  return RenderTextTable(ToTable(result), layout);
}

std::string RenderText(const ColumnarResult& result) {
  return RenderTextTable(result, TextLayout{});
}

std::string RenderCsv(const Answer& answer, bool bom) {
  return answer.columnar ? RenderCsv(answer.values, bom) : RenderCsv(answer.table, bom);
}

std::string RenderJson(const Answer& answer) {
  return answer.columnar ? RenderJson(answer.values) : RenderJson(answer.table);
}

std::string RenderJsonLine(const Answer& answer) {
  return answer.columnar ? RenderJsonLine(answer.values) : RenderJsonLine(answer.table);
}

std::string RenderTextTable(const Answer& answer, const TextLayout& layout) {
  return answer.columnar ? RenderTextTable(answer.values, layout)
                         : RenderTextTable(answer.table, layout);
}

std::string RenderText(const Answer& answer) { return RenderTextTable(answer, TextLayout{}); }

}  // namespace ixdb::query
