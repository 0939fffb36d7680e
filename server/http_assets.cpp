#include "server/http_assets.hpp"

namespace ixdb::server {

const StaticAsset* FindStaticAsset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const StaticAsset& asset : StaticAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace ixdb::server
