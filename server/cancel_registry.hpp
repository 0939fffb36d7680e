#pragma once
// The running query of each connection, found by the connection's cancel key (as PostgreSQL's
// BackendKeyData): `hello` tells a client its connection's key, and a `cancel` request naming
// that key, sent on another connection, stops the query the first one is running. Internal to
// server/ (no Asio type).

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ixdb::server {

// Thread-safe: connections register on the I/O thread, queries begin and end on the workers,
// cancels arrive on any thread.
class CancelRegistry {
 private:
  struct Entry {
    std::atomic<bool> cancel{false};
    bool running = false;  // guarded by the registry's mutex
    std::string query_id;  // of the running query ("" when it has none); guarded likewise
  };

 public:
  // One connection's place in the registry, under a fresh random key; unregistered on
  // destruction (or Unregister). Move-only. Used by one connection at a time.
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() { Unregister(); }
    void Unregister();

    // 32 hex digits (128 random bits); empty for a default-constructed registration.
    const std::string& key() const { return key_; }
    // Marks a query (with the request's "id", "" when none) as running and returns the flag a
    // cancel sets, cleared. REQUIRES: registered, no query running.
    const std::atomic<bool>* BeginQuery(std::string query_id);
    // The query has finished: later cancels find nothing to stop.
    void EndQuery();

   private:
    friend class CancelRegistry;
    Registration(CancelRegistry* registry, std::string key, std::shared_ptr<Entry> entry)
        : registry_(registry), key_(std::move(key)), entry_(std::move(entry)) {}
    CancelRegistry* registry_ = nullptr;
    std::string key_;
    std::shared_ptr<Entry> entry_;
  };

  enum class Outcome {
    kCancelled,   // the connection's running query was told to stop
    kIdle,        // the connection runs no query (or another one than query_id names)
    kUnknownKey,  // no open connection has this key
  };

  CancelRegistry() = default;
  CancelRegistry(const CancelRegistry&) = delete;
  CancelRegistry& operator=(const CancelRegistry&) = delete;

  Registration Register();
  // Stops the running query of the connection whose key is `key`; when `query_id` is non-null,
  // only if that query's id is *query_id (so that a late cancel cannot stop the next query).
  Outcome Cancel(std::string_view key, const std::string* query_id);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace ixdb::server
