#pragma once
// Named formulas (`ixdb define`, the protocol's "define" op): a derived series stored as a
// query expression over other series and computed whenever a query reads its code
// (docs/query-language.md §10). Checking a definition needs the query language (its parse,
// the codes it names, its unit and frequency), so defining goes through here, not straight to
// storage::Store::WriteFormulas.

#include <string>
#include <string_view>

#include "common/date.hpp"
#include "common/status.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

struct FormulaDefinition {
  std::string code;        // [A-Za-z][A-Za-z0-9_]{0,63}, not the code of a stored series
  std::string expression;  // one series expression: gdp / population
  std::string name;        // --name: the Chinese name (list()'s name column); may be empty
  std::string unit;        // --unit: the values are converted to it; empty: the expression's
};

// Checks `def` against a fresh snapshot of `store` and stores it (replacing a formula of the
// same code), with `today` as its updated date. The expression is evaluated once, to learn its
// unit, frequency and kind and to report errors now rather than at every read. Returns the
// stored metadata. Nothing is written when it fails:
//  - InvalidArgument, positioned in the expression ("1:5: ..." with a caret line): a parse or
//    type error, a unit clash, where/order by/limit, a table function, a series(...)
//    selection, a number instead of a series, a --unit it cannot be converted to, a formula
//    that refers to itself directly or through others ("formula a refers to itself: a -> b ->
//    a");
//  - NotFound: a code it names is no series or formula (with the nearest codes);
//  - InvalidArgument: a bad code, or the code of a series of stored data.
Result<storage::SeriesMeta> DefineFormula(storage::Store& store, const FormulaDefinition& def,
                                          Date today);

// Removes formula `code`. NotFound when there is none; InvalidArgument when another formula
// uses it (naming them) or when it is a series of stored data.
Status DropFormula(storage::Store& store, std::string_view code);

// One line for people: "defined gdp_pc = gdp / population (亿元/万人, annual)".
std::string DefinedText(const storage::SeriesMeta& formula);

}  // namespace ixdb::query
