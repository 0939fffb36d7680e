#pragma once
// Parsed query -> Table (internal to query/; the public entry points are query.hpp's).

#include <string_view>

#include "common/status.hpp"
#include "query/ast.hpp"
#include "query/query.hpp"
#include "query/table.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

// Binds `query` against the function registry (filling its calls' bound values) and evaluates
// it. `text` is the query text (for error positions). Errors as RunQuery (query.hpp); never
// throws.
Result<Table> Execute(ast::Query& query, std::string_view text, storage::ReadView& view,
                      const QueryOptions& options);

// The same for a value query, into columns (RunValueQuery).
Result<ColumnarResult> ExecuteColumns(ast::Query& query, std::string_view text,
                                      storage::ReadView& view, const QueryOptions& options);

// Columns for a value query without row clauses, a Table otherwise (RunAnswer).
Result<Answer> ExecuteAnswer(ast::Query& query, std::string_view text, storage::ReadView& view,
                             const QueryOptions& options);

}  // namespace ixdb::query
