#pragma once
// Executor::ForEachBinding (internal/executor.hpp), in a header of its own because it is a
// template used by Values, stats and the aggregates.

#include <algorithm>
#include <memory>
#include <new>
#include <vector>

#include "common/parallel.hpp"
#include "query/internal/executor.hpp"

namespace ixdb::query {

// Below this many series a selection is evaluated on the calling thread only.
inline constexpr size_t kParallelThreshold = 64;

template <typename Slot, typename Map, typename Sink>
void Executor::ForEachBinding(const ast::Node& root, const Ctx& ctx, const Plan& plan, size_t chunk,
                              const Map& map, const Sink& sink) {
  if (plan.driver == nullptr) {
    Evaluator ev(view_, plan, text_, options_);
    SeriesData d = ev.Eval(root, ctx, nullptr);
    if (d.scalar)
      Err(root.pos, "the query names no series (e.g. gdp, yoy(gdp), series(kind=rate))");
    Slot slot;
    map(std::move(d), slot);
    for (const std::string& note : ev.notes()) Note(note);
    sink(std::move(slot));
    return;
  }
  const auto& all = plan.driver_series;
  const int threads = options_.new_view && all.size() >= kParallelThreshold
                          ? std::max(1, std::min(options_.threads, 16))
                          : 1;
  // One evaluator per worker, each reading through a view of its own (a ReadView is
  // single-threaded); worker 0 is the calling thread with the query's view.
  std::vector<std::unique_ptr<storage::ReadView>> views;
  std::vector<std::unique_ptr<Evaluator>> evals;
  evals.push_back(std::make_unique<Evaluator>(view_, plan, text_, options_));
  for (int t = 1; t < threads; ++t) {
    views.push_back(options_.new_view());
    if (!views.back()) break;
    evals.push_back(std::make_unique<Evaluator>(*views.back(), plan, text_, options_));
  }
  std::vector<Slot> slots;
  for (size_t begin = 0; begin < all.size(); begin += chunk) {
    const size_t end = std::min(all.size(), begin + chunk);
    slots.clear();
    slots.resize(end - begin);
    Status s = ParallelFor(end - begin, static_cast<int>(evals.size()), [&](size_t i, int worker) {
      try {
        map(evals[static_cast<size_t>(worker)]->Eval(root, ctx, all[begin + i]), slots[i]);
      } catch (const QueryError& e) {
        return e.status;
      } catch (const std::bad_alloc&) {
        return Status::LimitExceeded("out of memory evaluating the query");
      }
      return Status::OK();
    });
    if (!s.ok()) Fail(s);
    for (const auto& ev : evals) {
      for (const std::string& note : ev->notes()) Note(note);
    }
    for (auto& slot : slots) {
      if (!sink(std::move(slot))) return;
    }
  }
}

}  // namespace ixdb::query
