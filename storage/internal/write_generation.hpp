#pragma once
// Counts the writes applied to a store's observations, so that a reader can name the state its
// RocksDB snapshot shows (internal to storage/). The cache of decoded series tags an entry
// with the generation it was decoded at; a view whose snapshot shows that same generation may
// use the entry without reading the series' chunks again, which is most of a one-series read
// when the machine's caches are cold (RocksDB's iterator, its blocks, the chunk bytes).
//
// A writer brackets every change to the observations with a WriteGeneration::Scope (it may
// fail half-way: the generation moves on anyway). A reader calls Before(), takes its snapshot,
// then After(): the result is the generation the snapshot shows, or kUnknown if a write was
// being applied meanwhile (the snapshot may or may not include it). Seqlock-style: the count
// moves when a write begins and again when it ends, and in_flight_ is not zero in between, so
// a snapshot taken between two equal, quiet readings shows exactly that generation's state.

#include <atomic>
#include <cstdint>
#include <limits>

namespace ixdb::storage::internal {

class WriteGeneration {
 public:
  static constexpr uint64_t kUnknown = std::numeric_limits<uint64_t>::max();

  class Scope {
   public:
    explicit Scope(WriteGeneration& g) : g_(g) {
      g_.in_flight_.fetch_add(1);
      g_.count_.fetch_add(1);
    }
    ~Scope() {
      g_.count_.fetch_add(1);
      g_.in_flight_.fetch_sub(1);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    WriteGeneration& g_;
  };

  // Before taking a snapshot: the current count, or kUnknown while a write is being applied.
  uint64_t Before() const {
    const uint64_t count = count_.load();
    return in_flight_.load() == 0 ? count : kUnknown;
  }
  // After taking it: the generation the snapshot shows, or kUnknown.
  uint64_t After(uint64_t before) const {
    return before != kUnknown && count_.load() == before ? before : kUnknown;
  }

 private:
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> in_flight_{0};
};

}  // namespace ixdb::storage::internal
