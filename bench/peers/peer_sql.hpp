#pragma once
// The reads of issue 13 as SQL, one text per read and dialect, each returning rows of two
// columns (a key as text, a number) so that every system's answer compares row by row with
// ixdb's: (period, value) for series reads, (vintage, value) for a revision history,
// (count, sum) for the full scan. Parameters: $1 the series code, $2 the as-of day or the period.
//
// Table: obs(indicator text, period text, vintage date, value double) (the CSV's columns); periods
// are ixdb's text (2024-07, 2024Q3, 2024), so they sort in time order within a series and their
// length gives the yoy lag (12, 4, 1). The latest version of a period is the row with max(vintage),
// written in the form each peer runs faster (both give the same rows; measured on the medium size):
// SQLite and DuckDB join a GROUP BY max(vintage) (SQLite's full scan: 5.1 s against 8.4 s with
// the window), PostgreSQL filters on max(vintage) OVER (PARTITION BY ...) (its full scan: 3.4 s
// against 12.7 s with the join, whose hash aggregate each parallel worker computes again).

#include <string>

namespace ixdb::bench {

enum class Dialect { kSqlite, kPostgres, kDuckdb };
enum class Read { kYoyOne, kLatestOne, kAsOfOne, kRevisionsOne, kYoyAll };

inline std::string PeerSql(Dialect d, Read r) {
  const std::string lag = "CASE length(period) WHEN 4 THEN 1 WHEN 6 THEN 4 ELSE 12 END";
  // SQLite keeps dates as ISO text; the others compare a date column with a date.
  const std::string day = d == Dialect::kSqlite ? "$2" : "CAST($2 AS DATE)";
  // The latest version of each period of series $1 (with `cond` on the versions considered).
  auto latest_of_one = [d](const std::string& cond) {
    if (d == Dialect::kPostgres) {
      return "SELECT period, value FROM (SELECT period, vintage, value, max(vintage) OVER "
             "(PARTITION BY period) AS v "
             "FROM obs WHERE indicator = $1" +
             cond + ") a WHERE vintage = v";
    }
    return "SELECT o.period, o.value FROM obs o JOIN (SELECT period, max(vintage) AS v FROM obs "
           "WHERE indicator = $1" +
           cond +
           " GROUP BY period) m ON o.period = m.period AND o.vintage = m.v "
           "WHERE o.indicator = $1";
  };
  // The latest version of every period of every series.
  const std::string latest_of_all =
      d == Dialect::kPostgres
          ? "SELECT indicator, period, value FROM (SELECT indicator, period, vintage, value, "
            "max(vintage) OVER "
            "(PARTITION BY indicator, period) AS v FROM obs) a WHERE vintage = v"
          : "SELECT o.indicator, o.period, o.value FROM obs o JOIN (SELECT indicator, period, "
            "max(vintage) AS v FROM obs "
            "GROUP BY indicator, period) m ON o.indicator = m.indicator AND o.period = m.period "
            "AND o.vintage = m.v";
  switch (r) {
    case Read::kYoyOne:
      return "SELECT period, (value / LAG(value, " + lag +
             ") OVER (ORDER BY period) - 1) * 100 FROM (" + latest_of_one("") +
             ") t ORDER BY period";
    case Read::kLatestOne:
      return "SELECT period, value FROM (" + latest_of_one("") + ") t ORDER BY period";
    case Read::kAsOfOne:
      return "SELECT period, value FROM (" + latest_of_one(" AND vintage <= " + day) +
             ") t ORDER BY period";
    case Read::kRevisionsOne:
      return "SELECT vintage, value FROM obs WHERE indicator = $1 AND period = $2 ORDER BY vintage";
    case Read::kYoyAll:
      return "SELECT COUNT(y), SUM(y) FROM (SELECT (value / LAG(value, " + lag +
             ") OVER (PARTITION BY indicator ORDER BY period) - 1) * 100 AS y FROM (" +
             latest_of_all + ") t) u";
  }
  return {};
}

}  // namespace ixdb::bench
