// Where the bytes of a store go (issue 13, "bytes per row"): per column family the SST bytes
// and RocksDB's table properties (data, index, filter blocks, raw keys and values), and for the
// chunks of `obs` the bytes of each column of the chunk encoding (before zstd) and how many
// chunks zstd kept. Opens the store read-only with RocksDB directly: a diagnostic of storage's
// own layout (docs/storage-format.md), not a user tool.
//
// usage: chunk_bytes STORE_DIR
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "storage/internal/chunk.hpp"
#include "storage/internal/chunk_columns.hpp"

namespace {

namespace si = ixdb::storage::internal;

void Line(const char* what, double bytes, double rows) {
  std::printf("  %-28s %12.0f  %6.3f bytes/row\n", what, bytes, bytes / rows);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: chunk_bytes STORE_DIR\n");
    return 2;
  }
  const std::string path = argv[1];
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, cfs, &handles, &raw_db);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);

  // The chunks first: their rows are the denominator of every figure.
  rocksdb::ColumnFamilyHandle* obs = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "obs") obs = handles[i];
  }
  si::ColumnBytes cols;
  si::VersionColumns c;
  std::string scratch, encoded;
  double rows = 0, chunks = 0, blob_bytes = 0, key_bytes = 0, zstd_chunks = 0, raw_bytes = 0;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), obs));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice v = it->value();
    c.Clear();
    ixdb::Status st = si::DecodeChunkSorted(std::string_view(v.data(), v.size()), &c, &scratch);
    if (!st.ok()) {
      std::fprintf(stderr, "chunk %zu: %s\n", static_cast<size_t>(chunks), st.ToString().c_str());
      return 1;
    }
    const uint8_t tag = v.size() > 0 ? static_cast<uint8_t>(v[0]) : 0;
    if (tag == si::kChunkPacked || tag == si::kChunkPackedZstd) {
      si::EncodePackedColumns(c, &encoded, &cols);
    } else {
      si::EncodeColumns(c, &encoded, &cols);
    }
    raw_bytes += static_cast<double>(encoded.size());
    rows += static_cast<double>(c.size());
    chunks += 1;
    blob_bytes += static_cast<double>(v.size());
    key_bytes += static_cast<double>(it->key().size());
    zstd_chunks += tag == si::kChunkZstd || tag == si::kChunkPackedZstd;
  }
  if (rows == 0) {
    std::fprintf(stderr, "no observations in %s\n", path.c_str());
    return 1;
  }

  std::printf("store %s: %.0f rows in %.0f chunks (%.0f zstd)\n", path.c_str(), rows, chunks,
              zstd_chunks);
  double sst_total = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    uint64_t sst = 0;
    db->GetIntProperty(handles[i], "rocksdb.live-sst-files-size", &sst);
    sst_total += static_cast<double>(sst);
    rocksdb::TablePropertiesCollection props;
    db->GetPropertiesOfAllTables(handles[i], &props);
    rocksdb::TableProperties sum;
    std::string compression;
    for (const auto& [file, p] : props) {
      sum.Add(*p);
      compression = p->compression_name;
    }
    std::printf(
        "column family %s: %.0f SST bytes (%.3f bytes/row), %llu entries, %llu blocks, %s\n",
        names[i].c_str(), static_cast<double>(sst), static_cast<double>(sst) / rows,
        static_cast<unsigned long long>(sum.num_entries),
        static_cast<unsigned long long>(sum.num_data_blocks), compression.c_str());
    Line("data blocks", static_cast<double>(sum.data_size), rows);
    Line("index blocks", static_cast<double>(sum.index_size), rows);
    Line("filter blocks", static_cast<double>(sum.filter_size), rows);
    Line("raw keys", static_cast<double>(sum.raw_key_size), rows);
    Line("raw values", static_cast<double>(sum.raw_value_size), rows);
  }
  std::printf("all SST files: %.0f bytes, %.3f bytes/row\n", sst_total, sst_total / rows);
  std::printf("obs chunks: %.0f blob bytes (%.3f bytes/row), keys %.0f\n", blob_bytes,
              blob_bytes / rows, key_bytes);
  std::printf("chunk columns before zstd (%.0f bytes, %.3f bytes/row):\n", raw_bytes,
              raw_bytes / rows);
  Line("row and run counts", static_cast<double>(cols.header), rows);
  Line("run headers", static_cast<double>(cols.runs), rows);
  Line("periods", static_cast<double>(cols.periods), rows);
  Line("flags", static_cast<double>(cols.flags), rows);
  Line("values", static_cast<double>(cols.values), rows);
  Line("value exceptions", static_cast<double>(cols.exceptions), rows);
  Line("strings, stage, source", static_cast<double>(cols.strings), rows);
  Line("extent", static_cast<double>(cols.extent), rows);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  return 0;
}
