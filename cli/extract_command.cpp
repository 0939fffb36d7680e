// `ixdb extract`: parses nothing itself (main.cpp does) and calls extract::RunExtract; with
// --db it reads the store's catalog (codes, Chinese names, units) and passes it as plain data,
// so that the extract module stays independent of storage.
#include <iostream>
#include <memory>

#include "cli/backend.hpp"
#include "cli/commands.hpp"
#include "common/date.hpp"
#include "extract/extract.hpp"
#include "storage/store.hpp"

namespace ixdb::cli {

namespace {

// The years a plan report can be about.
constexpr int kMinPlanYear = 1949, kMaxPlanYear = 2100;

Status ReadCatalog(const std::string& db_dir, std::vector<extract::CatalogEntry>* catalog) {
  std::unique_ptr<storage::Store> store;
  Status s = OpenStoreForReading(db_dir, &store);
  if (!s.ok()) return s;
  auto series = store->NewReadView()->ListSeries();
  if (!series.ok()) return series.status();
  for (const storage::SeriesMeta& m : *series) {
    catalog->push_back({m.code, m.name_zh, m.unit, m.frequency, m.cumulative});
  }
  return Status::OK();
}

}  // namespace

Status CmdExtract(const GlobalOptions& g, const ExtractArgs& args) {
  if (!g.connect.empty()) {
    return Status::InvalidArgument("extract reads a local file and a local store (drop --connect)");
  }
  extract::ExtractRequest request;
  request.input = args.file;
  request.out_dir = args.out;
  request.write_text = args.text;
  request.options.alias_files = args.aliases;
  if (args.year != 0) {
    if (args.year < kMinPlanYear || args.year > kMaxPlanYear) {
      return Status::InvalidArgument("--year " + std::to_string(args.year) +
                                     ": expected a year such as 2024");
    }
    request.options.plan_year = args.year;
  }
  if (!args.vintage.empty()) {
    auto v = ParseDate(args.vintage);
    if (!v.ok()) return Status::InvalidArgument("--vintage: " + v.status().message());
    request.options.vintage = *v;
  }
  if (args.use_db) {
    Status s = ReadCatalog(g.db, &request.options.catalog);
    if (!s.ok()) return s;
  }
  auto summary = extract::RunExtract(request);
  if (!summary.ok()) return summary.status();
  std::cerr << *summary;
  return Status::OK();
}

}  // namespace ixdb::cli
