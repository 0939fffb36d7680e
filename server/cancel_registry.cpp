#include "server/cancel_registry.hpp"

#include <cstdint>
#include <random>

namespace ixdb::server {
namespace {

// 128 bits from the operating system's generator (std::random_device reads getrandom() on
// Linux): a key must not be guessable from the keys a client has seen.
std::string NewKey() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string key;
  key.reserve(32);
  for (int i = 0; i < 4; ++i) {
    uint32_t word = rd();
    for (int j = 0; j < 8; ++j) key += kHex[(word >> (4 * j)) & 0xF];
  }
  return key;
}

}  // namespace

CancelRegistry::Registration::Registration(Registration&& other) noexcept
    : registry_(other.registry_), key_(std::move(other.key_)), entry_(std::move(other.entry_)) {
  other.registry_ = nullptr;
}

CancelRegistry::Registration& CancelRegistry::Registration::operator=(
    Registration&& other) noexcept {
  if (this != &other) {
    Unregister();
    registry_ = other.registry_;
    key_ = std::move(other.key_);
    entry_ = std::move(other.entry_);
    other.registry_ = nullptr;
  }
  return *this;
}

void CancelRegistry::Registration::Unregister() {
  if (registry_ == nullptr) return;
  std::lock_guard<std::mutex> lock(registry_->mu_);
  registry_->entries_.erase(key_);
  registry_ = nullptr;
}

const std::atomic<bool>* CancelRegistry::Registration::BeginQuery(std::string query_id) {
  std::lock_guard<std::mutex> lock(registry_->mu_);
  entry_->cancel.store(false);
  entry_->running = true;
  entry_->query_id = std::move(query_id);
  return &entry_->cancel;
}

void CancelRegistry::Registration::EndQuery() {
  std::lock_guard<std::mutex> lock(registry_->mu_);
  entry_->running = false;
  entry_->query_id.clear();
}

CancelRegistry::Registration CancelRegistry::Register() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key;
  do {
    key = NewKey();
  } while (entries_.count(key) != 0);
  auto entry = std::make_shared<Entry>();
  entries_.emplace(key, entry);
  return Registration(this, std::move(key), std::move(entry));
}

CancelRegistry::Outcome CancelRegistry::Cancel(std::string_view key, const std::string* query_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return Outcome::kUnknownKey;
  Entry& e = *it->second;
  if (!e.running || (query_id != nullptr && *query_id != e.query_id)) return Outcome::kIdle;
  e.cancel.store(true);
  return Outcome::kCancelled;
}

size_t CancelRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace ixdb::server
