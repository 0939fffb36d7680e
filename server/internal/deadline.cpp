#include "server/internal/deadline.hpp"

namespace ixdb::server::internal {

Deadline::Deadline(const boost::asio::any_io_executor& executor, Socket& socket)
    : timer_(executor), state_(std::make_shared<State>()) {
  state_->socket = &socket;
}

Deadline::~Deadline() {
  state_->socket = nullptr;
  timer_.cancel();
}

void Deadline::Arm(std::chrono::steady_clock::duration timeout) {
  state_->expiry = std::chrono::steady_clock::now() + timeout;
  // Lazily: a wait already pending that ends no later than the new expiry stays, and when it
  // ends it waits again for the rest (re-arming the timer for every request costs more).
  if (state_->waiting && timer_.expiry() <= state_->expiry) return;
  Wait();
}

void Deadline::Wait() {
  timer_.expires_at(state_->expiry);  // a wait already pending completes as aborted
  state_->waiting = true;
  timer_.async_wait([this, state = state_](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;  // replaced by a newer wait
    state->waiting = false;
    if (ec || state->socket == nullptr) return;
    const auto now = std::chrono::steady_clock::now();
    if (state->expiry == std::chrono::steady_clock::time_point::max()) return;  // disarmed
    if (state->expiry > now) {
      Wait();  // re-armed meanwhile: wait for the rest (`this` lives while socket is set)
      return;
    }
    state->timed_out = true;
    boost::system::error_code ignored;
    state->socket->cancel(ignored);
  });
}

void Deadline::Disarm() {
  // The pending wait (if any) finds no expiry and ends; a later Arm reuses it when it can.
  state_->expiry = std::chrono::steady_clock::time_point::max();
}

bool Deadline::timed_out() const { return state_->timed_out; }

}  // namespace ixdb::server::internal
