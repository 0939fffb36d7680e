#pragma once
// The meaning of an HTTP request (docs/http.md), apart from the bytes that carry it: the HTTP
// twin of HandleRequest. A session (http_session.hpp) reads a request, hands it here on the
// worker pool, and writes back what comes out. Knows no sockets and no Beast type.
// Internal to server/ and its tests.

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "server/data_backend.hpp"
#include "server/handler.hpp"
#include "server/metrics.hpp"

namespace ixdb::server {

// What `ixdb serve --http` adds to the handler's configuration.
struct HttpConfig {
  // The one origin allowed to call the endpoint from a browser's script on another site
  // (Access-Control-Allow-Origin); "*" allows any. Empty: no CORS header is ever sent.
  std::string cors_origin;
};

// One request as read off the connection. The views point into the session's buffers and live
// as long as the call.
struct HttpRequest {
  std::string_view method;         // "GET", "POST", "HEAD", "OPTIONS"...
  std::string_view target;         // the origin-form target: "/query?q=gdp&format=csv"
  std::string_view content_type;   // the Content-Type header ("" when absent)
  std::string_view authorization;  // the Authorization header ("" when absent)
  std::string_view origin;         // the Origin header ("" when absent)
  std::string_view body;
  std::string peer;  // "HOST:PORT" of the client, recorded with loads
};

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpReply {
  int status = 200;
  std::string content_type;  // empty: no body (204, 304)
  std::string body;
  std::vector<HttpHeader> headers;  // besides Content-Type and Content-Length
  std::string summary;              // one line for the log: "GET /query 200: 3 rows"
};

// What a route may use; lives for one request.
struct HttpContext {
  DataBackend& backend;
  const HandlerConfig& handler;  // the write policy and version, as for TCP requests
  const HttpConfig& http;
  const ServerMetrics& metrics;
  size_t connections_open;  // served connections when the request arrived (for /metrics)
  // Set once the client has closed its connection while the request runs: a query stops (as a
  // cancel request stops it over the frame protocol). nullptr: never.
  const std::atomic<bool>* client_left = nullptr;
};

// Answers one request: finds its route by path and method, runs it, and turns every failure
// into an error reply whose body is the wire protocol's error object
// ({"ok":false,"code":...,"error":...}, docs/protocol.md §3) with the HTTP status of its code
// (HttpStatusFor). Never throws. Thread-safe if the backend is.
HttpReply RouteHttp(const HttpRequest& request, const HttpContext& context);

// The HTTP status that answers an ixdb error code: InvalidArgument 400, NotFound 404,
// LimitExceeded 413, Busy 429, Cancelled 504, NotSupported 501, the rest 500.
int HttpStatusFor(Status::Code code);

// An error reply for `status` (REQUIRES: !status.ok()) with HttpStatusFor's status.
HttpReply HttpErrorReply(const Status& status);

}  // namespace ixdb::server
