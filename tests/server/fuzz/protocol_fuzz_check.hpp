#pragma once
// The property the protocol fuzzer checks, shared with the corpus replay in protocol_test.cpp
// (so gcc builds run it too): no input crashes the decoders, and whatever decodes re-encodes to
// a payload that decodes to the same thing (encoding is a fixed point after one round).

#include <cstdlib>
#include <string>
#include <string_view>

#include "server/op_table.hpp"
#include "server/protocol.hpp"

namespace ixdb::server::fuzz {

// Returns an empty string when the property holds, else what broke.
inline std::string CheckProtocolInput(std::string_view input) {
  // As a request.
  auto req = ParseRequest(input);
  if (req.ok() && req->op->name == "load") {
    std::vector<std::pair<std::string, std::string>> files;
    for (const LoadFile& f : req->files) files.emplace_back(f.name, f.content);
    auto again = EncodeLoadRequest(files, "", req->token);
    if (!again.ok()) return "re-encoding a parsed load request failed";
    auto reparsed = ParseRequest(*again);
    if (!reparsed.ok()) return "a re-encoded load request does not parse";
    if (reparsed->files.size() != req->files.size()) return "load files changed";
    for (size_t i = 0; i < files.size(); ++i) {
      if (reparsed->files[i].content != req->files[i].content) return "file content changed";
    }
  }
  if (req.ok() && req->op->name == "query") {
    auto reparsed = ParseRequest(EncodeQueryRequest(req->query));
    if (!reparsed.ok() || reparsed->query != req->query) return "query text changed";
  }
  // As a response.
  auto table = DecodeTableResponse(input);
  if (table.ok()) {
    std::string once = EncodeTable(*table);
    auto back = DecodeTableResponse(once);
    if (!back.ok()) return "a re-encoded table does not decode: " + back.status().ToString();
    if (EncodeTable(*back) != once) return "table encoding is not stable";
  }
  (void)DecodeLoadResponse(input);
  (void)DecodeStatusResponse(input);
  return {};
}

}  // namespace ixdb::server::fuzz
