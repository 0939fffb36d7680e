#pragma once
// ixdb extract: from a plan report, government work report or statistical bulletin to the
// observations and targets it states, each with the exact phrase it came from, for a person
// to review and load (docs/extract.md). Input is text (UTF-8 or GB18030), HTML or PDF.
//
// The module depends on common only: the store's catalog comes in as plain data (the CLI reads
// it), and the output is files in the loader's own formats:
//   DIR/observations.csv  long CSV (ixdb load)
//   DIR/targets.csv       targets CSV (ixdb load)
//   DIR/review.csv        every candidate, one a row:
//                         kind,indicator,name,period,value,unit,comparator,qualifier,status,
//                         offset,length,source,rule
//   DIR/text.txt          (with write_text) the normalised text the offsets refer to
//
// Thread-safety: the functions keep no state; concurrent calls are fine.

#include <optional>
#include <string>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/status.hpp"
#include "extract/candidate.hpp"

namespace ixdb::extract {

// One series of a store, as the CLI reads it from the catalog for --db.
struct CatalogEntry {
  std::string code;
  std::string name;  // the Chinese name (name_zh); entries without one are never matched
  std::string unit;  // the series' unit as stored (亿元, %...); may be empty
  Frequency frequency = Frequency::kAnnual;
  bool cumulative = false;
};

struct ExtractOptions {
  // The plan year: the year whose targets the report sets. Absent: found in the title lines.
  std::optional<int> plan_year;
  // Written as every row's vintage. Absent: the date in the title lines, else no vintage (the
  // loader then takes `load --vintage`, or today's date).
  std::optional<Date> vintage;
  // The series of a store to map indicator phrases onto (--db); empty: aliases only.
  std::vector<CatalogEntry> catalog;
  // Alias tables (CSV name,code[,unit]) read after the built-in data/aliases.csv; an entry of a
  // later table wins over an earlier one for the same name.
  std::vector<std::string> alias_files;
};

struct Extraction {
  std::string input;  // the file name, for messages
  std::string form;   // "text", "HTML", "PDF"
  std::string text;   // the normalised text the offsets refer to
  int plan_year = 0;
  std::string plan_year_from;         // how the plan year was found
  std::optional<Date> vintage;        // written on every row
  std::string vintage_from;           // "--vintage", "the date in the title lines", or ""
  std::vector<Candidate> candidates;  // in text order, repeats removed
  std::vector<SeriesInfo> series;     // every code the loadable rows use, in order of appearance
  size_t repeats_dropped = 0;         // facts stated again later (one row each)
  std::vector<std::string> notes;     // for the summary
  double seconds = 0;                 // time taken by ExtractFile/ExtractText
};

// Extracts from UTF-8 text (not yet normalised). `input` names it in messages.
// InvalidArgument when no plan year is given or found, or an alias table is bad; IOError when
// an alias table cannot be read.
Result<Extraction> ExtractText(std::string_view text, const std::string& input,
                               const ExtractOptions& options);

// Reads FILE (text, HTML or PDF, recognised by content and name) and extracts. IOError when
// the file cannot be read; InvalidArgument for bad encodings ("file:line:column: ..."),
// unreadable HTML or PDF, and the cases of ExtractText.
Result<Extraction> ExtractFile(const std::string& path, const ExtractOptions& options);

// Writes observations.csv, targets.csv, review.csv and, with write_text, text.txt into
// `out_dir` (created if missing; existing files of these names are replaced). IOError naming
// the file that could not be written.
Status WriteExtraction(const Extraction& extraction, const std::string& out_dir, bool write_text);

// The summary `ixdb extract` prints on standard error: candidates by kind, how many mapped to
// existing series, what was written and any notes. `out_dir` as given on the command line.
std::string FormatExtractSummary(const Extraction& extraction, const std::string& out_dir);

// What `ixdb extract` does: ExtractFile, WriteExtraction, and the summary it returns.
struct ExtractRequest {
  std::string input;
  std::string out_dir;
  bool write_text = false;
  ExtractOptions options;
};
Result<std::string> RunExtract(const ExtractRequest& request);

}  // namespace ixdb::extract
