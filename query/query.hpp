#pragma once
// The entry point of the ixdb query language (docs/query-language.md). Knows nothing of
// sockets or terminals: text in, a typed Table (or an error) out.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "query/table.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

struct QueryOptions {
  // Queries whose result would exceed this many rows fail with LimitExceeded instead of
  // allocating without bound. Default: 1,000,000.
  size_t max_rows = 1'000'000;
  // Tolerance applied to `~` (左右/约) targets that carry none, in the target's unit
  // (percentage points for % targets). Default: 0.5.
  double default_about_tolerance = 0.5;
};

// Parses and evaluates one query against a consistent snapshot.
// Errors (never exceptions):
//  - InvalidArgument for a parse error: the message has the position and a caret line, e.g.
//      "1:9: expected ')'\n  yoy(gdp\n          ^"
//  - NotFound for an unknown series, suggesting the nearest codes;
//  - InvalidArgument for a type or unit clash, naming both operands;
//  - LimitExceeded when the result would exceed options.max_rows.
Result<Table> RunQuery(storage::ReadView& view, std::string_view text,
                       const QueryOptions& options = {});

}  // namespace ixdb::query
