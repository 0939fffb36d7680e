#include "query/internal/bound_query_cache.hpp"

#include <utility>

namespace ixdb::query {

BoundQueryCache& BoundQueryCache::Shared() {
  static BoundQueryCache* const cache = new BoundQueryCache();  // never destroyed: no exit order
  return *cache;
}

std::shared_ptr<const ast::Query> BoundQueryCache::Find(std::string_view text) {
  if (text.size() > kMaxTextBytes) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(text);
  if (it == slots_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.query;
}

void BoundQueryCache::Insert(std::string_view text, std::shared_ptr<const ast::Query> query) {
  if (text.size() > kMaxTextBytes) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(text);
  if (it != slots_.end()) {
    it->second.query = std::move(query);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  lru_.emplace_front(text);
  slots_.emplace(lru_.front(), Slot{std::move(query), lru_.begin()});
  while (slots_.size() > kCapacity) {
    slots_.erase(slots_.find(lru_.back()));
    lru_.pop_back();
  }
}

size_t BoundQueryCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.size();
}

}  // namespace ixdb::query
