#include "server/internal/deadline.hpp"

namespace ixdb::server::internal {

Deadline::Deadline(const boost::asio::any_io_executor& executor, Socket& socket)
    : timer_(executor), state_(std::make_shared<State>()) {
  state_->socket = &socket;
}

Deadline::~Deadline() { state_->socket = nullptr; }

void Deadline::Arm(std::chrono::steady_clock::duration timeout) {
  state_->expiry = std::chrono::steady_clock::now() + timeout;
  timer_.expires_at(state_->expiry);  // a wait already pending completes as aborted
  timer_.async_wait([state = state_](const boost::system::error_code& ec) {
    if (ec || state->socket == nullptr || state->expiry > std::chrono::steady_clock::now()) {
      return;
    }
    state->timed_out = true;
    boost::system::error_code ignored;
    state->socket->cancel(ignored);
  });
}

void Deadline::Disarm() {
  state_->expiry = std::chrono::steady_clock::time_point::max();
  timer_.cancel();
}

bool Deadline::timed_out() const { return state_->timed_out; }

}  // namespace ixdb::server::internal
