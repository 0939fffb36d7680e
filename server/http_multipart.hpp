#pragma once
// multipart/form-data bodies (RFC 7578), as browsers and `curl -F file=@a.csv` send files to
// `POST /load`. Internal to server/ and its tests; pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace ixdb::server {

struct FormPart {
  std::string name;          // the field name (Content-Disposition's name=)
  std::string filename;      // the file name (filename=); empty for a plain field
  std::string content_type;  // the part's Content-Type, "" when it has none
  std::string content;       // the bytes, exactly as sent
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted or not); empty when
// `content_type` is not multipart/form-data (compared without regard to case).
std::string MultipartBoundary(std::string_view content_type);

// The parts of `body`, in order. InvalidArgument naming what is wrong: no boundary, a part
// without its headers' end or without Content-Disposition, a body not closed by
// "--boundary--".
Result<std::vector<FormPart>> ParseMultipart(std::string_view boundary, std::string_view body);

}  // namespace ixdb::server
