#pragma once
// The live connections of a listener (asio's connection_manager): how many are being served,
// for max_connections, and how to close each one when the server stops. Internal to server/.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>

namespace ixdb::server {

// Used on the I/O thread only (the listener and every connection coroutine run there), so it
// needs no lock.
class ConnectionManager {
 public:
  // A place among the served connections, taken when a connection is accepted (so that a burst
  // of accepts cannot overshoot the limit) and given back when it closes. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : manager_(other.manager_) { other.manager_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { Release(); }
    // Gives the place back now (idempotent).
    void Release();

   private:
    friend class ConnectionManager;
    explicit Slot(ConnectionManager* manager) : manager_(manager) {}
    ConnectionManager* manager_ = nullptr;
  };

  // A registered way to close one connection, unregistered on destruction. Move-only.
  class Registration {
   public:
    Registration(Registration&& other) noexcept : manager_(other.manager_), id_(other.id_) {
      other.manager_ = nullptr;
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    Registration& operator=(Registration&&) = delete;
    ~Registration() { Unregister(); }
    // Unregisters now (idempotent).
    void Unregister();

   private:
    friend class ConnectionManager;
    Registration(ConnectionManager* manager, uint64_t id) : manager_(manager), id_(id) {}
    ConnectionManager* manager_;
    uint64_t id_;
  };

  explicit ConnectionManager(size_t max_served) : max_served_(max_served) {}
  ConnectionManager(const ConnectionManager&) = delete;
  ConnectionManager& operator=(const ConnectionManager&) = delete;

  // True when max_served connections are being served.
  bool full() const { return served_ >= max_served_; }
  size_t served() const { return served_; }
  size_t max_served() const { return max_served_; }
  // Counts one more served connection. REQUIRES: !full() (not enforced: the caller decides).
  Slot Reserve();

  // Registers `close`, which StopAll calls to close the connection's stream. A connection
  // registers while it lives, served or being refused.
  Registration Register(std::function<void()> close);
  // Connections registered now.
  size_t live() const { return closers_.size(); }

  // Marks the server as stopping and closes every registered connection.
  void StopAll();
  bool stopping() const { return stopping_; }

 private:
  size_t max_served_;
  size_t served_ = 0;
  bool stopping_ = false;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::function<void()>> closers_;
};

}  // namespace ixdb::server
