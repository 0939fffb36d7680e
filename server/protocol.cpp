#include "server/protocol.hpp"

#include "common/base64.hpp"
#include "common/json_writer.hpp"

// Boost.JSON is header-only: its implementation is compiled here, in exactly one TU of ixdb.
#include <boost/json/src.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace ixdb::server {
namespace json = boost::json;

namespace {

// Boost.JSON 1.81 parses doubles fast but not always correctly rounded (about a quarter of
// random doubles come back one ulp off; precise parsing arrived in 1.83). Values must survive
// the wire exactly, so this handler collects each number's text and re-reads it with
// std::from_chars, which is exact. Otherwise it does what json::parser's handler does.
class PreciseHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  explicit PreciseHandler(json::storage_ptr sp) : st(std::move(sp)) {}

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    double exact = 0;
    auto r = std::from_chars(number_.data(), number_.data() + number_.size(), exact);
    // Out of range (1e400): keep what Boost computed (an infinity or zero).
    if (r.ec == std::errc() && r.ptr == number_.data() + number_.size()) d = exact;
    number_.clear();
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  json::value_stack st;

 private:
  std::string number_;
};

// Parses one complete JSON text. InvalidArgument names the byte offset of the error.
Status ParseJson(std::string_view text, json::value* out) {
  try {
    json::parse_options opt;
    opt.max_depth = kMaxJsonDepth;
    json::basic_parser<PreciseHandler> p(opt, json::storage_ptr());
    p.handler().st.reset();
    json::error_code ec;
    size_t n = p.write_some(false, text.data(), text.size(), ec);
    if (!ec && n < text.size()) ec = json::error::extra_data;
    if (ec) {
      return Status::InvalidArgument("malformed JSON at byte " + std::to_string(n) + ": " +
                                     ec.message());
    }
    *out = p.handler().st.release();
    return Status::OK();
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("out of memory parsing JSON");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
}

// ---- Writing JSON ----
// Written by hand rather than with json::serialize: doubles must come out in std::to_chars'
// shortest round-trip form and keep their kind (5.0, not 5E0 or 5), NaN must become null, and
// strings must be valid UTF-8 whatever the table holds.

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = s.size() - i;
  if (c < 0x80) return 1;
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void WriteValue(JsonWriter& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: out.Null(); break;
    case json::kind::bool_: out.Bool(v.get_bool()); break;
    case json::kind::int64: out.Int(v.get_int64()); break;
    case json::kind::uint64: out.Uint(v.get_uint64()); break;
    case json::kind::double_: out.Double(v.get_double()); break;
    case json::kind::string: out.String(v.get_string()); break;
    case json::kind::array:
      out.BeginArray();
      for (const auto& e : v.get_array()) WriteValue(out, e);
      out.EndArray();
      break;
    case json::kind::object:
      out.BeginObject();
      for (const auto& kv : v.get_object()) {
        out.Key(kv.key());
        WriteValue(out, kv.value());
      }
      out.EndObject();
      break;
  }
}

std::string_view ColumnTypeName(query::ColumnType t) {
  switch (t) {
    case query::ColumnType::kString: return "string";
    case query::ColumnType::kNumber: return "number";
    case query::ColumnType::kInteger: return "integer";
    case query::ColumnType::kDate: return "date";
    case query::ColumnType::kPeriod: return "period";
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
    case Status::Code::kOk: return Status::OK();
    case Status::Code::kNotFound: return Status::NotFound(std::move(msg));
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(std::move(msg));
    case Status::Code::kIOError: return Status::IOError(std::move(msg));
    case Status::Code::kCorruption: return Status::Corruption(std::move(msg));
    case Status::Code::kNotSupported: return Status::NotSupported(std::move(msg));
    case Status::Code::kBusy: return Status::Busy(std::move(msg));
    case Status::Code::kLimitExceeded: return Status::LimitExceeded(std::move(msg));
    case Status::Code::kCancelled: return Status::Cancelled(std::move(msg));
    case Status::Code::kInternal: return Status::Internal(std::move(msg));
  }
  return Status::IOError(std::move(msg));
}

// ---- Reading requests ----

std::string_view KindName(json::kind k) {
  switch (k) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "?";
}

// Reads obj[key] as a string into *out. Absent: `required` decides. Wrong type: an error that
// names the field (`where` is the path for messages, e.g. "files[2].name").
Status GetString(const json::object& obj, std::string_view key, std::string_view where,
                 bool required, std::string* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) {
    if (required) return Status::InvalidArgument("missing \"" + std::string(where) + "\" (a string)");
    return Status::OK();
  }
  if (!v->is_string()) {
    return Status::InvalidArgument("\"" + std::string(where) + "\" must be a string, not " +
                                   std::string(KindName(v->kind())));
  }
  out->assign(v->get_string().data(), v->get_string().size());
  return Status::OK();
}

Status ParseLoadRequest(const json::object& obj, ParsedRequest* req) {
  Status s = GetString(obj, "token", "token", false, &req->token);
  if (!s.ok()) return s;
  const json::value* files = obj.if_contains("files");
  if (files == nullptr) {
    return Status::InvalidArgument("load request needs \"files\": [{\"name\":...,\"content\":...}]");
  }
  if (!files->is_array()) {
    return Status::InvalidArgument("\"files\" must be an array, not " +
                                   std::string(KindName(files->kind())));
  }
  if (files->get_array().empty()) return Status::InvalidArgument("\"files\" is empty");
  size_t i = 0;
  for (const json::value& f : files->get_array()) {
    std::string where = "files[" + std::to_string(i++) + "]";
    if (!f.is_object()) {
      return Status::InvalidArgument("\"" + where + "\" must be an object, not " +
                                     std::string(KindName(f.kind())));
    }
    LoadFile file;
    s = GetString(f.get_object(), "name", where + ".name", true, &file.name);
    if (!s.ok()) return s;
    if (f.get_object().contains("content_base64")) {
      std::string encoded;
      s = GetString(f.get_object(), "content_base64", where + ".content_base64", true, &encoded);
      if (!s.ok()) return s;
      Result<std::string> decoded = DecodeBase64(encoded);
      if (!decoded.ok()) {
        return Status::InvalidArgument("\"" + where + ".content_base64\" is not valid base64");
      }
      file.content = std::move(*decoded);
    } else {
      s = GetString(f.get_object(), "content", where + ".content", true, &file.content);
      if (!s.ok()) return s;
    }
    req->files.push_back(std::move(file));
  }
  const json::value* options = obj.if_contains("options");
  if (options == nullptr || options->is_null()) return Status::OK();
  if (!options->is_object()) {
    return Status::InvalidArgument("\"options\" must be an object, not " +
                                   std::string(KindName(options->kind())));
  }
  for (const auto& kv : options->get_object()) {
    std::string key(kv.key().data(), kv.key().size());
    std::string* field = key == "format"     ? &req->format
                         : key == "encoding" ? &req->encoding
                         : key == "vintage"  ? &req->vintage
                                             : nullptr;
    if (field == nullptr) {
      return Status::InvalidArgument("unknown load option \"" + key +
                                     "\" (expected format, encoding or vintage)");
    }
    if (kv.value().is_null()) continue;  // null: the default
    s = GetString(options->get_object(), key, "options." + key, true, field);
    if (!s.ok()) return s;
  }
  return Status::OK();
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

Result<ParsedRequest> ParseRequest(std::string_view payload) {
  json::value doc;
  Status s = ParseJson(payload, &doc);
  if (!s.ok()) return s;
  if (!doc.is_object()) {
    return Status::InvalidArgument("a request must be a JSON object, not " +
                                   std::string(KindName(doc.kind())));
  }
  const json::object& obj = doc.get_object();
  std::string op;
  s = GetString(obj, "op", "op", true, &op);
  if (!s.ok()) return s;
  ParsedRequest req;
  if (op == "ping") {
    req.op = Op::kPing;
  } else if (op == "hello") {
    req.op = Op::kHello;
  } else if (op == "query") {
    req.op = Op::kQuery;
    s = GetString(obj, "q", "q", true, &req.query);
    if (!s.ok()) return s;
  } else if (op == "load") {
    req.op = Op::kLoad;
    s = ParseLoadRequest(obj, &req);
    if (!s.ok()) return s;
  } else {
    std::string shown;
    AppendJsonString(shown, op);
    return Status::InvalidArgument("unknown op " + shown + " (expected ping, hello, query or load)");
  }
  return req;
}

std::string EncodePingRequest() { return R"({"op":"ping"})"; }
std::string EncodeHelloRequest() { return R"({"op":"hello"})"; }

std::string EncodeQueryRequest(std::string_view query) {
  std::string out;
  JsonWriter(out).BeginObject().Key("op").String("query").Key("q").String(query).EndObject();
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
    case Status::Code::kOk: return "OK";
    case Status::Code::kNotFound: return "NotFound";
    case Status::Code::kInvalidArgument: return "InvalidArgument";
    case Status::Code::kIOError: return "IOError";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kNotSupported: return "NotSupported";
    case Status::Code::kBusy: return "Busy";
    case Status::Code::kLimitExceeded: return "LimitExceeded";
    case Status::Code::kCancelled: return "Cancelled";
    case Status::Code::kInternal: return "Internal";
  }
  return "IOError";
}

Status::Code StatusCodeFromName(std::string_view name) {
  static constexpr Status::Code kCodes[] = {
      Status::Code::kOk,          Status::Code::kNotFound,     Status::Code::kInvalidArgument,
      Status::Code::kIOError,     Status::Code::kCorruption,   Status::Code::kNotSupported,
      Status::Code::kBusy,        Status::Code::kLimitExceeded, Status::Code::kCancelled,
      Status::Code::kInternal,
  };
  for (Status::Code c : kCodes) {
    if (StatusCodeName(c) == name) return c;
  }
  return Status::Code::kIOError;
}

std::string EncodeError(const Status& status) {
  std::string out;
  JsonWriter(out)
      .BeginObject()
      .Key("ok")
      .Bool(false)
      .Key("code")
      .String(StatusCodeName(status.ok() ? Status::Code::kIOError : status.code()))
      .Key("error")
      .String(status.message())
      .EndObject();
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

std::string EncodeHello(std::string_view version, size_t max_frame_bytes, bool writes_allowed,
                        bool token_required) {
  std::string out;
  JsonWriter(out)
      .BeginObject()
      .Key("ok")
      .Bool(true)
      .Key("server")
      .String("ixdb")
      .Key("version")
      .String(version)
      .Key("protocol")
      .Int(kProtocolVersion)
      .Key("max_frame_bytes")
      .Uint(max_frame_bytes)
      .Key("writes")
      .Bool(writes_allowed)
      .Key("token_required")
      .Bool(token_required)
      .EndObject();
  return out;
}

std::string EncodeLoadResponse(const LoadSummary& s, const std::vector<std::string>& notes,
                               std::string_view text) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("ok").Bool(true).Key("summary").BeginObject();
  const std::pair<const char*, uint64_t> fields[] = {
      {"load_id", s.load_id},
      {"rows_read", s.rows_read},
      {"series_created", s.series_created},
      {"series_updated", s.series_updated},
      {"observations_added", s.observations_added},
      {"revisions", s.revisions},
      {"unchanged", s.unchanged},
      {"targets_added", s.targets_added},
      {"targets_unchanged", s.targets_unchanged},
      {"deletions", s.deletions},
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
        case json::kind::null: row.emplace_back(std::monostate{}); break;
        case json::kind::string:
          row.emplace_back(std::string(v.get_string().data(), v.get_string().size()));
          break;
        case json::kind::int64: row.emplace_back(v.get_int64()); break;
        case json::kind::uint64:
          if (v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            row.emplace_back(static_cast<int64_t>(v.get_uint64()));
          } else {
            row.emplace_back(static_cast<double>(v.get_uint64()));
          }
          break;
        case json::kind::double_: row.emplace_back(v.get_double()); break;
        default: return bad("a cell is " + std::string(KindName(v.kind())));
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

Result<std::string> DecodeLoadResponse(std::string_view payload) {
  json::value doc;
  Status s = ReadResponseHead(payload, &doc);
  if (!s.ok()) return s;
  std::string text;
  s = GetString(doc.get_object(), "text", "text", true, &text);
  if (!s.ok()) return Status::IOError("bad load response from server: " + s.message());
  return text;
}

Status DecodeStatusResponse(std::string_view payload) {
  json::value doc;
  return ReadResponseHead(payload, &doc);
}

}  // namespace ixdb::server
