#include "common/date.hpp"

#include <chrono>
#include <cstdio>

namespace ixdb {

namespace chr = std::chrono;

Date DateFromYmd(int year, unsigned month, unsigned day) {
  auto ymd = chr::year{year} / chr::month{month} / chr::day{day};
  return Date{static_cast<int32_t>(chr::sys_days{ymd}.time_since_epoch().count())};
}

void YmdFromDate(Date d, int* year, unsigned* month, unsigned* day) {
  chr::year_month_day ymd{chr::sys_days{chr::days{d.days}}};
  *year = static_cast<int>(ymd.year());
  *month = static_cast<unsigned>(ymd.month());
  *day = static_cast<unsigned>(ymd.day());
}

Result<Date> ParseDate(std::string_view text) {
  int digits[8];
  int n = 0;
  size_t i = 0;
  auto bad = [&] {
    return Status::InvalidArgument("not a date (expected YYYY-MM-DD): '" + std::string(text) + "'");
  };
  // Accept YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD.
  for (; i < text.size() && n < 8; ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits[n++] = c - '0';
    } else if ((c == '-' || c == '/') && (n == 4 || n == 6)) {
      continue;
    } else {
      return bad();
    }
  }
  if (n != 8 || i != text.size()) return bad();
  int year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
  unsigned month = digits[4] * 10 + digits[5];
  unsigned day = digits[6] * 10 + digits[7];
  auto ymd = chr::year{year} / chr::month{month} / chr::day{day};
  if (!ymd.ok() || year < 1000) return bad();
  return DateFromYmd(year, month, day);
}

std::string FormatDate(Date d) {
  int y;
  unsigned m, day;
  YmdFromDate(d, &y, &m, &day);
  if (y < 0 || y > 9999) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, day);
    return buf;
  }
  // Without snprintf: results print a vintage per row.
  const char text[10] = {static_cast<char>('0' + y / 1000),
                         static_cast<char>('0' + y / 100 % 10),
                         static_cast<char>('0' + y / 10 % 10),
                         static_cast<char>('0' + y % 10),
                         '-',
                         static_cast<char>('0' + m / 10),
                         static_cast<char>('0' + m % 10),
                         '-',
                         static_cast<char>('0' + day / 10),
                         static_cast<char>('0' + day % 10)};
  return std::string(text, sizeof text);
}

Date Today() {
  auto now = chr::floor<chr::days>(chr::system_clock::now());
  return Date{static_cast<int32_t>(now.time_since_epoch().count())};
}

}  // namespace ixdb
