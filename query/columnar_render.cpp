// Value queries rendered from their columns. The Table path (executor Values + render.cpp)
// allocates a vector per row and a string per text cell, then formats each cell by its variant;
// here the texts a series repeats on every row (indicator, unit, their display widths and CSV
// or JSON forms) are made once per series, and periods and numbers are written in place.
// tests/query/columnar_render_test.cpp runs the golden corpus through both paths.
#include "query/columnar_render.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
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

bool RowIsSpan(const SeriesColumns& s, size_t i) {
  return s.cumulative || (!s.extent.empty() && s.extent[i] != 0);
}

const char* StatusText(const SeriesColumns& s, size_t i) {
  return storage::ObsStatusName(static_cast<storage::ObsStatus>(s.status[i]));
}

// The text of the vintage cells of a series, made once per vintage (a series has a handful).
class VintageText {
 public:
  std::string_view At(Date d) {
    if (of_ != d) {
      of_ = d;
      text_ = FormatDate(d);
    }
    return text_;
  }

 private:
  std::optional<Date> of_;
  std::string text_;
};

std::vector<Column> ShownValueColumns(const ColumnarResult& r) {
  std::vector<Column> cols = ValueColumns(r.from_column, r.raw_columns);
  if (!r.qualifier_column) cols.pop_back();
  return cols;
}

// `field` in CSV form, made once per series.
std::string CsvText(std::string_view field) {
  std::string out(CsvFieldRoom(field), '\0');
  out.resize(static_cast<size_t>(WriteCsvField(out.data(), field) - out.data()));
  return out;
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
        const char* status = s.raw ? StatusText(s, i) : "";
        if (s.raw) {
          p = Put(p, ",\"vintage\":\"");
          p = Put(p, vintage.At(s.vintage[i]));
          *p++ = '"';
        } else {
          p = Put(p, ",\"vintage\":null");
        }
        if (*status == '\0') {
          p = Put(p, ",\"status\":null");
        } else {
          p = Put(p, ",\"status\":\"");
          p = Put(p, status);
          *p++ = '"';
        }
      }
      if (r.qualifier_column) {
        const char* q = QualifierCellText(s, i);
        if (*q == '\0') {
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

// One padded cell of a box row, then its right border: " text   │".
char* PutCell(char* p, std::string_view text, size_t width, size_t column_width, bool right) {
  *p++ = ' ';
  const size_t pad = column_width - width;
  if (right) {
    std::memset(p, ' ', pad);
    p += pad;
  }
  p = Put(p, text);
  if (!right) {
    std::memset(p, ' ', pad);
    p += pad;
  }
  return Put(p, " \u2502");
}

// The boxed table at its natural width, or nullopt when the layout needs what only the Table
// renderer does (records, shrinking or wrapping columns to fit layout.width).
std::optional<std::string> BoxFromColumns(const ColumnarResult& r, const TextLayout& layout) {
  if (layout.expanded == ExpandedMode::kOn) return std::nullopt;
  const bool plain_numbers = layout.precision < 0 && !layout.separators;
  const ShownText null_text = Shown(layout.null_text, layout);
  std::vector<ShownText> indicator(r.series.size()), unit(r.series.size());

  // Pass 1: the numbers' texts (kept for pass 2), every column's width and widest bytes, and
  // which columns have a non-empty cell.
  const bool present[kTextColumns] = {
      true, true, true, true, r.from_column, r.raw_columns, r.raw_columns, r.qualifier_column};
  bool filled[kTextColumns] = {};
  size_t width[kTextColumns], bytes[kTextColumns];
  for (size_t c = 0; c < kTextColumns; ++c) width[c] = bytes[c] = std::strlen(kTextHeader[c]);
  auto widen = [&](size_t c, size_t w, size_t b) {
    width[c] = std::max(width[c], w);
    bytes[c] = std::max(bytes[c], b);
  };
  std::string numbers;
  std::vector<uint32_t> number_end;
  const size_t total = r.RowCount();
  numbers.reserve(total * 12);
  number_end.reserve(total);
  char buf[kPeriodRoom + kNumberRoom];
  for (size_t k = 0; k < r.series.size(); ++k) {
    const SeriesColumns& s = r.series[k];
    const size_t n = s.period.size();
    if (n == 0) continue;
    indicator[k] = Shown(s.indicator, layout);
    unit[k] = s.unit.empty() ? null_text : Shown(s.unit, layout);
    widen(kIndicator, indicator[k].width, indicator[k].text.size());
    widen(kUnit, unit[k].width, unit[k].text.size());
    filled[kIndicator] = filled[kIndicator] || !s.indicator.empty();
    filled[kUnit] = filled[kUnit] || !s.unit.empty();
    for (size_t i = 0; i < n; ++i) {
      const size_t pw =
          static_cast<size_t>(WritePeriodText(buf, s.period[i], RowIsSpan(s, i)) - buf);
      widen(kPeriod, pw, pw);
      const double v = s.value[i];
      if (std::isnan(v)) {
        widen(kValue, null_text.width, null_text.text.size());
      } else {
        const size_t at = numbers.size();
        if (plain_numbers) {
          numbers.append(buf, WriteNumber(buf, v));
        } else {
          numbers += FormatNumberForDisplay(v, layout.precision, layout.separators);
        }
        if (numbers.size() - at > kMaxCellWidth) return std::nullopt;  // cut or wrapped: rare
        widen(kValue, numbers.size() - at, numbers.size() - at);
      }
      number_end.push_back(static_cast<uint32_t>(numbers.size()));
      if (r.from_column) {
        const size_t fw = static_cast<size_t>(WritePeriodText(buf, s.from[i], s.cumulative) - buf);
        widen(kFrom, fw, fw);
      }
      // A null cell (an unqualified row, a status-less version, a formula's vintage) shows
      // the null text.
      if (r.qualifier_column) {
        const size_t qw = std::strlen(QualifierCellText(s, i));
        filled[kQualifier] = filled[kQualifier] || qw > 0;
        widen(kQualifier, qw > 0 ? qw : null_text.width, qw > 0 ? qw : null_text.text.size());
      }
    }
    if (r.raw_columns && s.raw) {
      VintageText vintage;
      filled[kVintage] = true;
      for (size_t i = 0; i < n; ++i) {
        const size_t vw = vintage.At(s.vintage[i]).size();
        widen(kVintage, vw, vw);
        const size_t sw = std::strlen(StatusText(s, i));
        filled[kStatus] = filled[kStatus] || sw > 0;
        widen(kStatus, sw > 0 ? sw : null_text.width, sw > 0 ? sw : null_text.text.size());
      }
    } else if (r.raw_columns) {
      widen(kVintage, null_text.width, null_text.text.size());
      widen(kStatus, null_text.width, null_text.text.size());
    }
  }
  // Columns after the first kAlwaysShown that are empty in every row are left out (when there
  // are rows), as the Table renderer does.
  std::vector<std::string> dropped;
  std::vector<size_t> shown, widths;
  filled[kPeriod] = filled[kValue] = filled[kFrom] = true;
  for (size_t c = 0; c < kTextColumns; ++c) {
    if (!present[c]) continue;
    if (total > 0 && c >= kAlwaysShown && !filled[c]) {
      dropped.emplace_back(kTextHeader[c]);
      continue;
    }
    if (layout.width > 0 && width[c] > kMaxCellWidth) return std::nullopt;  // wrapped
    shown.push_back(c);
    widths.push_back(std::min(width[c], kMaxCellWidth));
  }
  if (layout.width > 0 && BoxWidth(widths) > layout.width) return std::nullopt;

  std::string out;
  AppendRule(out, widths, "\u250c", "\u252c", "\u2510");
  size_t row_room = 4;
  for (size_t k = 0; k < shown.size(); ++k) row_room += bytes[shown[k]] + widths[k] + 6;
  out.resize(out.size() + row_room);
  char* p = out.data() + out.size() - row_room;
  p = Put(p, "\u2502");
  for (size_t k = 0; k < shown.size(); ++k) {
    const size_t header = std::strlen(kTextHeader[shown[k]]);
    p = PutCell(p, kTextHeader[shown[k]], header, widths[k], false);
  }
  *p++ = '\n';
  out.resize(static_cast<size_t>(p - out.data()));
  AppendRule(out, widths, "\u251c", "\u253c", "\u2524");

  // Pass 2: the rows.
  size_t row = 0;
  for (size_t k = 0; k < r.series.size(); ++k) {
    const SeriesColumns& s = r.series[k];
    const size_t n = s.period.size();
    if (n == 0) continue;
    VintageText vintage;
    const size_t at = out.size();
    out.resize(at + n * row_room);
    p = out.data() + at;
    for (size_t i = 0; i < n; ++i, ++row) {
      p = Put(p, "\u2502");
      for (size_t col = 0; col < shown.size(); ++col) {
        const size_t w = widths[col];
        switch (shown[col]) {
          case kIndicator:
            p = PutCell(p, indicator[k].text, indicator[k].width, w, false);
            break;
          case kPeriod: {
            const size_t len =
                static_cast<size_t>(WritePeriodText(buf, s.period[i], RowIsSpan(s, i)) - buf);
            p = PutCell(p, std::string_view(buf, len), len, w, false);
            break;
          }
          case kValue:
            if (std::isnan(s.value[i])) {
              p = PutCell(p, null_text.text, null_text.width, w, true);
            } else {
              const size_t begin = row == 0 ? 0 : number_end[row - 1];
              const size_t len = number_end[row] - begin;
              p = PutCell(p, std::string_view(numbers.data() + begin, len), len, w, true);
            }
            break;
          case kUnit:
            p = PutCell(p, unit[k].text, unit[k].width, w, false);
            break;
          case kFrom: {
            const size_t len =
                static_cast<size_t>(WritePeriodText(buf, s.from[i], s.cumulative) - buf);
            p = PutCell(p, std::string_view(buf, len), len, w, false);
            break;
          }
          case kVintage:
            if (s.raw) {
              const std::string_view text = vintage.At(s.vintage[i]);
              p = PutCell(p, text, text.size(), w, false);
            } else {
              p = PutCell(p, null_text.text, null_text.width, w, false);
            }
            break;
          case kStatus: {
            const char* status = s.raw ? StatusText(s, i) : "";
            if (*status == '\0') {
              p = PutCell(p, null_text.text, null_text.width, w, false);
            } else {
              p = PutCell(p, status, std::strlen(status), w, false);
            }
            break;
          }
          case kQualifier: {
            const char* q = QualifierCellText(s, i);
            if (*q == '\0') {
              p = PutCell(p, null_text.text, null_text.width, w, false);
            } else {
              p = PutCell(p, q, std::strlen(q), w, false);
            }
            break;
          }
        }
      }
      *p++ = '\n';
    }
    out.resize(static_cast<size_t>(p - out.data()));
  }
  AppendRule(out, widths, "\u2514", "\u2534", "\u2518");
  if (layout.footer) AppendTableFooter(out, total, dropped, r.notes, layout.width);
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
      p = Put(p, indicator);
      *p++ = ',';
      p = WritePeriodText(p, s.period[i], RowIsSpan(s, i));
      *p++ = ',';
      if (!std::isnan(s.value[i])) p = WriteNumber(p, s.value[i]);
      *p++ = ',';
      p = Put(p, unit);
      if (result.from_column) {
        *p++ = ',';
        p = WritePeriodText(p, s.from[i], s.cumulative);
      }
      if (result.raw_columns) {
        *p++ = ',';
        if (s.raw) p = WriteCsvField(p, vintage.At(s.vintage[i]));
        *p++ = ',';
        if (s.raw) p = Put(p, StatusText(s, i));
      }
      if (result.qualifier_column) {
        *p++ = ',';
        p = Put(p, QualifierCellText(s, i));
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
