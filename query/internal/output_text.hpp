#pragma once
// The pieces of output text every renderer writes straight into its buffer (internal to query/):
// numbers (the shortest text that reads back to the same double, in fixed notation while it
// stays short; FormatNumber of render.hpp is the std::string form) and CSV fields.

#include <cstddef>
#include <string_view>

namespace ixdb::query {

// Room a number takes: the fixed form stays under 48 characters in [1e-6, 1e21), the general
// form under 25.
inline constexpr size_t kNumberRoom = 64;

// FormatNumber(v) at p (room: kNumberRoom); returns the end. REQUIRES: v is not NaN.
char* WriteNumber(char* p, double v);

// Writes `field` at p (room: CsvFieldRoom(field)), quoted per RFC 4180 when it must be (it
// holds , " CR or LF); returns the end.
char* WriteCsvField(char* p, std::string_view field);
inline size_t CsvFieldRoom(std::string_view field) { return 2 * field.size() + 2; }

}  // namespace ixdb::query
