#include "server/internal/json.hpp"

// Boost.JSON is header-only: its implementation is compiled here, in exactly one TU of ixdb.
#include <boost/json/src.hpp>
#include <charconv>
#include <exception>
#include <new>

namespace ixdb::server::internal {
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

}  // namespace

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

std::string_view KindName(json::kind k) {
  switch (k) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "?";
}

Status GetString(const json::object& obj, std::string_view key, std::string_view where,
                 bool required, std::string* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) {
    if (required)
      return Status::InvalidArgument("missing \"" + std::string(where) + "\" (a string)");
    return Status::OK();
  }
  if (!v->is_string()) {
    return Status::InvalidArgument("\"" + std::string(where) + "\" must be a string, not " +
                                   std::string(KindName(v->kind())));
  }
  out->assign(v->get_string().data(), v->get_string().size());
  return Status::OK();
}

void WriteValue(JsonWriter& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out.Null();
      break;
    case json::kind::bool_:
      out.Bool(v.get_bool());
      break;
    case json::kind::int64:
      out.Int(v.get_int64());
      break;
    case json::kind::uint64:
      out.Uint(v.get_uint64());
      break;
    case json::kind::double_:
      out.Double(v.get_double());
      break;
    case json::kind::string:
      out.String(v.get_string());
      break;
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

}  // namespace ixdb::server::internal
