#pragma once
// Parsed query -> Table (internal to query/; the public entry points are query.hpp's).

#include <memory>
#include <string_view>

#include "common/status.hpp"
#include "query/ast.hpp"
#include "query/query.hpp"
#include "query/table.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

// `text` parsed and bound: from the process's BoundQueryCache, else parsed, bound and kept.
// Errors as RunQuery's for a query that does not parse or bind (not kept).
Result<std::shared_ptr<const ast::Query>> ParseAndBind(std::string_view text);

// A query ParseAndBind gave (not bound again), evaluated: into a Table (RunQuery), into columns
// for a value query (RunValueQuery), or columns for a value query without row clauses and a
// Table otherwise (RunAnswer). Errors as RunQuery (query.hpp); never throws.
Result<Table> ExecuteBound(const ast::Query& query, std::string_view text, storage::ReadView& view,
                           const QueryOptions& options);
Result<ColumnarResult> ExecuteBoundColumns(const ast::Query& query, std::string_view text,
                                           storage::ReadView& view, const QueryOptions& options);
Result<Answer> ExecuteBoundAnswer(const ast::Query& query, std::string_view text,
                                  storage::ReadView& view, const QueryOptions& options);

}  // namespace ixdb::query
