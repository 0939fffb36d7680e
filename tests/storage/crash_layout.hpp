#pragma once
// What the crash writer writes (shared by the writer and the test that checks it).

namespace ixdb::storage {

// Writes of at least this many versions go through SST ingestion in the writer.
inline constexpr size_t kCrashIngestRows = 400;
// Observations of series b<i>: odd batches are large (ingestion), even ones small (WriteBatch).
inline int CrashRows(int batch) { return batch % 2 ? 600 : 30; }

}  // namespace ixdb::storage
