#pragma once
// A DataBackend that counts what passes through it into ServerMetrics (outcome and latency of
// each query, outcome and rows of each load) and forwards everything to the real one. The
// server puts it in front of its backend so that TCP and HTTP requests are counted alike.
// Internal to server/ and its tests.

#include "server/data_backend.hpp"
#include "server/metrics.hpp"

namespace ixdb::server {

// Thread-safe if `inner` is. Both must outlive it.
class MeteredBackend : public DataBackend {
 public:
  MeteredBackend(DataBackend& inner, ServerMetrics& metrics) : inner_(inner), metrics_(metrics) {}
  Result<query::Table> Query(std::string_view text, const QueryControl& control) override;
  Result<query::Answer> Answer(std::string_view text, const QueryControl& control) override;
  Result<load::LoadReport> Load(const std::vector<LoadFile>& files,
                                const load::LoadOptions& options) override;
  // Forwarded as it is (a definition is neither a query nor a load in the metrics).
  Result<std::string> Define(const query::FormulaDefinition& def, bool drop) override {
    return inner_.Define(def, drop);
  }

 private:
  DataBackend& inner_;
  ServerMetrics& metrics_;
};

}  // namespace ixdb::server
