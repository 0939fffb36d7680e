#pragma once
// Named formulas (ixdb define) inside the query layer (internal to query/): a formula's
// expression parsed and bound for one query, the codes an expression names, and errors that
// say which formula they happened in. A query that names a formula evaluates its expression in
// place of a stored read (Executor::Resolve, Evaluator::Eval).

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "query/ast.hpp"
#include "storage/types.hpp"

namespace ixdb::query {

// One formula as a query uses it.
struct BoundFormula {
  storage::SeriesMeta meta;  // meta.formula: the text that the positions in `query` refer to
  // `(meta.formula) in meta.unit`: a formula's values keep the unit it was defined with.
  ast::Query query;
};

// Formulas nest at most this deep inside one another (a guard: cycles are refused when a
// formula is defined, and by storage).
inline constexpr size_t kMaxFormulaDepth = 16;

// Parses and binds a formula's expression. Throws QueryError (inside query/ only): the parse or
// bind error, positioned in the formula's text, or InvalidArgument when the text is not one
// series expression (where/order by/limit, a table function, a series(...) selection).
std::unique_ptr<BoundFormula> BindFormula(const storage::SeriesMeta& meta);

// Checks that a parsed and bound expression can be a formula (see BindFormula); throws
// QueryError positioned in `text`.
void CheckFormulaExpression(const ast::Query& q, std::string_view text);

// Every code `root` (bound) reads as a series or formula, with the byte offset where it is
// first named.
std::map<std::string, size_t> NamedCodes(const ast::Node& root);

// "gdp_pc = gdp / population"
std::string FormulaText(const storage::SeriesMeta& formula);

// An error that happened inside `formula`, for the query that read it: "in formula gdp_pc =
// gdp / population: <the error>", with the same code. Cancellations and limits pass unchanged.
Status InFormula(const Status& inner, const storage::SeriesMeta& formula);

}  // namespace ixdb::query
