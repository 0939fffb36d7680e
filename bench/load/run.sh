#!/bin/sh
# The load benchmark (issue 4): generates a ~10M-row long CSV once (bench/out/load/long.csv),
# then loads it into ixdb, SQLite (sqlite3 CLI: one transaction, then an index on the key) and
# DuckDB (read_csv into a table, @duckdb/node-api from npm, installed into bench/ when missing),
# and prints rows/s, bytes on disk and the ratios. Builds nothing: run it after building.
#
# usage: bench/load/run.sh [BUILD_DIR]     (default: ./build)
# env:   IXDB_BENCH_KEEP=1 keeps the three databases in bench/out/load.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
OUT=$ROOT/bench/out/load
BIN=
for d in "$BUILD/bench/load" "$BUILD/bench_load"; do
  if [ -x "$d/bench_load" ]; then BIN=$d; fi
done
[ -n "$BIN" ] || { echo "run.sh: bench_load not found under $BUILD (build the bench_load and gen_long_csv targets)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "run.sh: sqlite3 not found (apt-get install -y sqlite3)" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: node not found (apt-get install -y nodejs npm)" >&2; exit 1; }
if [ ! -d "$ROOT/bench/node_modules/@duckdb/node-api" ]; then
  (cd "$ROOT/bench" && npm install --no-save --no-audit --no-fund --silent @duckdb/node-api >/dev/null)
fi

mkdir -p "$OUT"
CSV=$OUT/long.csv
if [ ! -s "$CSV" ]; then
  echo "generating $CSV ..."
  "$BIN/gen_long_csv" "$CSV.tmp" && mv "$CSV.tmp" "$CSV"
fi
rm -rf "$OUT/ixdb" "$OUT/sqlite.db" "$OUT/duck.db" "$OUT/duck.db.wal"
now() { date +%s.%N; }
size_of() { du -sb "$@" 2>/dev/null | awk '{s += $1} END {print s + 0}'; }

# Drop the file from nothing: every engine reads it from the page cache (run 1 warms it).
cat "$CSV" > /dev/null

IXDB_LOAD_PROFILE=1 "$BIN/bench_load" "$OUT/ixdb" "$CSV" > "$OUT/ixdb.txt" 2> "$OUT/ixdb.err" || {
  cat "$OUT/ixdb.err" >&2; exit 1; }
ROWS=$(awk '$1 == "rows" {print $2}' "$OUT/ixdb.txt")
IX_S=$(awk '$1 == "seconds" {print $2}' "$OUT/ixdb.txt")
IX_B=$(awk '$1 == "disk_bytes" {print $2}' "$OUT/ixdb.txt")
IX_RSS=$(awk '$1 == "peak_rss_bytes" {print $2}' "$OUT/ixdb.txt")

T0=$(now)
sqlite3 "$OUT/sqlite.db" <<SQL
CREATE TABLE obs(indicator TEXT, period TEXT, vintage TEXT, value REAL);
BEGIN;
.import --csv --skip 1 $CSV obs
CREATE INDEX obs_key ON obs(indicator, period, vintage);
COMMIT;
SQL
T1=$(now)
SQ_S=$(echo "$T1 - $T0" | bc -l)
SQ_B=$(size_of "$OUT/sqlite.db")

node "$ROOT/bench/load/duckdb_load.mjs" "$OUT/duck.db" "$CSV" > "$OUT/duck.txt"
DK_S=$(awk '$1 == "seconds" {print $2}' "$OUT/duck.txt")
DK_B=$(size_of "$OUT/duck.db" "$OUT/duck.db.wal")

awk -v rows="$ROWS" -v ixs="$IX_S" -v ixb="$IX_B" -v sqs="$SQ_S" -v sqb="$SQ_B" \
    -v dks="$DK_S" -v dkb="$DK_B" -v rss="$IX_RSS" -v csv_bytes="$(size_of "$CSV")" 'BEGIN {
  printf "load benchmark: %d rows (%.0f MB of CSV)\n", rows, csv_bytes / 1e6
  printf "%-8s %10s %14s %16s\n", "engine", "seconds", "rows/s", "bytes on disk"
  printf "%-8s %10.2f %14.0f %16d\n", "ixdb", ixs, rows / ixs, ixb
  printf "%-8s %10.2f %14.0f %16d\n", "sqlite", sqs, rows / sqs, sqb
  printf "%-8s %10.2f %14.0f %16d\n", "duckdb", dks, rows / dks, dkb
  printf "ixdb rows/s vs duckdb: %.2fx (issue 13: goal >= 2.5x); vs sqlite: %.2fx\n", dks / ixs, sqs / ixs
  printf "ixdb bytes vs duckdb: %.2f (issue 13: goal <= 0.35); vs sqlite: %.3f\n", ixb / dkb, ixb / sqb
  printf "ixdb peak RSS: %.0f MiB (issue 13: goal <= 1.5 GB for 10M rows)\n", rss / 1048576
}'
grep "load profile" "$OUT/ixdb.err" || true
if [ -z "$IXDB_BENCH_KEEP" ]; then
  rm -rf "$OUT/ixdb" "$OUT/sqlite.db" "$OUT/duck.db" "$OUT/duck.db.wal"
fi
