#include "server/op_table.hpp"

#include <string>

#include "common/json_writer.hpp"
#include "server/internal/json.hpp"
#include "server/ops/ops.hpp"

namespace ixdb::server {
namespace {

namespace json = boost::json;

// One entry per op (each row is defined in server/ops/<op>.cpp).
constexpr const OpSpec* kTable[] = {
    &ops::kPing, &ops::kHello, &ops::kQuery, &ops::kLoad, &ops::kDefine, &ops::kCancel,
};

// "ping, hello, query, load, define or cancel".
std::string ExpectedOps() {
  std::string out;
  for (size_t i = 0; i < std::size(kTable); ++i) {
    if (i > 0) out += i + 1 == std::size(kTable) ? " or " : ", ";
    out += kTable[i]->name;
  }
  return out;
}

}  // namespace

std::span<const OpSpec* const> Ops() { return kTable; }

const OpSpec* FindOp(std::string_view name) {
  for (const OpSpec* op : kTable) {
    if (op->name == name) return op;
  }
  return nullptr;
}

Status GetRequestId(const json::object& members, std::string_view key, std::string* out) {
  const json::value* v = members.if_contains(key);
  if (v == nullptr) return Status::OK();
  std::string text;
  if (v->is_string()) {
    AppendJsonString(text, std::string_view(v->get_string().data(), v->get_string().size()));
  } else if (v->is_int64()) {
    text = std::to_string(v->get_int64());
  } else if (v->is_uint64()) {
    text = std::to_string(v->get_uint64());
  } else {
    return Status::InvalidArgument("\"" + std::string(key) +
                                   "\" must be a string or an integer, not " +
                                   std::string(internal::KindName(v->kind())));
  }
  *out = std::move(text);
  return Status::OK();
}

Result<ParsedRequest> ParseRequest(std::string_view payload) {
  json::value doc;
  Status s = internal::ParseJson(payload, &doc);
  if (!s.ok()) return s;
  if (!doc.is_object()) {
    return Status::InvalidArgument("a request must be a JSON object, not " +
                                   std::string(internal::KindName(doc.kind())));
  }
  const json::object& obj = doc.get_object();
  std::string name;
  s = internal::GetString(obj, "op", "op", true, &name);
  if (!s.ok()) return s;
  ParsedRequest req;
  req.op = FindOp(name);
  if (req.op == nullptr) {
    std::string shown;
    AppendJsonString(shown, name);
    return Status::InvalidArgument("unknown op " + shown + " (expected " + ExpectedOps() + ")");
  }
  s = GetRequestId(obj, "id", &req.id);
  if (!s.ok()) return s;
  if (req.op->access == Access::kWrite) {
    s = internal::GetString(obj, "token", "token", false, &req.token);
    if (!s.ok()) return s;
  }
  if (req.op->parse != nullptr) {
    s = req.op->parse(obj, &req);
    if (!s.ok()) return s;
  }
  return req;
}

}  // namespace ixdb::server
