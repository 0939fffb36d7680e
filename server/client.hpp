#pragma once
// A blocking client for the ixdb wire protocol (docs/protocol.md), used by
// `ixdb --connect HOST:PORT query|shell|load`. No Asio type appears in this header.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "query/table.hpp"

namespace ixdb::server {

// One TCP connection, one request at a time, blocking. Not thread-safe: use one Client per
// thread. When the server has closed the connection between requests (idle timeout, restart),
// the next request reconnects first; a query that finds the connection closed before any answer
// arrived is sent once more, a load never (docs/protocol.md §7).
class Client {
 public:
  // Connects to "HOST:PORT" ("[::1]:7380" for IPv6), giving up after 10 s. IOError names the
  // address when it cannot connect; InvalidArgument for a malformed address. `token` is sent
  // with every load.
  static Result<std::unique_ptr<Client>> Connect(const std::string& host_port,
                                                 const std::string& token = {});
  virtual ~Client() = default;

  // Runs one query on the server; errors come back with the server's code and message
  // (e.g. the parse error with its caret line). IOError when the connection fails.
  virtual Result<query::Table> Query(const std::string& text) = 0;

  // Sends files' contents (name, bytes) for loading on the server (all-or-nothing); returns the
  // server's summary text. `options_json` carries format/vintage/encoding as in
  // docs/protocol.md (empty: defaults); InvalidArgument if it is not a JSON object. Without
  // the server's token: InvalidArgument from the server, nothing written.
  virtual Result<std::string> Load(const std::vector<std::pair<std::string, std::string>>& files,
                                   const std::string& options_json) = 0;

  // Defines (or with `drop` removes) a named formula on the server, as `ixdb define` does
  // locally; returns the server's line ("defined gdp_pc = ..."). Needs the server's token.
  virtual Result<std::string> Define(const std::string& code, const std::string& expression,
                                     const std::string& name, const std::string& unit, bool drop) = 0;

 protected:
  Client() = default;
};

}  // namespace ixdb::server
