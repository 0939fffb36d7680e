#include "server/connection_manager.hpp"

#include <utility>
#include <vector>

namespace ixdb::server {

ConnectionManager::Slot& ConnectionManager::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    manager_ = other.manager_;
    other.manager_ = nullptr;
  }
  return *this;
}

void ConnectionManager::Slot::Release() {
  if (manager_ == nullptr) return;
  --manager_->served_;
  manager_ = nullptr;
}

void ConnectionManager::Registration::Unregister() {
  if (manager_ == nullptr) return;
  manager_->closers_.erase(id_);
  manager_ = nullptr;
}

ConnectionManager::Slot ConnectionManager::Reserve() {
  ++served_;
  return Slot(this);
}

ConnectionManager::Registration ConnectionManager::Register(std::function<void()> close) {
  uint64_t id = next_id_++;
  closers_.emplace(id, std::move(close));
  return Registration(this, id);
}

void ConnectionManager::StopAll() {
  stopping_ = true;
  // A copy: a closer only closes a socket (its connection unregisters later, when its
  // coroutine resumes), but the loop must not depend on that.
  std::vector<std::function<void()>> closers;
  closers.reserve(closers_.size());
  for (const auto& [id, close] : closers_) closers.push_back(close);
  for (const auto& close : closers) close();
}

}  // namespace ixdb::server
