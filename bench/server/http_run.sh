#!/usr/bin/env bash
# bench/server/http_run.sh: queries/s of `ixdb serve` over HTTP beside its TCP protocol, in one
# run: the same server, data (K series, quarterly, 1990-2023), query (yoy of a random series),
# client count and 2 cores, interleaved in short rounds so that other load on the machine hits
# both alike; prints every line, then the medians and the HTTP/TCP ratios.
#
# Usage (by hand; not in CI):
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DIXDB_BUILD_BENCH=ON
#   cmake --build build-bench --target ixdb bench_http
#   bench/server/http_run.sh [BUILD_DIR]      (env: RUN_SECONDS=2, ROUNDS=5, CLIENTS="1 16", SERIES=2000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build-bench}" && pwd)
ixdb=$build/cli/ixdb
gen=$build/bench/server/bench_http
seconds=${RUN_SECONDS:-2}
rounds=${ROUNDS:-5}
clients=${CLIENTS:-1 16}
series=${SERIES:-2000}
[[ -x $ixdb && -x $gen ]] || { echo "http_run.sh: build ixdb and bench_http first (see the header)" >&2; exit 1; }

work=$(mktemp -d /tmp/ixdb-bench-http-XXXXXX)
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== data: $series quarterly series 1990-2023 ($work)"
/usr/bin/python3 - "$work/data.csv" "$series" <<'PY'
import random, sys
path, k = sys.argv[1], int(sys.argv[2])
random.seed(7)
with open(path, "w") as f:
    f.write("indicator,period,vintage,value,unit,measure,frequency,name\n")
    for s in range(k):
        level = 100 + random.random() * 900
        for y in range(1990, 2024):
            for q in range(1, 5):
                level *= 1 + random.gauss(0.015, 0.01)
                f.write(f"s{s:04d},{y}Q{q},2024-01-20,{level:.2f},亿元,level,quarterly,指标{s}\n")
PY
"$ixdb" --db "$work/db" load "$work/data.csv" | tail -1

"$ixdb" --db "$work/db" serve --listen 127.0.0.1:0 --http 127.0.0.1:0 >"$work/serve.out" 2>/dev/null &
serve_pid=$!
for _ in $(seq 100); do grep -q "over HTTP" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
tcp=$(sed -n 's/^ixdb: serving .* on \([0-9.:]*\)$/\1/p' "$work/serve.out" | head -1)
http=$(sed -n 's/.* over HTTP on \([0-9.:]*\) .*/\1/p' "$work/serve.out" | head -1)
[[ -n $tcp && -n $http ]] || { echo "http_run.sh: ixdb serve did not start" >&2; cat "$work/serve.out"; exit 1; }
echo "== ixdb serve: TCP $tcp, HTTP $http; yoy(sNNNN) of a random series;" \
     "$rounds rounds of ${seconds}s per kind, interleaved (the cores are shared: medians)"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
qps() { sed 's/.* qps=\([0-9]*\).*/\1/' <<<"$1"; }
cpu() { sed 's/.* client_cpu_us_per_q=\([0-9.]*\).*/\1/' <<<"$1"; }
for n in $clients; do
  common=(--clients "$n" --seconds "$seconds" --series "$series")
  : >"$work/tcp" >"$work/protocol" >"$work/csv" >"$work/tcp.cpu" >"$work/http.cpu"
  for _ in $(seq "$rounds"); do
    t=$("$gen" --protocol tcp --connect "$tcp" "${common[@]}")
    # The same answer as the TCP protocol's (format=protocol), and the CSV a spreadsheet reads.
    hp=$("$gen" --protocol http --format protocol --connect "$http" "${common[@]}")
    hc=$("$gen" --protocol http --format csv --connect "$http" "${common[@]}")
    printf '%s\n%s\n%s\n' "$t" "$hp" "$hc"
    qps "$t" >>"$work/tcp"; qps "$hp" >>"$work/protocol"; qps "$hc" >>"$work/csv"
    cpu "$t" >>"$work/tcp.cpu"; cpu "$hp" >>"$work/http.cpu"
  done
  t=$(median <"$work/tcp"); p=$(median <"$work/protocol"); c=$(median <"$work/csv")
  awk -v n="$n" -v t="$t" -v p="$p" -v c="$c" 'BEGIN {
    printf "clients=%d median qps: tcp %d, http format=protocol %d (%.2fx), http format=csv %d (%.2fx)\n",
           n, t, p, p / t, c, c / t }'
  # The load generator shares the cores: its own CPU per query is taken from the server's.
  echo "clients=$n median client CPU per query: tcp $(median <"$work/tcp.cpu") us," \
       "http $(median <"$work/http.cpu") us (format=protocol)"
done
