#include "query/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "common/period.hpp"
#include "common/utf8.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::query {
namespace {

constexpr size_t kMaxSeries = 6;
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kSeriesColours[kMaxSeries] = {"\x1b[34m", "\x1b[35m", "\x1b[32m",
                                                    "\x1b[36m", "\x1b[33m", "\x1b[90m"};
constexpr const char* kMarkerColour = "\x1b[31m";
// Braille dot bits by dot row (0 top .. 3 bottom), for the left and the right dot column.
constexpr uint8_t kLeftDots[4] = {0x01, 0x02, 0x04, 0x40};
constexpr uint8_t kRightDots[4] = {0x08, 0x10, 0x20, 0x80};
constexpr const char* kBlocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                    "\u2585", "\u2586", "\u2587", "\u2588"};

int ColumnIndex(const Table& t, std::string_view name) {
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (t.columns[c].name == name) return static_cast<int>(c);
  }
  return -1;
}

std::string TextOf(const std::vector<Cell>& row, int c) {
  if (c < 0 || static_cast<size_t>(c) >= row.size()) return {};
  if (const auto* s = std::get_if<std::string>(&row[c])) return *s;
  return {};
}

double ValueOf(const std::vector<Cell>& row, int c) {
  if (c < 0 || static_cast<size_t>(c) >= row.size()) return std::nan("");
  if (const auto* d = std::get_if<double>(&row[c])) return *d;
  if (const auto* i = std::get_if<int64_t>(&row[c])) return static_cast<double>(*i);
  return std::nan("");
}

// A grid of braille cells; each cell remembers who drew in it last (for its colour).
class BrailleCanvas {
 public:
  BrailleCanvas(size_t columns, size_t rows)
      : columns_(columns), rows_(rows), dots_(columns * rows, 0), owner_(columns * rows, -1) {}

  size_t pixel_width() const { return columns_ * 2; }
  size_t pixel_height() const { return rows_ * 4; }

  // (x, y): y = 0 is the top dot row.
  void Set(long x, long y, int owner) {
    if (x < 0 || y < 0 || x >= static_cast<long>(pixel_width()) ||
        y >= static_cast<long>(pixel_height())) {
      return;
    }
    const size_t cell = static_cast<size_t>(y / 4) * columns_ + static_cast<size_t>(x / 2);
    dots_[cell] |= (x % 2 == 0 ? kLeftDots : kRightDots)[y % 4];
    owner_[cell] = owner;
  }

  void Line(long x0, long y0, long x1, long y1, int owner) {
    // Bresenham: every dot between the two points, in both directions.
    const long dx = std::labs(x1 - x0), dy = -std::labs(y1 - y0);
    const long sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    long err = dx + dy;
    for (;;) {
      Set(x0, y0, owner);
      if (x0 == x1 && y0 == y1) break;
      const long e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  // A character of the cell: braille (blank cells are spaces), or `label` put over it.
  void Label(size_t column, size_t row, char label, int owner) {
    if (column >= columns_ || row >= rows_) return;
    labels_[row * columns_ + column] = label;
    owner_[row * columns_ + column] = owner;
  }

  // Row `row` as text; `colour_of(owner)` gives the escape for a cell ("" for none).
  template <typename ColourOf>
  std::string Row(size_t row, const ColourOf& colour_of) const {
    std::string out;
    const char* current = "";
    for (size_t c = 0; c < columns_; ++c) {
      const size_t cell = row * columns_ + c;
      const char* colour = owner_[cell] >= 0 ? colour_of(owner_[cell]) : "";
      if (std::string_view(colour) != current) {
        if (*current != '\0') out += kReset;
        out += colour;
        current = colour;
      }
      auto label = labels_.find(cell);
      if (label != labels_.end()) {
        out += label->second;
      } else if (dots_[cell] == 0) {
        out += ' ';
      } else {
        // U+2800 + bits, as UTF-8: E2 (A0 | bits >> 6) (80 | bits & 3F).
        out += '\xE2';
        out += static_cast<char>(0xA0 | (dots_[cell] >> 6));
        out += static_cast<char>(0x80 | (dots_[cell] & 0x3F));
      }
    }
    if (*current != '\0') out += kReset;
    return out;
  }

 private:
  size_t columns_, rows_;
  std::vector<uint8_t> dots_;
  std::vector<int> owner_;
  std::map<size_t, char> labels_;
};

std::string PadLeft(const std::string& s, size_t width) {
  const size_t w = DisplayWidth(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

std::string FitText(const std::string& s, size_t width) {
  if (DisplayWidth(s) <= width) return s;
  if (width == 0) return {};
  return std::string(PrefixOfWidth(s, width - 1)) + "\u2026";
}

}  // namespace

std::optional<double> PeriodEndMonth(std::string_view period) {
  auto parsed = ParsePeriod(period);
  if (!parsed.ok()) return std::nullopt;
  const Period p = parsed->period;
  switch (p.freq) {
    case Frequency::kAnnual:
      return p.year() * 12.0 + 11;
    case Frequency::kQuarterly:
      return p.year() * 12.0 + p.sub() * 3 - 1;
    case Frequency::kMonthly:
      return static_cast<double>(p.index);
  }
  return std::nullopt;
}

Result<std::vector<PlotSeries>> SeriesForPlot(const Table& values) {
  const int indicator = ColumnIndex(values, "indicator");
  const int period = ColumnIndex(values, "period");
  const int value = ColumnIndex(values, "value");
  const int unit = ColumnIndex(values, "unit");
  for (auto [index, name] :
       {std::pair{indicator, "indicator"}, {period, "period"}, {value, "value"}}) {
    if (index < 0) {
      return Status::InvalidArgument("only the values of series can be drawn: the result has no '" +
                                     std::string(name) + "' column");
    }
  }
  std::vector<PlotSeries> out;
  std::map<std::string, size_t> index_of;
  for (const auto& row : values.rows) {
    const std::string name = TextOf(row, indicator);
    auto it = index_of.find(name);
    if (it == index_of.end()) {
      it = index_of.emplace(name, out.size()).first;
      out.push_back(
          PlotSeries{name, unit >= 0 ? TextOf(row, unit) : values.columns[value].unit, {}});
    }
    PlotPoint p;
    p.period = TextOf(row, period);
    auto t = PeriodEndMonth(p.period);
    if (!t)
      return Status::InvalidArgument("cannot place period '" + p.period + "' of " + name +
                                     " in time");
    p.time = *t;
    p.value = ValueOf(row, value);
    out[it->second].points.push_back(std::move(p));
  }
  return out;
}

namespace {

// What one axis can show: at most kMaxSeries series, all of one unit.
Status CheckDrawable(const std::vector<PlotSeries>& series) {
  if (series.empty()) return Status::InvalidArgument("nothing to draw: the result has no rows");
  if (series.size() > kMaxSeries) {
    return Status::InvalidArgument("a chart shows at most " + std::to_string(kMaxSeries) +
                                   " series (this result has " + std::to_string(series.size()) +
                                   "); .spark draws a line for each");
  }
  for (const auto& s : series) {
    if (s.unit != series[0].unit) {
      return Status::InvalidArgument("one axis cannot show " + series[0].name + " (" +
                                     series[0].unit + ") and " + s.name + " (" + s.unit +
                                     "): draw them one at a time");
    }
  }
  return Status::OK();
}

// The time and value ranges the axes span, the periods at their ends, the values not drawn.
struct ChartRange {
  double tmin = std::numeric_limits<double>::infinity(), tmax = -tmin;
  double ymin = tmin, ymax = -tmin;
  std::string first_period, last_period;
  size_t missing = 0;
};

ChartRange RangeOf(const std::vector<PlotSeries>& series, const std::vector<PlotMarker>& markers) {
  ChartRange r;
  for (const auto& s : series) {
    for (const auto& p : s.points) {
      if (std::isnan(p.value)) {
        ++r.missing;
        continue;
      }
      if (p.time < r.tmin) r.first_period = p.period;
      if (p.time > r.tmax) r.last_period = p.period;
      r.tmin = std::min(r.tmin, p.time);
      r.tmax = std::max(r.tmax, p.time);
      r.ymin = std::min(r.ymin, p.value);
      r.ymax = std::max(r.ymax, p.value);
    }
  }
  if (r.first_period.empty()) return r;  // nothing to draw
  for (const auto& m : markers) {
    r.ymin = std::min(r.ymin, m.value);
    r.ymax = std::max(r.ymax, m.value);
  }
  return r;
}

// The markers (owner series.size()) and the lines of the series (owner k) on the canvas.
void DrawLines(const std::vector<PlotSeries>& series, const std::vector<PlotMarker>& markers,
               const ChartRange& range, const ChartStyle& style, BrailleCanvas* canvas_out) {
  BrailleCanvas& canvas = *canvas_out;
  const double tmin = range.tmin, tmax = range.tmax, ymin = range.ymin, ymax = range.ymax;
  const double px = static_cast<double>(canvas.pixel_width() - 1);
  const double py = static_cast<double>(canvas.pixel_height() - 1);
  auto x_of = [&](double t) {
    return tmax == tmin ? static_cast<long>(px / 2) : std::lround((t - tmin) / (tmax - tmin) * px);
  };
  auto y_of = [&](double v) {
    return ymax == ymin ? static_cast<long>(py / 2)
                        : std::lround(py - (v - ymin) / (ymax - ymin) * py);
  };
  const int marker_owner = static_cast<int>(series.size());
  for (const auto& m : markers) {
    // Dotted: one dot in every other column of dots, so it never reads as a series' line.
    for (long x = 0; x <= static_cast<long>(px); x += 2) canvas.Set(x, y_of(m.value), marker_owner);
  }
  for (size_t k = 0; k < series.size(); ++k) {
    long last_x = -1, last_y = -1;
    bool have_last = false;
    for (const auto& p : series[k].points) {
      if (std::isnan(p.value)) {
        have_last = false;
        continue;
      }
      const long x = x_of(p.time), y = y_of(p.value);
      if (have_last) {
        canvas.Line(last_x, last_y, x, y, static_cast<int>(k));
      } else {
        canvas.Set(x, y, static_cast<int>(k));
      }
      last_x = x;
      last_y = y;
      have_last = true;
    }
    // Without colours, several series are told apart by their number at their last point.
    if (!style.colour && series.size() > 1 && have_last) {
      canvas.Label(static_cast<size_t>(last_x / 2) + 1, static_cast<size_t>(last_y / 4),
                   static_cast<char>('1' + k), static_cast<int>(k));
    }
  }
}

// The legend under the chart (only with several series or markers), wrapped at `width`.
std::string Legend(const std::vector<PlotSeries>& series, const std::vector<PlotMarker>& markers,
                   const ChartStyle& style, size_t width) {
  std::string legend;
  auto add_legend = [&](const std::string& entry) {
    const size_t used = legend.empty() ? 0 : DisplayWidth(legend.substr(legend.rfind('\n') + 1));
    const size_t w = DisplayWidth(entry);
    if (!legend.empty() && used + 2 + w > width)
      legend += "\n";
    else if (!legend.empty())
      legend += "  ";
    legend += entry;
  };
  if (series.size() > 1 || !markers.empty()) {
    for (size_t k = 0; k < series.size(); ++k) {
      const std::string mark =
          style.colour
              ? std::string(kSeriesColours[k]) + "\u2501\u2501" + kReset
              : (series.size() > 1 ? std::string(1, static_cast<char>('1' + k)) : "\u2501\u2501");
      add_legend(mark + " " + FitText(series[k].name, width - 4));
    }
    for (const auto& m : markers) {
      const std::string mark =
          style.colour ? std::string(kMarkerColour) + "\u2508\u2508" + kReset : "\u2508\u2508";
      add_legend(mark + " " + FitText(m.label, width - 4));
    }
  }
  return legend;
}

}  // namespace

Result<std::string> RenderLineChart(const std::vector<PlotSeries>& series,
                                    const std::vector<PlotMarker>& markers,
                                    const ChartStyle& style) {
  if (Status s = CheckDrawable(series); !s.ok()) return s;
  const ChartRange range = RangeOf(series, markers);
  if (range.first_period.empty())
    return Status::InvalidArgument("nothing to draw: every value is missing");
  const std::string& first_period = range.first_period;
  const std::string& last_period = range.last_period;

  const std::string top = FormatNumberForDisplay(range.ymax),
                    bottom = FormatNumberForDisplay(range.ymin);
  const size_t gutter = std::max(DisplayWidth(top), DisplayWidth(bottom)) + 1;
  const size_t width = std::max<size_t>(style.width, 30);
  const size_t columns = width > gutter + 2 ? width - gutter - 2 : 8;
  const size_t rows = std::max<size_t>(style.height, 2);
  BrailleCanvas canvas(columns, rows);
  DrawLines(series, markers, range, style, &canvas);
  const int marker_owner = static_cast<int>(series.size());

  auto colour_of = [&](int owner) -> const char* {
    if (!style.colour) return "";
    return owner == marker_owner ? kMarkerColour : kSeriesColours[owner];
  };
  std::string out;
  std::string title;
  for (const auto& s : series) title += (title.empty() ? "" : ", ") + s.name;
  if (!series[0].unit.empty()) title += " (" + series[0].unit + ")";
  for (const auto& line : WrapToWidth(title, width)) out += line + "\n";
  for (size_t r = 0; r < rows; ++r) {
    const std::string label = r == 0 ? top : r + 1 == rows ? bottom : "";
    out += PadLeft(label, gutter - 1) + (label.empty() ? " \u2502" : " \u2524");
    out += canvas.Row(r, colour_of);
    out += '\n';
  }
  out += std::string(gutter, ' ') + "\u2514";
  for (size_t c = 0; c < columns; ++c) out += "\u2500";
  out += '\n';
  std::string axis = std::string(gutter + 1, ' ') + first_period;
  if (last_period != first_period) {
    const size_t used = DisplayWidth(axis), last = DisplayWidth(last_period);
    const size_t end = gutter + 1 + columns;
    axis += std::string(end > used + last + 1 ? end - used - last : 1, ' ') + last_period;
  }
  out += axis + "\n";
  const std::string legend = Legend(series, markers, style, width);
  if (!legend.empty()) out += legend + "\n";
  if (range.missing > 0) {
    out += std::to_string(range.missing) +
           (range.missing == 1 ? " missing value" : " missing values") + " not drawn\n";
  }
  return out;
}

std::string RenderSparklines(const std::vector<PlotSeries>& series, const ChartStyle& style) {
  size_t name_width = 0;
  for (const auto& s : series) name_width = std::max(name_width, DisplayWidth(s.name));
  name_width = std::min<size_t>(name_width, 24);
  std::string out;
  for (const auto& s : series) {
    const std::string name = FitText(s.name, name_width);
    std::string first_label, last_label;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    // The tail after the blocks, with the widest labels, decides how many periods fit.
    auto tail = [&](size_t from) {
      lo = std::numeric_limits<double>::infinity();
      hi = -lo;
      for (size_t i = from; i < s.points.size(); ++i) {
        if (std::isnan(s.points[i].value)) continue;
        lo = std::min(lo, s.points[i].value);
        hi = std::max(hi, s.points[i].value);
      }
      std::string t = " ";
      if (from < s.points.size()) {
        t += s.points[from].period;
        if (s.points.size() - from > 1) t += "\u2026" + s.points.back().period;
      }
      if (std::isfinite(lo)) {
        t += "  " + FormatNumberForDisplay(lo);
        if (hi != lo) t += "\u2026" + FormatNumberForDisplay(hi);
      } else {
        t += "  no values";
      }
      if (!s.unit.empty()) t += " " + s.unit;
      return t;
    };
    // The latest periods that fit; the tail's labels depend on the first one shown, so settle
    // it in a few rounds.
    const size_t fixed = name_width + 1;
    size_t from = 0;
    for (int round = 0; round < 4 && !s.points.empty(); ++round) {
      const size_t t = DisplayWidth(tail(from));
      const size_t room = style.width > fixed + t ? style.width - fixed - t : 1;
      const size_t want = s.points.size() > room ? s.points.size() - room : 0;
      if (want == from) break;
      from = want;
    }
    const std::string after = tail(from);
    std::string blocks;
    for (size_t i = from; i < s.points.size(); ++i) {
      const double v = s.points[i].value;
      if (std::isnan(v)) {
        blocks += ' ';
        continue;
      }
      const int level = hi == lo ? 3 : static_cast<int>(std::lround((v - lo) / (hi - lo) * 7));
      blocks += kBlocks[std::clamp(level, 0, 7)];
    }
    out += name + std::string(name_width - DisplayWidth(name) + 1, ' ') + blocks + after + "\n";
  }
  return out;
}

}  // namespace ixdb::query
