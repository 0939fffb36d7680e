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
        "(start it with a token to allow " +
        what + ")");
  }
  if (!config.token.empty() && !TokenMatches(token, config.token)) {
    return Status::InvalidArgument(token.empty() ? "this server requires a token for " + what
                                                 : "wrong token for " + what);
  }
  return Status::OK();
}

namespace {

// `id` gets the request's "id" member as JSON text, to be echoed in the response.
Response Dispatch(const Request& request, DataBackend& backend, const HandlerConfig& config,
                  std::string* id) {
  Result<ParsedRequest> parsed = ParseRequest(request.payload);
  if (!parsed.ok()) return ErrorResponse(parsed.status(), "bad request");
  const ParsedRequest& req = *parsed;
  *id = req.id;
  if (req.op->access == Access::kWrite) {
    Status s = CheckWriteAccess(req.op->name, req.token, config);
    if (!s.ok()) return ErrorResponse(s, "refused: " + std::string(req.op->name));
  }
  return req.op->answer(OpContext{request, backend, config}, req);
}

// Every encoder writes an object, so the id goes first into it: {"id":7,"ok":true,...}.
void EchoRequestId(const std::string& id_json, Response* r) {
  if (r->payload.empty() || r->payload[0] != '{') return;
  r->payload.insert(1, "\"id\":" + id_json + (r->payload.size() > 2 ? "," : ""));
}

}  // namespace

Response ErrorResponse(const Status& status, std::string what) {
  Response r;
  r.payload = EncodeError(status);
  r.ok = false;
  r.summary = std::move(what) + ": " + status.ToString();
  return r;
}

Response HandleRequest(const Request& request, DataBackend& backend, const HandlerConfig& config) {
  // Exceptions stop here: a failing request answers with an error and the server goes on.
  try {
    std::string id;
    Response r = Dispatch(request, backend, config, &id);
    if (r.payload.size() > config.max_result_bytes) {
      r = ErrorResponse(
          Status::LimitExceeded("the response (" + std::to_string(r.payload.size()) +
                                " bytes) exceeds this server's limit of " +
                                std::to_string(config.max_result_bytes) +
                                " bytes per response (--max-result-bytes); narrow the query "
                                "with a range, a where or a limit"),
          "refused: response too large");
    } else if (r.payload.size() > std::numeric_limits<uint32_t>::max()) {
      r = ErrorResponse(Status::LimitExceeded("the response (" + std::to_string(r.payload.size()) +
                                              " bytes) is larger than a frame can carry"),
                        "refused: response too large");
    }
    if (!id.empty()) EchoRequestId(id, &r);
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
