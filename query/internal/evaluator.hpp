#pragma once
// The evaluator of value expressions (internal to query/): series codes, numbers, operators,
// ranges, unit conversion, and calls dispatched through the function registry. One per thread:
// it owns nothing but a cache of the single series it has read for the current query.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "query/ast.hpp"
#include "query/internal/series_data.hpp"
#include "query/query.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

// The series each selector names, resolved once before evaluation.
struct Plan {
  std::unordered_map<const ast::Node*, storage::SeriesMeta> single;  // kSeries leaves
  const ast::Node* driver = nullptr;  // the series(...) iterated over
  std::vector<storage::SeriesMeta> driver_series;
};

class Evaluator {
 public:
  Evaluator(storage::ReadView& view, const Plan& plan, std::string_view text,
            const QueryOptions& options)
      : view_(view), plan_(plan), text_(text), options_(options) {}

  // Evaluates `n` with series(...) standing for `bound` (nullptr when the query has none).
  SeriesData Eval(const ast::Node& n, const Ctx& ctx, const storage::SeriesMeta* bound);
  // The values of one series as `ctx` reads them.
  SeriesData Read(const storage::SeriesMeta& meta, const Ctx& ctx);

  // For function implementations: the series parameter `param` of `call`, evaluated (an error
  // naming the function when it is a number).
  SeriesData Arg(const ast::Node& call, size_t param, const Ctx& ctx);
  // The period parameter `param` of `call` resolved against `d`'s frequency.
  Period PeriodParam(const ast::Node& call, size_t param, const SeriesData& d) const;
  Period ResolveArg(const ast::PeriodArg& p, const SeriesData& d) const;
  // a op b aligned by period, with units checked (+ - * / ^).
  SeriesData Binary(const ast::Node& n, char op, SeriesData a, SeriesData b);
  // The canonical text of `n` (labels of combinations, messages).
  std::string Text(const ast::Node& n) const;
  [[noreturn]] void Err(size_t pos, const std::string& msg) const;

  const storage::SeriesMeta* bound() const { return bound_; }
  storage::ReadView& view() { return view_; }
  const QueryOptions& options() const { return options_; }
  std::string_view text() const { return text_; }

 private:
  SeriesData ConvertUnit(const ast::Node& n, SeriesData d);
  SeriesData RangeFilter(const ast::Node& n, SeriesData d);

  storage::ReadView& view_;
  const Plan& plan_;
  std::string_view text_;
  const QueryOptions& options_;
  std::unordered_map<const ast::Node*, SeriesData> cache_;
  const storage::SeriesMeta* bound_ = nullptr;  // the binding being evaluated
};

// The query text of an expression in canonical form. `bound` names the series a series(...)
// selection stands for in this evaluation.
std::string ExprText(const ast::Node& n, const storage::SeriesMeta* bound, int parent_prec = 0,
                     bool right = false);

// The method words of frequency conversions and windows.
enum class Method : uint8_t { kSum, kAvg, kEnd };
Method ParseMethod(std::string_view word);  // REQUIRES: a word the registry allowed

}  // namespace ixdb::query
