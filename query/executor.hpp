#pragma once
// AST -> Table, evaluated against a storage snapshot (internal to query/).

#include <string_view>

#include "common/period.hpp"
#include "common/status.hpp"
#include "query/ast.hpp"
#include "query/query.hpp"
#include "query/table.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

// Evaluates a parsed query. `text` is the query text (for error positions).
// Errors as RunQuery (query.hpp). Never throws.
Result<Table> Execute(const ast::Query& query, std::string_view text, storage::ReadView& view,
                      const QueryOptions& options);

// Evaluates a parsed value query into columns (RunValueQuery). Never throws.
Result<ColumnarResult> ExecuteColumns(const ast::Query& query, std::string_view text,
                                      storage::ReadView& view, const QueryOptions& options);

// FormatPeriod(p, cumulative), faster (no snprintf): results print a period per row.
std::string PeriodText(Period p, bool cumulative);

// Edit distance (Levenshtein, bytes) capped at `cap`: returns cap + 1 when larger.
size_t EditDistance(std::string_view a, std::string_view b, size_t cap);

}  // namespace ixdb::query
