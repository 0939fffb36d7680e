#pragma once
// The registry of the query language's functions (internal to query/): for each function its
// name, parameters with their kinds and defaults, the rule for its result's unit, a summary, a
// formula, an example and its implementation. The grammar has one rule for every call; the
// binder checks each call against the entry of its name. Adding a function is one entry in the
// family file that implements it (query/functions/*.cpp) plus golden cases: no grammar, parser
// or dispatch changes. `functions()` lists the registry, so the shell's help and completion and
// every client read the same list.

#include <string>
#include <string_view>
#include <vector>

#include "query/ast.hpp"
#include "query/table.hpp"

namespace ixdb::query {

class Evaluator;
class Executor;
struct SeriesData;
struct Ctx;

enum class ParamKind : uint8_t {
  kSeries,       // an expression giving series: gdp, yoy(gdp), series(kind=rate)
  kPeriod,       // 2023, 2023Q3, 2023H1, 2023年前三季度
  kPeriodRange,  // 2022:2023 or a single period
  kDate,         // 2024-01-20
  kInteger,      // 4, -1
  kWord,         // one of Param::words: sum, avg, end
  kText,         // free text: "preliminary", 零售
  kSelector,     // code globs and key=value filters, any number of them (series(...))
};
const char* ParamKindName(ParamKind k);

struct Param {
  std::string name;  // as shown in the signature: x, from, n, method
  ParamKind kind = ParamKind::kSeries;
  std::string default_value;       // shown as n=1; empty: required (unless `optional`)
  bool optional = false;           // may be left out even without a default (targets())
  std::vector<std::string> words;  // kWord: the words accepted
};

// What a call gives back: series (usable inside expressions) or a table (only at the top of
// a query, or inside asof/first).
enum class ResultShape : uint8_t { kSeries, kTable };

using SeriesImpl = SeriesData (*)(Evaluator& ev, const ast::Node& call, const Ctx& ctx);
using TableImpl = Table (*)(Executor& ex, const ast::Node& call, const Ctx& ctx);

struct FunctionDef {
  std::string name;
  std::string
      family;  // transforms, growth, frequency, arithmetic, targets, vintages, metadata, aggregates
  std::vector<Param> params;
  ResultShape shape = ResultShape::kSeries;
  std::string unit_rule;        // "unit of x", "%", "pp for rates, % for levels", ...
  std::string summary;          // one line
  std::string formula;          // what is computed, in the notation of docs/query-language.md
  std::string example;          // a query that runs against the demo data
  SeriesImpl series = nullptr;  // kSeries
  TableImpl table = nullptr;    // kTable; also set for wrappers (asof, first) of tables
  // asof(...)/first(...) take series or a table function and give the same shape back.
  bool wraps_tables = false;
  // sum(series(...)) and the other folds: the series(...) inside the argument is the call's
  // own selection, folded into one series (not the query's binding).
  bool folds_selection = false;
  // cagr, avg_growth: each row covers from_period..period (the value column's rows show both).
  bool from_column = false;

  // "cagr(x, from, to)", "diff(x, n=1)", "series(selector...)".
  std::string Signature() const;
  // Index of the parameter called `name`. REQUIRES: it exists.
  size_t ParamIndex(std::string_view name) const;
};

class FunctionRegistry {
 public:
  // The registry of every built-in function (built once, thread-safe).
  static const FunctionRegistry& Get();

  // nullptr when there is no function of that name.
  const FunctionDef* Find(std::string_view name) const;
  // In registration order (family by family).
  const std::vector<FunctionDef>& all() const { return functions_; }

  void Add(FunctionDef def);

 private:
  std::vector<FunctionDef> functions_;
};

// Registration of each family (query/functions/*.cpp).
void RegisterTransformFunctions(FunctionRegistry& r);
void RegisterGrowthFunctions(FunctionRegistry& r);
void RegisterFrequencyFunctions(FunctionRegistry& r);
void RegisterArithmeticFunctions(FunctionRegistry& r);
void RegisterTargetFunctions(FunctionRegistry& r);
void RegisterProgressFunctions(FunctionRegistry& r);
void RegisterVintageFunctions(FunctionRegistry& r);
void RegisterMetadataFunctions(FunctionRegistry& r);
void RegisterAggregateFunctions(FunctionRegistry& r);

}  // namespace ixdb::query
