#!/usr/bin/env bash
# bench/peers (issue 13): ixdb beside SQLite, PostgreSQL 15 and DuckDB on the vintaged workload,
# in one run; prints the table of issue 13 and its goals. Starts a private PostgreSQL 15 cluster
# on 127.0.0.1 (bench/pg_cluster.sh) unless --no-postgres, installs @duckdb/node-api into
# bench/node_modules when missing unless --no-duckdb. Builds nothing.
#
# Usage (as root, by hand; not in CI):
#   ./scripts/install-deps --bench
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DIXDB_BUILD_BENCH=ON
#   cmake --build build --target bench_peers
#   bench/peers/run.sh [BUILD_DIR] [--size small|medium|large] [--no-postgres] [--no-duckdb]
#                      [--reps N] [--full-reps N] [--samples N]     (bench_peers' options)
# The generated CSV and the databases stay in bench/out/peers/SIZE (the CSV is reused).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
build=$(cd "$build" && pwd)
bin=$build/bench/peers/bench_peers
[[ -x $bin ]] || { echo "run.sh: build bench_peers first (see the header)" >&2; exit 1; }

postgres=1 duckdb=1
for a in "$@"; do
  [[ $a == --no-postgres ]] && postgres=0
  [[ $a == --no-duckdb ]] && duckdb=0
done
if ((duckdb)); then
  command -v node >/dev/null || { echo "run.sh: node not found (./scripts/install-deps)" >&2; exit 1; }
  "$here/../query/ensure_duckdb.sh"
fi

pg_args=()
if ((postgres)); then
  source "$here/../pg_cluster.sh"
  work=$(mktemp -d /tmp/ixdb-bench-peers-XXXXXX)
  trap 'pg_cluster_stop "$work"; rm -rf "$work"' EXIT
  port=$((20000 + RANDOM % 20000))
  pg_cluster_start "$work" "$port"
  pg_args=(--pg "host=127.0.0.1 port=$port user=postgres dbname=postgres")
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($work)"
fi
"$bin" "${pg_args[@]}" "$@"
