#include "query/query.hpp"

#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "query/executor.hpp"

namespace ixdb::query {

Status CheckCancelled(const QueryOptions& options) {
  if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
    return Status::Cancelled("the query was cancelled");
  }
  if (options.deadline != std::chrono::steady_clock::time_point::max() &&
      std::chrono::steady_clock::now() > options.deadline) {
    return Status::Cancelled("the query ran past its time limit");
  }
  return Status::OK();
}

// Every entry point parses and binds through ParseAndBind (executor.hpp): a text asked again
// is evaluated without being parsed again.
Result<Table> RunQuery(storage::ReadView& view, std::string_view text,
                       const QueryOptions& options) {
  auto bound = ParseAndBind(text);
  if (!bound.ok()) return bound.status();
  return ExecuteBound(**bound, text, view, options);
}

Result<ColumnarResult> RunValueQuery(storage::ReadView& view, std::string_view text,
                                     const QueryOptions& options) {
  auto bound = ParseAndBind(text);
  if (!bound.ok()) return bound.status();
  return ExecuteBoundColumns(**bound, text, view, options);
}

Result<ColumnarResult> RunValueQuery(storage::Store& store, std::string_view text,
                                     const QueryOptions& options) {
  std::unique_ptr<storage::ReadView> view = store.NewReadView();
  if (!view) return Status::IOError("cannot open a read view");
  QueryOptions opts = options;
  // The worker threads read the same snapshot (not a newer one a load may have committed).
  if (!opts.new_view) opts.new_view = [&view]() { return view->NewViewOfSnapshot(); };
  return RunValueQuery(*view, text, opts);
}

size_t ColumnarResult::RowCount() const {
  size_t n = 0;
  for (const SeriesColumns& s : series) n += s.period.size();
  return n;
}

Result<Answer> RunAnswer(storage::ReadView& view, std::string_view text,
                         const QueryOptions& options) {
  auto bound = ParseAndBind(text);
  if (!bound.ok()) return bound.status();
  return ExecuteBoundAnswer(**bound, text, view, options);
}

namespace {

// Runs `run` on a fresh view of the store; the query's worker threads read the same snapshot
// (not a newer one a load may have committed meanwhile).
template <typename Run>
auto OnFreshView(storage::Store& store, const QueryOptions& options, Run run)
    -> decltype(run(std::declval<storage::ReadView&>(), options)) {
  std::unique_ptr<storage::ReadView> view;
  try {
    view = store.NewReadView();
  } catch (const std::exception& e) {
    return Status::IOError(std::string("cannot open a read view: ") + e.what());
  }
  if (!view) return Status::IOError("cannot open a read view");
  QueryOptions opts = options;
  if (!opts.new_view) opts.new_view = [&view]() { return view->NewViewOfSnapshot(); };
  return run(*view, opts);
}

}  // namespace

Result<Answer> RunAnswer(storage::Store& store, std::string_view text,
                         const QueryOptions& options) {
  return OnFreshView(store, options, [text](storage::ReadView& view, const QueryOptions& opts) {
    return RunAnswer(view, text, opts);
  });
}

Result<Table> RunQuery(storage::Store& store, std::string_view text, const QueryOptions& options) {
  return OnFreshView(store, options, [text](storage::ReadView& view, const QueryOptions& opts) {
    return RunQuery(view, text, opts);
  });
}

}  // namespace ixdb::query
