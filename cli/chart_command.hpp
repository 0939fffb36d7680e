#pragma once
// `.plot EXPR` and `.spark EXPR`: a value query drawn in the terminal (query/chart.hpp), with
// the targets of the plotted series and period range as horizontal markers.

#include <string_view>

#include "common/status.hpp"

namespace ixdb::cli {

class Session;

enum class ChartKind { kLine, kSparklines };

// Runs `expr` and draws it at the output's width (80 columns when it is not a terminal), in
// colours when the terminal has them. The query's errors; InvalidArgument when the result is
// not values of series or cannot be drawn (query::RenderLineChart says why).
Status ShowChart(Session& session, std::string_view expr, ChartKind kind);

}  // namespace ixdb::cli
