#!/usr/bin/env bash
# bench/server: ixdb serve under load next to PostgreSQL 15 (pgbench) on the same data, the same
# client counts and the same 2 cores, in one run; prints queries/s and latency percentiles of
# both and their ratio. Then: 1,000 idle connections beside 16 active ones, and 200 clients
# querying during a 1M-row load (every answer from one snapshot).
#
# Usage (as root, by hand; not in CI):
#   ./scripts/install-deps --bench
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIXDB_BUILD_BENCH=ON
#   cmake --build build --target ixdb bench_tcp
#   bench/server/run.sh [BUILD_DIR]        (env: RUN_SECONDS=10, CLIENTS="1 16 128")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
ixdb=$build/cli/ixdb
gen=$build/bench/server/bench_tcp
seconds=${RUN_SECONDS:-10}
clients=${CLIENTS:-1 16 128}
source "$here/../pg_cluster.sh"
[[ -x $ixdb && -x $gen ]] || { echo "run.sh: build ixdb and bench_tcp first (see the header)" >&2; exit 1; }
[[ -x $pg_bin/postgres ]] || { echo "run.sh: PostgreSQL 15 is missing: ./scripts/install-deps --bench" >&2; exit 1; }
ulimit -n 8192

work=$(mktemp -d /tmp/ixdb-bench-server-XXXXXX)
ixdb_port=$((20000 + RANDOM % 20000)); pg_port=$((ixdb_port + 1))
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  pg_cluster_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT

echo "== data ($work)"
/usr/bin/python3 "$here/make_data.py" "$work/data"
"$ixdb" --db "$work/ixdb" load "$work/data/ixdb.csv" | tail -1
"$ixdb" --db "$work/ixdb" load --format targets "$work/data/targets.csv" | tail -1
umask 077; echo "bench-token" > "$work/token"; umask 022

echo "== PostgreSQL 15 (private cluster on 127.0.0.1:$pg_port)"
pg_cluster_start "$work" "$pg_port" -c max_connections=300
psql=(psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1)
"${psql[@]}" <<SQL
CREATE TABLE obs (series text NOT NULL, period date NOT NULL, vintage date NOT NULL, value float8);
CREATE TABLE targets (series text NOT NULL, year int NOT NULL, target float8, comparator text);
\copy obs FROM '$work/data/pg_obs.csv' CSV HEADER
\copy targets FROM '$work/data/pg_targets.csv' CSV HEADER
CREATE INDEX obs_series_period_vintage ON obs (series, period, vintage);
CREATE INDEX targets_year ON targets (year, series);
VACUUM ANALYZE;
SQL
echo "obs rows: $("${psql[@]}" -tAc 'SELECT count(*) FROM obs')"

echo "== ixdb serve on 127.0.0.1:$ixdb_port"
# Request lines are logged to stderr as in production; /dev/null here.
"$ixdb" --db "$work/ixdb" --token-file "$work/token" serve --listen "127.0.0.1:$ixdb_port" \
  --max-connections 4000 --max-frame-bytes 268435456 >"$work/serve.out" 2>/dev/null &
serve_pid=$!
for _ in $(seq 100); do grep -q " on " "$work/serve.out" 2>/dev/null && break; sleep 0.1; done

# "qps p50 p99 p999 errors" of one ixdb run.
ixdb_run() {  # clients, extra args...
  local n=$1; shift
  "$gen" --connect "127.0.0.1:$ixdb_port" --clients "$n" --seconds "$seconds" "$@" |
    sed -E 's/.*qps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) p999_ms=([0-9.]+) errors=([0-9]+).*/\1 \2 \3 \4 \5/'
}
# The same for pgbench: queries/s (transactions of one statement) and percentiles from its
# per-transaction log.
pg_run() {  # clients, script args...
  local n=$1; shift
  local threads=$(( n < 2 ? 1 : 2 ))
  rm -f "$work"/pgb.*
  local out
  out=$(cd "$work" && pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$n" -j "$threads" \
        -T "$seconds" --log --log-prefix="$work/pgb" "$@" postgres 2>&1) || { echo "$out" >&2; return 1; }
  local failed; failed=$(echo "$out" | sed -nE 's/.*number of failed transactions: ([0-9]+).*/\1/p')
  cat "$work"/pgb.* | /usr/bin/python3 -c '
import sys
lat = sorted(int(l.split()[2]) for l in sys.stdin if l.strip())
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] / 1000.0
print("%.0f %.3f %.3f %.3f" % (len(lat) / float(sys.argv[1]), q(0.5), q(0.99), q(0.999)), sys.argv[2])
' "$seconds" "${failed:-0}"
}

declare -A result
echo
printf "%-10s %4s | %9s %8s %8s %8s %4s | %9s %8s %8s %8s %4s | %6s\n" query N \
  "ixdb q/s" p50_ms p99_ms p999_ms err "pg q/s" p50_ms p99_ms p999_ms err "ratio"
for kind in yoy mix; do
  for n in $clients; do
    if [[ $kind == yoy ]]; then
      ix=$(ixdb_run "$n" --query 'yoy({s})')
      pg=$(pg_run "$n" -f "$here/pg_yoy.sql")
    else
      ix=$(ixdb_run "$n" --query 'yoy({s})' --query 'targets(2024)' --query 'asof({s}, 2025-02-01)')
      pg=$(pg_run "$n" -f "$here/pg_yoy.sql@1" -f "$here/pg_targets.sql@1" -f "$here/pg_asof.sql@1")
    fi
    read -r iq i50 i99 i999 ie <<<"$ix"
    read -r pq p50 p99 p999 pe <<<"$pg"
    result[$kind,$n]=$iq
    ratio=$(/usr/bin/python3 -c "print('%.2f' % ($iq / $pq))")
    printf "%-10s %4s | %9s %8s %8s %8s %4s | %9s %8s %8s %8s %4s | %5sx\n" "$kind" "$n" \
      "$iq" "$i50" "$i99" "$i999" "$ie" "$pq" "$p50" "$p99" "$p999" "$pe" "$ratio"
  done
done

echo
echo "== 16 active clients (yoy) beside 1,000 idle connections"
base=$(ixdb_run 16 --query 'yoy({s})')
idle=$(ixdb_run 16 --idle 1000 --query 'yoy({s})')
read -r bq _ b99 _ be <<<"$base"; read -r iq _ i99 _ ie <<<"$idle"
echo "alone: $bq q/s (p99 $b99 ms, errors $be); with 1,000 idle: $iq q/s (p99 $i99 ms, errors $ie): $(/usr/bin/python3 -c "print('%.0f%%' % (100.0 * $iq / $bq))") of alone"

echo
echo "== 200 clients querying during a 1M-row load through the same server"
"$gen" --connect "127.0.0.1:$ixdb_port" --clients 200 --during-load "$work/data/big.csv" \
  --token-file "$work/token" --query 'stats(series(c*))'
