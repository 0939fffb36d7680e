#pragma once
// Loading files into the store (docs/loading.md): long, wide, SDMX-CSV and targets CSV, in
// UTF-8 or GB18030. Used by the CLI (`ixdb load`) and, for writes over the network, by the
// server. All-or-nothing per call: every file of one call is validated before anything is
// written, and the write itself is atomic.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "common/status.hpp"
#include "storage/store.hpp"

namespace ixdb::load {

enum class Format : uint8_t { kAuto, kLong, kWide, kSdmx, kTargets };
Result<Format> ParseFormat(std::string_view text);  // auto|long|wide|sdmx|targets

enum class Encoding : uint8_t { kAuto, kUtf8, kGb18030 };
Result<Encoding> ParseEncoding(std::string_view text);  // auto|utf-8|utf8|gb18030|gbk

// Series codes that are not valid ixdb codes (R's AirPassengers, "AER:ChinaIncome:agriculture",
// SDMX keys with '.'): refused (each distinct code reported once), or turned into a valid code
// (every other character becomes _, runs collapse, s_ in front of a code that would not start
// with a letter; the original becomes the series' name when the file gives none).
enum class CodeMode : uint8_t { kStrict, kSanitize };
Result<CodeMode> ParseCodeMode(std::string_view text);  // strict|sanitize

// The formats the loader reads: --format's choices (and auto), in detection order.
std::vector<std::string> FormatNames();

struct LoadOptions {
  Format format = Format::kAuto;
  Encoding encoding = Encoding::kAuto;
  // Vintage for rows without a vintage cell. Absent: today's date (said in the report notes).
  std::optional<Date> vintage;
  // Non-empty: load the good rows and write the bad ones, with reasons, to this file.
  std::string skip_bad_path;
  // At most this many bad rows are listed in the error. Default: 100.
  size_t max_errors = 100;
  // Called now and then with bytes read so far and the total (0 if unknown, e.g. stdin).
  std::function<void(uint64_t done, uint64_t total)> progress;
  // Recorded with the load (e.g. the command line).
  std::string command;
  // Rows staged in memory before they are handed to the store (Store::BulkWrite::Add, in
  // batches of whole series); bounds the loader's memory (about 70 bytes a row while staging,
  // ~1 GiB at the default). Loads under about a million rows are one Store::Write. Duplicate
  // rows are detected within a chunk. Default: 12,000,000.
  size_t chunk_rows = 12'000'000;
  // Threads that parse one file (only files without any double quote are split), resolve and
  // group rows, and check UTF-8. Default: 2.
  int threads = 2;
  // What to do with series codes that are not valid. Default: kStrict.
  CodeMode codes = CodeMode::kStrict;
  // Leave out columns a format does not know (named in the report's notes) instead of refusing
  // the file. Default: false.
  bool ignore_unknown_columns = false;
  // Read and check everything, write nothing (the report says what would have been done,
  // without the store's counts). Default: false.
  bool dry_run = false;
};

struct LoadReport {
  storage::WriteSummary summary;
  uint64_t rows_read = 0;
  uint64_t bad_rows = 0;  // only with skip_bad_path
  double seconds = 0;
  std::vector<std::string> notes;  // e.g. "no vintage given: using today's date 2026-11-28"
  // Annual series widened into cumulative ones ("iva: annual -> monthly cumulative").
  std::vector<std::string> widened;
};

// Loads files ("-" is standard input) as one all-or-nothing load.
// On bad input: InvalidArgument whose message lists every bad row (up to max_errors), one per
// line, as "file:line:column: what is wrong"; the store is unchanged.
Result<LoadReport> LoadFiles(storage::Store& store, const std::vector<std::string>& paths,
                             const LoadOptions& options);

// The same for content already in memory (the server's write path); `name` is used in errors.
Result<LoadReport> LoadText(storage::Store& store, const std::string& name,
                            const std::string& content, const LoadOptions& options);

// One line for the end of `ixdb load`, e.g.
//   "load #3: 12,345 rows; series 5 created, 1 updated; observations 1,200 added (30 revisions),
//    11,000 unchanged; 12 targets; 0 deletions; 1.23 s, 10,037 rows/s"
// followed by one line per note ("note: ...") and, with skip_bad_path, the count of bad rows.
std::string FormatLoadSummary(const LoadReport& report);

}  // namespace ixdb::load
