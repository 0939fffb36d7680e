// bench/query: the query language next to SQLite and DuckDB on the same 10M observations.
//
// Data (deterministic): ~61k series (a quarter annual, a quarter quarterly, half monthly),
// starting 1995-2010 and running to 2024, levels growing ~5%/yr with noise, 3 decimals, no gaps
// (so that the peers' LAG over rows is the calendar lag ixdb computes).
//   ixdb:   Store written through BulkWrite (bench/out/query-ixdb, reused when complete)
//   SQLite: obs(series INTEGER, period INTEGER, f INTEGER, value REAL,
//           PRIMARY KEY(series, period)) WITHOUT ROWID (bench/out/query-sqlite.db), in-process
//   DuckDB: the same rows from CSV into an in-memory table (bench/query/duckdb_bench.mjs, npm)
// Measured:
//   1. yoy of one series: ixdb `yoy(sNNNNNN)` through RunValueQuery (parse, snapshot, read,
//      compute; the result as columns) vs a prepared `LAG(value, f) OVER (ORDER BY period)`
//      statement stepping every row; mean latency over the same 300 monthly series. RunQuery
//      (the same plus a Table of formatted rows) is printed too, and the answer as a user gets
//      it: RunAnswer (columns for a value query) plus RenderCsv, and plus RenderText (ratios to
//      SQLite's step loop), next to the Table path (RunQuery plus the Table renderers).
//   2. yoy of every series (full scan, aggregate): ixdb `stats(yoy(series(*)))` (2 threads, best of
//   5)
//      vs `SELECT SUM(y), COUNT(y) FROM (SELECT (value / LAG(value, f) OVER (PARTITION BY series
//      ORDER BY period) - 1) * 100 AS y FROM obs)`; best of 5 (DuckDB: best of 3).
// Usage: bench_query [--series N] [--threads N] [--no-duckdb] [--no-sqlite-full]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "query/columnar_render.hpp"
#include "query/query.hpp"
#include "query/render.hpp"
#include "storage/store.hpp"

using namespace ixdb;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_query: %s\n", what.c_str());
  std::exit(1);
}
void Check(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

struct Spec {
  uint32_t id;
  Frequency freq;
  int32_t start;  // period index
  int32_t end;    // inclusive
};

std::vector<Spec> MakeSpecs(uint32_t n) {
  std::vector<Spec> out;
  std::mt19937 rng(7);
  for (uint32_t i = 0; i < n; ++i) {
    const Frequency f = i % 4 == 0   ? Frequency::kAnnual
                        : i % 4 == 1 ? Frequency::kQuarterly
                                     : Frequency::kMonthly;
    const int ppy = PeriodsPerYear(f);
    const int year = 1995 + static_cast<int>(rng() % 16);
    out.push_back({i, f, year * ppy, 2024 * ppy + ppy - 1});
  }
  return out;
}

// Values of one series, deterministic in its id.
void Values(const Spec& s, std::vector<double>* v) {
  std::mt19937_64 rng(s.id * 2654435761u + 1);
  std::uniform_real_distribution<double> u(-0.01, 0.01);
  const double step = std::pow(1.05, 1.0 / PeriodsPerYear(s.freq));
  double level = 50 + static_cast<double>(rng() % 95000) / 100;
  v->clear();
  for (int32_t p = s.start; p <= s.end; ++p) {
    level *= step * (1 + u(rng));
    v->push_back(std::round(level * 1000) / 1000);
  }
}

std::string Code(uint32_t id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "s%06u", id);
  return buf;
}

uint64_t TotalObs(const std::vector<Spec>& specs) {
  uint64_t n = 0;
  for (const auto& s : specs) n += static_cast<uint64_t>(s.end - s.start + 1);
  return n;
}

std::string Marker(const std::vector<Spec>& specs) {
  return "v1 series=" + std::to_string(specs.size()) + " obs=" + std::to_string(TotalObs(specs));
}
bool HasMarker(const fs::path& p, const std::string& m) {
  std::ifstream in(p);
  std::string line;
  return std::getline(in, line) && line == m;
}
void WriteMarker(const fs::path& p, const std::string& m) { std::ofstream(p) << m << "\n"; }

void BuildIxdb(const std::vector<Spec>& specs, const fs::path& dir) {
  const fs::path marker = dir.string() + ".complete";
  if (fs::exists(dir) && HasMarker(marker, Marker(specs))) return;
  fs::remove_all(dir);
  fs::remove(marker);
  std::printf("building the ixdb store (%llu observations)...\n",
              (unsigned long long)TotalObs(specs));
  auto t = Clock::now();
  storage::Options o;
  o.sync = false;
  std::unique_ptr<storage::Store> store;
  Check(storage::Store::Open(o, dir.string(), &store), "open ixdb");
  auto bulk = store->BeginBulkWrite(storage::LoadInfo{"bench_query", {}, DateFromYmd(2025, 1, 1)});
  Check(bulk.status(), "bulk");
  storage::WriteBatch batch;
  std::vector<double> v;
  const Date vintage = DateFromYmd(2025, 1, 1);
  for (const auto& s : specs) {
    storage::SeriesMeta m;
    m.code = Code(s.id);
    m.name_en = "bench series " + m.code;
    m.unit = "亿元";
    m.measure = storage::MeasureKind::kLevel;
    m.frequency = s.freq;
    batch.PutSeries(m);
    const uint32_t ref = batch.InternSeries(m.code);
    Values(s, &v);
    for (int32_t p = s.start; p <= s.end; ++p) {
      batch.PutObservation(ref, Period{s.freq, p}, vintage, v[p - s.start]);
    }
    if (batch.observation_count() >= 1'000'000) {
      Check((*bulk)->Add(batch), "bulk add");
      batch.Clear();
    }
  }
  Check((*bulk)->Add(batch), "bulk add");
  auto c = (*bulk)->Commit();
  Check(c.status(), "commit");
  bulk->reset();  // a live BulkWrite holds the store's write lock
  Check(store->Compact(), "compact");
  WriteMarker(marker, Marker(specs));
  std::printf("  ixdb store built in %.1f s, %.1f MB\n", Since(t), store->DiskBytes() / 1e6);
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK)
    Die(std::string("sqlite: ") + err);
}

void BuildSqliteAndCsv(const std::vector<Spec>& specs, const fs::path& db_path,
                       const fs::path& csv) {
  const fs::path marker = db_path.string() + ".complete";
  if (fs::exists(db_path) && fs::exists(csv) && HasMarker(marker, Marker(specs))) return;
  fs::remove(db_path);
  std::printf("building the SQLite database and the CSV for DuckDB...\n");
  auto t = Clock::now();
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) Die("sqlite open");
  Exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
  Exec(db,
       "CREATE TABLE obs(series INTEGER, period INTEGER, f INTEGER, value REAL, "
       "PRIMARY KEY(series, period)) WITHOUT ROWID");
  Exec(db, "BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO obs VALUES (?1, ?2, ?3, ?4)", -1, &ins, nullptr);
  std::ofstream out(csv);
  out << "series,period,f,value\n";
  std::vector<double> v;
  char line[96];
  for (const auto& s : specs) {
    Values(s, &v);
    const int f = PeriodsPerYear(s.freq);
    for (int32_t p = s.start; p <= s.end; ++p) {
      sqlite3_bind_int(ins, 1, static_cast<int>(s.id));
      sqlite3_bind_int(ins, 2, p);
      sqlite3_bind_int(ins, 3, f);
      sqlite3_bind_double(ins, 4, v[p - s.start]);
      if (sqlite3_step(ins) != SQLITE_DONE) Die("sqlite insert");
      sqlite3_reset(ins);
      const int n =
          std::snprintf(line, sizeof line, "%u,%d,%d,%.17g\n", s.id, p, f, v[p - s.start]);
      out.write(line, n);
    }
  }
  sqlite3_finalize(ins);
  Exec(db, "COMMIT");
  sqlite3_close(db);
  out.close();
  WriteMarker(marker, Marker(specs));
  std::printf("  built in %.1f s\n", Since(t));
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  uint32_t nseries = 61000;
  bool duck = true, sqlite_full = true;
  bool profile_one = false, profile_full = false;  // ixdb only, for perf record
  std::string profile_render;                      // "csv" or "table": RunAnswer + the renderer
  int threads = 2;                                 // QueryOptions::threads of the full scan
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--series" && i + 1 < argc)
      nseries = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (a == "--no-duckdb")
      duck = false;
    else if (a == "--no-sqlite-full")
      sqlite_full = false;
    else if (a == "--profile-one")
      profile_one = true;
    else if (a == "--threads" && i + 1 < argc)
      threads = std::stoi(argv[++i]);
    else if (a == "--profile-full")
      profile_full = true;
    else if (a == "--profile-rendered" && i + 1 < argc)
      profile_render = argv[++i];
    else
      Die("usage: bench_query [--series N] [--no-duckdb] [--no-sqlite-full] [--profile-one | "
          "--profile-full | --profile-rendered csv|table]");
  }
  const fs::path out = fs::path(IXDB_BENCH_DIR) / "out";
  fs::create_directories(out);
  const auto specs = MakeSpecs(nseries);
  const uint64_t total = TotalObs(specs);
  BuildIxdb(specs, out / "query-ixdb");
  BuildSqliteAndCsv(specs, out / "query-sqlite.db", out / "query-data.csv");

  // The same 300 monthly series for every engine.
  std::vector<uint32_t> sample;
  for (uint32_t i = 2; i < nseries && sample.size() < 300; i += 4 * 50 + 1) {
    if (specs[i].freq == Frequency::kMonthly) sample.push_back(i);
  }
  for (uint32_t i = 3; sample.size() < 300 && i < nseries; i += 4) sample.push_back(i);

  std::unique_ptr<storage::Store> store;
  storage::Options o;
  o.sync = false;
  Status open_status = storage::Store::Open(o, (out / "query-ixdb").string(), &store);
  if (!open_status.ok() || !query::RunQuery(*store, "yoy(" + Code(sample[0]) + ")").ok()) {
    // A store written by an older build of the storage format: build it again.
    store.reset();
    fs::remove(out / "query-ixdb.complete");
    BuildIxdb(specs, out / "query-ixdb");
    Check(storage::Store::Open(o, (out / "query-ixdb").string(), &store), "open ixdb");
  }

  if (profile_one || profile_full || !profile_render.empty()) {
    auto t0 = Clock::now();
    int n = 0;
    while (Since(t0) < 10) {
      if (!profile_render.empty()) {
        size_t bytes = 0;
        for (uint32_t id : sample) {
          auto r = query::RunAnswer(*store, "yoy(" + Code(id) + ")");
          Check(r.status(), "yoy");
          bytes += (profile_render == "csv" ? query::RenderCsv(*r) : query::RenderText(*r)).size();
        }
        if (bytes == 0) Die("nothing rendered");
        n += static_cast<int>(sample.size());
      } else if (profile_one) {
        for (uint32_t id : sample)
          Check(query::RunValueQuery(*store, "yoy(" + Code(id) + ")").status(), "yoy");
        n += static_cast<int>(sample.size());
      } else {
        Check(query::RunQuery(*store, "stats(yoy(series(*)))").status(), "full");
        ++n;
      }
    }
    std::printf("%d queries, %.4f ms each\n", n, Since(t0) * 1000 / n);
    return 0;
  }
  // 1. One series.
  const int reps = 10;
  uint64_t ix_rows = 0;
  for (uint32_t id : sample) {  // warm-up (block cache)
    auto r = query::RunQuery(*store, "yoy(" + Code(id) + ")");
    Check(r.status(), "ixdb yoy");
  }
  auto t = Clock::now();
  for (int k = 0; k < reps; ++k) {
    for (uint32_t id : sample) {
      auto r = query::RunQuery(*store, "yoy(" + Code(id) + ")");
      ix_rows += r->rows.size();
    }
  }
  const double ix_table_ms = Since(t) * 1000 / (reps * sample.size());
  // As a user gets it (the shell's --format csv and default table, `ixdb query`, the server's
  // HTTP answers): RunAnswer, whose value queries render from their columns, plus RenderCsv or
  // RenderText. The Table path (RunQuery plus the Table renderers, what users got before) is
  // timed next to it. Best of 3 passes each (a shared machine).
  auto rendered_ms = [&](auto run, auto render) {
    double best = 1e9;
    for (int pass = 0; pass < 3; ++pass) {
      auto t0 = Clock::now();
      size_t bytes = 0;
      for (uint32_t id : sample) {
        auto r = run("yoy(" + Code(id) + ")");
        Check(r.status(), "ixdb yoy");
        bytes += render(*r).size();
      }
      best = std::min(best, Since(t0) * 1000 / sample.size());
      if (bytes == 0) Die("nothing rendered");
    }
    return best;
  };
  auto run_table = [&](const std::string& q) { return query::RunQuery(*store, q); };
  auto run_answer = [&](const std::string& q) { return query::RunAnswer(*store, q); };
  const double ix_table_csv_ms =
      rendered_ms(run_table, [](const query::Table& t) { return query::RenderCsv(t); });
  const double ix_table_text_ms =
      rendered_ms(run_table, [](const query::Table& t) { return query::RenderText(t); });
  const double ix_csv_ms =
      rendered_ms(run_answer, [](const query::Answer& a) { return query::RenderCsv(a); });
  const double ix_text_ms =
      rendered_ms(run_answer, [](const query::Answer& a) { return query::RenderText(a); });
  // Both paths print the same bytes (tests/query/golden_test.cpp checks the corpus; this checks
  // the benchmark's own queries).
  for (uint32_t id : sample) {
    const std::string q = "yoy(" + Code(id) + ")";
    auto a = query::RunAnswer(*store, q);
    auto tb = query::RunQuery(*store, q);
    Check(a.status(), "ixdb yoy");
    Check(tb.status(), "ixdb yoy");
    if (!a->columnar || query::RenderCsv(*a) != query::RenderCsv(*tb) ||
        query::RenderText(*a) != query::RenderText(*tb)) {
      Die("RunAnswer and RunQuery render " + q + " differently");
    }
  }
  // The same through RunValueQuery: the result as columns, no Table rows (what SQLite's step
  // loop below produces too: values in memory, nothing formatted).
  uint64_t ix_col_rows = 0;
  t = Clock::now();
  for (int k = 0; k < reps; ++k) {
    for (uint32_t id : sample) {
      auto r = query::RunValueQuery(*store, "yoy(" + Code(id) + ")");
      for (const auto& sc : r->series) ix_col_rows += sc.value.size();
    }
  }
  const double ix_one_ms = Since(t) * 1000 / (reps * sample.size());
  if (ix_col_rows != ix_rows) Die("RunValueQuery and RunQuery disagree on the row count");
  // The floor set by storage: a snapshot, the catalog lookup and ReadSeries alone.
  t = Clock::now();
  for (int k = 0; k < reps; ++k) {
    for (uint32_t id : sample) {
      auto view = store->NewReadView();
      const std::string code = Code(id);
      auto m = view->GetSeries(code);
      auto r = view->ReadSeries(code, storage::ReadRequest{});
      if (!m.ok() || !r.ok()) Die("storage read");
    }
  }
  const double storage_one_ms = Since(t) * 1000 / (reps * sample.size());

  sqlite3* db = nullptr;
  if (sqlite3_open_v2((out / "query-sqlite.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK)
    Die("sqlite open");
  Exec(db, "PRAGMA cache_size=-262144");  // 256 MiB page cache
  sqlite3_stmt* one = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT period, (value / LAG(value, f) OVER (ORDER BY period) - 1) * 100 "
                         "FROM obs WHERE series = ?1 ORDER BY period",
                         -1, &one, nullptr) != SQLITE_OK)
    Die(sqlite3_errmsg(db));
  auto run_one = [&](uint32_t id) {
    uint64_t rows = 0;
    sqlite3_bind_int(one, 1, static_cast<int>(id));
    while (sqlite3_step(one) == SQLITE_ROW) {
      volatile double y = sqlite3_column_double(one, 1);
      (void)y;
      ++rows;
    }
    sqlite3_reset(one);
    return rows;
  };
  for (uint32_t id : sample) run_one(id);  // warm-up
  uint64_t sq_rows = 0;
  t = Clock::now();
  for (int k = 0; k < reps; ++k) {
    for (uint32_t id : sample) sq_rows += run_one(id);
  }
  const double sq_one_ms = Since(t) * 1000 / (reps * sample.size());
  sqlite3_finalize(one);

  // 2. Full scan.
  double ix_full = 1e9, ix_sum = 0;
  int64_t ix_count = 0;
  for (int k = 0; k < 5; ++k) {
    t = Clock::now();
    query::QueryOptions qo;
    qo.threads = threads;
    auto r = query::RunQuery(*store, "stats(yoy(series(*)))", qo);
    Check(r.status(), "ixdb full scan");
    ix_full = std::min(ix_full, Since(t));
    ix_count = std::get<int64_t>(r->rows[0][1]);
    ix_sum = std::get<double>(r->rows[0][3]);
  }
  double sq_full = 0, sq_sum = 0;
  int64_t sq_count = 0;
  if (sqlite_full) {
    sqlite3_stmt* full = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT SUM(y), COUNT(y) FROM (SELECT (value / LAG(value, f) OVER "
                           "(PARTITION BY series ORDER BY period) - 1) * 100 AS y FROM obs)",
                           -1, &full, nullptr) != SQLITE_OK)
      Die(sqlite3_errmsg(db));
    t = Clock::now();
    if (sqlite3_step(full) == SQLITE_ROW) {
      sq_sum = sqlite3_column_double(full, 0);
      sq_count = sqlite3_column_int64(full, 1);
    }
    sq_full = Since(t);
    sqlite3_finalize(full);
  }
  sqlite3_close(db);

  double dk_one_ms = 0, dk_full = 0, dk_sum = 0;
  int64_t dk_count = 0;
  if (duck) {
    const std::string bench_dir = IXDB_BENCH_DIR;
    if (std::system((bench_dir + "/query/ensure_duckdb.sh").c_str()) != 0)
      Die("cannot install @duckdb/node-api");
    std::string ids;
    for (uint32_t id : sample) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    const std::string cmd = "cd '" + bench_dir + "' && node query/duckdb_bench.mjs '" +
                            (out / "query-data.csv").string() + "' " + ids + " 3";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) Die("cannot run node");
    char buf[4096];
    std::string json;
    while (fgets(buf, sizeof buf, p)) json += buf;
    if (pclose(p) != 0) Die("duckdb_bench.mjs failed: " + json);
    auto num = [&](const char* key) {
      auto k = json.find(std::string("\"") + key + "\":");
      if (k == std::string::npos) Die("bad duckdb output: " + json);
      return std::strtod(json.c_str() + k + std::strlen(key) + 3, nullptr);
    };
    dk_one_ms = num("one_ms");
    dk_full = num("full_s");
    dk_sum = num("sum");
    dk_count = static_cast<int64_t>(num("count"));
  }

  std::printf(
      "\nbench/query: %zu series, %llu observations; one-series yoy over %zu monthly series x %d\n",
      specs.size(), (unsigned long long)total, sample.size(), reps);
  std::printf("%-44s %14s %14s %14s\n", "", "ixdb", "SQLite", "DuckDB");
  std::printf("%-44s %14.4f %14.4f %14.4f\n", "yoy of one series, ms (mean)", ix_one_ms, sq_one_ms,
              dk_one_ms);
  std::printf("%-44s %14.4f\n", "  ixdb with a Table of rows (RunQuery)", ix_table_ms);
  std::printf("%-44s %14.4f\n", "  ixdb rendered to CSV (RunAnswer + RenderCsv)", ix_csv_ms);
  std::printf("%-44s %14.4f\n", "  ixdb rendered as a table (+ RenderText)", ix_text_ms);
  std::printf("%-44s %14.4f\n", "  Table path: RunQuery + RenderCsv", ix_table_csv_ms);
  std::printf("%-44s %14.4f\n", "  Table path: RunQuery + RenderText", ix_table_text_ms);
  std::printf("%-44s %14.4f\n", "  storage alone (snapshot, GetSeries, ReadSeries)",
              storage_one_ms);
  std::printf("%-44s %14llu %14llu\n", "  rows returned", (unsigned long long)ix_rows,
              (unsigned long long)sq_rows);
  std::printf("%-44s %14.3f %14.3f %14.3f\n", "yoy of every series (full scan), s", ix_full,
              sq_full, dk_full);
  std::printf("%-44s %14lld %14lld %14lld\n", "  yoy values counted", (long long)ix_count,
              (long long)sq_count, (long long)dk_count);
  std::printf("%-44s %14.6g %14.6g %14.6g\n", "  sum of yoy values", ix_sum, sq_sum, dk_sum);
  std::printf(
      "\nratios (peer time / ixdb time; goals: one series >= 20x SQLite, full scan >= 10x "
      "DuckDB)\n");
  std::printf(
      "  one series:  %.1fx SQLite, %.1fx DuckDB (RunValueQuery; with Table rows: %.1fx SQLite)\n",
      sq_one_ms / ix_one_ms, dk_one_ms / ix_one_ms, sq_one_ms / ix_table_ms);
  std::printf(
      "  one series as rendered (goal >= 20x SQLite): CSV %.1fx SQLite, table %.1fx SQLite\n",
      sq_one_ms / ix_csv_ms, sq_one_ms / ix_text_ms);
  std::printf("  the Table path for comparison: CSV %.1fx SQLite, table %.1fx SQLite\n",
              sq_one_ms / ix_table_csv_ms, sq_one_ms / ix_table_text_ms);
  std::printf("  full scan:   %.1fx SQLite, %.1fx DuckDB\n", sq_full / ix_full, dk_full / ix_full);
  return 0;
}
