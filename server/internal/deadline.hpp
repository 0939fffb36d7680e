#pragma once
// A connection's deadline: cancels the socket's pending I/O when it passes. Internal to server/
// (Asio types).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace ixdb::server::internal {

// Each Arm() sets a new deadline (replacing the previous one); when it expires, the socket's
// pending operations are cancelled and they complete with operation_aborted, which the
// connection reads as a timeout since timed_out() is then true. Cheaper to compile than racing
// every read against a timer.
// The socket is the stream's lowest layer (a plain tcp::socket, or the one under a TLS stream),
// so one Deadline serves any stream. Used on the I/O thread only; the socket must outlive it.
class Deadline {
 public:
  using Socket = boost::asio::ip::tcp::socket::lowest_layer_type;

  Deadline(const boost::asio::any_io_executor& executor, Socket& socket);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void Arm(std::chrono::steady_clock::duration timeout);
  void Disarm();
  bool timed_out() const;

 private:
  struct State {
    std::chrono::steady_clock::time_point expiry = std::chrono::steady_clock::time_point::max();
    Socket* socket = nullptr;
    bool timed_out = false;
    bool waiting = false;  // a wait of timer_ is pending
  };
  void Wait();
  boost::asio::steady_timer timer_;
  // The wait's handler shares only this: a wait that completed just before the Deadline was
  // re-armed, disarmed or destroyed finds the new expiry (or no socket) there and does nothing.
  std::shared_ptr<State> state_;
};

}  // namespace ixdb::server::internal
