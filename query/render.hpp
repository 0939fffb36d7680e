#pragma once
// Renderings of a query result: an aligned table for people (CJK characters count two columns),
// CSV (RFC 4180) and JSON (an array of objects).

#include <string>
#include <string_view>

#include "query/table.hpp"

namespace ixdb::query {

// Numbers print in the shortest form that reads back to the same double (std::to_chars).
std::string FormatNumber(double v);

// An aligned, boxed table followed by a row count and the table's notes. Numbers are
// right-aligned; a cell wider than 48 terminal columns is cut and ends with "…" (CSV and JSON
// keep every cell whole); control characters show escaped (\n). The same as
// RenderTextTable(table) of query/terminal_layout.hpp, which also fits a terminal's width.
std::string RenderText(const Table& table);
// Header row, then one line per row; RFC 4180 quoting; nulls are empty cells; CRLF-free ("\n").
// `bom` prefixes a UTF-8 byte-order mark so that Excel reads Chinese text right.
std::string RenderCsv(const Table& table, bool bom = false);
// [{"indicator":"gdp","period":"2023","value":20011.65}, ...]; nulls are null. One row per
// line, between a "[" line and a "]" line.
std::string RenderJson(const Table& table);
// The same array on one line (JSON Lines: a stream of results, one per line, each readable by
// json.loads): [{"indicator":"gdp",...},{...}]\n; an empty result is []\n.
std::string RenderJsonLine(const Table& table);

}  // namespace ixdb::query
