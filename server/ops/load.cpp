// {"op":"load","files":[...],"options":{...}}: files written as one all-or-nothing load, like
// `ixdb load a.csv b.csv`. A write: the table admits it only with the server's token.

#include <string>
#include <vector>

#include "common/base64.hpp"
#include "common/date.hpp"
#include "load/loader.hpp"
#include "server/internal/json.hpp"
#include "server/ops/ops.hpp"

namespace ixdb::server::ops {
namespace {

namespace json = boost::json;
using internal::GetString;
using internal::KindName;

Status ParseLoad(const json::object& obj, ParsedRequest* req) {
  const json::value* files = obj.if_contains("files");
  if (files == nullptr) {
    return Status::InvalidArgument(
        "load request needs \"files\": [{\"name\":...,\"content\":...}]");
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
    Status s = GetString(f.get_object(), "name", where + ".name", true, &file.name);
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
    std::string* field = key == "format"                   ? &req->format
                         : key == "encoding"               ? &req->encoding
                         : key == "vintage"                ? &req->vintage
                         : key == "codes"                  ? &req->codes
                         : key == "ignore_unknown_columns" ? &req->ignore_unknown_columns
                                                           : nullptr;
    if (field == nullptr) {
      return Status::InvalidArgument("unknown load option \"" + key +
                                     "\" (expected format, encoding, vintage, codes or "
                                     "ignore_unknown_columns)");
    }
    if (kv.value().is_null()) continue;  // null: the default
    Status s = GetString(options->get_object(), key, "options." + key, true, field);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Result<load::LoadOptions> MakeLoadOptions(const ParsedRequest& req, const std::string& command) {
  load::LoadOptions options;
  Result<load::Format> format = load::ParseFormat(req.format);
  if (!format.ok()) return Status::InvalidArgument("options.format: " + format.status().message());
  options.format = *format;
  Result<load::Encoding> encoding = load::ParseEncoding(req.encoding);
  if (!encoding.ok()) {
    return Status::InvalidArgument("options.encoding: " + encoding.status().message());
  }
  options.encoding = *encoding;
  if (!req.vintage.empty()) {
    Result<Date> vintage = ParseDate(req.vintage);
    if (!vintage.ok()) {
      return Status::InvalidArgument("options.vintage: " + vintage.status().message());
    }
    options.vintage = *vintage;
  }
  Result<load::CodeMode> codes = load::ParseCodeMode(req.codes);
  if (!codes.ok()) return Status::InvalidArgument("options.codes: " + codes.status().message());
  options.codes = *codes;
  if (req.ignore_unknown_columns != "true" && req.ignore_unknown_columns != "false") {
    return Status::InvalidArgument(
        "options.ignore_unknown_columns: expected \"true\" or \"false\"");
  }
  options.ignore_unknown_columns = req.ignore_unknown_columns == "true";
  // Never skip_bad_path: a network client must not make the server write files.
  options.command = command;
  return options;
}

std::string JoinNames(const std::vector<LoadFile>& files) {
  std::string out;
  for (const LoadFile& f : files) {
    if (!out.empty()) out += ' ';
    out += f.name;
  }
  return out;
}

Result<load::LoadReport> HandleLoad(const OpContext& context, const ParsedRequest& req) {
  std::string command = "load (remote";
  if (!context.request.peer.empty()) command += " from " + context.request.peer;
  command += ") " + JoinNames(req.files);
  Result<load::LoadOptions> options = MakeLoadOptions(req, command);
  if (!options.ok()) return options.status();
  return context.backend.Load(req.files, *options);
}

Response EncodeLoad(const load::LoadReport& report) {
  const LoadSummary summary{report.summary, report.rows_read, report.seconds};
  Response r;
  // The text `ixdb load` prints for a local load, so that a remote load reads the same.
  r.payload = EncodeLoadResponse(summary, report.notes, load::FormatLoadSummary(report));
  r.summary = "load ok: id " + std::to_string(report.summary.load_id) + ", " +
              std::to_string(report.rows_read) + " rows";
  return r;
}

}  // namespace

constinit const OpSpec kLoad = {"load", Access::kWrite, ParseLoad,
                                HandleThenEncode<HandleLoad, EncodeLoad>};

}  // namespace ixdb::server::ops
