// {"op":"query","q":"..."}: one query of the query language on a fresh snapshot.

#include "server/internal/json.hpp"
#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

Status ParseQuery(const boost::json::object& members, ParsedRequest* request) {
  return internal::GetString(members, "q", "q", true, &request->query);
}

Result<query::Table> HandleQuery(const OpContext& context, const ParsedRequest& request) {
  return context.backend.Query(request.query);
}

Response EncodeQuery(const query::Table& table) {
  return Response{EncodeTable(table), true,
                  "query ok: " + std::to_string(table.rows.size()) + " rows"};
}

}  // namespace

constinit const OpSpec kQuery = {"query", Access::kRead, ParseQuery,
                                 HandleThenEncode<HandleQuery, EncodeQuery>};

}  // namespace ixdb::server::ops
