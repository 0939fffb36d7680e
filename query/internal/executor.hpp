#pragma once
// The executor of one query (internal to query/): resolves series, evaluates the expression for
// every binding of a series(...) selection (in parallel when allowed), and gives table
// functions (query/functions/*.cpp) what they need: catalog lookups with suggestions,
// selections, rows with where/order by/limit, notes.

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/ast.hpp"
#include "query/internal/evaluator.hpp"
#include "query/internal/row_collector.hpp"
#include "query/internal/series_data.hpp"
#include "query/query.hpp"
#include "query/table.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

class Executor {
 public:
  Executor(const ast::Query& q, std::string_view text, storage::ReadView& view,
           const QueryOptions& options)
      : q_(q), text_(text), view_(view), options_(options) {}

  Table Run();
  ColumnarResult RunColumns();

  // ---- for table functions ----
  // The table of `n` read as `ctx` says: a table function, or a value expression's rows.
  Table EvalTable(const ast::Node& n, const Ctx& ctx);
  // The rows of a value expression (indicator, period, value, unit, ...).
  Table Values(const ast::Node& root, const Ctx& ctx);
  [[noreturn]] void Err(size_t pos, const std::string& msg) const;
  [[noreturn]] void NotFoundAt(size_t pos, const std::string& msg) const;
  // The metadata of a series of stored data; fails with NotFound.
  const storage::SeriesMeta& Meta(const std::string& code);
  // Every series of stored data and every named formula, ordered by code.
  MetaList AllSeries() const { return view_.ListMeta(); }
  // The series or formula a code names, or NotFound with the nearest codes.
  const storage::SeriesMeta& LookupSeries(const std::string& code, size_t pos);
  // The series a selector picks, in code order.
  MetaList Select(const ast::Selector& sel, size_t pos);
  // The series named by x of revisions/gap/need (a code, series(...), possibly inside asof or
  // first, which set *ctx).
  MetaList Selection(const ast::Node& x, Ctx* ctx);
  // Resolves the series of a value expression once, before evaluation.
  Plan MakePlan(const ast::Node& root);
  // Adds named formula `meta` to `plan`: parsed, bound and its own codes resolved (once per
  // code), so that Evaluator::Read computes it (query/internal/formula.cpp).
  void AddFormula(const storage::SeriesMeta& meta, Plan& plan);
  RowCollector Rows(std::vector<Column> columns) {
    return RowCollector(q_, std::move(columns), options_, text_);
  }
  void Note(std::string note);
  [[noreturn]] void ErrPercentProduct(const ast::Node& root) const;

  // Evaluates `root` once per series of the plan's driver (in parallel when allowed). `map`
  // runs on the worker thread that evaluated a series and turns it into a Slot (rows, a partial
  // aggregate...); `sink` then receives the slots in selection order on the calling thread and
  // stops early by returning false. Defined in internal/for_each_binding.hpp.
  template <typename Slot, typename Map, typename Sink>
  void ForEachBinding(const ast::Node& root, const Ctx& ctx, const Plan& plan, size_t chunk,
                      const Map& map, const Sink& sink);

  storage::ReadView& view() { return view_; }
  const QueryOptions& options() const { return options_; }
  std::string_view text() const { return text_; }
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  void Resolve(const ast::Node& n, Plan& plan);
  void ResolveFold(const ast::Node& call, Plan& plan);
  // How the query's outermost reads see the store: the latest versions, or QueryOptions::as_of.
  Ctx RootCtx() const;

  const ast::Query& q_;
  std::string_view text_;
  storage::ReadView& view_;
  const QueryOptions& options_;
  std::vector<std::string> notes_;
};

// The status of first(x, "preliminary") (nullopt: any status).
std::optional<storage::ObsStatus> FirstStatus(const ast::Node& first_call);

// Series evaluated per parallel round before their rows are handed to the collector.
inline constexpr size_t kBindingChunk = 1024;

}  // namespace ixdb::query
