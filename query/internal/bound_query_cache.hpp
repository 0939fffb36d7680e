#pragma once
// Queries parsed and bound, by their text, shared by every query of the process (internal to
// query/). The shell, the web console's charts, dashboards and scripts send the same few query
// texts again and again; a bound query depends only on its text and the function registry
// (never on a store), so it is parsed and bound once and then evaluated as often as asked, the
// way the peers' prepared statements are (bench/peers prepares each SQL read once).
//
// Entries are immutable and held by shared_ptr: several threads may evaluate one at a time
// (evaluation reads the AST only). The least recently used go first beyond kCapacity; texts
// longer than kMaxTextBytes are not kept (one-off generated queries).

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "query/ast.hpp"

namespace ixdb::query {

class BoundQueryCache {
 public:
  static constexpr size_t kCapacity = 256;
  static constexpr size_t kMaxTextBytes = 4096;

  // The process's cache.
  static BoundQueryCache& Shared();

  // The bound query of exactly `text`, or null. Thread-safe.
  std::shared_ptr<const ast::Query> Find(std::string_view text);
  // Keeps `query` (bound) as the one of `text`. Thread-safe.
  void Insert(std::string_view text, std::shared_ptr<const ast::Query> query);

  size_t entries() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Slot {
    std::shared_ptr<const ast::Query> query;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
  };

  mutable std::mutex mu_;
  std::unordered_map<std::string, Slot, Hash, std::equal_to<>> slots_;
  std::list<std::string> lru_;
};

}  // namespace ixdb::query
