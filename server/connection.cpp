// The frame loop of one connection. The connection's coroutine runs on the I/O thread and owns
// its stream (the stream lives in the coroutine frame); it reads and writes with two coroutines
// (ReadRequests, WriteAnswers) that share the stream and an Outbox. Requests run on the worker
// pool.

#include "server/connection.hpp"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <cstring>
#include <deque>
#include <exception>
#include <vector>

#include "server/frame.hpp"
#include "server/internal/asio.hpp"
#include "server/internal/deadline.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

// A connection's read buffer: requests smaller than this usually arrive in one read.
constexpr size_t kReadBufferBytes = 64u << 10;
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

// What the reading and the writing coroutine of one connection share (both on the I/O thread).
class Outbox {
 public:
  explicit Outbox(const asio::any_io_executor& executor) : wake_(executor) {
    wake_.expires_at(asio::steady_timer::time_point::max());
  }

  void Push(std::string answer) {
    unsent_bytes_ += answer.size();
    answers_.push_back(std::move(answer));
    wake_.cancel();
  }
  // Answers not yet written whole (the one being written among them).
  bool empty() const { return answers_.empty(); }
  size_t unsent_bytes() const { return unsent_bytes_; }
  const std::string& front() const { return answers_.front(); }
  void PopFront() {
    unsent_bytes_ -= answers_.front().size();
    answers_.pop_front();
  }

  // The reader is done: the writer ends once the outbox is empty.
  void CloseReading() {
    reading_done_ = true;
    wake_.cancel();
  }
  bool reading_done() const { return reading_done_; }
  // Waits for an answer or for the end of reading (whichever, the caller checks).
  awaitable<void> Wait() { (void)co_await wake_.async_wait(kNoThrow); }

  // Why the connection closes: the first reason given wins (the other side then only sees its
  // I/O fail).
  void SetReason(std::string reason) {
    if (reason_.empty()) reason_ = std::move(reason);
  }
  bool has_reason() const { return !reason_.empty(); }
  const std::string& reason() const { return reason_; }

  // The reader's deadline, armed by the writer once the last answer has been taken (each
  // request must arrive within the idle timeout of the previous answer).
  internal::Deadline* read_deadline = nullptr;
  bool reader_waiting = false;

 private:
  std::deque<std::string> answers_;
  size_t unsent_bytes_ = 0;
  bool reading_done_ = false;
  asio::steady_timer wake_;
  std::string reason_;
};

// Reads a connection's requests through a buffer, so that a small request (header and
// payload) usually takes one system call; large payloads are read straight into place.
template <typename Stream>
class BufferedReader {
 public:
  BufferedReader(Stream& stream, const internal::Deadline& deadline)
      : stream_(stream), deadline_(deadline), in_(kReadBufferBytes) {}

  // Reads exactly `buf`; a cancellation by the deadline reads as timed_out.
  awaitable<boost::system::error_code> Read(asio::mutable_buffer buf) {
    char* dst = static_cast<char*>(buf.data());
    size_t need = buf.size();
    size_t have = std::min(need, in_end_ - in_begin_);
    std::memcpy(dst, in_.data() + in_begin_, have);
    in_begin_ += have;
    dst += have;
    need -= have;
    boost::system::error_code ec;
    if (need >= in_.size()) {
      auto [e, n] = co_await asio::async_read(stream_, asio::buffer(dst, need), kNoThrow);
      ec = e;
      need = 0;
    }
    while (need > 0 && !ec) {
      auto [e, n] = co_await stream_.async_read_some(asio::buffer(in_), kNoThrow);
      ec = e;
      size_t take = std::min(need, n);
      std::memcpy(dst, in_.data(), take);
      in_begin_ = take;
      in_end_ = n;
      dst += take;
      need -= take;
    }
    if (ec && deadline_.timed_out()) ec = asio::error::timed_out;
    co_return ec;
  }

 private:
  Stream& stream_;
  const internal::Deadline& deadline_;
  std::vector<char> in_;
  size_t in_begin_ = 0, in_end_ = 0;
};

template <typename Stream>
awaitable<void> ReadRequests(Stream& stream, const std::string& peer, ConnectionServices& services,
                             CancelRegistry::Registration& cancel_key, Outbox& outbox) {
  const ConnectionLimits& limits = services.limits;
  ConnectionManager& connections = services.connections;
  internal::Deadline deadline(stream.get_executor(), stream.lowest_layer());
  outbox.read_deadline = &deadline;
  BufferedReader<Stream> reader(stream, deadline);
  const auto idle_seconds =
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limits.idle_timeout).count());
  std::string payload;
  while (!connections.stopping() && !outbox.has_reason()) {
    // The whole next frame must arrive within the idle timeout of the previous answer being
    // taken: a client that stalls mid-frame (or never sends) is closed. While answers wait to
    // be taken, the writer's deadline runs instead, and the writer arms this one when done.
    if (outbox.empty()) {
      deadline.Arm(limits.idle_timeout);
    } else {
      deadline.Disarm();
    }
    outbox.reader_waiting = true;
    std::array<unsigned char, kFrameHeaderBytes> header;
    boost::system::error_code ec = co_await reader.Read(asio::buffer(header));
    outbox.reader_waiting = false;
    if (ec) {
      if (ec == asio::error::timed_out) {
        outbox.SetReason("refused: idle timeout (no request within " + idle_seconds +
                         " s, --idle-timeout)");
      } else if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
        // (Aborted: the writer or the server closed the stream, and says why.)
        outbox.SetReason("read failed: " + ec.message());
      }
      break;
    }
    uint32_t length = DecodeFrameHeader(header.data());
    if (length > limits.max_frame_bytes) {
      // The frame boundary is lost (its body is not read): answer, then close.
      outbox.Push(EncodeError(Status::LimitExceeded(
          "frame of " + std::to_string(length) + " bytes exceeds the limit of " +
          std::to_string(limits.max_frame_bytes) +
          " bytes (frames are a 4-byte big-endian length and a JSON request; is this an ixdb "
          "client?)")));
      outbox.SetReason("refused: frame of " + std::to_string(length) +
                       " bytes exceeds the limit of " + std::to_string(limits.max_frame_bytes) +
                       " bytes (--max-frame-bytes)");
      break;
    }
    payload.clear();
    while (payload.size() < length && !ec) {
      size_t done = payload.size();
      payload.resize(done + std::min<size_t>(kFrameReadChunkBytes, length - done));
      ec = co_await reader.Read(asio::buffer(payload.data() + done, payload.size() - done));
    }
    if (ec) {
      if (ec == asio::error::timed_out) {
        outbox.SetReason("refused: timed out mid-frame (--idle-timeout " + idle_seconds + " s)");
      } else if (ec != asio::error::operation_aborted) {
        outbox.SetReason("closed mid-frame: " + ec.message());
      }
      break;
    }
    // No deadline while the request runs: a long query is not the client's idleness.
    deadline.Disarm();
    // Off the I/O thread: a slow query must not hold up the other connections.
    Request request{payload, peer, &cancel_key};
    Response response = co_await asio::co_spawn(
        services.workers,
        [&]() -> awaitable<Response> {
          co_return HandleRequest(request, services.backend, services.config);
        },
        use_awaitable);
    services.log(peer + ": " + response.summary);
    if (connections.stopping() || outbox.has_reason()) break;
    const bool backlog = !outbox.empty();
    outbox.Push(std::move(response.payload));
    if (backlog && outbox.unsent_bytes() > limits.max_unread_bytes) {
      outbox.SetReason("refused: slow reader (" + std::to_string(outbox.unsent_bytes()) +
                       " bytes of answers not taken, the limit is " +
                       std::to_string(limits.max_unread_bytes) + ")");
      CloseStream(stream);  // ends the writer's pending write
      break;
    }
  }
  deadline.Disarm();
  outbox.read_deadline = nullptr;
  outbox.CloseReading();
}

template <typename Stream>
awaitable<void> WriteAnswers(Stream& stream, const ConnectionLimits& limits, Outbox& outbox) {
  internal::Deadline deadline(stream.get_executor(), stream.lowest_layer());
  for (;;) {
    while (outbox.empty() && !outbox.reading_done()) co_await outbox.Wait();
    if (outbox.empty()) break;
    deadline.Arm(limits.idle_timeout);
    boost::system::error_code ec = co_await WriteFrame(stream, outbox.front());
    deadline.Disarm();
    if (ec) {
      if (deadline.timed_out()) {
        outbox.SetReason("refused: the client took no answer within the idle timeout");
      } else if (ec != asio::error::operation_aborted) {
        // (Aborted: the reader or the server closed the stream, and says why.)
        outbox.SetReason("write failed: " + ec.message());
      }
      CloseStream(stream);  // ends the reader's pending read
      break;
    }
    outbox.PopFront();
    if (outbox.empty() && outbox.reader_waiting && outbox.read_deadline != nullptr) {
      outbox.read_deadline->Arm(limits.idle_timeout);
    }
  }
}

}  // namespace

template <typename Stream>
awaitable<void> ServeFrames(Stream stream, std::string peer, ConnectionServices& services,
                            ConnectionManager::Slot slot) {
  using namespace asio::experimental::awaitable_operators;
  ConnectionManager& connections = services.connections;
  auto registration = connections.Register([&stream] { CloseStream(stream); });
  CancelRegistry::Registration cancel_key = services.cancels.Register();
  services.log(peer + ": connected");
  std::string reason = "closed by client";
  // Catch here so that one connection's failure closes only that connection.
  try {
    Outbox outbox(stream.get_executor());
    co_await (ReadRequests(stream, peer, services, cancel_key, outbox) &&
              WriteAnswers(stream, services.limits, outbox));
    if (outbox.has_reason()) reason = outbox.reason();
    if (connections.stopping()) reason = "server stopping";
  } catch (const std::exception& e) {
    reason = std::string("error: ") + e.what();
  } catch (...) {
    reason = "unknown error";
  }
  CloseStream(stream);
  cancel_key.Unregister();
  registration.Unregister();
  slot.Release();
  services.log(peer + ": " + reason);
}

template <typename Stream>
awaitable<void> RefuseFrames(Stream stream, std::string peer, ConnectionServices& services) {
  auto registration = services.connections.Register([&stream] { CloseStream(stream); });
  services.log(peer + ": refused: too many connections (" +
               std::to_string(services.connections.served()) + " served, the limit is " +
               std::to_string(services.connections.max_served()) + ", --max-connections)");
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
  CloseStream(stream);
}

template awaitable<void> ServeFrames<tcp::socket>(tcp::socket, std::string, ConnectionServices&,
                                                  ConnectionManager::Slot);
template awaitable<void> RefuseFrames<tcp::socket>(tcp::socket, std::string, ConnectionServices&);
using TlsStream = asio::ssl::stream<tcp::socket>;
template awaitable<void> ServeFrames<TlsStream>(TlsStream, std::string, ConnectionServices&,
                                                ConnectionManager::Slot);
template awaitable<void> RefuseFrames<TlsStream>(TlsStream, std::string, ConnectionServices&);

}  // namespace ixdb::server
