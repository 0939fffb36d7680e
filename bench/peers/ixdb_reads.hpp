#pragma once
// ixdb's side of the reads of issue 13, shared by bench/peers and bench/scale: the query text of
// each read, the read timed the way a user gets it (the shell's `.timer`: RunAnswer on a fresh
// snapshot plus the rendering, CSV or the text table of a pipe), the answer read back from the
// rendered CSV, and the load through bench_load in a child process (its own peak memory).

#include <cstdint>
#include <string>

#include "bench/peers/answer.hpp"
#include "bench/peers/peer_sql.hpp"
#include "storage/store.hpp"

namespace ixdb::bench {

// yoy(CODE), CODE, asof(CODE, param), revisions(CODE, param), stats(yoy(series(*))).
std::string IxdbQueryText(Read read, const std::string& code, const std::string& param);

enum class Rendering { kCsv, kTable };

// Runs `text` and renders its result; returns the milliseconds both took. With `answer`, fills
// it from the rendered CSV (the key and number columns of `read`). Exits with a message when the
// query fails: a benchmark of a failing query would time the error path.
double TimeIxdbRead(storage::Store& store, Read read, const std::string& text, Rendering rendering,
                    Answer* answer);

struct IxdbLoadFigures {
  uint64_t rows = 0;
  double seconds = 0;       // LoadFiles, durable (Options::sync on)
  uint64_t disk_bytes = 0;  // after a full compaction
  uint64_t peak_rss_bytes = 0;
};
// Loads `csv` into a fresh store at `db_dir` with bench/load's bench_load (the path CMake gives
// as IXDB_BENCH_LOAD_BIN), in a process of its own. Exits with its message when it fails.
IxdbLoadFigures LoadIxdb(const std::string& db_dir, const std::string& csv);

}  // namespace ixdb::bench
