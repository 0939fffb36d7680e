#pragma once
// The parameters of an HTTP request's query string, as the routes read them: lookup by name,
// and a check that no unknown one was given (a misspelt `fromat=csv` must not be silently
// ignored). Internal to server/.

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace ixdb::server {

class HttpParams {
 public:
  using List = std::vector<std::pair<std::string, std::string>>;
  explicit HttpParams(List params) : params_(std::move(params)) {}

  const List& all() const { return params_; }
  // The value of the last `name=` given, or nullptr.
  const std::string* Find(std::string_view name) const {
    for (auto it = params_.rbegin(); it != params_.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }
  // The value of `name`, or `fallback` when absent.
  std::string Get(std::string_view name, std::string_view fallback) const {
    const std::string* v = Find(name);
    return v != nullptr ? *v : std::string(fallback);
  }
  // InvalidArgument naming the first parameter not in `known` (those starting with "_", which
  // scripts add to defeat caches, are let through), with the list of known ones.
  Status CheckKnown(std::string_view path, std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : params_) {
      if (!key.empty() && key[0] == '_') continue;
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument("unknown parameter '" + key + "' for " + std::string(path) +
                                     " (expected " + (list.empty() ? "none" : list) + ")");
    }
    return Status::OK();
  }

 private:
  List params_;
};

}  // namespace ixdb::server
