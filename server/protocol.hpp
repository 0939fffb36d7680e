#pragma once
// The ixdb wire protocol (docs/protocol.md): the JSON messages that frames (server/frame.hpp)
// carry. Internal to server/ (used by the server, the client and their tests); no Asio or
// Boost.JSON type appears here, so including it costs nothing.
// Every function here is pure (no I/O, no globals) and thread-safe.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/status.hpp"
#include "query/table.hpp"
#include "storage/types.hpp"

namespace ixdb::server {

// Bumped when a change would break an older peer. Reported by {"op":"hello"}.
// 2: a query request may carry "as_of" (a server of protocol 1 would ignore it and answer with
// the latest values, so a client sends it only to a server of protocol 2 or later).
inline constexpr int kProtocolVersion = 2;

// ---- Requests -----------------------------------------------------------------------------

// A file of a load request (docs/protocol.md §2, "load").
struct LoadFile {
  std::string name;     // used in error messages ("a.csv:3:7: ...")
  std::string content;  // the file's bytes (UTF-8 or GB18030: the loader decodes)
};

// Request payloads as the client sends them (the server reads them through the op table,
// server/op_table.hpp).
std::string EncodePingRequest();
std::string EncodeHelloRequest();
std::string EncodeQueryRequest(std::string_view query);
// {"op":"query","id":ID,"q":...[,"as_of":"YYYY-MM-DD"]}: a query the client may cancel by its
// id, reading the store as known at the end of `as_of` when given (protocol 2).
std::string EncodeQueryRequest(std::string_view query, uint64_t id,
                               std::optional<Date> as_of = std::nullopt);
// {"op":"cancel","cancel_key":K,"query_id":ID}
std::string EncodeCancelRequest(std::string_view cancel_key, uint64_t query_id);
// `options_json` is a JSON object text such as {"format":"auto","vintage":"2024-01-20"} (empty:
// no options). InvalidArgument if it is not a JSON object. A file that is valid UTF-8 goes as
// "content", any other (GB18030...) as "content_base64".
Result<std::string> EncodeLoadRequest(const std::vector<std::pair<std::string, std::string>>& files,
                                      std::string_view options_json, std::string_view token);

// {"op":"define","token":...,"code":...,"expression":...,"name":...,"unit":...} or, with
// `drop`, {"op":"define","token":...,"code":...,"drop":true}.
std::string EncodeDefineRequest(const std::string& code, const std::string& expression,
                                const std::string& name, const std::string& unit, bool drop,
                                std::string_view token);

// ---- Responses ----------------------------------------------------------------------------

// The protocol's name for a status code ("InvalidArgument"...), and back. An unknown name maps
// to kIOError (the client cannot know what the server meant, only that it failed).
std::string_view StatusCodeName(Status::Code code);
Status::Code StatusCodeFromName(std::string_view name);

// {"ok":false,"code":"InvalidArgument","error":"..."}, plus "position":{"line":L,"column":C}
// when the message starts with the "L:C: " of a query error. REQUIRES: !status.ok().
std::string EncodeError(const Status& status);
// The line and column (both from 1) a message starts with ("1:9: expected ')'..."), or none.
std::optional<std::pair<uint32_t, uint32_t>> ErrorPosition(std::string_view message);
// {"ok":true,"columns":[...],"rows":[...],"notes":[...]}. Doubles are written in the shortest
// form that reads back to the same value (std::to_chars) and always as doubles (5.0, not 5), so
// that the cell kind survives; NaN and infinities become null. Invalid UTF-8 in strings is
// replaced by U+FFFD so that the frame is always valid JSON.
std::string EncodeTable(const query::Table& table);
// {"ok":true,"pong":true}
std::string EncodePong();
// What {"op":"hello"} reports (docs/protocol.md §2).
struct HelloInfo {
  std::string version;
  size_t max_frame_bytes = 0;
  bool writes_allowed = false;
  bool token_required = false;
  int64_t query_timeout_ms = 0;  // 0: no limit
  size_t max_result_bytes = 0;
  std::string cancel_key;  // the connection's; "" (left out) when it has none
};
// {"ok":true,"server":"ixdb","version":...,"protocol":1,"max_frame_bytes":...,"writes":...,
//  "token_required":...,"query_timeout_ms":...,"max_result_bytes":...,"cancel_key":"..."}
std::string EncodeHello(const HelloInfo& info);

// The numbers of a load, as sent in a load response ("summary").
struct LoadSummary {
  storage::WriteSummary write;  // what the store recorded (load_id, series_created, ...)
  uint64_t rows_read = 0;
  double seconds = 0;
};
// {"ok":true,"summary":{...},"notes":[...],"text":"..."}
std::string EncodeLoadResponse(const LoadSummary& summary, const std::vector<std::string>& notes,
                               std::string_view text);

// Decodes a response payload to a query: the table, or the server's error as a Status with the
// server's code and message. A payload that is not a well-formed response is IOError.
Result<query::Table> DecodeTableResponse(std::string_view payload);
// Decodes a load response to its "text", or the server's error.
Result<std::string> DecodeLoadResponse(std::string_view payload);
// Decodes any response to OK or the server's error (ping, hello).
// The "text" of a define response ({"ok":true,"text":"defined ..."}), or the server's error.
Result<std::string> DecodeDefineResponse(std::string_view payload);
Status DecodeStatusResponse(std::string_view payload);
// What a client needs of a hello response: the connection's cancel key ("" when the server gives
// none: an older server) and the server's protocol version.
struct HelloAnswer {
  std::string cancel_key;
  int64_t protocol = 1;
};
// Decodes a hello response, or the server's error.
Result<HelloAnswer> DecodeHelloAnswer(std::string_view payload);

}  // namespace ixdb::server
