#pragma once
// Text -> AST (internal to query/; the public entry point is query.hpp's RunQuery).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "query/ast.hpp"

namespace ixdb::query {

// Longest query text accepted (bytes). Longer input is refused before parsing.
inline constexpr size_t kMaxQueryBytes = 64 * 1024;
// The deepest expression tree a query may build (a chain of 255 "+" is 256 deep): bounded so
// that walking it recursively never exhausts a thread's stack, sanitizers included.
inline constexpr uint32_t kMaxExpressionHeight = 256;
// Deepest nesting of parentheses, calls, unary minus and conditions accepted.
inline constexpr size_t kMaxNestingDepth = 64;

// Parses one query. On a syntax error returns InvalidArgument with the position and a caret
// line under the offending line, e.g.
//   "1:8: expected ')'\n  yoy(gdp\n         ^"
// Never throws. Thread-safe (no shared state).
Result<ast::Query> ParseQuery(std::string_view text);

// "L:C: message\n  <the line>\n  <caret under byte offset `byte`>" for any error that refers to
// a place in the query (the executor uses it for unknown series and type errors). Columns count
// characters; the caret is placed by display width (CJK characters are two columns wide).
std::string FormatErrorAt(std::string_view text, size_t byte, std::string_view message);

}  // namespace ixdb::query
