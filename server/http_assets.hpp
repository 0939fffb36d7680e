#pragma once
// The web console's files (web/dist, built from web/src by scripts/build-web), compiled into
// the binary so that `ixdb serve --http` needs nothing installed beside it. The table is
// generated at build time by cmake/embed_files.cmake. Internal to server/.

#include <span>
#include <string_view>

namespace ixdb::server {

struct StaticAsset {
  std::string_view path;          // "/index.html", "/console.js"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view data;
};

// Every embedded file (empty when the build had no web/dist).
std::span<const StaticAsset> StaticAssets();

// The file served at `path` ("/" is "/index.html"), or nullptr.
const StaticAsset* FindStaticAsset(std::string_view path);

}  // namespace ixdb::server
