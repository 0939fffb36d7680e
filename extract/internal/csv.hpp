#pragma once
// RFC 4180 CSV for the extractor (internal): writing the three output files and reading the
// alias tables. The loader has its own, faster reader; extract depends on common only.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace ixdb::extract::internal {

// Appends one field, quoted only when it holds a comma, a double quote or a line break.
void AppendCsvField(std::string* out, std::string_view field);
// Appends a whole record and its "\n".
void AppendCsvRecord(std::string* out, const std::vector<std::string>& fields);

// Parses CSV text (a UTF-8 byte-order mark is skipped) into records of fields. Empty lines are
// skipped. InvalidArgument "name:line: ..." for an unterminated quote or text after a closing
// quote.
Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text,
                                                       std::string_view name);

}  // namespace ixdb::extract::internal
