// {"op":"hello"}: what this server is and allows (version, protocol, frame limit, writes).

#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

Result<const HandlerConfig*> HandleHello(const OpContext& context, const ParsedRequest&) {
  return &context.config;
}

Response EncodeHelloAnswer(const HandlerConfig* config) {
  return Response{EncodeHello(config->version, config->max_frame_bytes, config->writes_allowed,
                              !config->token.empty()),
                  true, "hello"};
}

}  // namespace

constinit const OpSpec kHello = {"hello", Access::kRead, nullptr,
                                 HandleThenEncode<HandleHello, EncodeHelloAnswer>};

}  // namespace ixdb::server::ops
