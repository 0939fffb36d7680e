// The vintaged workload of issue 13 and its three one-series reads, ixdb next to SQLite.
//
// Data (deterministic): `series` codes r{region}_ind{indicator}, half monthly, a quarter
// quarterly, a quarter annual, 2009 onwards. 13 monthly releases (2024-01-20 .. 2025-01-20):
// the first publishes every period ended before its month, each later one the periods that
// ended since and revises ~10% of the periods of the last two years. Rows arrive in release
// order: one write (ixdb) / one transaction (SQLite) per release.
//
// Reads, over the same 400 monthly series in the same random order for both engines:
//   latest:    ixdb `CODE`                       SQLite max(vintage) per period
//   as-of:     ixdb `asof(CODE, 2024-06-30)`     SQLite the same with vintage <= D (185 rows)
//   revisions: ixdb `revisions(CODE, P)`         SQLite WHERE series=? AND period=? ORDER BY
//   vintage
// ixdb is timed three ways: the Store alone (one read view, ReadSeries/ReadRevisions), and as a
// user gets it: RunQuery on the Store (a fresh snapshot each) plus RenderCsv, or plus RenderText.
// SQLite: a prepared statement stepped over every row, every column fetched.
#include "bench/storage/vintaged_reads.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "query/query.hpp"
#include "query/render.hpp"
#include "storage/store.hpp"

using namespace ixdb;
using namespace ixdb::storage;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kReleases = 13;
constexpr int kSample = 400;  // monthly series read
constexpr int kReps = 7;  // passes over the sample (the fastest is reported: the machine is shared)

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_storage (vintaged): %s\n", what.c_str());
  std::exit(1);
}
void Check(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

struct VRow {
  uint32_t series;
  int32_t period;
  int release;
  double value;
  uint8_t status;
};

struct VData {
  std::vector<std::string> codes;
  std::vector<Frequency> freq;
  std::vector<VRow> rows;  // in release order
  std::vector<Date> releases;
};

Date ReleaseDate(int r) { return DateFromYmd(2024 + r / 12, 1 + r % 12, 20); }

// The last month (year * 12 + month - 1) a period covers.
int32_t LastMonth(Frequency f, int32_t index) {
  switch (f) {
    case Frequency::kAnnual:
      return index * 12 + 11;
    case Frequency::kQuarterly:
      return index * 3 + 2;
    case Frequency::kMonthly:
      return index;
  }
  return index;
}

VData MakeVintagedData(int series) {
  VData d;
  std::mt19937_64 rng(2026);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  for (int r = 0; r < kReleases; ++r) d.releases.push_back(ReleaseDate(r));
  std::vector<std::vector<double>> value(series);
  std::vector<int32_t> first(series);
  for (int s = 0; s < series; ++s) {
    char code[32];
    std::snprintf(code, sizeof code, "r%03d_ind%02d", s / 48, s % 48);
    d.codes.push_back(code);
    const Frequency f = s % 4 == 0   ? Frequency::kAnnual
                        : s % 4 == 1 ? Frequency::kQuarterly
                                     : Frequency::kMonthly;
    d.freq.push_back(f);
    first[s] = 2009 * PeriodsPerYear(f);
  }
  auto round2 = [](double v) { return std::round(v * 100) / 100; };
  std::vector<int32_t> published(series, 0);  // periods published so far
  for (int r = 0; r < kReleases; ++r) {
    const int32_t release_month = 2024 * 12 + r;
    for (int s = 0; s < series; ++s) {
      auto& v = value[s];
      const Frequency f = d.freq[s];
      // Revisions of the last two years' published periods.
      for (int32_t k = 0; r > 0 && k < published[s]; ++k) {
        const int32_t p = first[s] + k;
        if (LastMonth(f, p) < release_month - 24 || uni(rng) >= 0.1) continue;
        v[k] = round2(v[k] * (1 + 0.004 * noise(rng)) + 0.01);
        d.rows.push_back(VRow{static_cast<uint32_t>(s), p, r, v[k], 4});
      }
      // New periods: every period ended before the release month.
      for (;;) {
        const int32_t p = first[s] + published[s];
        if (LastMonth(f, p) >= release_month) break;
        const double prev = v.empty() ? 100 + uni(rng) * 20000 : v.back();
        v.push_back(round2(prev * (1 + 0.05 / PeriodsPerYear(f) + 0.01 * noise(rng))));
        d.rows.push_back(VRow{static_cast<uint32_t>(s), p, r, v.back(), 2});
        ++published[s];
      }
    }
  }
  return d;
}

// One timed figure: the fastest of kReps passes, as time per read.
struct Timing {
  double per_read_s = 0;
  size_t rows = 0;      // rows of one pass
  double checksum = 0;  // sum of values of one pass (engines must agree)
};

template <typename Fn>
Timing Time(const std::vector<int>& sample, const Fn& one) {
  std::vector<double> passes;
  Timing t;
  for (int rep = 0; rep < kReps; ++rep) {
    size_t rows = 0;
    double sum = 0;
    auto t0 = Clock::now();
    for (int s : sample) one(s, &rows, &sum);
    passes.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / sample.size());
    t.rows = rows;
    t.checksum = sum;
  }
  std::sort(passes.begin(), passes.end());
  t.per_read_s = passes.front();
  return t;
}

// The period of series s whose revision history is read: one of the last two years.
Period RevisedPeriod(const VData& d, int s) {
  return Period{Frequency::kMonthly, 2022 * 12 + static_cast<int32_t>((s * 7919) % 24)};
}
const Date kAsOf = DateFromYmd(2024, 6, 30);

struct Figures {
  Timing latest, asof, rev;
};
struct IxdbFigures {
  Figures store, csv, table;
  double disk_bytes = 0;
};

void LoadIxdb(const VData& d, Store* store) {
  size_t pos = 0;
  for (int r = 0; r < kReleases; ++r) {
    WriteBatch b;
    for (size_t s = 0; s < d.codes.size() && r == 0; ++s) {
      SeriesMeta m;
      m.code = d.codes[s];
      m.unit = "亿元";
      m.frequency = d.freq[s];
      b.PutSeries(std::move(m));
    }
    std::vector<uint32_t> refs;
    for (const auto& c : d.codes) refs.push_back(b.InternSeries(c));
    for (; pos < d.rows.size() && d.rows[pos].release == r; ++pos) {
      const VRow& row = d.rows[pos];
      b.PutObservation(refs[row.series], Period{d.freq[row.series], row.period}, d.releases[r],
                       row.value, static_cast<ObsStatus>(row.status));
    }
    Check(store->Write(b, LoadInfo{"release " + std::to_string(r), {}, d.releases[r]}).status(),
          "ixdb write");
  }
  Check(store->Compact(), "compact");
}

// The three reads as RunQuery plus `render` (the user's view of them).
Figures RenderedReads(const VData& d, const std::vector<int>& sample, Store& store,
                      const std::function<std::string(const query::Table&)>& render) {
  auto run = [&](const std::string& q, size_t* rows, double* sum) {
    auto t = query::RunQuery(store, q);
    Check(t.status(), q.c_str());
    const std::string out = render(*t);
    *rows += t->rows.size();
    *sum += static_cast<double>(out.size());
  };
  Figures f;
  f.latest = Time(sample, [&](int s, size_t* n, double* sum) { run(d.codes[s], n, sum); });
  f.asof = Time(sample, [&](int s, size_t* n, double* sum) {
    run("asof(" + d.codes[s] + ", " + FormatDate(kAsOf) + ")", n, sum);
  });
  f.rev = Time(sample, [&](int s, size_t* n, double* sum) {
    run("revisions(" + d.codes[s] + ", " + FormatPeriod(RevisedPeriod(d, s)) + ")", n, sum);
  });
  return f;
}

IxdbFigures RunIxdb(const VData& d, const std::vector<int>& sample, const std::string& dir) {
  fs::remove_all(dir);
  std::unique_ptr<Store> store;
  Check(Store::Open(Options{}, dir, &store), "open ixdb");
  LoadIxdb(d, store.get());
  IxdbFigures f;
  f.disk_bytes = static_cast<double>(store->DiskBytes());
  auto view = store->NewReadView();
  ReadRequest asof;
  asof.mode = ReadMode::kAsOf;
  asof.as_of = kAsOf;
  auto read = [&](const ReadRequest& req) {
    return [&, req](int s, size_t* n, double* sum) {
      auto sv = view->ReadSeries(d.codes[s], req);
      Check(sv.status(), "ReadSeries");
      *n += sv->size();
      for (double v : sv->value) *sum += v;
    };
  };
  for (int s : sample) (void)view->ReadSeries(d.codes[s], {});  // warm the block cache
  f.store.latest = Time(sample, read(ReadRequest{}));
  f.store.asof = Time(sample, read(asof));
  f.store.rev = Time(sample, [&](int s, size_t* n, double* sum) {
    auto rv = view->ReadRevisions(d.codes[s], RevisedPeriod(d, s));
    Check(rv.status(), "ReadRevisions");
    *n += rv->size();
    for (const auto& v : *rv) *sum += v.value;
  });
  f.csv =
      RenderedReads(d, sample, *store, [](const query::Table& t) { return query::RenderCsv(t); });
  f.table =
      RenderedReads(d, sample, *store, [](const query::Table& t) { return query::RenderText(t); });
  return f;
}

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

void LoadSqlite(const VData& d, sqlite3* db) {
  Exec(db, "PRAGMA journal_mode=WAL");
  Exec(db, "PRAGMA synchronous=FULL");
  Exec(db,
       "CREATE TABLE obs(series TEXT NOT NULL, period INTEGER NOT NULL, vintage INTEGER NOT NULL,"
       " value REAL, status INTEGER, qualifier INTEGER, load_id INTEGER,"
       " PRIMARY KEY(series, period, vintage)) WITHOUT ROWID");
  sqlite3_stmt* ins = Prepare(db, "INSERT INTO obs VALUES(?,?,?,?,?,0,?)");
  size_t pos = 0;
  for (int r = 0; r < kReleases; ++r) {
    Exec(db, "BEGIN");
    for (; pos < d.rows.size() && d.rows[pos].release == r; ++pos) {
      const VRow& row = d.rows[pos];
      const std::string& code = d.codes[row.series];
      sqlite3_bind_text(ins, 1, code.data(), static_cast<int>(code.size()), SQLITE_STATIC);
      sqlite3_bind_int(ins, 2, row.period);
      sqlite3_bind_int(ins, 3, d.releases[r].days);
      sqlite3_bind_double(ins, 4, row.value);
      sqlite3_bind_int(ins, 5, row.status);
      sqlite3_bind_int(ins, 6, r + 1);
      if (sqlite3_step(ins) != SQLITE_DONE) Die(sqlite3_errmsg(db));
      sqlite3_reset(ins);
    }
    Exec(db, "COMMIT");
  }
  sqlite3_finalize(ins);
}

Figures RunSqlite(const VData& d, const std::vector<int>& sample, const std::string& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  sqlite3* db = nullptr;
  if (sqlite3_open((dir + "/obs.db").c_str(), &db) != SQLITE_OK) Die("sqlite open");
  LoadSqlite(d, db);
  // SQLite's bare columns of MAX() come from the row of the newest vintage per period.
  sqlite3_stmt* latest = Prepare(
      db, "SELECT period, value, MAX(vintage), status FROM obs WHERE series=? GROUP BY period");
  sqlite3_stmt* asof = Prepare(db,
                               "SELECT period, value, MAX(vintage), status FROM obs WHERE series=? "
                               "AND vintage<=? GROUP BY period");
  sqlite3_stmt* rev = Prepare(db,
                              "SELECT period, value, vintage, status, load_id FROM obs WHERE "
                              "series=? AND period=? ORDER BY vintage");
  auto step = [&](sqlite3_stmt* st, int s, int extra, size_t* n, double* sum) {
    const std::string& code = d.codes[s];
    sqlite3_bind_text(st, 1, code.data(), static_cast<int>(code.size()), SQLITE_STATIC);
    if (extra != 0) sqlite3_bind_int(st, 2, extra);
    const int cols = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < cols; ++c) {
        if (c == 1)
          *sum += sqlite3_column_double(st, c);
        else
          (void)sqlite3_column_int64(st, c);
      }
      ++*n;
    }
    sqlite3_reset(st);
  };
  for (int s : sample) {  // warm the page cache
    size_t n = 0;
    double sum = 0;
    step(latest, s, 0, &n, &sum);
  }
  Figures f;
  f.latest = Time(sample, [&](int s, size_t* n, double* sum) { step(latest, s, 0, n, sum); });
  f.asof = Time(sample, [&](int s, size_t* n, double* sum) { step(asof, s, kAsOf.days, n, sum); });
  f.rev = Time(sample, [&](int s, size_t* n, double* sum) {
    step(rev, s, RevisedPeriod(d, s).index, n, sum);
  });
  sqlite3_finalize(latest);
  sqlite3_finalize(asof);
  sqlite3_finalize(rev);
  sqlite3_close(db);
  return f;
}

// Repeats one kind of read of the sample for 10 s (a steady profile of it alone).
void ProfileOne(const VData& d, const std::vector<int>& sample, const std::string& dir,
                const std::string& what) {
  fs::remove_all(dir);
  std::unique_ptr<Store> store;
  Check(Store::Open(Options{}, dir, &store), "open ixdb");
  LoadIxdb(d, store.get());
  auto view = store->NewReadView();
  ReadRequest req;
  if (what.find("asof") != std::string::npos) {
    req.mode = ReadMode::kAsOf;
    req.as_of = kAsOf;
  }
  auto text = [&](int s) {
    if (what.find("asof") != std::string::npos)
      return "asof(" + d.codes[s] + ", " + FormatDate(kAsOf) + ")";
    if (what.find("rev") != std::string::npos) {
      return "revisions(" + d.codes[s] + ", " + FormatPeriod(RevisedPeriod(d, s)) + ")";
    }
    return d.codes[s];
  };
  std::vector<query::Table> tables;  // render-*: the rendering alone, of answers made once
  if (what.rfind("render-", 0) == 0) {
    for (int s : sample) tables.push_back(*query::RunQuery(*store, text(s)));
  }
  size_t reads = 0, bytes = 0;
  auto t0 = Clock::now();
  // IXDB_PROFILE_PASSES=N: exactly N passes (for instruction counts under callgrind).
  const char* passes_env = std::getenv("IXDB_PROFILE_PASSES");
  const size_t passes = passes_env ? std::strtoul(passes_env, nullptr, 10) : 0;
  while (passes > 0 ? reads < passes * sample.size()
                    : std::chrono::duration<double>(Clock::now() - t0).count() < 10) {
    for (size_t k = 0; k < sample.size(); ++k) {
      const int s = sample[k];
      if (what.rfind("render-", 0) == 0) {
        const query::Table& t = tables[k];
        bytes +=
            (what.rfind("render-csv", 0) == 0 ? query::RenderCsv(t) : query::RenderText(t)).size();
      } else if (what == "store-rev") {
        bytes += view->ReadRevisions(d.codes[s], RevisedPeriod(d, s))->size();
      } else if (what.rfind("store-", 0) == 0) {
        bytes += view->ReadSeries(d.codes[s], req)->size();
      } else {
        auto t = query::RunQuery(*store, text(s));
        Check(t.status(), "query");
        if (what.rfind("query-", 0) == 0)
          bytes += t->rows.size();
        else
          bytes +=
              (what.rfind("csv-", 0) == 0 ? query::RenderCsv(*t) : query::RenderText(*t)).size();
      }
    }
    reads += sample.size();
  }
  std::printf("%s: %zu reads, %.2f us each (%zu)\n", what.c_str(), reads,
              std::chrono::duration<double>(Clock::now() - t0).count() / reads * 1e6, bytes);
}

void CheckAgree(const char* what, const Timing& ix, const Timing& sq) {
  if (ix.rows != sq.rows || std::fabs(ix.checksum - sq.checksum) > 1e-6 * std::fabs(sq.checksum)) {
    Die(std::string("ixdb and SQLite disagree on ") + what + ": rows " + std::to_string(ix.rows) +
        " vs " + std::to_string(sq.rows));
  }
}

void PrintLine(const char* what, const Timing& ix, const Timing& sq, double goal) {
  const double ratio = sq.per_read_s / ix.per_read_s;
  std::printf("%-38s %10.2f %10.2f %9.2fx", what, ix.per_read_s * 1e6, sq.per_read_s * 1e6, ratio);
  if (goal > 0) std::printf("  (goal >= %.0fx: %s)", goal, ratio >= goal ? "met" : "NOT met");
  std::printf("\n");
}

}  // namespace

void RunVintagedReads(const std::string& dir, int series, const std::string& profile) {
  const VData d = MakeVintagedData(series);
  std::vector<int> sample;
  for (int s = 0; s < series && static_cast<int>(sample.size()) < kSample; ++s) {
    if (d.freq[s] == Frequency::kMonthly) sample.push_back(s);
  }
  std::shuffle(sample.begin(), sample.end(), std::mt19937(13));
  if (!profile.empty()) return ProfileOne(d, sample, dir + "/ixdb-vintaged", profile);
  std::printf(
      "\nvintaged: %d series, %zu rows over %d monthly releases; reads of %zu monthly "
      "series, best of %d passes\n",
      series, d.rows.size(), kReleases, sample.size(), kReps);
  const IxdbFigures ix = RunIxdb(d, sample, dir + "/ixdb-vintaged");
  const Figures sq = RunSqlite(d, sample, dir + "/sqlite-vintaged");
  CheckAgree("latest", ix.store.latest, sq.latest);
  CheckAgree("as-of", ix.store.asof, sq.asof);
  CheckAgree("revisions", ix.store.rev, sq.rev);
  std::printf(
      "rows per read: latest %.1f, as-of %.1f, revision history %.2f; ixdb %.2f bytes/row\n",
      static_cast<double>(sq.latest.rows) / sample.size(),
      static_cast<double>(sq.asof.rows) / sample.size(),
      static_cast<double>(sq.rev.rows) / sample.size(), ix.disk_bytes / d.rows.size());
  std::printf("%-38s %10s %10s %10s\n", "one series, us per read", "ixdb", "SQLite", "SQLite/ixdb");
  const struct {
    const char* how;
    const Figures& f;
  } ways[] = {{"Store", ix.store}, {"query + CSV", ix.csv}, {"query + table", ix.table}};
  for (const auto& w : ways) {
    const std::string l = std::string("latest (") + w.how + ")";
    const std::string a = std::string("as-of (") + w.how + ")";
    const std::string r = std::string("revisions of one value (") + w.how + ")";
    PrintLine(l.c_str(), w.f.latest, sq.latest, 0);
    PrintLine(a.c_str(), w.f.asof, sq.asof, 10);
    PrintLine(r.c_str(), w.f.rev, sq.rev, 2);
  }
  std::printf("ixdb as-of / latest time: Store %.2f, query + CSV %.2f (goal <= 1)\n",
              ix.store.asof.per_read_s / ix.store.latest.per_read_s,
              ix.csv.asof.per_read_s / ix.csv.latest.per_read_s);
}
