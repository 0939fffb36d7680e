#pragma once
// The abstract syntax of an ixdb query (docs/query-language.md): plain structs, filled by the
// PEGTL actions of parser.cpp, checked against the function registry by the binder and
// evaluated by the evaluator. Nothing here knows of PEGTL.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"

namespace ixdb::query {
struct FunctionDef;  // query/internal/function_registry.hpp
}

namespace ixdb::query::ast {

// A metadata condition inside series(...), list(...), describe(...): key=value.
struct Filter {
  enum class Key : uint8_t { kCode, kName, kUnit, kKind, kFreq, kRegion, kCumulative };
  Key key = Key::kCode;
  std::string value;
  size_t pos = 0;  // byte offset of the filter in the query text (for errors)
};

// A period as written in the query, resolved against a series' frequency at evaluation.
struct PeriodArg {
  ParsedPeriod parsed;
  std::string text;
  size_t pos = 0;
};

// A selection of series: code globs (alternatives) and metadata filters (all must hold).
struct Selector {
  std::vector<std::string> patterns;
  std::vector<Filter> filters;
};

// A period range argument: revisions(x, 2022:2023); a single period has from == to.
struct PeriodRange {
  std::optional<PeriodArg> from, to;
};

struct Node;

// One argument of a call as written. The grammar has one rule for every call (the function
// registry knows what each function takes); the binder turns these into Node::Bound values.
struct CallArg {
  enum class Kind : uint8_t {
    kExpr,     // an expression: a series, a number, a call, arithmetic
    kWord,     // a token that starts with four digits: a period, a date, a range a:b, a year
    kString,   // "text" or 'text'
    kFilter,   // key=value (series/list/describe selectors)
    kPattern,  // a code glob with * or ?
    kText,     // anything else up to ',' or ')' (search(零售))
  };
  Kind kind = Kind::kExpr;
  std::string text;  // the token (unquoted for strings); kFilter: the value
  std::string key;   // kFilter: the key as written
  size_t pos = 0;    // byte offset of the argument
  size_t key_pos = 0;
  std::unique_ptr<Node> expr;  // kExpr
};

struct Node {
  enum class Kind : uint8_t {
    kNumber,   // a literal: number
    kSeries,   // a series by code: text
    kCall,     // text(call_args...), bound to `def` and `bound` by the binder
    kBinary,   // args[0] op args[1]
    kNegate,   // -args[0]
    kRange,    // args[0][from:to]
    kConvert,  // args[0] in unit
  };
  Kind kind = Kind::kNumber;
  size_t pos = 0;       // byte offset where the node starts (for error messages)
  uint32_t height = 1;  // the longest path from here to a leaf (the parser bounds it)
  double number = 0;    // kNumber
  std::string text;     // kSeries: code; kConvert: unit; kCall: the function name
  char op = 0;          // kBinary: + - * / ^
  std::vector<std::unique_ptr<Node>> args;  // operands of kBinary, kNegate, kRange, kConvert
  // kRange: the bounds.
  std::vector<PeriodArg> periods;  // [0] from, [1] to (see has_from/has_to)
  bool has_from = false, has_to = false;

  // kCall: the arguments as written; after binding, the function and one value per parameter
  // of its signature, defaults filled in.
  std::vector<CallArg> call_args;
  const FunctionDef* def = nullptr;
  size_t end_pos = 0;  // kCall: the closing ')' (errors about missing arguments point there)
  struct Bound {
    const Node* expr = nullptr;        // series parameters (points into call_args)
    std::optional<PeriodArg> period;   // period parameters
    std::optional<PeriodRange> range;  // period-range parameters
    std::optional<Date> date;          // date parameters
    std::optional<int64_t> integer;    // integer parameters
    std::string word;                  // word and text parameters (a default when not given)
    Selector selector;                 // selector parameters: every selector argument
    size_t pos = 0;                    // where the argument was written (else the call)
    bool given = false;                // false: the default applies
  };
  std::vector<Bound> bound;
};

// One comparison of a where clause: column op literal.
struct Condition {
  enum class Kind : uint8_t { kCompare, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  std::string column;
  std::string op;  // = != < <= > >= ~ (contains)
  std::string literal;
  bool literal_null = false;  // `null`
  size_t pos = 0;
  std::vector<std::unique_ptr<Condition>> args;  // kAnd/kOr: 2; kNot: 1
};

struct OrderKey {
  std::string column;
  bool descending = false;
  size_t pos = 0;
};

struct Query {
  std::unique_ptr<Node> expr;
  std::unique_ptr<Condition> where;
  std::vector<OrderKey> order;
  std::optional<int64_t> limit;
};

}  // namespace ixdb::query::ast
