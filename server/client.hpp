#pragma once
// A blocking client for the ixdb wire protocol (docs/protocol.md), used by
// `ixdb --connect HOST:PORT query|shell|load`. No Asio type appears in this header.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/status.hpp"
#include "query/table.hpp"

namespace ixdb::server {

struct ClientOptions {
  // Sent with every load. Empty: none.
  std::string token;
  // How long to wait for each answer (and for connecting); when it passes, a query is cancelled
  // on the server and the call returns Cancelled saying so. Zero: wait without limit.
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
  // Speak TLS, verifying the server's certificate against `tls_ca_file` (PEM) or, when empty,
  // the system's certificate store, and that it names the host (a name or an IP address).
  bool tls = false;
  std::string tls_ca_file;
};

// One connection (TCP, or TLS over it), one request at a time, blocking. Not thread-safe except
// Cancel(), which any thread may call while another waits in Query. When the server has closed
// the connection between requests (idle timeout, restart), the next request reconnects first; a
// query that finds the connection closed before any answer arrived is sent once more, a load
// never (docs/protocol.md §7).
class Client {
 public:
  // Connects to "HOST:PORT" ("[::1]:7380" for IPv6) and says hello (to learn the connection's
  // cancel key). IOError names the address when it cannot connect (or the TLS handshake fails,
  // with OpenSSL's reason); InvalidArgument for a malformed address, an unreadable CA file, or a
  // server that answers that it speaks TLS only (or the reverse).
  static Result<std::unique_ptr<Client>> Connect(const std::string& host_port,
                                                 const ClientOptions& options);
  static Result<std::unique_ptr<Client>> Connect(const std::string& host_port,
                                                 const std::string& token = {});
  virtual ~Client() = default;

  // Runs one query on the server; errors come back with the server's code and message
  // (e.g. the parse error with its caret line; Cancelled when Cancel() or the server's time
  // limit stopped it, or when no answer came within options.timeout). IOError when the
  // connection fails.
  Result<query::Table> Query(const std::string& text) { return Query(text, std::nullopt); }
  // The same, reading the store as known at the end of `as_of` (the shell's `.asof`).
  // NotSupported, without asking, when the server speaks protocol 1 (which would ignore the
  // date and answer with the latest values).
  virtual Result<query::Table> Query(const std::string& text, std::optional<Date> as_of) = 0;

  // Sends files' contents (name, bytes) for loading on the server (all-or-nothing); returns the
  // server's summary text. `options_json` carries format/vintage/encoding as in
  // docs/protocol.md (empty: defaults); InvalidArgument if it is not a JSON object. Without
  // the server's token: InvalidArgument from the server, nothing written.
  virtual Result<std::string> Load(const std::vector<std::pair<std::string, std::string>>& files,
                                   const std::string& options_json) = 0;

  // Defines (or with `drop` removes) a named formula on the server, as `ixdb define` does
  // locally; returns the server's line ("defined gdp_pc = ..."). Needs the server's token.
  virtual Result<std::string> Define(const std::string& code, const std::string& expression,
                                     const std::string& name, const std::string& unit,
                                     bool drop) = 0;
  // Stops the query a Query call on this client is waiting for, through a cancel request on a
  // second connection (docs/protocol.md, "cancel"); that Query then returns Cancelled.
  // Thread-safe, and safe to call when no query runs (it then does nothing). OK when the
  // request was delivered (or there was nothing to cancel); IOError when the second connection
  // failed; NotSupported when the server gave no cancel key (an older server).
  virtual Status Cancel() = 0;

 protected:
  Client() = default;
};

}  // namespace ixdb::server
