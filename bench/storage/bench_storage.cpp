// bench/storage: ixdb's Store next to SQLite 3 on the same data, in one run.
//
// Data: 10,000 series x 100 observation rows = 1,000,000 rows over 3 vintages (33 periods at
// vintage 1, the same 33 revised at vintage 2, revised again plus one new period at vintage 3).
// Every row is a real new version (no re-load that ixdb could skip); the values are a mix of
// quarterly levels, growth rates, rates and counts with small revisions (see MakeData).
//
// SQLite: table obs(series TEXT, period INTEGER, vintage INTEGER, value REAL, status INTEGER,
// qualifier INTEGER, load_id INTEGER, PRIMARY KEY (series, period, vintage)) WITHOUT ROWID (the
// fields ixdb records for each version, in their most compact SQLite types), WAL journal,
// synchronous=FULL (ixdb syncs each write too), one transaction per vintage.
//
// Printed: write obs/s, bytes on disk per observation, reads of every series latest and as-of
// (per-series latency and obs/s), revision history of single periods; ratios ixdb : SQLite.
//
// Then the vintaged workload of issue 13 (vintaged_reads.hpp): latest, as-of and revision
// history of one series, from the Store and as rendered by the query language.
//
// Usage: bench_storage [--series N] [--vintaged-series N] [--vintaged-only] [--big | --big-only]
//                      [--vintaged-profile WHAT] [--keep] [DIR]
//   --big  also: one Write of a 10M-row batch into an empty store (~56k series), then
//          ReadSeries (latest) of every series of that store.

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/storage/vintaged_reads.hpp"
#include "storage/store.hpp"

using namespace ixdb;
using namespace ixdb::storage;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void Die(const std::string& what) {
  std::fprintf(stderr, "bench_storage: %s\n", what.c_str());
  std::exit(1);
}
void Check(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

struct Row {
  uint32_t series;
  int32_t period;  // quarterly index
  int vintage;     // 0, 1, 2
  double value;
  uint8_t status;
};

// values[s][p] for vintages 0..2; periods 33 at vintages 0 and 1, 34 at vintage 2.
struct Data {
  int series = 10000;
  std::vector<std::string> codes;
  std::vector<Row> rows;  // grouped by vintage
  Date vintages[3] = {DateFromYmd(2024, 1, 20), DateFromYmd(2024, 4, 20), DateFromYmd(2025, 1, 20)};
};

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

// A mix like the indicators of DOMAIN.md: 40% levels (亿元, two decimals, growing ~1.5% a
// quarter), 30% growth rates (%, one decimal), 20% rates and shares (%, one decimal, drifting),
// 10% counts (integers). Each later vintage revises every published value a little (levels by
// ~0.3%, rates by 0.1-0.3 points) and vintage 3 adds one new period.
Data MakeData(int series, int periods0) {
  Data d;
  d.series = series;
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  const int base = 2016 * 4;
  for (int s = 0; s < series; ++s) {
    char code[32];
    std::snprintf(code, sizeof code, "ind_%05d", s);
    d.codes.push_back(code);
  }
  d.rows.reserve(static_cast<size_t>(series) * (3 * periods0 + 1));
  std::vector<std::vector<double>> value(series);
  std::vector<int> kind(series);
  // n / 100.0 (not n * 0.01) is the double a parser makes of "123.45".
  auto round_to = [](double v, double unit) {
    const double scale = std::round(1 / unit);
    return std::round(v * scale) / scale;
  };
  auto unit_of = [](int k) { return k == 0 ? 0.01 : k == 3 ? 1.0 : 0.1; };
  for (int s = 0; s < series; ++s) {
    int k = s % 10 < 4 ? 0 : s % 10 < 7 ? 1 : s % 10 < 9 ? 2 : 3;
    kind[s] = k;
    double x = k == 0   ? 100 + uni(rng) * 20000
               : k == 1 ? 6
               : k == 2 ? 5 + uni(rng) * 50
                        : 100 + uni(rng) * 10000;
    for (int p = 0; p <= periods0; ++p) {
      switch (k) {
        case 0:
          x *= 1 + 0.015 + 0.02 * noise(rng);
          break;
        case 1:
          x = 0.7 * x + 1.8 + 1.0 * noise(rng);
          break;
        case 2:
          x = std::max(0.1, x + 0.3 * noise(rng));
          break;
        case 3:
          x *= 1 + 0.02 + 0.03 * noise(rng);
          break;
      }
      value[s].push_back(round_to(x, unit_of(k)));
    }
  }
  for (int vin = 0; vin < 3; ++vin) {
    int np = vin == 2 ? periods0 + 1 : periods0;
    for (int s = 0; s < series; ++s) {
      const double unit = unit_of(kind[s]);
      for (int p = 0; p < np; ++p) {
        double& x = value[s][p];
        if (vin > 0 && p < periods0) {
          double r;
          switch (kind[s]) {
            case 0:
              r = x * (1 + 0.003 * noise(rng));
              break;
            case 3:
              r = x * (1 + 0.005 * noise(rng));
              break;
            default:
              r = x + 0.2 * noise(rng);
              break;
          }
          r = round_to(r, unit);
          x = r == x ? round_to(x + unit, unit) : r;  // every row is a new version
        }
        d.rows.push_back(Row{static_cast<uint32_t>(s), base + p, vin, x,
                             static_cast<uint8_t>(vin == 0   ? 2
                                                  : vin == 1 ? 4
                                                             : 3)});
      }
    }
  }
  return d;
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

// Series are read one at a time in a random order (the same for both engines), so that the
// per-series figures are single-series latencies, not a sequential scan.
std::vector<int> ReadOrder(int series) {
  std::vector<int> order(series);
  for (int i = 0; i < series; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(2024));
  return order;
}

struct Results {
  double write_s = 0;
  double bytes = 0;
  double latest_s = 0, asof_s = 0, first_s = 0, rev_s = 0;
  size_t latest_rows = 0, asof_rows = 0, rev_rows = 0;
  int rev_queries = 0;
};

// ---- ixdb ---------------------------------------------------------------------------------

Results RunIxdb(const Data& d, const std::string& dir) {
  Results r;
  fs::remove_all(dir);
  std::unique_ptr<Store> store;
  Check(Store::Open(Options{}, dir, &store), "open ixdb");
  auto t0 = Clock::now();
  size_t pos = 0;
  for (int vin = 0; vin < 3; ++vin) {
    WriteBatch b;
    for (int s = 0; s < d.series && vin == 0; ++s) {
      SeriesMeta m;
      m.code = d.codes[s];
      m.name_zh = "指标" + std::to_string(s);
      m.name_en = "indicator " + std::to_string(s);
      m.unit = "亿元";
      m.frequency = Frequency::kQuarterly;
      b.PutSeries(std::move(m));
    }
    std::vector<uint32_t> refs(d.series);
    for (int s = 0; s < d.series; ++s) refs[s] = b.InternSeries(d.codes[s]);
    while (pos < d.rows.size() && d.rows[pos].vintage == vin) {
      const Row& row = d.rows[pos++];
      b.PutObservation(refs[row.series], Period{Frequency::kQuarterly, row.period}, d.vintages[vin],
                       row.value, static_cast<ObsStatus>(row.status));
    }
    auto w = store->Write(b, LoadInfo{"bench vintage " + std::to_string(vin), {}, d.vintages[vin]});
    Check(w.status(), "ixdb write");
  }
  r.write_s = Seconds(t0, Clock::now());
  Check(store->Compact(), "compact");
  r.bytes = static_cast<double>(store->DiskBytes());

  const std::vector<int> order = ReadOrder(d.series);
  auto view = store->NewReadView();
  // Warm-up pass (both engines read from the OS/page cache after their own writes).
  for (int s = 0; s < d.series; ++s) (void)view->ReadSeries(d.codes[s], {});
  auto t1 = Clock::now();
  for (int s : order) {
    auto sv = view->ReadSeries(d.codes[s], {});
    Check(sv.status(), "read latest");
    r.latest_rows += sv->size();
  }
  auto t2 = Clock::now();
  ReadRequest asof;
  asof.mode = ReadMode::kAsOf;
  asof.as_of = DateFromYmd(2024, 6, 30);
  for (int s : order) {
    auto sv = view->ReadSeries(d.codes[s], asof);
    Check(sv.status(), "read as-of");
    r.asof_rows += sv->size();
  }
  auto t3 = Clock::now();
  std::mt19937 rng(7);
  r.rev_queries = d.series;
  for (int q = 0; q < r.rev_queries; ++q) {
    int s = static_cast<int>(rng() % d.series);
    int p = 2016 * 4 + static_cast<int>(rng() % 33);
    auto rv = view->ReadRevisions(d.codes[s], Period{Frequency::kQuarterly, p});
    Check(rv.status(), "revisions");
    r.rev_rows += rv->size();
  }
  auto t4 = Clock::now();
  r.latest_s = Seconds(t1, t2);
  r.asof_s = Seconds(t2, t3);
  r.rev_s = Seconds(t3, t4);
  return r;
}

// ---- SQLite -------------------------------------------------------------------------------

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Die(std::string("sqlite: ") + (err ? err : "?") + " in " + sql);
  }
}
sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
  return st;
}

Results RunSqlite(const Data& d, const std::string& dir) {
  Results r;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string file = dir + "/obs.db";
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) Die("sqlite open");
  Exec(db, "PRAGMA journal_mode=WAL");
  Exec(db, "PRAGMA synchronous=FULL");
  Exec(db,
       "CREATE TABLE obs(series TEXT NOT NULL, period INTEGER NOT NULL, vintage INTEGER NOT NULL,"
       " value REAL, status INTEGER, qualifier INTEGER, load_id INTEGER,"
       " PRIMARY KEY(series, period, vintage)) WITHOUT ROWID");
  sqlite3_stmt* ins = Prepare(db, "INSERT INTO obs VALUES(?,?,?,?,?,0,?)");
  auto t0 = Clock::now();
  size_t pos = 0;
  for (int vin = 0; vin < 3; ++vin) {
    Exec(db, "BEGIN");
    while (pos < d.rows.size() && d.rows[pos].vintage == vin) {
      const Row& row = d.rows[pos++];
      const std::string& code = d.codes[row.series];
      sqlite3_bind_text(ins, 1, code.data(), static_cast<int>(code.size()), SQLITE_STATIC);
      sqlite3_bind_int(ins, 2, row.period);
      sqlite3_bind_int(ins, 3, d.vintages[vin].days);
      sqlite3_bind_double(ins, 4, row.value);
      sqlite3_bind_int(ins, 5, row.status);
      sqlite3_bind_int(ins, 6, vin + 1);
      if (sqlite3_step(ins) != SQLITE_DONE) Die(sqlite3_errmsg(db));
      sqlite3_reset(ins);
    }
    Exec(db, "COMMIT");
  }
  r.write_s = Seconds(t0, Clock::now());
  sqlite3_finalize(ins);
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  Exec(db, "VACUUM");
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  r.bytes = static_cast<double>(DirBytes(dir));

  // Latest / as-of: SQLite's bare-column MAX() picks the row of the newest vintage per period.
  sqlite3_stmt* latest =
      Prepare(db, "SELECT period, value, MAX(vintage) FROM obs WHERE series=? GROUP BY period");
  sqlite3_stmt* asof = Prepare(
      db,
      "SELECT period, value, MAX(vintage) FROM obs WHERE series=? AND vintage<=? GROUP BY period");
  sqlite3_stmt* rev =
      Prepare(db, "SELECT vintage, value FROM obs WHERE series=? AND period=? ORDER BY vintage");
  auto run = [&](sqlite3_stmt* st, int s, int extra, bool bind_extra) {
    const std::string& code = d.codes[s];
    sqlite3_bind_text(st, 1, code.data(), static_cast<int>(code.size()), SQLITE_STATIC);
    if (bind_extra) sqlite3_bind_int(st, 2, extra);
    size_t n = 0;
    double sink = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      sink += sqlite3_column_double(st, 1);
      ++n;
    }
    sqlite3_reset(st);
    if (sink == -1) std::puts("");
    return n;
  };
  const std::vector<int> order = ReadOrder(d.series);
  for (int s = 0; s < d.series; ++s) run(latest, s, 0, false);  // warm-up
  auto t1 = Clock::now();
  for (int s : order) r.latest_rows += run(latest, s, 0, false);
  auto t2 = Clock::now();
  const int asof_day = DateFromYmd(2024, 6, 30).days;
  for (int s : order) r.asof_rows += run(asof, s, asof_day, true);
  auto t3 = Clock::now();
  std::mt19937 rng(7);
  r.rev_queries = d.series;
  for (int q = 0; q < r.rev_queries; ++q) {
    int s = static_cast<int>(rng() % d.series);
    int p = 2016 * 4 + static_cast<int>(rng() % 33);
    r.rev_rows += run(rev, s, p, true);
  }
  auto t4 = Clock::now();
  r.latest_s = Seconds(t1, t2);
  r.asof_s = Seconds(t2, t3);
  r.rev_s = Seconds(t3, t4);
  sqlite3_finalize(latest);
  sqlite3_finalize(asof);
  sqlite3_finalize(rev);
  sqlite3_close(db);
  return r;
}

// ---- the 10M-row case ---------------------------------------------------------------------

void RunBig(const std::string& dir) {
  const int kSeries = 56000;
  const size_t kRows = 10'000'000;
  fs::remove_all(dir);
  std::unique_ptr<Store> store;
  Check(Store::Open(Options{}, dir, &store), "open ixdb (big)");
  std::mt19937_64 rng(99);
  std::normal_distribution<double> growth(0.01, 0.02);
  WriteBatch b;
  std::vector<uint32_t> refs(kSeries);
  for (int s = 0; s < kSeries; ++s) {
    SeriesMeta m;
    char code[32];
    std::snprintf(code, sizeof code, "big_%05d", s);
    m.code = code;
    m.frequency = Frequency::kMonthly;
    b.PutSeries(m);
    refs[s] = b.InternSeries(code);
  }
  const size_t per = kRows / kSeries;  // 178 months
  size_t rows = 0;
  const Date v = DateFromYmd(2025, 1, 1);
  // Interleaved by period, as a wide file would arrive: the store must sort it by series.
  std::vector<double> x(kSeries, 1000);
  for (size_t p = 0; p < per + 1 && rows < kRows; ++p) {
    for (int s = 0; s < kSeries && rows < kRows; ++s) {
      x[s] = Round2(x[s] * (1 + growth(rng)));
      b.PutObservation(refs[s], Period{Frequency::kMonthly, static_cast<int32_t>(2000 * 12 + p)}, v,
                       x[s]);
      ++rows;
    }
  }
  auto t0 = Clock::now();
  auto w = store->Write(b, LoadInfo{"big", {}, v});
  Check(w.status(), "big write");
  auto t1 = Clock::now();
  std::printf(
      "big: Write of one %zu-row batch (%d series) into an empty store: %.3f s (%.2f M obs/s)\n",
      rows, kSeries, Seconds(t0, t1), rows / Seconds(t0, t1) / 1e6);
  std::vector<std::string> codes;
  {
    auto view = store->NewReadView();
    auto list = view->ListSeries();
    Check(list.status(), "list");
    for (const auto& m : *list) codes.push_back(m.code);
  }
  for (int pass = 0; pass < 2; ++pass) {
    auto view = store->NewReadView();
    size_t n = 0;
    auto t2 = Clock::now();
    for (const auto& c : codes) {
      auto sv = view->ReadSeries(c, {});
      Check(sv.status(), "big read");
      n += sv->size();
    }
    auto t3 = Clock::now();
    std::printf("big: ReadSeries (latest) of all %zu series, %zu obs (%s): %.3f s (%.2f M obs/s)\n",
                codes.size(), n, pass == 0 ? "cold view" : "warm", Seconds(t2, t3),
                n / Seconds(t2, t3) / 1e6);
  }
  std::printf("big: %.2f bytes/obs on disk (before compaction)\n",
              static_cast<double>(store->DiskBytes()) / rows);
}

}  // namespace

int main(int argc, char** argv) {
  int series = 10000;
  bool big = false;
  bool keep = false;  // leave the stores in DIR for inspection
  bool big_only = false;
  int vintaged_series = 11520;
  bool vintaged_only = false;
  std::string vintaged_profile;  // one read repeated, for perf record (vintaged_reads.hpp)
  std::string dir = (fs::temp_directory_path() / "ixdb-bench-storage").string();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--series" && i + 1 < argc) {
      series = std::atoi(argv[++i]);
    } else if (a == "--big") {
      big = true;
    } else if (a == "--big-only") {
      big = big_only = true;
    } else if (a == "--vintaged-series" && i + 1 < argc) {
      vintaged_series = std::atoi(argv[++i]);
    } else if (a == "--vintaged-profile" && i + 1 < argc) {
      vintaged_profile = argv[++i];
      vintaged_only = true;
    } else if (a == "--vintaged-only") {
      vintaged_only = true;
    } else if (a == "--keep") {
      keep = true;
    } else {
      dir = a;
    }
  }
  if (big_only) {
    RunBig(dir + "/ixdb-big");
    if (!keep) fs::remove_all(dir);
    return 0;
  }
  if (vintaged_only) {
    RunVintagedReads(dir, vintaged_series, vintaged_profile);
    if (!keep) fs::remove_all(dir);
    return 0;
  }
  Data d = MakeData(series, 33);
  const double n = static_cast<double>(d.rows.size());
  std::printf("data: %d series, %zu observation rows over 3 vintages (all distinct versions)\n",
              series, d.rows.size());
  Results ix = RunIxdb(d, dir + "/ixdb");
  Results sq = RunSqlite(d, dir + "/sqlite");
  if (ix.latest_rows != sq.latest_rows || ix.asof_rows != sq.asof_rows ||
      ix.rev_rows != sq.rev_rows) {
    std::printf("MISMATCH: latest %zu/%zu as-of %zu/%zu revisions %zu/%zu\n", ix.latest_rows,
                sq.latest_rows, ix.asof_rows, sq.asof_rows, ix.rev_rows, sq.rev_rows);
  }
  std::printf("\n%-44s %14s %14s %10s\n", "", "ixdb", "SQLite", "ixdb/SQLite");
  auto line = [](const char* what, double a, double b, const char* fmt, bool higher_better) {
    char sa[32], sb[32];
    std::snprintf(sa, sizeof sa, fmt, a);
    std::snprintf(sb, sizeof sb, fmt, b);
    std::printf("%-44s %14s %14s %9.2fx%s\n", what, sa, sb, a / b,
                higher_better ? "" : " (lower is better)");
  };
  line("write, obs/s (3 vintages, sync)", n / ix.write_s, n / sq.write_s, "%.0f", true);
  line("bytes on disk per observation", ix.bytes / n, sq.bytes / n, "%.2f", false);
  line("read latest, all series: obs/s", ix.latest_rows / ix.latest_s, sq.latest_rows / sq.latest_s,
       "%.0f", true);
  line("read latest, one series: us", ix.latest_s / series * 1e6, sq.latest_s / series * 1e6,
       "%.2f", false);
  line("read as-of, all series: obs/s", ix.asof_rows / ix.asof_s, sq.asof_rows / sq.asof_s, "%.0f",
       true);
  line("read as-of, one series: us", ix.asof_s / series * 1e6, sq.asof_s / series * 1e6, "%.2f",
       false);
  line("revision history of one period: us", ix.rev_s / ix.rev_queries * 1e6,
       sq.rev_s / sq.rev_queries * 1e6, "%.2f", false);
  std::printf(
      "\ngoals: bytes/obs <= 1/10 of SQLite: %s (%.1fx smaller); as-of one series >= 10x "
      "faster: %s (%.1fx)\n",
      ix.bytes * 10 <= sq.bytes ? "met" : "NOT met", sq.bytes / ix.bytes,
      ix.asof_s * 10 <= sq.asof_s ? "met" : "NOT met", sq.asof_s / ix.asof_s);
  RunVintagedReads(dir, vintaged_series);
  if (big) {
    std::printf("\n");
    RunBig(dir + "/ixdb-big");
  }
  if (!keep) fs::remove_all(dir);
  return 0;
}
