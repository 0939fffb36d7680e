#include "cli/chart_command.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "cli/result_cells.hpp"
#include "cli/session.hpp"
#include "query/chart.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::cli {
namespace {

constexpr size_t kDefaultWidth = 80;
constexpr size_t kMaxHeight = 16;
constexpr size_t kMinHeight = 6;

bool IsCode(const std::string& s) {
  return !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

std::string ComparatorSign(const std::string& c) {
  if (c == ">=") return "\u2265";
  if (c == "<=") return "\u2264";
  if (c == "~") return "\u2248";
  return c;
}

// The numeric targets of the plotted series that fall in the plotted periods and are in the
// series' unit (a 2万亿元 target does not belong on an axis in 亿元, nor a % target on pp).
// Targets in another unit are named in `*skipped`, so that a missing marker is not mistaken for
// a missing target.
Status Markers(Session& s, const std::vector<query::PlotSeries>& series,
               std::vector<query::PlotMarker>* out, std::vector<std::string>* skipped) {
  for (const auto& ps : series) {
    if (!IsCode(ps.name) || ps.points.empty()) continue;
    double from = ps.points.front().time, to = ps.points.back().time;
    for (const auto& p : ps.points) {
      from = std::min(from, p.time);
      to = std::max(to, p.time);
    }
    auto targets = s.Query("targets() where indicator = \"" + ps.name + "\"");
    if (!targets.ok()) return targets.status();
    for (size_t r = 0; r < targets->rows.size(); ++r) {
      const double value = NumberAt(*targets, r, "target");
      const auto when = query::PeriodEndMonth(TextAt(*targets, r, "period"));
      if (std::isnan(value) || !when || *when < from || *when > to) continue;
      if (TextAt(*targets, r, "unit") != ps.unit) {
        skipped->push_back(ps.name + " " + TextAt(*targets, r, "period") + " (" +
                           query::FormatNumberForDisplay(value) + " " +
                           TextAt(*targets, r, "unit") + ")");
        continue;
      }
      std::string label = "target " + ComparatorSign(TextAt(*targets, r, "comparator")) + " " +
                          query::FormatNumberForDisplay(value) + " (";
      if (series.size() > 1) label += ps.name + " ";
      label += TextAt(*targets, r, "period") + ")";
      out->push_back({label, value});
    }
  }
  return Status::OK();
}

}  // namespace

Status ShowChart(Session& s, std::string_view expr, ChartKind kind) {
  auto result = s.Query(std::string(expr));
  if (!result.ok()) return result.status();
  auto series = query::SeriesForPlot(*result);
  if (!series.ok()) return series.status();
  query::ChartStyle style;
  style.width = s.OutputWidth() > 0 ? s.OutputWidth() : kDefaultWidth;
  const size_t rows = s.OutputRows();
  style.height = rows > kMinHeight + 8 ? std::min(kMaxHeight, rows - 8)
                                       : (rows == 0 ? kMaxHeight : kMinHeight);
  style.colour = s.OutputColour();
  if (kind == ChartKind::kSparklines) {
    s.Show(query::RenderSparklines(*series, style));
    return Status::OK();
  }
  std::vector<query::PlotMarker> markers;
  std::vector<std::string> skipped;
  Status st = Markers(s, *series, &markers, &skipped);
  if (!st.ok()) return st;
  auto chart = query::RenderLineChart(*series, markers, style);
  if (!chart.ok()) return chart.status();
  std::string text = *chart;
  if (!skipped.empty()) {
    std::string note =
        "targets in another unit than the axis (" + (*series)[0].unit + "), not drawn:";
    for (const auto& t : skipped) note += " " + t + (&t == &skipped.back() ? "" : ",");
    for (const auto& line : query::WrapToWidth(note, style.width)) text += line + "\n";
  }
  s.Show(text);
  return Status::OK();
}

}  // namespace ixdb::cli
