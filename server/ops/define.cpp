// {"op":"define","code":...,"expression":...,"name":...,"unit":...}: stores a named formula,
// like `ixdb define CODE 'EXPR'`; with "drop":true (and no expression) removes it, like
// `ixdb define CODE --drop`. A write: the table admits it only with the server's token.

#include <string>

#include "common/json_writer.hpp"
#include "server/internal/json.hpp"
#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

namespace json = boost::json;
using internal::GetString;
using internal::KindName;

Status ParseDefine(const json::object& obj, ParsedRequest* req) {
  if (const json::value* drop = obj.if_contains("drop"); drop != nullptr && !drop->is_null()) {
    if (!drop->is_bool()) {
      return Status::InvalidArgument("\"drop\" must be true or false, not " +
                                     std::string(KindName(drop->kind())));
    }
    req->drop = drop->get_bool();
  }
  query::FormulaDefinition& f = req->formula;
  if (Status s = GetString(obj, "code", "code", true, &f.code); !s.ok()) return s;
  if (req->drop) {
    if (obj.contains("expression")) {
      return Status::InvalidArgument("a define request with \"drop\" takes no \"expression\"");
    }
    return Status::OK();
  }
  if (!obj.contains("expression")) {
    return Status::InvalidArgument("define request needs \"expression\" (or \"drop\":true)");
  }
  if (Status s = GetString(obj, "expression", "expression", true, &f.expression); !s.ok()) return s;
  if (Status s = GetString(obj, "name", "name", false, &f.name); !s.ok()) return s;
  return GetString(obj, "unit", "unit", false, &f.unit);
}

Result<std::string> HandleDefine(const OpContext& context, const ParsedRequest& req) {
  return context.backend.Define(req.formula, req.drop);
}

Response EncodeDefine(const std::string& text) {
  Response r;
  JsonWriter json(r.payload);
  json.BeginObject().Key("ok").Bool(true).Key("text").String(text).EndObject();
  r.summary = text;
  return r;
}

}  // namespace

constinit const OpSpec kDefine = {"define", Access::kWrite, ParseDefine,
                                  HandleThenEncode<HandleDefine, EncodeDefine>};

}  // namespace ixdb::server::ops
