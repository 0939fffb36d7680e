#pragma once
// The reads of issue 13 on a vintaged workload (13 monthly releases, ~10% of the last two
// years revised by each), ixdb next to SQLite in one run: latest, as-of and the revision
// history of one value, each once as the Store returns it and once as a user gets it (the
// query plus the rendered CSV or table; SQLite: execute and fetch every column of every row).

#include <string>

// Builds both stores under `dir` (removed first), runs the reads and prints a table with the
// ratios. Exits the process with a message on any error or when the engines disagree.
// `profile` (for perf record): builds only ixdb's store and repeats one read for 10 s, one of
// store-latest, store-asof, store-rev, query-asof (no rendering), csv-latest, csv-asof,
// csv-rev, table-asof, render-csv-asof and render-table-asof (the rendering alone).
void RunVintagedReads(const std::string& dir, int series, const std::string& profile = "");
