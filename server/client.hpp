#pragma once
// A blocking client for the ixdb wire protocol (docs/protocol.md), used by
// `ixdb --connect HOST:PORT query|shell|load`. No Asio type appears in this header.

#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "query/table.hpp"

namespace ixdb::server {

class Client {
 public:
  // Connects to "HOST:PORT". IOError names the address when it cannot connect.
  static Result<std::unique_ptr<Client>> Connect(const std::string& host_port,
                                                 const std::string& token = {});
  virtual ~Client() = default;

  // Runs one query on the server; errors come back with the server's message
  // (e.g. the parse error with its caret line).
  virtual Result<query::Table> Query(const std::string& text) = 0;

  // Sends files' contents for loading on the server (all-or-nothing); returns the server's
  // summary text. `options_json` carries format/vintage/encoding as in docs/protocol.md.
  virtual Result<std::string> Load(const std::vector<std::pair<std::string, std::string>>& files,
                                   const std::string& options_json) = 0;

 protected:
  Client() = default;
};

}  // namespace ixdb::server
