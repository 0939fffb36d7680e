// Boost.URL's header-only mode: its implementation is compiled here, once for the server.
#include "server/internal/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/src.hpp>

namespace ixdb::server::internal {
namespace {

namespace urls = boost::urls;

// Form encoding: "+" is a space. Every decoded parameter goes through here.
std::vector<std::pair<std::string, std::string>> DecodeParams(urls::params_encoded_view params) {
  std::vector<std::pair<std::string, std::string>> out;
  urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (const urls::param_pct_view& p : params) {
    std::string key = p.key.decode(opts);
    std::string value = p.has_value ? p.value.decode(opts) : std::string();
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

// Browsers, curl and Python send some bytes of a URL as they are that RFC 3986 wants encoded:
// "[" and "]" (gdp[2020:]), quotes, "|", "^", and UTF-8 (text=零售). They are percent-encoded
// here, as a lenient server does, so that such a URL means what its sender meant.
std::string EncodeStrayBytes(std::string_view target) {
  static constexpr std::string_view kAllowed =
      "-._~!$&'()*+,;=:@/?%";  // unreserved marks, sub-delims, and the separators
  std::string out;
  out.reserve(target.size());
  for (char ch : target) {
    const auto c = static_cast<unsigned char>(ch);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || kAllowed.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

Result<RequestTarget> ParseRequestTarget(std::string_view raw_target) {
  const std::string target = EncodeStrayBytes(raw_target);
  auto parsed = urls::parse_origin_form(target);
  if (!parsed) {
    return Status::InvalidArgument("bad request target (" + parsed.error().message() +
                                   "): percent-encode the parameters, %25 for '%', %2B for '+'");
  }
  RequestTarget out;
  out.path = parsed->path();
  out.params = DecodeParams(parsed->encoded_params());
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseFormBody(std::string_view body) {
  auto parsed = urls::parse_query(body);
  if (!parsed) return Status::InvalidArgument("bad form body: " + parsed.error().message());
  return DecodeParams(*parsed);
}

}  // namespace ixdb::server::internal
