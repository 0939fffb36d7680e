#pragma once
// The server's DataBackend over the real store. Internal to server/ and its tests.

#include <string_view>
#include <vector>

#include "query/query.hpp"
#include "server/data_backend.hpp"
#include "storage/store.hpp"

namespace ixdb::server {

// Queries with query::RunQuery (or RunAnswer) on a fresh snapshot (store.NewReadView()) per call;
// loads with load::LoadText (several files: staged in a private temporary directory and loaded with
// load::LoadFiles so that they are one all-or-nothing load). Thread-safe, as Store is.
// `store` must outlive it.
class StoreBackend : public DataBackend {
 public:
  StoreBackend(storage::Store& store, query::QueryOptions options)
      : store_(store), options_(options) {}
  Result<query::Table> Query(std::string_view text, const QueryControl& control) override;
  Result<query::Answer> Answer(std::string_view text, const QueryControl& control) override;
  Result<load::LoadReport> Load(const std::vector<LoadFile>& files,
                                const load::LoadOptions& options) override;
  Result<std::string> Define(const query::FormulaDefinition& def, bool drop) override;

 private:
  storage::Store& store_;
  query::QueryOptions OptionsFor(const QueryControl& control) const;

  query::QueryOptions options_;
};

}  // namespace ixdb::server
