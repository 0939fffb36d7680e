#!/usr/bin/env bash
# bench/scale (issue 13): ixdb at 2M and 10M rows of bench/peers' vintaged workload (add --huge
# for 100M rows: ~4 GB of CSV and a long run, by hand only); prints load rows/s, bytes per row,
# peak memory and the four reads per size, and whether load time and bytes grow linearly (±20%)
# and the one-series reads stay flat (±30%). Builds nothing.
#
# Usage (by hand; not in CI):
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DIXDB_BUILD_BENCH=ON
#   cmake --build build --target bench_scale
#   bench/scale/run.sh [BUILD_DIR] [--huge] [--sizes medium,large] [--reps N] [--keep]   (bench_scale's options)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
bin=$(cd "$build" && pwd)/bench/scale/bench_scale
[[ -x $bin ]] || { echo "run.sh: build bench_scale first (see the header)" >&2; exit 1; }
exec "$bin" "$@"
