#pragma once
// POST /load (docs/http.md): files sent over HTTP, as a multipart form or as the body itself,
// become the wire protocol's load request and go through HandleRequest, so that the write
// policy, the options and the all-or-nothing load are exactly those of a TCP load.
// Internal to server/.

#include "server/http_params.hpp"
#include "server/http_routes.hpp"

namespace ixdb::server {

// Answers POST /load. Parameters: vintage, format, encoding (the load options) and name (the
// file name of a plain body, used in error messages; default "body.csv"). The token comes as
// "Authorization: Bearer TOKEN": 401 when the server needs one and none came, 403 when it is
// wrong or the server takes no writes. Success: 200 with the load response object
// ({"ok":true,"summary":{...},"notes":[...],"text":"..."}).
HttpReply AnswerLoad(const HttpRequest& request, const HttpParams& params,
                     const HttpContext& context);

}  // namespace ixdb::server
