#pragma once
// The server's log: lines for people (connections, requests, errors). Internal to server/.

#include <functional>
#include <string>
#include <utility>

namespace ixdb::server::internal {

// Calls the sink given in ServerOptions::log, if any. A sink that throws must not take the
// server down, so its exceptions are swallowed. Called on the I/O thread only.
class ServerLog {
 public:
  explicit ServerLog(std::function<void(const std::string&)> sink = {}) : sink_(std::move(sink)) {}

  void operator()(const std::string& line) const {
    if (!sink_) return;
    try {
      sink_(line);
    } catch (...) {  // a failing logger must not take the server down
    }
  }

 private:
  std::function<void(const std::string&)> sink_;
};

}  // namespace ixdb::server::internal
