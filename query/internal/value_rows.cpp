#include "query/internal/value_rows.hpp"

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "common/date.hpp"
#include "query/internal/series_data.hpp"
#include "storage/types.hpp"

namespace ixdb::query {

std::vector<Column> ValueColumns(bool from_column, bool raw_columns) {
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"value", ColumnType::kNumber, ""},
                              {"unit", ColumnType::kString, ""}};
  if (from_column) cols.push_back({"from_period", ColumnType::kPeriod, ""});
  if (raw_columns) {
    cols.push_back({"vintage", ColumnType::kDate, ""});
    cols.push_back({"status", ColumnType::kString, ""});
  }
  // Raw values show the qualifier they were published with; derived values show one only when
  // computed from a qualified figure.
  cols.push_back({"qualifier", ColumnType::kString, ""});
  return cols;
}

std::string_view QualifierCellText(const SeriesColumns& s, size_t i) {
  // Looked up by code in a table made once from the names: the renderers call this per cell,
  // and a strlen per cell showed in profiles.
  static const std::array<std::string_view, 256> kTexts = [] {
    std::array<std::string_view, 256> t;
    for (size_t c = 0; c < t.size(); ++c) t[c] = QualifierText(static_cast<uint8_t>(c));
    return t;
  }();
  if (s.qualifier.empty() || std::isnan(s.value[i])) return {};
  return kTexts[s.qualifier[i]];
}

void AppendValueRows(const SeriesColumns& s, bool from_column, bool raw_columns,
                     std::vector<std::vector<Cell>>* rows) {
  const size_t ncols = 5 + (from_column ? 1 : 0) + (raw_columns ? 2 : 0);
  rows->reserve(rows->size() + s.period.size());
  const Cell unit_cell = OptStr(s.unit);
  // A series has a handful of vintages: each one's text is made once.
  std::optional<Date> text_of;
  Cell vintage_cell;
  for (size_t i = 0; i < s.period.size(); ++i) {
    std::vector<Cell>& row = rows->emplace_back();
    row.reserve(ncols);
    row.emplace_back(std::in_place_type<std::string>, s.indicator);
    const bool span = s.cumulative || (!s.extent.empty() && s.extent[i] != 0);
    row.emplace_back(std::in_place_type<std::string>, FastPeriodText(s.period[i], span));
    row.push_back(Num(s.value[i]));
    row.push_back(unit_cell);
    if (from_column) row.emplace_back(FastPeriodText(s.from[i], s.cumulative));
    if (raw_columns && !s.raw) {
      row.insert(row.end(), 2, Cell{});  // a formula among the series of a selection
    } else if (raw_columns) {
      if (text_of != s.vintage[i]) {
        text_of = s.vintage[i];
        vintage_cell = Str(FormatDate(*text_of));
      }
      row.push_back(vintage_cell);
      const char* status = storage::ObsStatusName(static_cast<storage::ObsStatus>(s.status[i]));
      if (*status == '\0')
        row.emplace_back();
      else
        row.emplace_back(std::in_place_type<std::string>, status);
    }
    const std::string_view qualifier = QualifierCellText(s, i);
    if (qualifier.empty())
      row.emplace_back();
    else
      row.emplace_back(std::in_place_type<std::string>, qualifier);
  }
}

}  // namespace ixdb::query
