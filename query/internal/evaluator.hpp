#pragma once
// The evaluator of value expressions (internal to query/): series codes, numbers, operators,
// ranges, unit conversion, and calls dispatched through the function registry. One per thread:
// it owns nothing but a cache of the single series it has read for the current query.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "query/ast.hpp"
#include "query/internal/series_data.hpp"
#include "query/query.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

struct BoundFormula;  // query/internal/formula.hpp

// Series metadata as the read view holds it (never copied: a full scan selects every series).
using MetaList = std::vector<const storage::SeriesMeta*>;

// The series each selector names, resolved once before evaluation. The pointers are into the
// query's read view (shared by every view of its snapshot).
struct Plan {
  std::unordered_map<const ast::Node*, const storage::SeriesMeta*> single;  // kSeries leaves
  const ast::Node* driver = nullptr;  // the series(...) iterated over
  MetaList driver_series;
  // Calls that fold a selection of their own (sum(series(...))): the series it selects.
  std::unordered_map<const ast::Node*, MetaList> folded;
  // True when one evaluator evaluates the same node more than once (several bindings, folds,
  // realtime): it then caches reads.
  bool Repeats() const { return driver != nullptr || !folded.empty(); }
  // The named formulas read (by code, also inside other formulas), parsed and bound once.
  std::map<std::string, std::shared_ptr<const BoundFormula>, std::less<>> formulas;
};

class Evaluator {
 public:
  Evaluator(storage::ReadView& view, const Plan& plan, std::string_view text,
            const QueryOptions& options)
      : view_(view), plan_(plan), text_(text), options_(options) {}

  // Evaluates `n` with series(...) standing for `bound` (nullptr when the query has none).
  SeriesData Eval(const ast::Node& n, const Ctx& ctx, const storage::SeriesMeta* bound);
  // The values of one series as `ctx` reads them (a named formula: computed, as `ctx` reads
  // the series it names).
  SeriesData Read(const storage::SeriesMeta& meta, const Ctx& ctx);

  // For function implementations: the series parameter `param` of `call`, evaluated (an error
  // naming the function when it is a number).
  SeriesData Arg(const ast::Node& call, size_t param, const Ctx& ctx);
  // The period parameter `param` of `call` resolved against `d`'s frequency.
  Period PeriodParam(const ast::Node& call, size_t param, const SeriesData& d) const;
  Period ResolveArg(const ast::PeriodArg& p, const SeriesData& d) const;
  // a op b aligned by period, with units checked (+ - * / ^).
  SeriesData Binary(const ast::Node& n, char op, SeriesData a, SeriesData b);
  // The series a folding call (sum(series(...))) runs over.
  const MetaList& Folded(const ast::Node& call) const;
  // A remark for the result's notes (an empty result's reason, a bound shown as a bound).
  void Note(std::string note);
  const std::vector<std::string>& notes() const { return notes_; }
  // The canonical text of `n` (labels of combinations, messages).
  std::string Text(const ast::Node& n) const;
  [[noreturn]] void Err(size_t pos, const std::string& msg) const;
  // A product of two percentages used as a value (it needs / 100 to be in pp).
  [[noreturn]] void ErrPercentProduct(const ast::Node& n) const;

  const storage::SeriesMeta* bound() const { return bound_; }
  const Plan& plan() const { return plan_; }
  storage::ReadView& view() { return view_; }
  const QueryOptions& options() const { return options_; }
  std::string_view text() const { return text_; }

 private:
  SeriesData ReadFormula(const storage::SeriesMeta& meta, const Ctx& ctx);  // internal/formula.cpp
  SeriesData ConvertUnit(const ast::Node& n, SeriesData d);
  SeriesData RangeFilter(const ast::Node& n, SeriesData d);
  SeriesData WithScalar(const ast::Node& n, char op, SeriesData a, SeriesData b, std::string label,
                        std::string unit, storage::MeasureKind measure);
  SeriesData Aligned(const ast::Node& n, char op, SeriesData a, SeriesData b, double factor,
                     std::string label, std::string unit, storage::MeasureKind measure,
                     const std::string& a_text, const std::string& b_text);
  // The cache key of a node read under a context.
  struct CacheKey {
    const ast::Node* node;
    storage::ReadMode mode;
    int32_t as_of;
    int status;
    bool operator==(const CacheKey& o) const {
      return node == o.node && mode == o.mode && as_of == o.as_of && status == o.status;
    }
  };
  struct CacheKeyHash {
    size_t operator()(const CacheKey& k) const {
      return std::hash<const void*>()(k.node) ^
             (static_cast<size_t>(k.as_of) * 31 + k.status * 7 + static_cast<size_t>(k.mode));
    }
  };
  static CacheKey KeyOf(const ast::Node& n, const Ctx& ctx);

  storage::ReadView& view_;
  const Plan& plan_;
  std::string_view text_;
  const QueryOptions& options_;
  // Reads (and folds) already evaluated, by node and context: the same node is read again for
  // every binding, and under other contexts by realtime().
  std::unordered_map<CacheKey, SeriesData, CacheKeyHash> cache_;
  const storage::SeriesMeta* bound_ = nullptr;  // the binding being evaluated
  std::vector<std::string> notes_;
};

// The query text of an expression in canonical form. `bound` names the series a series(...)
// selection stands for in this evaluation.
std::string ExprText(const ast::Node& n, const storage::SeriesMeta* bound, int parent_prec = 0,
                     bool right = false);

// a + b and a - b: the unit of the result and the factor that brings b into a's unit; % and
// pp add as percentages; units that measure different things are an error (`why` says so).
struct SumUnit {
  std::string unit;
  double factor = 1;
  bool ok = true;
};
SumUnit AddableUnits(const std::string& a, const std::string& b);

// The method words of frequency conversions and windows.
enum class Method : uint8_t { kSum, kAvg, kEnd };
Method ParseMethod(std::string_view word);  // REQUIRES: a word the registry allowed

}  // namespace ixdb::query
