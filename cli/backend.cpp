#include "cli/backend.hpp"

#include <atomic>
#include <filesystem>
#include <system_error>
#include <utility>

#include "server/client.hpp"
#include "storage/store.hpp"

namespace ixdb::cli {

Result<query::Answer> QueryBackend::Answer(const std::string& text) {
  auto table = Query(text);
  if (!table.ok()) return table.status();
  query::Answer answer;
  answer.table = std::move(*table);
  return answer;
}

namespace {

class LocalBackend : public QueryBackend {
 public:
  LocalBackend(std::string dir, std::unique_ptr<storage::Store> store,
               const query::QueryOptions& options)
      : dir_(std::move(dir)), store_(std::move(store)), options_(options) {
    options_.cancel = &cancel_;
  }

  Result<query::Table> Query(const std::string& text) override {
    // A Cancel() that came while no query ran is not meant for this one.
    cancel_.store(false, std::memory_order_relaxed);
    // The Store overload takes a fresh snapshot per query and lets scans over many series
    // use several threads.
    return query::RunQuery(*store_, text, options_);
  }

  Result<query::Answer> Answer(const std::string& text) override {
    cancel_.store(false, std::memory_order_relaxed);
    return query::RunAnswer(*store_, text, options_);
  }

  // A lock-free store: also safe from a signal handler.
  Status Cancel() override {
    cancel_.store(true, std::memory_order_relaxed);
    return Status::OK();
  }

  Status SetAsOf(std::optional<Date> date) override {
    options_.as_of = date;
    return Status::OK();
  }

  std::string Describe() const override { return "local store " + dir_; }

 private:
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::atomic<bool> cancel_{false};
  query::QueryOptions options_;
};

class RemoteBackend : public QueryBackend {
 public:
  RemoteBackend(std::string address, std::unique_ptr<server::Client> client)
      : address_(std::move(address)), client_(std::move(client)) {}

  // The date travels in the request's "as_of" member; the client refuses it (NotSupported)
  // for a server of protocol 1, which would ignore it and answer with the latest values.
  Result<query::Table> Query(const std::string& text) override {
    return client_->Query(text, as_of_);
  }

  // A cancel request on a second connection (docs/protocol.md, "cancel"): the running Query
  // returns Cancelled and the connection stays usable.
  Status Cancel() override { return client_->Cancel(); }

  Status SetAsOf(std::optional<Date> date) override {
    as_of_ = date;
    return Status::OK();
  }

  std::string Describe() const override { return "server " + address_; }

 private:
  std::string address_;
  std::unique_ptr<server::Client> client_;
  std::optional<Date> as_of_;
};

}  // namespace

Status OpenStoreForReading(const std::string& db_dir, std::unique_ptr<storage::Store>* store) {
  std::error_code ec;
  if (!std::filesystem::exists(db_dir, ec)) {
    return Status::NotFound("no ixdb store at '" + db_dir +
                            "' (load data first with `ixdb load`, or pass --db DIR / set IXDB_DB)");
  }
  storage::Options opts;
  opts.read_only = true;
  opts.create_if_missing = false;
  return storage::Store::Open(opts, db_dir, store);
}

Result<std::unique_ptr<QueryBackend>> OpenLocalBackend(const std::string& db_dir,
                                                       const query::QueryOptions& options) {
  std::unique_ptr<storage::Store> store;
  Status s = OpenStoreForReading(db_dir, &store);
  if (!s.ok()) return s;
  return std::unique_ptr<QueryBackend>(new LocalBackend(db_dir, std::move(store), options));
}

Result<std::unique_ptr<QueryBackend>> ConnectBackend(const std::string& host_port,
                                                     const std::string& token) {
  server::ClientOptions options;
  options.token = token;
  return ConnectBackend(host_port, options);
}

Result<std::unique_ptr<QueryBackend>> ConnectBackend(const std::string& host_port,
                                                     const server::ClientOptions& options) {
  auto client = server::Client::Connect(host_port, options);
  if (!client.ok()) return client.status();
  return std::unique_ptr<QueryBackend>(new RemoteBackend(host_port, std::move(*client)));
}

}  // namespace ixdb::cli
