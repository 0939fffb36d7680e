#include "server/http_load.hpp"

#include <string>
#include <utility>
#include <vector>

#include "common/json_writer.hpp"
#include "common/strings.hpp"
#include "server/handler.hpp"
#include "server/http_multipart.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

constexpr std::string_view kOptionNames[] = {"vintage", "format", "encoding"};

// The token of "Authorization: Bearer TOKEN" (RFC 6750 §2.1; the scheme is case-insensitive).
// Another scheme, or none, gives "".
std::string BearerToken(std::string_view authorization) {
  std::string_view v = Trim(authorization);
  if (v.size() < 7 || !EqualsIgnoreCase(v.substr(0, 7), "Bearer ")) return "";
  return std::string(Trim(v.substr(7)));
}

// The write policy as HTTP statuses: a missing token is 401 (with the challenge RFC 6750 asks
// for), a wrong one or writes disabled 403.
Status CheckAccess(std::string_view token, const HttpContext& context, HttpReply* refusal) {
  Status s = CheckWriteAccess("load", token, context.handler);
  if (s.ok()) return s;
  *refusal = HttpErrorReply(s);
  if (s.IsInvalidArgument() && token.empty()) {
    refusal->status = 401;
    refusal->headers.push_back({"WWW-Authenticate", "Bearer realm=\"ixdb\""});
  } else {
    refusal->status = 403;
  }
  return s;
}

struct LoadInput {
  std::vector<std::pair<std::string, std::string>> files;  // name, content
  std::vector<std::pair<std::string, std::string>> options;
};

// The files and options of a multipart form: parts with a file name are files; the fields
// vintage, format and encoding are options (given once, in the URL or in the form).
Status ReadForm(std::string_view boundary, std::string_view body, LoadInput* input) {
  Result<std::vector<FormPart>> parts = ParseMultipart(boundary, body);
  if (!parts.ok()) return parts.status();
  for (FormPart& part : *parts) {
    if (!part.filename.empty()) {
      input->files.emplace_back(std::move(part.filename), std::move(part.content));
      continue;
    }
    bool is_option = false;
    for (std::string_view name : kOptionNames) is_option |= part.name == name;
    if (!is_option) {
      return Status::InvalidArgument("unknown form field '" + part.name +
                                     "' (expected files, vintage, format or encoding)");
    }
    for (const auto& [name, value] : input->options) {
      if (name == part.name) {
        return Status::InvalidArgument(part.name + " is given twice (in the URL and the form)");
      }
    }
    input->options.emplace_back(std::move(part.name), std::move(part.content));
  }
  if (input->files.empty()) {
    return Status::InvalidArgument(
        "the form has no file (send it as a part with a filename, "
        "curl -F file=@data.csv)");
  }
  return Status::OK();
}

std::string OptionsJson(const LoadInput& input) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject();
  for (const auto& [name, value] : input.options) json.Key(name).String(value);
  json.EndObject();
  return out;
}

}  // namespace

HttpReply AnswerLoad(const HttpRequest& request, const HttpParams& params,
                     const HttpContext& context) {
  Status s = params.CheckKnown("/load", {"vintage", "format", "encoding", "name"});
  if (!s.ok()) return HttpErrorReply(s);
  // The policy first: a refused client learns nothing from the body's parsing.
  const std::string token = BearerToken(request.authorization);
  HttpReply refusal;
  if (!CheckAccess(token, context, &refusal).ok()) return refusal;

  LoadInput input;
  for (std::string_view name : kOptionNames) {
    if (const std::string* v = params.Find(name)) input.options.emplace_back(name, *v);
  }
  const std::string boundary = MultipartBoundary(request.content_type);
  if (!boundary.empty()) {
    s = ReadForm(boundary, request.body, &input);
    if (!s.ok()) return HttpErrorReply(s);
  } else {
    if (request.body.empty()) {
      return HttpErrorReply(Status::InvalidArgument(
          "no file: send the CSV as the request body, or as a multipart form"));
    }
    input.files.emplace_back(params.Get("name", "body.csv"), std::string(request.body));
  }
  Result<std::string> payload = EncodeLoadRequest(input.files, OptionsJson(input), token);
  if (!payload.ok()) return HttpErrorReply(payload.status());
  Response response =
      HandleRequest(Request{*payload, request.peer}, context.backend, context.handler);
  if (!response.ok) {
    HttpReply r = HttpErrorReply(DecodeStatusResponse(response.payload));
    r.body = std::move(response.payload);  // the handler's own error object, as TCP sends it
    r.summary = response.summary;
    return r;
  }
  HttpReply r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = std::move(response.payload);
  r.summary = response.summary;
  return r;
}

}  // namespace ixdb::server
