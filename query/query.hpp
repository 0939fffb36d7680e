#pragma once
// The entry point of the ixdb query language (docs/query-language.md). Knows nothing of
// sockets or terminals: text in, a typed Table (or an error) out.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
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
// numbers, and for the renderers of query/columnar_render.hpp, which print exactly what
// RunQuery's Table prints without making it. Same semantics and errors as RunQuery;
// InvalidArgument for table functions (targets, revisions, list...) and row clauses.
struct SeriesColumns {
  std::string indicator;  // as RunQuery's indicator column
  std::string unit;       // as RunQuery's unit column
  Frequency frequency = Frequency::kAnnual;
  bool cumulative = false;     // periods print in span form (FormatPeriod(p, true))
  std::vector<Period> period;  // ascending
  std::vector<double> value;   // NaN: missing (an empty cell in RunQuery)
  // Per row (empty: all 0): periods before `period` the row also covers; a row with one prints
  // its period in span form too (NBS's combined 1-2月).
  std::vector<uint8_t> extent;
  // The from_period column (cagr, avg_growth), when ColumnarResult::from_column.
  std::vector<Period> from;
  // Straight from storage: `vintage` and `status` (storage::ObsStatus) are filled. A formula
  // among the series of a raw selection has neither (its cells are empty).
  bool raw = false;
  std::vector<Date> vintage;
  std::vector<uint8_t> status;
  // Per row (empty: none): the qualifier code (storage::Qualifier, 4: bounds that point
  // opposite ways), shown in the qualifier column (~, >=, <=, ?) unless the value is missing.
  std::vector<uint8_t> qualifier;
};
struct ColumnarResult {
  std::vector<SeriesColumns> series;
  // The columns RunQuery's Table has: indicator, period, value, unit, then from_period when
  // `from_column`, vintage and status when `raw_columns`, qualifier when `qualifier_column`.
  bool from_column = false;
  bool raw_columns = false;
  bool qualifier_column = false;
  // As RunQuery's Table::notes.
  std::vector<std::string> notes;
  size_t RowCount() const;
};
Result<ColumnarResult> RunValueQuery(storage::ReadView& view, std::string_view text,
                                     const QueryOptions& options = {});
Result<ColumnarResult> RunValueQuery(storage::Store& store, std::string_view text,
                                     const QueryOptions& options = {});

// The same against a fresh snapshot of `store`; scans over many series use
// options.threads read views of it. Thread-safe (a Store may be shared).
Result<Table> RunQuery(storage::Store& store, std::string_view text,
                       const QueryOptions& options = {});

// Any query's answer in the form that renders cheapest: a value query's columns (RunValueQuery's
// result, printed by query/columnar_render.hpp without Table rows), any other query's Table
// (RunQuery's). Render it with the Answer overloads of query/columnar_render.hpp; their bytes
// are those of the Table renderers of RunQuery's result.
struct Answer {
  bool columnar = false;
  ColumnarResult values;  // when columnar
  Table table;            // otherwise
  size_t RowCount() const { return columnar ? values.RowCount() : table.rows.size(); }
  const std::vector<std::string>& notes() const { return columnar ? values.notes : table.notes; }
};
// Runs one query as RunQuery does (same semantics and errors) into an Answer: columnar for a
// value query without where/order by/limit, a Table otherwise. Thread-safe on a Store.
Result<Answer> RunAnswer(storage::ReadView& view, std::string_view text,
                         const QueryOptions& options = {});
Result<Answer> RunAnswer(storage::Store& store, std::string_view text,
                         const QueryOptions& options = {});

}  // namespace ixdb::query
