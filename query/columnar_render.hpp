#pragma once
// Renderings of a value query's columns (RunValueQuery's ColumnarResult) and of any query's
// Answer (RunAnswer), straight into one output buffer: no Table of cells, no string per cell,
// numbers written in place. Every function prints exactly the bytes its Table namesake of
// query/render.hpp and query/terminal_layout.hpp prints for ToTable(result), RunQuery's Table.

#include <string>

#include "query/query.hpp"
#include "query/table.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::query {

// The Table RunQuery gives for the same query (for what needs cells: charts, where-style
// filtering, the wire protocol).
Table ToTable(const ColumnarResult& result);
// An Answer's Table: its own, or ToTable of its columns. Leaves `answer` empty.
Table TakeTable(Answer&& answer);

// As RenderCsv(ToTable(result), bom).
std::string RenderCsv(const ColumnarResult& result, bool bom = false);
// As RenderJson(ToTable(result)) and RenderJsonLine(ToTable(result)).
std::string RenderJson(const ColumnarResult& result);
std::string RenderJsonLine(const ColumnarResult& result);
// As RenderTextTable(ToTable(result), layout). The boxed table at its natural width is written
// from the columns; a layout that wraps cells, shrinks columns or shows records
// (layout.expanded, a box wider than layout.width) goes through ToTable.
std::string RenderTextTable(const ColumnarResult& result, const TextLayout& layout = {});
// As RenderText(ToTable(result)).
std::string RenderText(const ColumnarResult& result);

// The same for an Answer: its columns through the functions above, its Table through the
// Table renderers.
std::string RenderCsv(const Answer& answer, bool bom = false);
std::string RenderJson(const Answer& answer);
std::string RenderJsonLine(const Answer& answer);
std::string RenderTextTable(const Answer& answer, const TextLayout& layout = {});
std::string RenderText(const Answer& answer);

}  // namespace ixdb::query
