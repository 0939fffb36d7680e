#pragma once
// The completion token of the server's coroutine I/O. Internal to server/ (Asio types).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ixdb::server::internal {

// `auto [ec, n] = co_await op(..., kNoThrow)`: an I/O error comes back as a value, not an
// exception, so that a connection can say why it closed (and a listener retry an accept).
inline constexpr auto kNoThrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace ixdb::server::internal
