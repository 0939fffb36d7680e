#include "server/frame.hpp"

#include "tests/common/test_util.hpp"

namespace ixdb::server {
namespace {

TEST_CASE("Protocol: frame header is a 4-byte big-endian length", "[server]") {
  auto h = EncodeFrameHeader(0x01020304);
  REQUIRE(h == std::array<unsigned char, 4>{1, 2, 3, 4});
  REQUIRE(DecodeFrameHeader(h.data()) == 0x01020304u);
  const unsigned char max[] = {0xFF, 0xFF, 0xFF, 0xFF};
  REQUIRE(DecodeFrameHeader(max) == 0xFFFFFFFFu);
  std::string frame = EncodeFrame(R"({"op":"ping"})");
  REQUIRE(frame.size() == 4 + 13);
  REQUIRE(frame.substr(0, 4) == std::string("\0\0\0\x0d", 4));
  REQUIRE(frame.substr(4) == R"({"op":"ping"})");
}

}  // namespace
}  // namespace ixdb::server
