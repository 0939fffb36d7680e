// bench/peers (issue 13): the vintaged workload (vintaged_workload.hpp) loaded into ixdb, SQLite
// (in-process C API), PostgreSQL 15 (in-process libpq against a private cluster that run.sh
// starts) and DuckDB (@duckdb/node-api, duckdb_peers.mjs), the same five reads on each with
// equivalent SQL (peer_sql.hpp), every answer cross-checked against ixdb's (the run fails when
// one differs), and the table of issue 13 with medians, ratios against the best peer and the
// issue's goals marked met / not met.
//
// Timing: ixdb the way a user gets it (ixdb_reads.hpp: RunAnswer + RenderCsv, what the shell's
// `.timer` measures; the one-series yoy also as the text table); the peers execute a prepared
// statement and fetch every row. One-series reads: a warm-up pass, then --reps rounds over
// --samples monthly series; full scans: --full-reps runs; each figure is the median. ixdb,
// SQLite and PostgreSQL take turns query by query; DuckDB (another process) runs after them.
//
// usage: bench_peers [--size small|medium|large] [--regions N] [--pg CONNINFO] [--no-postgres]
//                    [--no-duckdb] [--reps N] [--full-reps N] [--samples N] [--out DIR]
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/peers/answer.hpp"
#include "bench/peers/ixdb_reads.hpp"
#include "bench/peers/peer_sql.hpp"
#include "bench/peers/vintaged_workload.hpp"

#ifdef IXDB_BENCH_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

using namespace ixdb;
using namespace ixdb::bench;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_peers: %s\n", what.c_str());
  std::exit(1);
}
double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

uint64_t BytesOf(const std::vector<fs::path>& paths) {
  uint64_t n = 0;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) n += e.file_size();
      }
    } else if (fs::exists(p, ec)) {
      n += fs::file_size(p);
    }
  }
  return n;
}

// One read of one sample: what it asks (series code, parameter) and each system's answer.
struct Query {
  Read read;
  std::string code, param;  // param: the as-of day, the period of a revision history, or empty
  std::string ixdb_text;
};

// $1 the series code, $2 the day or period; the full scan has none.
int ParamCount(const Query& q) {
  if (q.read == Read::kYoyAll) return 0;
  return q.param.empty() ? 1 : 2;
}

const char* kSystems[] = {"ixdb", "SQLite", "PostgreSQL", "DuckDB"};
enum System { kIxdb, kSqlite, kPostgres, kDuckdb, kSystemCount };

struct Figures {
  std::optional<double> value[kSystemCount];  // ms per read, rows/s or bytes/row
};

// ---- SQLite ---------------------------------------------------------------------------------

void SqliteExec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
    Die("sqlite: " + sql + ": " + err);
}

// Splits "indicator,period,vintage,value" (the generator's CSV: no quotes).
bool SplitRow(const std::string& line, std::string_view f[4]) {
  size_t a = 0;
  for (int i = 0; i < 3; ++i) {
    const size_t c = line.find(',', a);
    if (c == std::string::npos) return false;
    f[i] = std::string_view(line).substr(a, c - a);
    a = c + 1;
  }
  f[3] = std::string_view(line).substr(a);
  return true;
}

// Loads the CSV in one transaction (prepared INSERT), then indexes (series, period, vintage):
// what a C program does to bulk-load SQLite. Returns seconds.
double SqliteLoad(const fs::path& db_path, const std::string& csv) {
  fs::remove(db_path);
  const auto t0 = Clock::now();
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) Die("sqlite open");
  SqliteExec(db, "PRAGMA cache_size=-262144");
  SqliteExec(db,
             "CREATE TABLE obs(indicator TEXT NOT NULL, period TEXT NOT NULL, vintage TEXT NOT "
             "NULL, value REAL)");
  SqliteExec(db, "BEGIN");
  sqlite3_stmt* ins = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO obs VALUES (?1, ?2, ?3, ?4)", -1, &ins, nullptr) !=
      SQLITE_OK) {
    Die(sqlite3_errmsg(db));
  }
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  std::string_view f[4];
  while (std::getline(in, line)) {
    if (!SplitRow(line, f)) Die("bad CSV row: " + line);
    sqlite3_bind_text(ins, 1, f[0].data(), static_cast<int>(f[0].size()), SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, f[1].data(), static_cast<int>(f[1].size()), SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, f[2].data(), static_cast<int>(f[2].size()), SQLITE_STATIC);
    sqlite3_bind_double(ins, 4, std::strtod(std::string(f[3]).c_str(), nullptr));
    if (sqlite3_step(ins) != SQLITE_DONE) Die(std::string("sqlite insert: ") + sqlite3_errmsg(db));
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  SqliteExec(db, "CREATE INDEX obs_key ON obs(indicator, period, vintage)");
  SqliteExec(db, "COMMIT");
  SqliteExec(db, "ANALYZE");
  sqlite3_close(db);
  return MsSince(t0) / 1000;
}

class SqlitePeer {
 public:
  explicit SqlitePeer(const fs::path& db_path) {
    if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      Die("sqlite open");
    SqliteExec(db_,
               "PRAGMA cache_size=-262144");  // 256 MiB page cache, as PostgreSQL's shared_buffers
  }
  ~SqlitePeer() {
    for (auto& [_, s] : statements_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  // Executes the read and fetches every row; returns ms.
  double Run(const Query& q, Answer* a) {
    const auto t0 = Clock::now();
    sqlite3_stmt* s = Prepared(q.read);
    if (ParamCount(q) >= 1)
      sqlite3_bind_text(s, 1, q.code.data(), static_cast<int>(q.code.size()), SQLITE_STATIC);
    if (ParamCount(q) >= 2)
      sqlite3_bind_text(s, 2, q.param.data(), static_cast<int>(q.param.size()), SQLITE_STATIC);
    a->rows.clear();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      const char* key = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      const double v =
          sqlite3_column_type(s, 1) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(s, 1);
      a->rows.emplace_back(key ? key : "", v);
    }
    if (rc != SQLITE_DONE) Die(std::string("sqlite: ") + sqlite3_errmsg(db_));
    sqlite3_reset(s);
    return MsSince(t0);
  }

 private:
  sqlite3_stmt* Prepared(Read r) {
    auto it = statements_.find(r);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    const std::string sql = PeerSql(Dialect::kSqlite, r);
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      Die(std::string("sqlite: ") + sqlite3_errmsg(db_));
    statements_[r] = s;
    return s;
  }
  sqlite3* db_ = nullptr;
  std::map<Read, sqlite3_stmt*> statements_;
};

// ---- PostgreSQL -------------------------------------------------------------------------------
#ifdef IXDB_BENCH_HAVE_LIBPQ

class PostgresPeer {
 public:
  explicit PostgresPeer(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) Die(std::string("postgres: ") + PQerrorMessage(conn_));
    Exec("SET client_min_messages = warning");
    // Sorting the full scan's 2M rows in memory, not in temporary files (the default is 4MB).
    Exec("SET work_mem = '256MB'");
  }
  ~PostgresPeer() { PQfinish(conn_); }

  void Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      Die("postgres: " + sql + ": " + PQerrorMessage(conn_));
    PQclear(r);
  }
  std::string Value(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
      Die("postgres: " + sql + ": " + PQerrorMessage(conn_));
    std::string v = PQgetvalue(r, 0, 0);
    PQclear(r);
    return v;
  }

  // COPY from the CSV, then the index and ANALYZE (so that the planner knows the table).
  double Load(const std::string& csv) {
    Exec("DROP TABLE IF EXISTS obs");
    const auto t0 = Clock::now();
    Exec(
        "CREATE TABLE obs(indicator text NOT NULL, period text NOT NULL, vintage date NOT NULL, "
        "value float8)");
    PGresult* r = PQexec(conn_, "COPY obs FROM STDIN (FORMAT csv, HEADER true)");
    if (PQresultStatus(r) != PGRES_COPY_IN)
      Die(std::string("postgres COPY: ") + PQerrorMessage(conn_));
    PQclear(r);
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(csv.c_str(), "rb"), &std::fclose);
    if (!f) Die("cannot read " + csv);
    std::vector<char> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
      if (PQputCopyData(conn_, buf.data(), static_cast<int>(n)) != 1)
        Die(std::string("postgres: ") + PQerrorMessage(conn_));
    }
    if (PQputCopyEnd(conn_, nullptr) != 1) Die(std::string("postgres: ") + PQerrorMessage(conn_));
    r = PQgetResult(conn_);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      Die(std::string("postgres COPY: ") + PQerrorMessage(conn_));
    PQclear(r);
    while ((r = PQgetResult(conn_)) != nullptr) PQclear(r);
    Exec("CREATE INDEX obs_key ON obs(indicator, period, vintage)");
    Exec("ANALYZE obs");
    return MsSince(t0) / 1000;
  }

  double Run(const Query& q, Answer* a) {
    const auto t0 = Clock::now();
    const std::string& name = Prepared(q.read);
    const char* params[2] = {q.code.c_str(), q.param.c_str()};
    PGresult* r = PQexecPrepared(conn_, name.c_str(), ParamCount(q), params, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
      Die(std::string("postgres: ") + PQerrorMessage(conn_));
    a->rows.clear();
    const int rows = PQntuples(r);
    for (int i = 0; i < rows; ++i) {
      const double v =
          PQgetisnull(r, i, 1) ? std::nan("") : std::strtod(PQgetvalue(r, i, 1), nullptr);
      a->rows.emplace_back(PQgetvalue(r, i, 0), v);
    }
    PQclear(r);
    return MsSince(t0);
  }

 private:
  const std::string& Prepared(Read read) {
    auto it = prepared_.find(read);
    if (it != prepared_.end()) return it->second;
    const std::string name = "read" + std::to_string(static_cast<int>(read));
    PGresult* r =
        PQprepare(conn_, name.c_str(), PeerSql(Dialect::kPostgres, read).c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      Die(std::string("postgres prepare: ") + PQerrorMessage(conn_));
    PQclear(r);
    return prepared_[read] = name;
  }
  PGconn* conn_;
  std::map<Read, std::string> prepared_;
};

#else
class PostgresPeer {  // built without libpq: --pg is refused before this is made
 public:
  explicit PostgresPeer(const std::string&) {
    Die("built without libpq (./scripts/install-deps --bench, reconfigure)");
  }
  double Load(const std::string&) { return 0; }
  std::string Value(const std::string&) { return "0"; }
  double Run(const Query&, Answer*) { return 0; }
};
#endif

// ---- DuckDB (node) ----------------------------------------------------------------------------

std::string RunCommand(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) Die("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  if (pclose(p) != 0) Die(cmd + " failed:\n" + out);
  return out;
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

std::string DuckdbScript() { return std::string(IXDB_BENCH_DIR) + "/peers/duckdb_peers.mjs"; }
// bench/load's loader: read_csv into obs, CHECKPOINT; prints "rows N" and "seconds S".
std::string DuckdbLoadScript() { return std::string(IXDB_BENCH_DIR) + "/load/duckdb_load.mjs"; }

double DuckdbLoad(const fs::path& db, const std::string& csv) {
  fs::remove(db);
  fs::remove(db.string() + ".wal");
  const std::string out =
      RunCommand("cd " + Quoted(IXDB_BENCH_DIR) + " && node " + Quoted(DuckdbLoadScript()) + " " +
                 Quoted(db.string()) + " " + Quoted(csv));
  const size_t at = out.find("seconds ");
  if (at == std::string::npos) Die("duckdb_load.mjs printed: " + out);
  return std::strtod(out.c_str() + at + 8, nullptr);
}

// Runs every query of `plan` in DuckDB (one process, prepared statements): a warm-up pass over
// the one-series reads, then rounds; fills times[i] (ms per run) and answers[i] (the last run).
void DuckdbRun(const fs::path& db, const std::vector<Query>& plan, const std::vector<int>& reps,
               const fs::path& work, std::vector<std::vector<double>>* times,
               std::vector<Answer>* answers) {
  const fs::path plan_file = work / "duckdb-plan.tsv";
  {
    std::ofstream out(plan_file);
    for (size_t i = 0; i < plan.size(); ++i) {
      out << i << '\t' << reps[i] << '\t' << (plan[i].read == Read::kYoyAll ? 0 : 1) << '\t'
          << PeerSql(Dialect::kDuckdb, plan[i].read);
      if (ParamCount(plan[i]) >= 1) out << '\t' << plan[i].code;
      if (ParamCount(plan[i]) >= 2) out << '\t' << plan[i].param;
      out << '\n';
    }
  }
  const std::string out =
      RunCommand("cd " + Quoted(IXDB_BENCH_DIR) + " && node " + Quoted(DuckdbScript()) + " query " +
                 Quoted(db.string()) + " " + Quoted(plan_file.string()));
  times->assign(plan.size(), {});
  answers->assign(plan.size(), {});
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, '\t')) f.push_back(x);
    if (f.size() >= 3 && f[0] == "T") {
      (*times)[std::stoul(f[1])].push_back(std::strtod(f[2].c_str(), nullptr));
    } else if (f.size() >= 3 && f[0] == "R") {
      const std::string v = f.size() > 3 ? f[3] : "";
      (*answers)[std::stoul(f[1])].rows.emplace_back(
          f[2], v.empty() ? std::nan("") : std::strtod(v.c_str(), nullptr));
    } else if (!line.empty()) {
      Die("duckdb_peers.mjs printed: " + line);
    }
  }
}

// ---- the run ----------------------------------------------------------------------------------

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
std::string Rate(double rows_per_s) { return Fmt("%.2fM", rows_per_s / 1e6); }
std::string Ms(double ms) { return ms >= 100 ? Fmt("%.3f s", ms / 1000) : Fmt("%.3f ms", ms); }

// How a line's ratio reads (as in issue 13's table): times as "peer time / ixdb time", rows/s as
// "ixdb / peer", bytes as "ixdb / peer" (below 1 is better).
enum class Better { kLowerTime, kHigherRate, kLowerSize };

struct Line {
  std::string label;
  Figures f;
  Better better;
  std::string (*format)(double);
};

// "1.37× DuckDB": ixdb against the best peer, marked "(worse)" when the peer wins.
std::string VersusBest(const Line& l) {
  const bool higher = l.better == Better::kHigherRate;
  int best = -1;
  for (int s = kSqlite; s < kSystemCount; ++s) {
    if (!l.f.value[s]) continue;
    if (best < 0 || (higher ? *l.f.value[s] > *l.f.value[best] : *l.f.value[s] < *l.f.value[best]))
      best = s;
  }
  if (best < 0 || !l.f.value[kIxdb]) return "";
  const double ix = *l.f.value[kIxdb], peer = *l.f.value[best];
  const double ratio = l.better == Better::kLowerTime ? peer / ix : ix / peer;
  const bool worse = l.better == Better::kLowerSize ? ratio > 1 : ratio < 1;
  return Fmt("%.2f", ratio) + "× " + kSystems[best] + (worse ? " (worse)" : "");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string size = "medium", pg_conninfo;
  std::optional<uint32_t> regions;
  bool postgres = true, duckdb = true;
  int reps = 25, full_reps = 3;
  size_t samples = 8;
  fs::path out_dir = fs::path(IXDB_BENCH_DIR) / "out" / "peers";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--size")
      size = next();
    else if (a == "--regions")
      regions = static_cast<uint32_t>(std::stoul(next()));
    else if (a == "--pg")
      pg_conninfo = next();
    else if (a == "--no-postgres")
      postgres = false;
    else if (a == "--no-duckdb")
      duckdb = false;
    else if (a == "--reps")
      reps = std::stoi(next());
    else if (a == "--full-reps")
      full_reps = std::stoi(next());
    else if (a == "--samples")
      samples = std::stoul(next());
    else if (a == "--out")
      out_dir = next();
    else {
      Die(std::string("usage: bench_peers [--size S] [--regions N] [--pg CONNINFO] [--no-postgres] "
                      "[--no-duckdb]\n"
                      "       [--reps N] [--full-reps N] [--samples N] [--out DIR]\n  sizes: ") +
          SizeNames());
    }
  }
  if (postgres && pg_conninfo.empty()) {
    Die("PostgreSQL needs --pg CONNINFO (bench/peers/run.sh starts a private cluster), or "
        "--no-postgres");
  }
  WorkloadSpec spec;
  if (!SpecForSize(size, &spec)) Die("unknown size '" + size + "': " + SizeNames());
  if (regions) spec.regions = *regions, size = "regions" + std::to_string(*regions);
  const VintagedWorkload workload(spec);
  const fs::path dir = out_dir / size;
  fs::create_directories(dir);
  std::string error;
  const std::string csv = workload.EnsureCsv(dir.string(), &error);
  if (csv.empty()) Die(error);

  // ---- loads
  std::printf("loading ixdb ...\n");
  const IxdbLoadFigures ix_load = LoadIxdb((dir / "ixdb").string(), csv);
  const double rows = static_cast<double>(ix_load.rows);
  Figures load_rate, bytes_per_row;
  load_rate.value[kIxdb] = rows / ix_load.seconds;
  bytes_per_row.value[kIxdb] = ix_load.disk_bytes / rows;
  std::printf("loading SQLite ...\n");
  const double sq_load = SqliteLoad(dir / "sqlite.db", csv);
  load_rate.value[kSqlite] = rows / sq_load;
  bytes_per_row.value[kSqlite] = BytesOf({dir / "sqlite.db"}) / rows;
  std::unique_ptr<PostgresPeer> pg;
  if (postgres) {
    std::printf("loading PostgreSQL ...\n");
    pg = std::make_unique<PostgresPeer>(pg_conninfo);
    const double s = pg->Load(csv);
    if (std::stod(pg->Value("SELECT count(*) FROM obs")) != rows)
      Die("PostgreSQL holds a different row count");
    load_rate.value[kPostgres] = rows / s;
    bytes_per_row.value[kPostgres] =
        std::stod(pg->Value("SELECT pg_total_relation_size('obs')")) / rows;
  }
  const fs::path duck_db = dir / "duck.db";
  if (duckdb) {
    std::printf("loading DuckDB ...\n");
    const double s = DuckdbLoad(duck_db, csv);
    load_rate.value[kDuckdb] = rows / s;
    bytes_per_row.value[kDuckdb] = BytesOf({duck_db, duck_db.string() + ".wal"}) / rows;
  }

  // ---- the reads
  const auto sample = workload.SampleSeries(samples);
  if (sample.empty()) Die("no monthly series starting in 2010 in this size");
  const std::string as_of_day = workload.VintageDate(5);
  std::vector<Query> plan;
  std::vector<int> plan_reps;
  for (Read r : {Read::kYoyOne, Read::kLatestOne, Read::kAsOfOne, Read::kRevisionsOne}) {
    for (uint32_t s : sample) {
      Query q{r, workload.series()[s].code, "", ""};
      if (r == Read::kAsOfOne) q.param = as_of_day;
      if (r == Read::kRevisionsOne) q.param = workload.PeriodText(s, workload.MostRevisedPeriod(s));
      q.ixdb_text = IxdbQueryText(r, q.code, q.param);
      plan.push_back(q);
      plan_reps.push_back(reps);
    }
  }
  plan.push_back({Read::kYoyAll, "", "", IxdbQueryText(Read::kYoyAll, "", "")});
  plan_reps.push_back(full_reps);

  // times[system][plan index], answers[system][plan index]
  std::vector<std::vector<double>> times[kSystemCount];
  std::vector<Answer> answers[kSystemCount];
  std::vector<double> ix_table_times;
  for (auto& t : times) t.assign(plan.size(), {});
  for (auto& a : answers) a.assign(plan.size(), {});
  // The in-process systems (ixdb, SQLite, PostgreSQL's client) take turns query by query within
  // each round, in an order that rotates, so that a burst of other load on the shared machine
  // (and PostgreSQL's server finishing its last answer) hits them alike.
  std::unique_ptr<storage::Store> store;
  const Status open_status =
      storage::Store::Open(storage::Options{}, (dir / "ixdb").string(), &store);
  if (!open_status.ok()) Die("open ixdb: " + open_status.ToString());
  SqlitePeer sq(dir / "sqlite.db");
  std::vector<std::pair<System, std::function<double(size_t)>>> runners;
  runners.emplace_back(kIxdb, [&](size_t i) {
    return TimeIxdbRead(*store, plan[i].read, plan[i].ixdb_text, Rendering::kCsv,
                        &answers[kIxdb][i]);
  });
  runners.emplace_back(kSqlite, [&](size_t i) { return sq.Run(plan[i], &answers[kSqlite][i]); });
  if (pg)
    runners.emplace_back(kPostgres,
                         [&](size_t i) { return pg->Run(plan[i], &answers[kPostgres][i]); });
  std::printf("reading ixdb, SQLite%s (interleaved) ...\n", pg ? ", PostgreSQL" : "");
  for (auto& [sys, run] : runners) {
    for (size_t i = 0; i < plan.size(); ++i) {
      if (plan[i].read != Read::kYoyAll) run(i);  // warm-up
    }
  }
  for (int r = 0; r < std::max(reps, full_reps); ++r) {
    for (size_t i = 0; i < plan.size(); ++i) {
      if (r >= plan_reps[i]) continue;
      // The order rotates from query to query: a system that always ran right after
      // PostgreSQL's would share the cores with the server's work after each answer.
      for (size_t k = 0; k < runners.size(); ++k) {
        auto& [sys, run] = runners[(k + i + static_cast<size_t>(r)) % runners.size()];
        times[sys][i].push_back(run(i));
      }
      if (plan[i].read == Read::kYoyOne) {
        ix_table_times.push_back(
            TimeIxdbRead(*store, plan[i].read, plan[i].ixdb_text, Rendering::kTable, nullptr));
      }
    }
  }
  if (duckdb) {
    std::printf("reading DuckDB ...\n");
    DuckdbRun(duck_db, plan, plan_reps, dir, &times[kDuckdb], &answers[kDuckdb]);
  }

  // ---- the cross-check: every peer's answer equals ixdb's, query by query
  size_t checked = 0;
  for (int sys = kSqlite; sys < kSystemCount; ++sys) {
    if (times[sys][0].empty()) continue;
    for (size_t i = 0; i < plan.size(); ++i) {
      std::string why;
      if (answers[kIxdb][i].rows.empty()) Die(plan[i].ixdb_text + ": ixdb answered no rows");
      if (!SameAnswer(answers[kIxdb][i], answers[sys][i], &why)) {
        Die(std::string("ANSWERS DIFFER: ") + kSystems[sys] + " and ixdb on " + plan[i].ixdb_text +
            ": ixdb " + why);
      }
      ++checked;
    }
  }

  // ---- the table
  auto median_of = [&](int sys, Read read) -> std::optional<double> {
    std::vector<double> all;
    for (size_t i = 0; i < plan.size(); ++i) {
      if (plan[i].read == read) all.insert(all.end(), times[sys][i].begin(), times[sys][i].end());
    }
    if (all.empty()) return std::nullopt;
    return Median(all);
  };
  auto rows_of = [&](Read read) {
    for (size_t i = 0; i < plan.size(); ++i) {
      if (plan[i].read == read) return answers[kIxdb][i].rows.size();
    }
    return size_t{0};
  };
  auto read_line = [&](const std::string& label, Read read) {
    Line l{label, {}, Better::kLowerTime, Ms};
    for (int sys = 0; sys < kSystemCount; ++sys) l.f.value[sys] = median_of(sys, read);
    return l;
  };
  std::vector<Line> lines;
  lines.push_back({"bulk load, rows/s", load_rate, Better::kHigherRate, Rate});
  lines.push_back({"bytes on disk per row", bytes_per_row, Better::kLowerSize,
                   [](double v) { return Fmt("%.1f", v); }});
  Line yoy_csv = read_line(
      "one-series yoy (" + std::to_string(rows_of(Read::kYoyOne)) + " rows), CSV", Read::kYoyOne);
  Line yoy_table = yoy_csv;
  yoy_table.label = "one-series yoy as a text table (peers: as above)";
  yoy_table.f.value[kIxdb] = Median(ix_table_times);
  lines.push_back(yoy_csv);
  lines.push_back(yoy_table);
  const Line full = read_line("yoy of every series (full scan)", Read::kYoyAll);
  lines.push_back(full);
  const Line latest =
      read_line("latest one series (" + std::to_string(rows_of(Read::kLatestOne)) + " rows)",
                Read::kLatestOne);
  lines.push_back(latest);
  const Line asof = read_line(
      "as-of one series (" + std::to_string(rows_of(Read::kAsOfOne)) + " rows)", Read::kAsOfOne);
  lines.push_back(asof);
  const Line rev = read_line("revision history of one value (" +
                                 std::to_string(rows_of(Read::kRevisionsOne)) + " versions)",
                             Read::kRevisionsOne);
  lines.push_back(rev);

  std::printf(
      "\nbench/peers, size %s: %.0f rows, %zu series, %d vintages; one-series reads: %zu monthly "
      "series x %d "
      "rounds, full scan: %d runs; medians\n\n",
      size.c_str(), rows, workload.series().size(), spec.vintages, sample.size(), reps, full_reps);
  std::printf("first sample's ixdb queries:");
  for (size_t i = 0; i < plan.size(); i += plan[i].read == Read::kYoyAll ? 1 : sample.size()) {
    std::printf(" %s%s", plan[i].ixdb_text.c_str(), i + 1 < plan.size() ? "," : "\n\n");
  }
  std::printf(
      "| figure | ixdb | SQLite %s | PostgreSQL | DuckDB | ixdb vs best peer "
      "|\n|---|---|---|---|---|---|\n",
      sqlite3_libversion());
  for (const Line& l : lines) {
    std::printf("| %s |", l.label.c_str());
    for (int sys = 0; sys < kSystemCount; ++sys)
      std::printf(" %s |", l.f.value[sys] ? l.format(*l.f.value[sys]).c_str() : "–");
    std::printf(" %s |\n", VersusBest(l).c_str());
  }
  std::printf("\nixdb load: peak memory (ru_maxrss) %.0f MiB, %.2f s\n",
              ix_load.peak_rss_bytes / 1048576.0, ix_load.seconds);
  std::printf(
      "answers cross-checked: %zu (every read of every sample, each peer against ixdb: same rows, "
      "values within 1e-9)\n",
      checked);

  // ---- the goals of issue 13
  std::printf("\ngoals (issue 13)\n");
  auto goal = [](const char* what, std::optional<double> ratio, const char* cmp, double bound,
                 bool higher) {
    if (!ratio) {
      std::printf("  %-58s   n/a (peer skipped)\n", what);
      return;
    }
    const bool met = higher ? *ratio >= bound : *ratio <= bound;
    std::printf("  %-58s %7.2f× (goal %s %g×): %s\n", what, *ratio, cmp, bound,
                met ? "met" : "NOT MET");
  };
  auto ratio = [](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
    if (!a || !b) return std::nullopt;
    return *a / *b;
  };
  goal("as-of one series: SQLite time / ixdb time",
       ratio(asof.f.value[kSqlite], asof.f.value[kIxdb]), ">=", 10, true);
  goal("as-of one series: ixdb as-of / ixdb latest read",
       ratio(asof.f.value[kIxdb], latest.f.value[kIxdb]), "<=", 1, false);
  goal("revision history: ixdb time / SQLite time", ratio(rev.f.value[kIxdb], rev.f.value[kSqlite]),
       "<=", 0.5, false);
  goal("one-series yoy as CSV: SQLite time / ixdb time",
       ratio(yoy_csv.f.value[kSqlite], yoy_csv.f.value[kIxdb]), ">=", 20, true);
  goal("one-series yoy as a table: SQLite time / ixdb time",
       ratio(yoy_table.f.value[kSqlite], yoy_table.f.value[kIxdb]), ">=", 20, true);
  goal("bulk load: ixdb rows/s / DuckDB rows/s",
       ratio(load_rate.value[kIxdb], load_rate.value[kDuckdb]), ">=", 2.5, true);
  goal("full scan: DuckDB time / ixdb time", ratio(full.f.value[kDuckdb], full.f.value[kIxdb]),
       ">=", 10, true);
  goal("bytes per row: ixdb / DuckDB",
       ratio(bytes_per_row.value[kIxdb], bytes_per_row.value[kDuckdb]), "<=", 0.35, false);
  if (rows >= 9e6) {
    std::printf("  %-58s %7.2f GB (goal <= 1.5 GB): %s\n", "peak memory of the ixdb load",
                ix_load.peak_rss_bytes / 1e9, ix_load.peak_rss_bytes <= 1.5e9 ? "met" : "NOT MET");
  }
  return 0;
}
