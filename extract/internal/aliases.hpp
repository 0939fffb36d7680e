#pragma once
// Alias tables (internal): Chinese indicator name -> series code, with the unit the series is
// kept in. The table shipped with the project is data/aliases.csv, compiled in; users add their
// own with `extract --aliases FILE` (same columns; later tables win for the same name).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace ixdb::extract::internal {

struct Alias {
  std::string name;  // as written in reports: 地区生产总值增长
  std::string code;  // gdp_growth
  std::string unit;  // %, 亿元 ... (may be empty: any unit)
};

// data/aliases.csv as it was when the program was built.
std::string_view BuiltinAliasesCsv();

// Reads a table with the header `name,code[,unit]` (any order, case-insensitive). Codes must
// be [A-Za-z][A-Za-z0-9_]* (at most 64). InvalidArgument "source:line: ..." otherwise.
Result<std::vector<Alias>> ParseAliases(std::string_view csv, std::string_view source);

}  // namespace ixdb::extract::internal
