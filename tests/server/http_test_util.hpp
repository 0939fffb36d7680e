#pragma once
// A small blocking HTTP/1.1 client for the HTTP endpoint's tests (over RawConnection's plain
// POSIX socket, so the tests do not compile Beast): writes a request as bytes, reads one
// response (status line, headers, a Content-Length body), and can keep the connection for the
// next request.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/strings.hpp"
#include "tests/server/server_test_util.hpp"

namespace ixdb::server::testing {

struct HttpResult {
  int status = 0;                              // 0: no response (closed, timed out, garbage)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(Lower(name));
    return it == headers.end() ? "" : it->second;
  }
  bool Has(const std::string& name) const { return headers.count(Lower(name)) != 0; }
};

// Percent-encodes a query-string value (everything but unreserved characters).
inline std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

class HttpClient {
 public:
  explicit HttpClient(int port, int timeout_ms = 10000) : connection_(port, timeout_ms) {}

  bool connected() const { return connection_.connected(); }
  bool SendRaw(std::string_view bytes) { return connection_.Send(bytes); }

  // Sends one request (Content-Length set for a body) and reads its response.
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) req += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST") {
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    if (!SendRaw(req)) return {};
    return ReadResponse(method == "HEAD");
  }
  HttpResult Get(const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Request("GET", target, "", headers);
  }

  // Reads one response; a HEAD response has no body whatever its Content-Length says.
  HttpResult ReadResponse(bool head = false) {
    HttpResult r;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return {};
    }
    std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::vector<std::string_view> lines = Split(head_text, '\n');
    std::string_view status_line = lines[0];
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return {};
    r.status = std::stoi(std::string(status_line.substr(9, 3)));
    for (size_t i = 1; i < lines.size(); ++i) {
      std::string_view line = lines[i];
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name = Lower(line.substr(0, colon));
      std::string value(Trim(line.substr(colon + 1)));
      if (r.headers.count(name)) {
        r.headers[name] += ", " + value;
      } else {
        r.headers[name] = value;
      }
    }
    if (r.status == 100) return ReadResponse(head);  // "100 Continue": the answer follows
    size_t length = r.Has("content-length") ? std::stoul(r.Header("content-length")) : 0;
    if (head || r.status == 204 || r.status == 304) length = 0;
    while (buffer_.size() < length) {
      if (!Fill()) return {};
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // True when the server closed the connection (EOF or reset) within the receive timeout.
  bool ClosedByPeer() {
    buffer_.clear();
    return connection_.ClosedByPeer();
  }

 private:
  bool Fill() {
    char chunk[65536];
    ssize_t n = connection_.ReadSome(chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  RawConnection connection_;
  std::string buffer_;
};

}  // namespace ixdb::server::testing
