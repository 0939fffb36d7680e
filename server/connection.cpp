// The frame loop of one connection. The connection's coroutine runs on the I/O thread and owns
// its stream (the stream lives in the coroutine frame); requests run on the worker pool.

#include "server/connection.hpp"

#include <boost/asio.hpp>

#include <algorithm>
#include <array>
#include <exception>

#include "server/frame.hpp"
#include "server/internal/asio.hpp"
#include "server/internal/deadline.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using internal::kNoThrow;

template <typename Stream>
awaitable<boost::system::error_code> WriteFrame(Stream& stream, const std::string& payload) {
  auto header = EncodeFrameHeader(payload.size());
  std::array<asio::const_buffer, 2> bufs = {asio::buffer(header), asio::buffer(payload)};
  auto [ec, n] = co_await asio::async_write(stream, bufs, kNoThrow);
  co_return ec;
}

// Closes the stream's socket (its lowest layer), which ends its pending I/O.
template <typename Stream>
void CloseStream(Stream& stream) {
  boost::system::error_code ignored;
  stream.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
  stream.lowest_layer().close(ignored);
}

}  // namespace

template <typename Stream>
awaitable<void> ServeFrames(Stream stream, std::string peer, ConnectionServices& services,
                            ConnectionManager::Slot slot) {
  const ConnectionLimits& limits = services.limits;
  const internal::ServerLog& log = services.log;
  ConnectionManager& connections = services.connections;
  auto registration = connections.Register([&stream] { CloseStream(stream); });
  log(peer + ": connected");
  std::string reason = "closed by client";
  // Catch here so that one connection's failure closes only that connection.
  try {
    internal::Deadline deadline(stream.get_executor(), stream.lowest_layer());
    // Reads exactly `buf`; a cancellation by the deadline reads as timed_out.
    auto read = [&](asio::mutable_buffer buf) -> awaitable<boost::system::error_code> {
      auto [ec, n] = co_await asio::async_read(stream, buf, kNoThrow);
      if (ec && deadline.timed_out()) ec = asio::error::timed_out;
      co_return ec;
    };
    auto write = [&](const std::string& frame_payload) -> awaitable<boost::system::error_code> {
      deadline.Arm(limits.idle_timeout);
      boost::system::error_code ec = co_await WriteFrame(stream, frame_payload);
      if (ec && deadline.timed_out()) ec = asio::error::timed_out;
      co_return ec;
    };
    std::string payload;
    while (!connections.stopping()) {
      // The whole next frame must arrive within the idle timeout: a client that stalls
      // mid-frame (or never sends) is closed.
      deadline.Arm(limits.idle_timeout);
      std::array<unsigned char, kFrameHeaderBytes> header;
      boost::system::error_code ec = co_await read(asio::buffer(header));
      if (ec) {
        if (ec == asio::error::timed_out) reason = "idle timeout";
        else if (ec != asio::error::eof) reason = "read failed: " + ec.message();
        break;
      }
      uint32_t length = DecodeFrameHeader(header.data());
      if (length > limits.max_frame_bytes) {
        // The frame boundary is lost (its body is not read): answer, then close.
        std::string error = EncodeError(Status::LimitExceeded(
            "frame of " + std::to_string(length) + " bytes exceeds the limit of " +
            std::to_string(limits.max_frame_bytes) +
            " bytes (frames are a 4-byte big-endian length and a JSON request; is this an ixdb "
            "client?)"));
        (void)co_await write(error);
        reason = "frame too large (" + std::to_string(length) + " bytes)";
        break;
      }
      payload.clear();
      while (payload.size() < length && !ec) {
        size_t done = payload.size();
        payload.resize(done + std::min<size_t>(kFrameReadChunkBytes, length - done));
        ec = co_await read(asio::buffer(payload.data() + done, payload.size() - done));
      }
      if (ec) {
        reason = ec == asio::error::timed_out ? "timed out mid-frame"
                                              : "closed mid-frame: " + ec.message();
        break;
      }
      // No deadline while the request runs: a long query is not the client's idleness.
      deadline.Disarm();
      // Off the I/O thread: a slow query must not hold up the other connections.
      Request request{payload, peer};
      Response response = co_await asio::co_spawn(
          services.workers,
          [&]() -> awaitable<Response> {
            co_return HandleRequest(request, services.backend, services.config);
          },
          use_awaitable);
      log(peer + ": " + response.summary);
      if (connections.stopping()) {
        reason = "server stopping";
        break;
      }
      ec = co_await write(response.payload);
      if (ec) {
        reason = ec == asio::error::timed_out ? "timed out sending the response"
                                              : "write failed: " + ec.message();
        break;
      }
    }
    if (connections.stopping()) reason = "server stopping";
  } catch (const std::exception& e) {
    reason = std::string("error: ") + e.what();
  } catch (...) {
    reason = "unknown error";
  }
  CloseStream(stream);
  registration.Unregister();
  slot.Release();
  log(peer + ": " + reason);
}

template <typename Stream>
awaitable<void> RefuseFrames(Stream stream, std::string peer, ConnectionServices& services) {
  auto registration = services.connections.Register([&stream] { CloseStream(stream); });
  services.log(peer + ": refused: " + std::to_string(services.connections.served()) +
               " connections already");
  try {
    internal::Deadline deadline(stream.get_executor(), stream.lowest_layer());
    deadline.Arm(std::min<std::chrono::steady_clock::duration>(services.limits.idle_timeout,
                                                               std::chrono::seconds(5)));
    std::string payload =
        EncodeError(Status::Busy("too many connections (the limit is " +
                                 std::to_string(services.connections.max_served()) + ")"));
    (void)co_await WriteFrame(stream, payload);
    // (A timeout cancels the write; the connection is closed either way.)
  } catch (...) {
  }
}

template awaitable<void> ServeFrames<tcp::socket>(tcp::socket, std::string, ConnectionServices&,
                                                  ConnectionManager::Slot);
template awaitable<void> RefuseFrames<tcp::socket>(tcp::socket, std::string,
                                                   ConnectionServices&);

}  // namespace ixdb::server
