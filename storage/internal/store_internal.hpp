#pragma once
// Test hooks into the store (never in a public header; leveldb db/write_batch_internal.h style).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace ixdb::storage {
class Store;
namespace internal {

// Writes `blob` as a new raw chunk of series `code`, bypassing encoding (to test Check and
// corruption handling). InvalidArgument if `store` is not a store of this build.
Status TEST_PutRawChunk(Store* store, std::string_view code, std::string_view blob);

// Rewrites the store's format marker with `version` (to test the newer-format error).
Status TEST_SetFormatVersion(Store* store, uint32_t version);
// The version the store's format marker says.
Result<uint32_t> TEST_FormatVersion(Store* store);

// Every record of the observation and vintage-index column families, in key order, as (key,
// value) (to test that two ways of writing the same rows store the same bytes).
Status TEST_ObservationRecords(Store* store, std::vector<std::pair<std::string, std::string>>* out);

// How many point reads the decoded-series cache answered by write generation alone, without
// reading the series' chunks (to test when that shortcut is and is not taken).
Result<uint64_t> TEST_GenerationHits(Store* store);

}  // namespace internal
}  // namespace ixdb::storage
