#pragma once
// HTTP request targets ("/query?q=yoy(gdp)&format=csv") into a path and decoded parameters,
// over Boost.URL. Internal to server/; no Boost type appears here (Boost.URL's implementation is
// compiled once, in url.cpp).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace ixdb::server::internal {

struct RequestTarget {
  std::string path;  // percent-decoded: "/query"
  // In the order given, percent-decoded, "+" read as a space (HTML form encoding); a parameter
  // without "=" has an empty value.
  std::vector<std::pair<std::string, std::string>> params;
};

// Parses an origin-form target (RFC 9112 §3.2.1: an absolute path and an optional query).
// Bytes a URL should carry percent-encoded but clients send as they are ("[", "]", quotes,
// UTF-8) are taken as if encoded. InvalidArgument naming what is wrong (not starting with "/",
// a bad percent escape...).
Result<RequestTarget> ParseRequestTarget(std::string_view target);

// Decodes an application/x-www-form-urlencoded body ("q=yoy%28gdp%29&format=csv") into its
// parameters, as ParseRequestTarget does for a query string. InvalidArgument when malformed.
Result<std::vector<std::pair<std::string, std::string>>> ParseFormBody(std::string_view body);

}  // namespace ixdb::server::internal
