// The routes of the HTTP endpoint (docs/http.md): a table of (path, methods, answer). Queries go
// to the backend and are rendered by the same query/render functions as `ixdb query --format`,
// so that the bytes are the same; a load goes through HandleRequest (http_load.cpp).

#include "server/http_routes.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <new>
#include <string>
#include <utility>

#include "common/strings.hpp"
#include "query/columnar_render.hpp"
#include "query/render.hpp"
#include "server/http_assets.hpp"
#include "server/http_load.hpp"
#include "server/http_params.hpp"
#include "server/internal/url.hpp"
#include "server/protocol.hpp"

namespace ixdb::server {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kCsv = "text/csv; charset=utf-8";
constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr std::string_view kPrometheus = "text/plain; version=0.0.4; charset=utf-8";

// The selectors of list(...) (docs/query-language.md §1, filter_key), as /series parameters.
constexpr std::array<std::string_view, 10> kSelectorKeys = {
    "code", "name", "text", "unit", "kind", "measure", "freq", "frequency", "region", "cumulative"};

HttpReply Reply(int status, std::string_view content_type, std::string body, std::string summary) {
  HttpReply r;
  r.status = status;
  r.content_type = std::string(content_type);
  r.body = std::move(body);
  r.summary = std::move(summary);
  return r;
}

// A query's result in one of the formats of `ixdb query --format` (plus "protocol", the wire
// protocol's response object, which keeps column types, units and notes for the console).
// A value query's columns render without a Table (query/columnar_render.hpp, the same bytes);
// the protocol object is encoded from a Table.
Result<HttpReply> Render(query::Answer&& answer, std::string_view format, bool bom) {
  const std::string rows = std::to_string(answer.RowCount()) + " rows";
  if (format == "csv") return Reply(200, kCsv, query::RenderCsv(answer, bom), rows);
  if (format == "json") return Reply(200, kJson, query::RenderJson(answer), rows);
  if (format == "table") return Reply(200, kText, query::RenderText(answer), rows);
  if (format == "protocol") {
    return Reply(200, kJson, EncodeTable(query::TakeTable(std::move(answer))), rows);
  }
  return Status::InvalidArgument("unknown format '" + std::string(format) +
                                 "' (expected csv, json, table or protocol)");
}

Result<bool> ParseFlag(const HttpParams& params, std::string_view name) {
  const std::string value = Lower(params.Get(name, "0"));
  if (value == "1" || value == "true" || value == "yes" || value.empty()) return true;
  if (value == "0" || value == "false" || value == "no") return false;
  return Status::InvalidArgument("parameter '" + std::string(name) + "' must be 1 or 0, not '" +
                                 value + "'");
}

// Runs `text` and renders it as the request's format= (default json) and bom= ask.
HttpReply RunAndRender(const HttpContext& context, const HttpParams& params,
                       const std::string& text) {
  const std::string format = params.Get("format", "json");
  Result<bool> bom = ParseFlag(params, "bom");
  if (!bom.ok()) return HttpErrorReply(bom.status());
  // An unknown format is refused before a possibly long query runs.
  if (Result<HttpReply> r = Render(query::Answer{}, format, *bom); !r.ok()) {
    return HttpErrorReply(r.status());
  }
  // The server's --query-timeout holds for HTTP queries too. There is no cancel request: a
  // client that gives up closes its connection, which stops the query (client_left).
  QueryControl control;
  control.cancel = context.client_left;
  if (context.handler.query_timeout.count() > 0) {
    control.deadline = std::chrono::steady_clock::now() + context.handler.query_timeout;
  }
  Result<query::Answer> answer = context.backend.Answer(text, control);
  if (!answer.ok()) return HttpErrorReply(answer.status());
  Result<HttpReply> reply = Render(std::move(*answer), format, *bom);
  return reply.ok() ? std::move(*reply) : HttpErrorReply(reply.status());
}

// GET /query?q=...: the query in the URL. POST /query: the query is the body, except a form
// body (q=...&format=...), whose fields count as parameters.
HttpReply QueryRoute(const HttpRequest& request, const HttpContext& context, HttpParams params) {
  std::string text;
  if (request.method == "POST") {
    const bool form =
        EqualsIgnoreCase(Trim(request.content_type.substr(0, request.content_type.find(';'))),
                         "application/x-www-form-urlencoded");
    // curl --data sends that Content-Type for any body; only a body that starts with q= is a
    // form (no query of the language starts so).
    if (form && request.body.substr(0, 2) == "q=") {
      auto fields = internal::ParseFormBody(request.body);
      if (!fields.ok()) return HttpErrorReply(fields.status());
      HttpParams::List all = params.all();
      all.insert(all.end(), fields->begin(), fields->end());
      params = HttpParams(std::move(all));
      text = params.Get("q", "");
    } else {
      if (params.Find("q") != nullptr) {
        return HttpErrorReply(Status::InvalidArgument(
            "POST /query takes the query as its body, not as q= in the URL"));
      }
      text = std::string(request.body);
    }
  } else {
    text = params.Get("q", "");
  }
  Status s = params.CheckKnown("/query", {"q", "format", "bom"});
  if (!s.ok()) return HttpErrorReply(s);
  if (request.method != "POST" && params.Find("q") == nullptr) {
    return HttpErrorReply(
        Status::InvalidArgument("no query: give it as /query?q=... (percent-encoded)"));
  }
  // The statement as `ixdb query` takes it (cli/commands.cpp, CmdQuery), so that both answer
  // the same bytes and errors: spaces around it and final `;` dropped, nothing left refused.
  std::string_view statement = Trim(text);
  while (!statement.empty() && statement.back() == ';') {
    statement = Trim(statement.substr(0, statement.size() - 1));
  }
  if (statement.empty()) return HttpErrorReply(Status::InvalidArgument("the query is empty"));
  return RunAndRender(context, params, std::string(statement));
}

// A selector value as a string literal of the language, which has no escapes: quoted with
// whichever quote it does not contain.
Result<std::string> QuoteSelectorValue(const std::string& key, const std::string& value) {
  if (value.find('"') == std::string::npos) return "\"" + value + "\"";
  if (value.find('\'') == std::string::npos) return "'" + value + "'";
  return Status::InvalidArgument("the value of " + key +
                                 "= holds both quote characters, which a selector cannot carry");
}

// GET /series?code=gdp*&unit=亿元: list(code="gdp*", unit="亿元").
HttpReply SeriesRoute(const HttpRequest&, const HttpContext& context, HttpParams params) {
  Status s =
      params.CheckKnown("/series", {"code", "name", "text", "unit", "kind", "measure", "freq",
                                    "frequency", "region", "cumulative", "format", "bom"});
  if (!s.ok()) return HttpErrorReply(s);
  std::string text = "list(";
  bool first = true;
  for (const auto& [key, value] : params.all()) {
    if (std::find(kSelectorKeys.begin(), kSelectorKeys.end(), key) == kSelectorKeys.end()) {
      continue;
    }
    Result<std::string> quoted = QuoteSelectorValue(key, value);
    if (!quoted.ok()) return HttpErrorReply(quoted.status());
    text += (first ? "" : ", ") + key + "=" + *quoted;
    first = false;
  }
  text += ")";
  return RunAndRender(context, params, text);
}

HttpReply FunctionsRoute(const HttpRequest&, const HttpContext& context, HttpParams params) {
  Status s = params.CheckKnown("/functions", {"format", "bom"});
  if (!s.ok()) return HttpErrorReply(s);
  return RunAndRender(context, params, "functions()");
}

// What `{"op":"hello"}` answers: the server is up and says what it allows.
HttpReply HealthRoute(const HttpRequest&, const HttpContext& context, HttpParams params) {
  Status s = params.CheckKnown("/health", {});
  if (!s.ok()) return HttpErrorReply(s);
  const HandlerConfig& c = context.handler;
  HelloInfo info;  // without a cancel key: HTTP has no cancel request
  info.version = c.version;
  info.max_frame_bytes = c.max_frame_bytes;
  info.writes_allowed = c.writes_allowed;
  info.token_required = !c.token.empty();
  info.query_timeout_ms = c.query_timeout.count();
  info.max_result_bytes = c.max_result_bytes;
  return Reply(200, kJson, EncodeHello(info), "healthy");
}

HttpReply MetricsRoute(const HttpRequest&, const HttpContext& context, HttpParams params) {
  Status s = params.CheckKnown("/metrics", {});
  if (!s.ok()) return HttpErrorReply(s);
  return Reply(200, kPrometheus, context.metrics.RenderPrometheus(context.connections_open),
               "metrics");
}

HttpReply LoadRoute(const HttpRequest& request, const HttpContext& context, HttpParams params) {
  return AnswerLoad(request, params, context);
}

struct Route {
  std::string_view path;
  bool get;  // GET and HEAD
  bool post;
  HttpReply (*answer)(const HttpRequest&, const HttpContext&, HttpParams);
};

constexpr std::array<Route, 6> kRoutes = {{
    {"/query", true, true, QueryRoute},
    {"/series", true, false, SeriesRoute},
    {"/functions", true, false, FunctionsRoute},
    {"/health", true, false, HealthRoute},
    {"/metrics", true, false, MetricsRoute},
    {"/load", false, true, LoadRoute},
}};

std::string AllowedMethods(bool get, bool post) {
  std::string allow = get ? "GET, HEAD" : "";
  if (post) allow += allow.empty() ? "POST" : ", POST";
  return allow + ", OPTIONS";
}

HttpReply MethodNotAllowed(const HttpRequest& request, std::string_view path, bool get, bool post) {
  HttpReply r = HttpErrorReply(
      Status::InvalidArgument(std::string(request.method) + " is not allowed on " +
                              std::string(path) + " (allowed: " + AllowedMethods(get, post) + ")"));
  r.status = 405;
  r.headers.push_back({"Allow", AllowedMethods(get, post)});
  return r;
}

HttpReply Dispatch(const HttpRequest& request, const HttpContext& context) {
  Result<internal::RequestTarget> target = internal::ParseRequestTarget(request.target);
  if (!target.ok()) return HttpErrorReply(target.status());
  const std::string& path = target->path;
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  const bool is_post = request.method == "POST";
  for (const Route& route : kRoutes) {
    if (route.path != path) continue;
    if (request.method == "OPTIONS") {
      HttpReply r = Reply(204, "", "", "options");
      r.headers.push_back({"Allow", AllowedMethods(route.get, route.post)});
      return r;
    }
    if ((is_get && !route.get) || (is_post && !route.post) || (!is_get && !is_post)) {
      return MethodNotAllowed(request, path, route.get, route.post);
    }
    return route.answer(request, context, HttpParams(std::move(target->params)));
  }
  if (const StaticAsset* asset = FindStaticAsset(path)) {
    if (!is_get) return MethodNotAllowed(request, path, true, false);
    HttpReply r = Reply(200, asset->content_type, std::string(asset->data), "file");
    // The files change with the binary only: a browser may keep them but must ask again.
    r.headers.push_back({"Cache-Control", "no-cache"});
    return r;
  }
  return HttpErrorReply(Status::NotFound(
      "no such path: " + path +
      " (the endpoint serves /, /query, /series, /functions, /health, /metrics and /load)"));
}

// CORS (off unless --http-cors): the allowed origin may read the answers; a preflight learns
// which methods and headers it may use.
void AddCorsHeaders(const HttpRequest& request, const HttpConfig& config, HttpReply* reply) {
  if (config.cors_origin.empty()) return;
  const bool any = config.cors_origin == "*";
  if (!any) reply->headers.push_back({"Vary", "Origin"});
  if (!any && request.origin != config.cors_origin) return;
  reply->headers.push_back({"Access-Control-Allow-Origin", config.cors_origin});
  if (request.method == "OPTIONS") {
    reply->headers.push_back({"Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"});
    reply->headers.push_back({"Access-Control-Allow-Headers", "Authorization, Content-Type"});
    reply->headers.push_back({"Access-Control-Max-Age", "600"});
  }
}

}  // namespace

int HttpStatusFor(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kLimitExceeded:
      return 413;
    case Status::Code::kBusy:
      return 429;
    case Status::Code::kCancelled:
      return 504;
    case Status::Code::kNotSupported:
      return 501;
    default:
      return 500;
  }
}

HttpReply HttpErrorReply(const Status& status) {
  return Reply(HttpStatusFor(status.code()), kJson, EncodeError(status), status.ToString());
}

HttpReply RouteHttp(const HttpRequest& request, const HttpContext& context) {
  HttpReply reply;
  // Exceptions stop here: a failing request answers 500 and the server goes on.
  try {
    reply = Dispatch(request, context);
  } catch (const std::bad_alloc&) {
    reply = HttpErrorReply(Status::LimitExceeded("out of memory answering the request"));
  } catch (const std::exception& e) {
    reply = HttpErrorReply(Status::IOError(std::string("internal error: ") + e.what()));
  } catch (...) {
    reply = HttpErrorReply(Status::IOError("internal error"));
  }
  AddCorsHeaders(request, context.http, &reply);
  return reply;
}

}  // namespace ixdb::server
