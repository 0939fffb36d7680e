// RFC 7578 (multipart/form-data) over RFC 2046 §5.1.1 framing: parts are separated by
// CRLF "--" boundary; a preamble before the first and an epilogue after the closing
// "--boundary--" are ignored.

#include "server/http_multipart.hpp"

#include "common/strings.hpp"

namespace ixdb::server {
namespace {

// The value of `key` in a header's parameters ("form-data; name=\"file\"; filename=\"a.csv\""),
// unquoted (a backslash escapes the next character); empty when absent.
std::string HeaderParam(std::string_view header, std::string_view key) {
  const size_t n = header.size();
  size_t i = header.find(';');
  while (i != std::string_view::npos && i < n) {
    ++i;  // past the ';'
    const size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) return "";
    const std::string_view name = Trim(header.substr(i, eq - i));
    i = eq + 1;
    while (i < n && (header[i] == ' ' || header[i] == '\t')) ++i;
    std::string value;
    if (i < n && header[i] == '"') {
      for (++i; i < n && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < n) ++i;
        value += header[i];
      }
      i = header.find(';', i);
    } else {
      const size_t end = header.find(';', i);
      value = std::string(Trim(header.substr(i, (end == std::string_view::npos ? n : end) - i)));
      i = end;
    }
    if (EqualsIgnoreCase(name, key)) return value;
  }
  return "";
}

}  // namespace

std::string MultipartBoundary(std::string_view content_type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  if (!EqualsIgnoreCase(media, "multipart/form-data")) return "";
  return HeaderParam(content_type, "boundary");
}

Result<std::vector<FormPart>> ParseMultipart(std::string_view boundary, std::string_view body) {
  if (boundary.empty()) {
    return Status::InvalidArgument("multipart/form-data without a boundary parameter");
  }
  const std::string delimiter = "--" + std::string(boundary);
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) {
    return Status::InvalidArgument("multipart body does not contain its boundary");
  }
  // Each delimiter after the first is preceded by CRLF, which belongs to it.
  const std::string next_delimiter = "\r\n" + delimiter;
  std::vector<FormPart> parts;
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    // Transport padding, then the CRLF that ends the delimiter line.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") {
      return Status::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                     ": boundary line not followed by CRLF");
    }
    pos += 2;
    size_t headers_end = body.find("\r\n\r\n", pos);
    // A part with no header at all starts with the empty line directly.
    if (body.substr(pos, 2) == "\r\n") headers_end = pos - 2;
    if (headers_end == std::string_view::npos) {
      return Status::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                     ": headers not ended by an empty line");
    }
    FormPart part;
    bool has_disposition = false;
    if (headers_end > pos) {
      for (std::string_view line : Split(body.substr(pos, headers_end - pos), '\n')) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view name = Trim(line.substr(0, colon));
        std::string_view value = Trim(line.substr(colon + 1));
        if (EqualsIgnoreCase(name, "Content-Disposition")) {
          has_disposition = true;
          part.name = HeaderParam(value, "name");
          part.filename = HeaderParam(value, "filename");
        } else if (EqualsIgnoreCase(name, "Content-Type")) {
          part.content_type = std::string(value);
        }
      }
    }
    if (!has_disposition) {
      return Status::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                     " has no Content-Disposition header");
    }
    const size_t content_start = headers_end + 4;
    size_t end = body.find(next_delimiter, content_start);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("multipart body is not closed by --" + std::string(boundary) +
                                     "--");
    }
    part.content = std::string(body.substr(content_start, end - content_start));
    parts.push_back(std::move(part));
    pos = end + 2;  // at the delimiter
  }
}

}  // namespace ixdb::server
