#include "server/metered_backend.hpp"

#include <chrono>

namespace ixdb::server {

Result<query::Table> MeteredBackend::Query(std::string_view text, const QueryControl& control) {
  const auto start = std::chrono::steady_clock::now();
  Result<query::Table> table = inner_.Query(text, control);
  metrics_.RecordQuery(table.ok() ? Status::Code::kOk : table.status().code(),
                       std::chrono::steady_clock::now() - start);
  return table;
}

Result<query::Answer> MeteredBackend::Answer(std::string_view text, const QueryControl& control) {
  const auto start = std::chrono::steady_clock::now();
  Result<query::Answer> answer = inner_.Answer(text, control);
  metrics_.RecordQuery(answer.ok() ? Status::Code::kOk : answer.status().code(),
                       std::chrono::steady_clock::now() - start);
  return answer;
}

Result<load::LoadReport> MeteredBackend::Load(const std::vector<LoadFile>& files,
                                              const load::LoadOptions& options) {
  Result<load::LoadReport> report = inner_.Load(files, options);
  metrics_.RecordLoad(report.ok() ? Status::Code::kOk : report.status().code(),
                      report.ok() ? report->rows_read : 0);
  return report;
}

}  // namespace ixdb::server
