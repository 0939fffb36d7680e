// {"op":"query","q":"..."[,"as_of":"YYYY-MM-DD"]}: one query of the query language on a fresh
// snapshot (as known at the end of as_of, when given), stopped by a cancel request naming the
// connection's key or by the server's query time limit.

#include <chrono>
#include <cstdio>

#include "server/internal/json.hpp"
#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

Status ParseQuery(const boost::json::object& members, ParsedRequest* request) {
  Status s = internal::GetString(members, "q", "q", true, &request->query);
  if (!s.ok()) return s;
  std::string as_of;
  s = internal::GetString(members, "as_of", "as_of", false, &as_of);
  if (!s.ok() || !members.contains("as_of")) return s;
  Result<Date> date = ParseDate(as_of);
  if (!date.ok()) {
    return Status::InvalidArgument("\"as_of\" must be a date YYYY-MM-DD: " +
                                   date.status().message());
  }
  request->as_of = *date;
  return Status::OK();
}

// "60 s", "0.25 s".
std::string FormatSeconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", seconds);
  return buf;
}

// The running query is known to the cancel registry from start to end, whatever the outcome.
class RunningQuery {
 public:
  RunningQuery(CancelRegistry::Registration* connection, const std::string& id)
      : connection_(connection) {
    if (connection_ != nullptr) control_.cancel = connection_->BeginQuery(id);
  }
  ~RunningQuery() {
    if (connection_ != nullptr) connection_->EndQuery();
  }
  RunningQuery(const RunningQuery&) = delete;
  RunningQuery& operator=(const RunningQuery&) = delete;
  QueryControl& control() { return control_; }

 private:
  CancelRegistry::Registration* connection_;
  QueryControl control_;
};

Result<query::Table> HandleQuery(const OpContext& context, const ParsedRequest& request) {
  using Clock = std::chrono::steady_clock;
  RunningQuery running(context.request.connection, request.id);
  const auto timeout = context.config.query_timeout;
  if (timeout.count() > 0) running.control().deadline = Clock::now() + timeout;
  running.control().as_of = request.as_of;
  Result<query::Table> table = context.backend.Query(request.query, running.control());
  if (table.ok() || !table.status().IsCancelled()) return table;
  // Say which of the two stopped it, in the terms of the server's flags.
  const bool cancelled = running.control().cancel != nullptr && running.control().cancel->load();
  if (cancelled) return Status::Cancelled("the query was cancelled by a cancel request");
  if (Clock::now() >= running.control().deadline) {
    const double seconds = std::chrono::duration<double>(timeout).count();
    return Status::Cancelled("the query ran longer than this server's limit of " +
                             FormatSeconds(seconds) +
                             " (--query-timeout) and was stopped; narrow it or ask the "
                             "server's operator for a longer limit");
  }
  return table;
}

Response EncodeQuery(const query::Table& table) {
  return Response{EncodeTable(table), true,
                  "query ok: " + std::to_string(table.rows.size()) + " rows"};
}

}  // namespace

constinit const OpSpec kQuery = {"query", Access::kRead, ParseQuery,
                                 HandleThenEncode<HandleQuery, EncodeQuery>};

}  // namespace ixdb::server::ops
