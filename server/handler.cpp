#include "server/handler.hpp"

#include <cstdint>
#include <exception>
#include <limits>
#include <new>

#include "server/op_table.hpp"

namespace ixdb::server {
namespace {

// Compares without an early exit so that the time taken does not reveal how much of a guessed
// token was right.
bool TokenMatches(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(expected.empty() ? 0 : expected[i % expected.size()]);
  }
  return diff == 0;
}

}  // namespace

// The write policy, for the ops of the table marked Access::kWrite. Messages name what the op
// writes by its plural ("loads").
Status CheckWriteAccess(std::string_view op_name, std::string_view token,
                        const HandlerConfig& config) {
  const std::string what = std::string(op_name) + "s";
  if (!config.writes_allowed) {
    return Status::NotSupported(
        "writes are disabled: this server listens on a non-loopback address without a token "
        "(start it with a token to allow " + what + ")");
  }
  if (!config.token.empty() && !TokenMatches(token, config.token)) {
    return Status::InvalidArgument(token.empty() ? "this server requires a token for " + what
                                                 : "wrong token for " + what);
  }
  return Status::OK();
}

namespace {

Response Dispatch(const Request& request, DataBackend& backend, const HandlerConfig& config) {
  Result<ParsedRequest> parsed = ParseRequest(request.payload);
  if (!parsed.ok()) return ErrorResponse(parsed.status(), "bad request");
  const ParsedRequest& req = *parsed;
  if (req.op->access == Access::kWrite) {
    Status s = CheckWriteAccess(req.op->name, req.token, config);
    if (!s.ok()) return ErrorResponse(s, std::string(req.op->name) + " refused");
  }
  return req.op->answer(OpContext{request, backend, config}, req);
}

}  // namespace

Response ErrorResponse(const Status& status, std::string what) {
  Response r;
  r.payload = EncodeError(status);
  r.ok = false;
  r.summary = std::move(what) + ": " + status.ToString();
  return r;
}

Response HandleRequest(const Request& request, DataBackend& backend,
                       const HandlerConfig& config) {
  // Exceptions stop here: a failing request answers with an error and the server goes on.
  try {
    Response r = Dispatch(request, backend, config);
    if (r.payload.size() > std::numeric_limits<uint32_t>::max()) {
      return ErrorResponse(Status::LimitExceeded("the response (" +
                                                 std::to_string(r.payload.size()) +
                                                 " bytes) is larger than a frame can carry"),
                           "response too large");
    }
    return r;
  } catch (const std::bad_alloc&) {
    return ErrorResponse(Status::LimitExceeded("out of memory answering the request"),
                         "internal error");
  } catch (const std::exception& e) {
    return ErrorResponse(Status::IOError(std::string("internal error: ") + e.what()),
                         "internal error");
  } catch (...) {
    return ErrorResponse(Status::IOError("internal error"), "internal error");
  }
}

}  // namespace ixdb::server
