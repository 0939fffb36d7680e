// {"op":"cancel","cancel_key":K,"query_id":ID}: stops the query that the connection with cancel
// key K (from its hello) is running, as PostgreSQL's CancelRequest does. Sent on another
// connection, since the first one is busy with the query; the query itself is answered with the
// error code Cancelled. Anyone may send it: the key is the secret.

#include "server/internal/json.hpp"
#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

Status ParseCancel(const boost::json::object& members, ParsedRequest* request) {
  Status s = internal::GetString(members, "cancel_key", "cancel_key", true, &request->cancel_key);
  if (!s.ok()) return s;
  return GetRequestId(members, "query_id", &request->cancel_query_id);
}

struct CancelAnswer {
  bool cancelled = false;
  std::string log;
};

Result<CancelAnswer> HandleCancel(const OpContext& context, const ParsedRequest& request) {
  if (context.config.cancels == nullptr) {
    return Status::NotFound("no connection has this cancel key");
  }
  const std::string* query_id =
      request.cancel_query_id.empty() ? nullptr : &request.cancel_query_id;
  switch (context.config.cancels->Cancel(request.cancel_key, query_id)) {
    case CancelRegistry::Outcome::kCancelled:
      return CancelAnswer{true, "cancel: query stopped"};
    case CancelRegistry::Outcome::kIdle:
      return CancelAnswer{false, "cancel: the connection runs no such query"};
    case CancelRegistry::Outcome::kUnknownKey:
      break;
  }
  return Status::NotFound("no connection has this cancel key (it may have closed)");
}

Response EncodeCancel(const CancelAnswer& answer) {
  return Response{
      answer.cancelled ? R"({"ok":true,"cancelled":true})" : R"({"ok":true,"cancelled":false})",
      true, answer.log};
}

}  // namespace

constinit const OpSpec kCancel = {"cancel", Access::kRead, ParseCancel,
                                  HandleThenEncode<HandleCancel, EncodeCancel>};

}  // namespace ixdb::server::ops
