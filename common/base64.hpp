#pragma once
// Base64 (RFC 4648 §4: the standard alphabet, with '=' padding). The wire protocol carries the
// bytes of files that are not UTF-8 (GB18030 exports) in it, since a JSON string cannot.
// Pure functions, thread-safe.

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace ixdb {

// Appends the base64 text of `bytes` to `out` (4 characters for every 3 bytes, padded).
void AppendBase64(std::string& out, std::string_view bytes);

// The bytes `text` encodes. InvalidArgument, naming the offset, for a length that is not a
// multiple of 4, a character outside the alphabet, or padding anywhere but at the end. Bits
// after the last full byte are not checked (RFC 4648 §3.5 lets decoders accept them).
Result<std::string> DecodeBase64(std::string_view text);

}  // namespace ixdb
