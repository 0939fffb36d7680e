#include "server/protocol.hpp"

#include <charconv>
#include <limits>

#include "common/base64.hpp"
#include "common/json_writer.hpp"
#include "common/utf8.hpp"
#include "server/internal/json.hpp"

namespace ixdb::server {
namespace json = boost::json;
using internal::GetString;
using internal::KindName;
using internal::ParseJson;
using internal::WriteValue;

namespace {

std::string_view ColumnTypeName(query::ColumnType t) {
  switch (t) {
    case query::ColumnType::kString:
      return "string";
    case query::ColumnType::kNumber:
      return "number";
    case query::ColumnType::kInteger:
      return "integer";
    case query::ColumnType::kDate:
      return "date";
    case query::ColumnType::kPeriod:
      return "period";
  }
  return "string";
}

bool ParseColumnType(std::string_view s, query::ColumnType* t) {
  static constexpr std::pair<std::string_view, query::ColumnType> kTypes[] = {
      {"string", query::ColumnType::kString},   {"number", query::ColumnType::kNumber},
      {"integer", query::ColumnType::kInteger}, {"date", query::ColumnType::kDate},
      {"period", query::ColumnType::kPeriod},
  };
  for (const auto& [name, type] : kTypes) {
    if (s == name) {
      *t = type;
      return true;
    }
  }
  return false;
}

Status MakeStatus(Status::Code code, std::string msg) {
  switch (code) {
    case Status::Code::kOk:
      return Status::OK();
    case Status::Code::kNotFound:
      return Status::NotFound(std::move(msg));
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(std::move(msg));
    case Status::Code::kIOError:
      return Status::IOError(std::move(msg));
    case Status::Code::kCorruption:
      return Status::Corruption(std::move(msg));
    case Status::Code::kNotSupported:
      return Status::NotSupported(std::move(msg));
    case Status::Code::kBusy:
      return Status::Busy(std::move(msg));
    case Status::Code::kLimitExceeded:
      return Status::LimitExceeded(std::move(msg));
    case Status::Code::kCancelled:
      return Status::Cancelled(std::move(msg));
    case Status::Code::kInternal:
      return Status::Internal(std::move(msg));
  }
  return Status::IOError(std::move(msg));
}

// Splits a response into its status and (when ok) the object for further reading.
Status ReadResponseHead(std::string_view payload, json::value* doc) {
  Status s = ParseJson(payload, doc);
  if (!s.ok()) return Status::IOError("bad response from server: " + s.message());
  if (!doc->is_object()) return Status::IOError("bad response from server: not a JSON object");
  const json::object& obj = doc->get_object();
  const json::value* ok = obj.if_contains("ok");
  if (ok == nullptr || !ok->is_bool()) {
    return Status::IOError("bad response from server: no boolean \"ok\"");
  }
  if (ok->get_bool()) return Status::OK();
  std::string code = "IOError", error = "server reported an error without a message";
  (void)GetString(obj, "code", "code", false, &code);
  (void)GetString(obj, "error", "error", false, &error);
  Status::Code c = StatusCodeFromName(code);
  // A failure must never read as success, whatever the server sent.
  if (c == Status::Code::kOk) c = Status::Code::kIOError;
  return MakeStatus(c, std::move(error));
}

}  // namespace

// ---- Requests ----

std::string EncodePingRequest() { return R"({"op":"ping"})"; }
std::string EncodeHelloRequest() { return R"({"op":"hello"})"; }

std::string EncodeQueryRequest(std::string_view query) {
  std::string out;
  JsonWriter(out).BeginObject().Key("op").String("query").Key("q").String(query).EndObject();
  return out;
}

std::string EncodeQueryRequest(std::string_view query, uint64_t id, std::optional<Date> as_of) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("op").String("query").Key("id").Uint(id).Key("q").String(query);
  if (as_of) json.Key("as_of").String(FormatDate(*as_of));
  json.EndObject();
  return out;
}

std::string EncodeCancelRequest(std::string_view cancel_key, uint64_t query_id) {
  std::string out;
  JsonWriter(out)
      .BeginObject()
      .Key("op")
      .String("cancel")
      .Key("cancel_key")
      .String(cancel_key)
      .Key("query_id")
      .Uint(query_id)
      .EndObject();
  return out;
}

Result<std::string> EncodeLoadRequest(const std::vector<std::pair<std::string, std::string>>& files,
                                      std::string_view options_json, std::string_view token) {
  json::value options;
  if (!options_json.empty()) {
    Status s = ParseJson(options_json, &options);
    if (!s.ok()) return Status::InvalidArgument("load options: " + s.message());
    if (!options.is_object()) {
      return Status::InvalidArgument("load options must be a JSON object, not " +
                                     std::string(KindName(options.kind())));
    }
  }
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("op").String("load");
  if (!token.empty()) json.Key("token").String(token);
  json.Key("files").BeginArray();
  for (const auto& [name, content] : files) {
    json.BeginObject().Key("name").String(name);
    if (IsValidUtf8(content)) {
      json.Key("content").String(content);
    } else {
      std::string encoded;
      AppendBase64(encoded, content);
      json.Key("content_base64").String(encoded);
    }
    json.EndObject();
  }
  json.EndArray();
  if (!options_json.empty()) {
    json.Key("options");
    WriteValue(json, options);
  }
  json.EndObject();
  return out;
}

// ---- Responses ----

std::string_view StatusCodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kNotSupported:
      return "NotSupported";
    case Status::Code::kBusy:
      return "Busy";
    case Status::Code::kLimitExceeded:
      return "LimitExceeded";
    case Status::Code::kCancelled:
      return "Cancelled";
    case Status::Code::kInternal:
      return "Internal";
  }
  return "IOError";
}

Status::Code StatusCodeFromName(std::string_view name) {
  static constexpr Status::Code kCodes[] = {
      Status::Code::kOk,       Status::Code::kNotFound,      Status::Code::kInvalidArgument,
      Status::Code::kIOError,  Status::Code::kCorruption,    Status::Code::kNotSupported,
      Status::Code::kBusy,     Status::Code::kLimitExceeded, Status::Code::kCancelled,
      Status::Code::kInternal,
  };
  for (Status::Code c : kCodes) {
    if (StatusCodeName(c) == name) return c;
  }
  return Status::Code::kIOError;
}

std::optional<std::pair<uint32_t, uint32_t>> ErrorPosition(std::string_view message) {
  uint32_t numbers[2] = {0, 0};
  const char* p = message.data();
  const char* end = p + message.size();
  for (uint32_t& n : numbers) {
    auto [next, ec] = std::from_chars(p, end, n);
    if (ec != std::errc() || next == p || next == end || *next != ':' || n == 0) {
      return std::nullopt;
    }
    p = next + 1;
  }
  if (p == end || *p != ' ') return std::nullopt;
  return std::make_pair(numbers[0], numbers[1]);
}

std::string EncodeError(const Status& status) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject()
      .Key("ok")
      .Bool(false)
      .Key("code")
      .String(StatusCodeName(status.ok() ? Status::Code::kIOError : status.code()))
      .Key("error")
      .String(status.message());
  if (auto position = ErrorPosition(status.message())) {
    json.Key("position")
        .BeginObject()
        .Key("line")
        .Uint(position->first)
        .Key("column")
        .Uint(position->second)
        .EndObject();
  }
  json.EndObject();
  return out;
}

std::string EncodeTable(const query::Table& table) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("ok").Bool(true).Key("columns").BeginArray();
  for (const query::Column& c : table.columns) {
    json.BeginObject()
        .Key("name")
        .String(c.name)
        .Key("type")
        .String(ColumnTypeName(c.type))
        .Key("unit")
        .String(c.unit)
        .EndObject();
  }
  json.EndArray().Key("rows").BeginArray();
  for (const auto& row : table.rows) {
    json.BeginArray();
    for (const query::Cell& cell : row) {
      if (const auto* s = std::get_if<std::string>(&cell)) {
        json.String(*s);
      } else if (const auto* d = std::get_if<double>(&cell)) {
        json.Double(*d);
      } else if (const auto* n = std::get_if<int64_t>(&cell)) {
        json.Int(*n);
      } else {
        json.Null();
      }
    }
    json.EndArray();
  }
  json.EndArray().Key("notes").StringArray(table.notes).EndObject();
  return out;
}

std::string EncodePong() { return R"({"ok":true,"pong":true})"; }

std::string EncodeHello(const HelloInfo& info) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject()
      .Key("ok")
      .Bool(true)
      .Key("server")
      .String("ixdb")
      .Key("version")
      .String(info.version)
      .Key("protocol")
      .Int(kProtocolVersion)
      .Key("max_frame_bytes")
      .Uint(info.max_frame_bytes)
      .Key("writes")
      .Bool(info.writes_allowed)
      .Key("token_required")
      .Bool(info.token_required)
      .Key("query_timeout_ms")
      .Int(info.query_timeout_ms)
      .Key("max_result_bytes")
      .Uint(info.max_result_bytes);
  if (!info.cancel_key.empty()) json.Key("cancel_key").String(info.cancel_key);
  json.EndObject();
  return out;
}

std::string EncodeLoadResponse(const LoadSummary& s, const std::vector<std::string>& notes,
                               std::string_view text) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("ok").Bool(true).Key("summary").BeginObject();
  const storage::WriteSummary& w = s.write;
  const std::pair<const char*, uint64_t> fields[] = {
      {"load_id", w.load_id},
      {"rows_read", s.rows_read},
      {"series_created", w.series_created},
      {"series_updated", w.series_updated},
      {"observations_added", w.observations_added},
      {"revisions", w.revisions},
      {"unchanged", w.unchanged},
      {"targets_added", w.targets_added},
      {"targets_unchanged", w.targets_unchanged},
      {"deletions", w.deletions},
  };
  for (const auto& [name, value] : fields) json.Key(name).Uint(value);
  json.Key("seconds").Double(s.seconds).EndObject();
  json.Key("notes").StringArray(notes).Key("text").String(text).EndObject();
  return out;
}

Result<query::Table> DecodeTableResponse(std::string_view payload) {
  json::value doc;
  Status s = ReadResponseHead(payload, &doc);
  if (!s.ok()) return s;
  const json::object& obj = doc.get_object();
  auto bad = [](const std::string& what) {
    return Status::IOError("bad query response from server: " + what);
  };
  query::Table table;
  const json::value* columns = obj.if_contains("columns");
  const json::value* rows = obj.if_contains("rows");
  if (columns == nullptr || !columns->is_array()) return bad("no \"columns\" array");
  if (rows == nullptr || !rows->is_array()) return bad("no \"rows\" array");
  for (const json::value& c : columns->get_array()) {
    if (!c.is_object()) return bad("a column is not an object");
    query::Column col;
    std::string type = "string";
    if (!GetString(c.get_object(), "name", "name", true, &col.name).ok() ||
        !GetString(c.get_object(), "type", "type", false, &type).ok() ||
        !GetString(c.get_object(), "unit", "unit", false, &col.unit).ok()) {
      return bad("a column lacks a string name, type or unit");
    }
    if (!ParseColumnType(type, &col.type)) return bad("unknown column type \"" + type + "\"");
    table.columns.push_back(std::move(col));
  }
  table.rows.reserve(rows->get_array().size());
  for (const json::value& r : rows->get_array()) {
    if (!r.is_array() || r.get_array().size() != table.columns.size()) {
      return bad("row " + std::to_string(table.rows.size()) + " does not have " +
                 std::to_string(table.columns.size()) + " cells");
    }
    std::vector<query::Cell> row;
    row.reserve(table.columns.size());
    for (const json::value& v : r.get_array()) {
      switch (v.kind()) {
        case json::kind::null:
          row.emplace_back(std::monostate{});
          break;
        case json::kind::string:
          row.emplace_back(std::string(v.get_string().data(), v.get_string().size()));
          break;
        case json::kind::int64:
          row.emplace_back(v.get_int64());
          break;
        case json::kind::uint64:
          if (v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            row.emplace_back(static_cast<int64_t>(v.get_uint64()));
          } else {
            row.emplace_back(static_cast<double>(v.get_uint64()));
          }
          break;
        case json::kind::double_:
          row.emplace_back(v.get_double());
          break;
        default:
          return bad("a cell is " + std::string(KindName(v.kind())));
      }
    }
    table.rows.push_back(std::move(row));
  }
  if (const json::value* notes = obj.if_contains("notes"); notes != nullptr) {
    if (!notes->is_array()) return bad("\"notes\" is not an array");
    for (const json::value& n : notes->get_array()) {
      if (!n.is_string()) return bad("a note is not a string");
      table.notes.emplace_back(n.get_string().data(), n.get_string().size());
    }
  }
  return table;
}

namespace {

// The "text" member of a response to `op` (load, define), or the server's error.
Result<std::string> DecodeTextResponse(std::string_view payload, std::string_view op) {
  json::value doc;
  Status s = ReadResponseHead(payload, &doc);
  if (!s.ok()) return s;
  std::string text;
  s = GetString(doc.get_object(), "text", "text", true, &text);
  if (!s.ok())
    return Status::IOError("bad " + std::string(op) + " response from server: " + s.message());
  return text;
}

}  // namespace

Result<std::string> DecodeLoadResponse(std::string_view payload) {
  return DecodeTextResponse(payload, "load");
}

std::string EncodeDefineRequest(const std::string& code, const std::string& expression,
                                const std::string& name, const std::string& unit, bool drop,
                                std::string_view token) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("op").String("define");
  if (!token.empty()) json.Key("token").String(token);
  json.Key("code").String(code);
  if (drop) {
    json.Key("drop").Bool(true);
  } else {
    json.Key("expression").String(expression);
    if (!name.empty()) json.Key("name").String(name);
    if (!unit.empty()) json.Key("unit").String(unit);
  }
  json.EndObject();
  return out;
}

Result<std::string> DecodeDefineResponse(std::string_view payload) {
  return DecodeTextResponse(payload, "define");
}

Status DecodeStatusResponse(std::string_view payload) {
  json::value doc;
  return ReadResponseHead(payload, &doc);
}

Result<HelloAnswer> DecodeHelloAnswer(std::string_view payload) {
  json::value doc;
  Status s = ReadResponseHead(payload, &doc);
  if (!s.ok()) return s;
  HelloAnswer answer;
  const json::object& obj = doc.get_object();
  s = GetString(obj, "cancel_key", "cancel_key", false, &answer.cancel_key);
  if (!s.ok()) return Status::IOError("bad hello response from server: " + s.message());
  const json::value* protocol = obj.if_contains("protocol");
  if (protocol == nullptr || !protocol->is_int64()) {
    return Status::IOError("bad hello response from server: no integer \"protocol\"");
  }
  answer.protocol = protocol->get_int64();
  return answer;
}

}  // namespace ixdb::server
