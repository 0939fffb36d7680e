#pragma once
// The entry point of the ixdb query language (docs/query-language.md). Knows nothing of
// sockets or terminals: text in, a typed Table (or an error) out.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/status.hpp"
#include "query/table.hpp"
#include "storage/store.hpp"

namespace ixdb::query {

struct QueryOptions {
  // Queries whose result would exceed this many rows fail with LimitExceeded instead of
  // allocating without bound. Default: 1,000,000.
  size_t max_rows = 1'000'000;
  // Tolerance applied to "about" targets (~ 左右/约, 同步, 控制在X左右) that carry none, for
  // targets in % or pp: in percentage points. Default: 0.5.
  double default_about_tolerance = 0.5;
  // The same for targets on levels, counts and ratios, as a fraction of the target, so that a
  // target gets the same status whatever unit it is written in (约2万亿元 = 约20000亿元).
  // Default: 0.02 (2% of the target).
  double default_about_relative_tolerance = 0.02;
  // Scans over many series (series(...) selections, stats(...)) run on up to this many
  // threads when `new_view` is set; each extra thread reads through its own view (a ReadView
  // is single-threaded). Default: 2.
  int threads = 2;
  // Makes a read view for a worker thread. It must see the same snapshot as the view given to
  // RunQuery (ReadView::NewViewOfSnapshot). Empty: everything runs on the calling thread. The
  // Store overload of RunQuery sets it.
  std::function<std::unique_ptr<storage::ReadView>()> new_view;
  // Stops the query with Cancelled when it becomes true (the shell's Ctrl-C, the server's cancel
  // request). Checked before each series is read and every 1024 result rows, so that a full scan
  // stops within milliseconds. nullptr: never.
  const std::atomic<bool>* cancel = nullptr;
  // Stops the query with Cancelled once this time has passed (the server's --query-timeout).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Every read outside an asof(...) or first(...) of the query sees the store as known at the
  // end of this day, as if the whole query were wrapped in asof(..., as_of) (the shell's
  // `.asof DATE`). An asof or first inside the query still decides for what it wraps.
  // nullopt: the latest version.
  std::optional<Date> as_of;
};

// Cancelled when options.cancel is set or the deadline has passed, else OK. Cheap.
Status CheckCancelled(const QueryOptions& options);

// Parses and evaluates one query against a consistent snapshot.
// Errors (never exceptions):
//  - InvalidArgument for a parse error: the message has the position and a caret line, e.g.
//      "1:9: expected ')'\n  yoy(gdp\n          ^"
//  - NotFound for an unknown series, suggesting the nearest codes;
//  - InvalidArgument for a type or unit clash, naming both operands;
//  - LimitExceeded when the result would exceed options.max_rows.
Result<Table> RunQuery(storage::ReadView& view, std::string_view text,
                       const QueryOptions& options = {});

// The values of a value query (a series, a transform, arithmetic...; no where/order by/limit)
// as columns, one entry per series, without building Table rows: for programs that consume
// numbers (and the benchmark's latency measurement). Same semantics and errors as RunQuery;
// InvalidArgument for table functions (targets, revisions, list...) and row clauses.
struct SeriesColumns {
  std::string indicator;  // as RunQuery's indicator column
  std::string unit;       // as RunQuery's unit column
  Frequency frequency = Frequency::kAnnual;
  bool cumulative = false;     // periods print in span form (FormatPeriod(p, true))
  std::vector<Period> period;  // ascending
  std::vector<double> value;   // NaN: missing (an empty cell in RunQuery)
};
struct ColumnarResult {
  std::vector<SeriesColumns> series;
};
Result<ColumnarResult> RunValueQuery(storage::ReadView& view, std::string_view text,
                                     const QueryOptions& options = {});
Result<ColumnarResult> RunValueQuery(storage::Store& store, std::string_view text,
                                     const QueryOptions& options = {});

// The same against a fresh snapshot of `store`; scans over many series use
// options.threads read views of it. Thread-safe (a Store may be shared).
Result<Table> RunQuery(storage::Store& store, std::string_view text,
                       const QueryOptions& options = {});

}  // namespace ixdb::query
