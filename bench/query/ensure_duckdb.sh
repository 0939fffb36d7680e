#!/bin/sh
# Installs DuckDB's Node.js client (@duckdb/node-api) into bench/node_modules when missing.
# bench/node_modules is gitignored. Quiet on success.
set -e
BENCH_DIR=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$BENCH_DIR/node_modules/@duckdb/node-api" ]; then
  command -v npm >/dev/null 2>&1 || { echo "ensure_duckdb: npm not found (apt-get install -y nodejs npm)" >&2; exit 1; }
  (cd "$BENCH_DIR" && npm install --no-save --no-audit --no-fund --silent @duckdb/node-api >/dev/null)
fi
