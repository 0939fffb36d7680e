#include "server/frame.hpp"

namespace ixdb::server {

std::array<unsigned char, kFrameHeaderBytes> EncodeFrameHeader(size_t payload_bytes) {
  auto n = static_cast<uint32_t>(payload_bytes);
  return {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
          static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
}

uint32_t DecodeFrameHeader(const unsigned char* h) {
  return (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | uint32_t{h[3]};
}

std::string EncodeFrame(std::string_view payload) {
  auto header = EncodeFrameHeader(payload.size());
  std::string out;
  out.reserve(header.size() + payload.size());
  out.append(reinterpret_cast<const char*>(header.data()), header.size());
  out.append(payload);
  return out;
}

}  // namespace ixdb::server
