// {"op":"hello"}: what this server is and allows (version, protocol, limits, writes), and the
// connection's cancel key.

#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

Result<HelloInfo> HandleHello(const OpContext& context, const ParsedRequest&) {
  const HandlerConfig& config = context.config;
  HelloInfo info;
  info.version = config.version;
  info.max_frame_bytes = config.max_frame_bytes;
  info.writes_allowed = config.writes_allowed;
  info.token_required = !config.token.empty();
  info.query_timeout_ms = config.query_timeout.count();
  info.max_result_bytes = config.max_result_bytes;
  if (context.request.connection != nullptr) info.cancel_key = context.request.connection->key();
  return info;
}

Response EncodeHelloAnswer(const HelloInfo& info) {
  return Response{EncodeHello(info), true, "hello"};
}

}  // namespace

constinit const OpSpec kHello = {"hello", Access::kRead, nullptr,
                                 HandleThenEncode<HandleHello, EncodeHelloAnswer>};

}  // namespace ixdb::server::ops
