#pragma once
// Frames of the wire protocol (docs/protocol.md §1): a 4-byte big-endian payload length, then
// that many payload bytes (one JSON text). Used by the server's connections, the client and
// tests; pure functions, no I/O, thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ixdb::server {

// Bytes of the length prefix of a frame.
inline constexpr size_t kFrameHeaderBytes = 4;
// Payloads are read in pieces of this size, so that memory follows the bytes that actually
// arrived, not the length a peer announces.
inline constexpr size_t kFrameReadChunkBytes = 1 << 20;

// The length prefix of a frame carrying `payload_bytes`.
// REQUIRES: payload_bytes <= UINT32_MAX.
std::array<unsigned char, kFrameHeaderBytes> EncodeFrameHeader(size_t payload_bytes);
// The payload length a header announces.
uint32_t DecodeFrameHeader(const unsigned char* header);
// Header and payload together (for writers that send one buffer).
std::string EncodeFrame(std::string_view payload);

}  // namespace ixdb::server
