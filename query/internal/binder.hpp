#pragma once
// The binder (internal to query/): checks every call of a parsed query against the function
// registry and fills each call's bound values (Node::def, Node::bound), so that evaluation
// never meets an unknown function or an argument of the wrong kind.

#include <string_view>

#include "query/ast.hpp"

namespace ixdb::query {

// Binds every call of `query`. Errors are QueryError(InvalidArgument) with the position and
// caret of the offending argument:
//  - an unknown function, suggesting the nearest names;
//  - too many or too few arguments, an argument of the wrong kind: the message prints the
//    signature, e.g. "cagr(x, from, to): from must be a period like 2023, 2023Q3 or 2023H1";
//  - a table function inside an expression ("targets() returns a table ...").
void Bind(ast::Query& query, std::string_view text);

// True when `n` (bound) gives a table: a table function, or asof/first around one.
bool ReturnsTable(const ast::Node& n);

}  // namespace ixdb::query
