// {"op":"ping"} -> {"ok":true,"pong":true}: is the server there?

#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

struct Pong {};

Result<Pong> HandlePing(const OpContext&, const ParsedRequest&) { return Pong{}; }

Response EncodePing(const Pong&) { return Response{EncodePong(), true, "ping"}; }

}  // namespace

constinit const OpSpec kPing = {"ping", Access::kRead, nullptr,
                                HandleThenEncode<HandlePing, EncodePing>};

}  // namespace ixdb::server::ops
