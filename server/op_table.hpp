#pragma once
// The ops of the wire protocol as a table (docs/protocol.md §2): one row per op, naming what a
// request's "op" member says, whether the op writes, how its members are read, and how it is
// answered. A new op is one file in server/ops/ (its members, handler, encoder and row) plus a
// line each in server/ops/ops.hpp, op_table.cpp and server/CMakeLists.txt (docs/protocol.md
// §10). Internal to server/ and its tests.

#include <boost/json/fwd.hpp>  // forward declarations only: the rows' parse takes an object
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "common/status.hpp"
#include "server/data_backend.hpp"
#include "server/handler.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {

struct OpSpec;

// A request frame, decoded and type-checked by its op's row. Members hold what the ops that
// have them read; the others leave them at their defaults.
struct ParsedRequest {
  const OpSpec* op = nullptr;  // the row: never null in a ParsedRequest that ParseRequest made
  // Any op: the request's "id" (a string or an integer) as JSON text, echoed in the response
  // and named by a cancel's "query_id"; "" when absent.
  std::string id;
  std::string token;            // Access::kWrite ops: the write token ("" when absent)
  std::string query;            // query: the query text
  std::optional<Date> as_of;    // query: read the store as known at the end of this day
  std::vector<LoadFile> files;  // load: at least one
  // load options, as text; checked by the load handler (load::ParseFormat...). Empty vintage:
  // none given.
  std::string format = "auto";
  std::string encoding = "auto";
  std::string vintage;
  std::string codes = "strict";                  // strict|sanitize
  std::string ignore_unknown_columns = "false";  // true|false
  // define: the formula (expression empty with drop)
  query::FormulaDefinition formula;
  bool drop = false;
  // cancel: the key of the connection whose query to stop, and the id of that query as JSON
  // text ("" when not given: whatever query runs).
  std::string cancel_key;
  std::string cancel_query_id;
};

// What a handler may use; lives for one request. The connection's state (its cancel key) is
// request.connection; the server's limits and cancel registry are in config.
struct OpContext {
  const Request& request;  // the frame's payload and the peer
  DataBackend& backend;
  const HandlerConfig& config;
};

enum class Access : uint8_t {
  kRead,   // anyone who can connect
  kWrite,  // refused unless the server allows writes and the request's "token" is the server's
};

struct OpSpec {
  std::string_view name;  // the "op" member: "ping", "query"...
  Access access = Access::kRead;
  // Reads the op's members into `request`; InvalidArgument naming the member. nullptr: the op
  // has none. (A kWrite op's "token" is read before, by ParseRequest.)
  Status (*parse)(const boost::json::object& members, ParsedRequest* request) = nullptr;
  // Answers a request this row parsed (and admitted, for kWrite): does what it asks and encodes
  // the answer or the error. Usually HandleThenEncode<...> below.
  Response (*answer)(const OpContext& context, const ParsedRequest& request) = nullptr;
};

// The rows, in the order an "unknown op" error lists them.
std::span<const OpSpec* const> Ops();
// The row named `name`, or nullptr.
const OpSpec* FindOp(std::string_view name);

// Decodes one request payload through the table. InvalidArgument says what is wrong: malformed
// JSON (with the byte offset), not an object, a missing or unknown "op" (the error lists the
// table's), an "id" that is neither a string nor an integer, a member of the wrong type or an
// unknown load option (the op's parse). Unknown top-level members are ignored (room for later
// versions). Pure and thread-safe.
Result<ParsedRequest> ParseRequest(std::string_view payload);

// A request id ("id", a cancel's "query_id": a string or an integer) as JSON text into *out;
// absent: OK, *out unchanged. InvalidArgument naming `key` for another type.
Status GetRequestId(const boost::json::object& members, std::string_view key, std::string* out);

// An op's `answer` made of two typed steps:
//   Result<T> kHandle(const OpContext&, const ParsedRequest&)   does what the request asks;
//   Response kEncode(const T&)                                  the response to a success.
// An error from kHandle is answered as an error response, logged as "<op> failed: ...".
template <auto kHandle, auto kEncode>
Response HandleThenEncode(const OpContext& context, const ParsedRequest& request) {
  auto result = kHandle(context, request);
  if (!result.ok()) {
    return ErrorResponse(result.status(), std::string(request.op->name) + " failed");
  }
  return kEncode(*result);
}

}  // namespace ixdb::server
