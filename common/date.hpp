#pragma once
// Calendar dates (vintages) as days since 1970-01-01, UTC. A vintage is the day a value became
// known (its publication date), so a date is all the precision ixdb needs.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace ixdb {

struct Date {
  int32_t days = 0;  // days since 1970-01-01
  auto operator<=>(const Date&) const = default;
};

// The largest date: "as known now". Used as an as-of bound meaning "latest".
inline constexpr Date kMaxDate{INT32_MAX};

Date DateFromYmd(int year, unsigned month, unsigned day);
void YmdFromDate(Date d, int* year, unsigned* month, unsigned* day);

// Parses "YYYY-MM-DD" (also "YYYY/MM/DD" and "YYYYMMDD"); rejects impossible dates.
Result<Date> ParseDate(std::string_view text);
// "YYYY-MM-DD".
std::string FormatDate(Date d);
// Today's date, UTC.
Date Today();

}  // namespace ixdb
