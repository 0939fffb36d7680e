#pragma once
// The abstract syntax of an ixdb query (docs/query-language.md): plain structs, filled by the
// PEGTL actions of parser.cpp and evaluated by executor.cpp. Nothing here knows of PEGTL.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"

namespace ixdb::query::ast {

// Every function of the language. The names are the words a user types.
enum class Func : uint8_t {
  kAsof, kFirst, kRevisions, kChanges,
  kYoy, kPop, kDiff, kLag, kLead, kCagr, kLog, kRolling, kDiscrete,
  kAnnual, kQuarterly,
  kShare,
  kTargets, kGap, kNeed,
  kSeries, kList, kDescribe, kSearch,
  kStats,
};
const char* FuncName(Func f);

// Aggregation of a frequency conversion or a rolling window.
enum class Method : uint8_t { kSum, kAvg, kEnd };
const char* MethodName(Method m);

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

struct Node {
  enum class Kind : uint8_t {
    kNumber,   // a literal: number
    kSeries,   // a series by code: text
    kCall,     // func(args...) with literal arguments below
    kBinary,   // args[0] op args[1]
    kNegate,   // -args[0]
    kRange,    // args[0][from:to]
    kConvert,  // args[0] in unit
  };
  Kind kind = Kind::kNumber;
  size_t pos = 0;          // byte offset where the node starts (for error messages)
  double number = 0;       // kNumber
  std::string text;        // kSeries: code; kConvert: unit; kSearch: text
  char op = 0;             // kBinary: + - * /
  Func func = Func::kYoy;  // kCall
  std::vector<std::unique_ptr<Node>> args;  // sub-expressions
  // Literal arguments of calls and ranges.
  std::vector<PeriodArg> periods;          // kRange: from/to (see has_from/has_to); calls
  bool has_from = false, has_to = false;   // kRange
  std::optional<Date> date;                // asof, changes
  std::optional<int64_t> count;            // diff/lag/lead/rolling n
  std::optional<Method> method;            // rolling, annual, quarterly
  std::vector<Filter> filters;             // series/list/describe
  std::vector<std::string> patterns;       // series/list/describe: code globs
};

// One comparison of a where clause: column op literal.
struct Condition {
  enum class Kind : uint8_t { kCompare, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  std::string column;
  std::string op;        // = != < <= > >= ~ (contains)
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
