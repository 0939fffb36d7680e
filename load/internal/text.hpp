#pragma once
// Text helpers of the loader (internal: not part of the public API; tested in tests/load).
// Cell cleaning, number parsing, fast period/date parsing, encodings and CSV records.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/status.hpp"
#include "common/strings.hpp"  // Trim, Lower: cells are trimmed the same way everywhere
#include "common/utf8.hpp"

namespace ixdb::load::internal {

// True for the cells that mean "no value": empty, "-", "--", "—", "..", "...", "…", "NA", "N/A",
// "n/a" (after trimming).
bool IsMissingMarker(std::string_view cell);

// What a footnote mark at the end of a number said, when it says anything.
enum class FootnoteStatus : uint8_t { kNone, kPreliminary, kEstimate, kRevised };

// Parses a number cell as published. Accepts (docs/loading.md, "Numbers"):
//  - plain decimals and exponents: 20011.65, -3, 1.5e3, +2;
//  - thousands separators: "20,011.65", "1,234,567" (groups of exactly 3 digits);
//  - a trailing "%" (the value stays 5.5 for "5.5%");
//  - the Unicode minus "−" and full-width digits are NOT accepted;
//  - trailing footnote marks, any number of them: *, †, ‡, #, circled numbers ①-⑳, [1] / [a]
//    (one to three letters or digits in brackets), and (p) (e) (r) in either case, which also
//    say the value is preliminary / estimated / revised (*footnote).
// Returns false when the cell is not such a number; *value is then unchanged.
bool ParseNumber(std::string_view cell, double* value, FootnoteStatus* footnote = nullptr);

// Fast parse of the common period forms (2023, 2023Q3, 2023-07); falls back to ParsePeriod.
Result<ParsedPeriod> ParsePeriodFast(std::string_view text);

// Fast parse of YYYY-MM-DD; falls back to ParseDate for other forms.
Result<Date> ParseDateFast(std::string_view text);

// Parses true/false cells: true/false, yes/no, y/n, 1/0, 是/否 (ASCII case-insensitive).
bool ParseBool(std::string_view text, bool* value);

// Converts GB18030 (a superset of GBK and GB2312) to UTF-8 with iconv. On an undecodable byte
// returns false and sets *bad_offset to its offset in `in`.
bool Gb18030ToUtf8(std::string_view in, std::string* out, size_t* bad_offset);

// The 1-based line number and 1-based field number (commas before it on its line, quotes
// ignored) of byte `offset` of `text`.
void LineAndField(std::string_view text, size_t offset, uint64_t* line, uint32_t* field);

// Reads CSV records (RFC 4180): fields separated by commas, records by LF or CRLF; a field in
// double quotes may contain commas, line breaks and doubled quotes (""). Line numbers count
// every line break, including those inside quoted fields.
class CsvReader {
 public:
  // `text` must outlive the reader; `first_line` is the line number of text[0].
  explicit CsvReader(std::string_view text, uint64_t first_line = 1)
      : text_(text), line_(first_line) {}

  // Promise that the text has no double quote (skips looking for one on each line).
  void set_no_quotes() { no_quotes_ = true; }

  // Reads the next record into `fields` (views valid until the next call). Skips lines that
  // are completely empty. Returns false at the end of the text, or on a malformed record, in
  // which case *error is set (and the reader moves past that record). `fields` is cleared.
  bool Next(std::vector<std::string_view>* fields, std::string* error, uint32_t* error_field);

  // Line number where the last record returned started.
  uint64_t record_line() const { return record_line_; }
  // Byte range of the last record returned (without its line break).
  size_t record_begin() const { return record_begin_; }
  size_t record_end() const { return record_end_; }
  // Byte offset of the next record; lines counted so far.
  size_t position() const { return pos_; }
  uint64_t next_line() const { return line_; }
  bool done() const { return pos_ >= text_.size(); }

 private:
  bool SlowRecord(std::vector<std::string_view>* fields, std::string* error, uint32_t* error_field);

  std::string_view text_;
  bool no_quotes_ = false;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  uint64_t record_line_ = 0;
  size_t record_begin_ = 0, record_end_ = 0;
  std::string scratch_;
  struct Span {
    bool scratch;
    size_t begin, size;
  };
  std::vector<Span> spans_;
};

}  // namespace ixdb::load::internal
