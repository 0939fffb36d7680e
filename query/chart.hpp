#pragma once
// Pictures of a value query's result for a terminal: a line chart drawn with Unicode braille
// characters (2 x 4 dots per character cell), with the axis range, the first and last period
// and the unit, target values as dotted horizontal markers; and sparklines (one line of block
// characters per series). Pure functions of the series and a width: no terminal I/O here
// (the shell decides the size and whether the terminal has colours).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "query/table.hpp"

namespace ixdb::query {

struct PlotPoint {
  std::string period;  // as the result printed it: 2023, 2023Q1-Q3, 2023-07
  double time = 0;     // PeriodEndMonth(period): where the point goes on the time axis
  double value = 0;    // NaN: missing (the line has a gap there)
};

struct PlotSeries {
  std::string name;  // the indicator column
  std::string unit;
  std::vector<PlotPoint> points;  // in the result's order (ascending periods)
};

// A horizontal line across the chart at `value`, e.g. a plan target.
struct PlotMarker {
  std::string label;  // the legend text, e.g. "target 6 (gdp_growth 2024Q1-Q4)"
  double value = 0;
};

struct ChartStyle {
  // Terminal columns of every line (the axis labels included). Default 80.
  size_t width = 80;
  // Character rows of the plotting area (4 dot rows each). Default 16.
  size_t height = 16;
  // ANSI colours: each series in its own colour, markers in red. Default off.
  bool colour = false;
};

// Months since year 0 at the end of a period as a result prints it: 2023 -> December 2023,
// 2023Q3 and 2023Q1-Q3 -> September 2023, 2023H1 -> June 2023, 2023-07 -> July 2023.
// nullopt when the text is not a period.
std::optional<double> PeriodEndMonth(std::string_view period);

// The series of a value query's result (columns indicator, period and value; unit when there
// is one), in the order they first appear. InvalidArgument when a column is missing (the
// message names it: a table such as targets() or list() is not a series) or a period is not
// one.
Result<std::vector<PlotSeries>> SeriesForPlot(const Table& values);

// The line chart. The vertical axis runs from the smallest to the largest value (markers
// included), labelled with both; under the time axis the first and last period. Points are
// placed by time, so missing periods keep their room; a missing value breaks the line.
// InvalidArgument when there is nothing to draw (no series, or no value), for more than six
// series, or for series in different units (one axis cannot show both). Lines are at most
// style.width columns wide (for widths of 30 and more).
Result<std::string> RenderLineChart(const std::vector<PlotSeries>& series,
                                    const std::vector<PlotMarker>& markers,
                                    const ChartStyle& style);

// One line per series: its name, a block character per period (the lowest value ▁, the
// highest █, a space where the value is missing), the first and last period shown, the
// smallest and largest value and the unit. When a series has more periods than fit, the
// latest ones are shown.
std::string RenderSparklines(const std::vector<PlotSeries>& series, const ChartStyle& style);

}  // namespace ixdb::query
