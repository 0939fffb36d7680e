# Sourced by the benchmarks that run PostgreSQL 15 beside ixdb (bench/server/run.sh,
# bench/peers/run.sh): a private cluster in a scratch directory, listening on 127.0.0.1 only,
# trust authentication for user postgres, durability off (fsync, synchronous_commit) as the
# peers' fastest mode. Needs root (the cluster runs as the postgres user) and
# ./scripts/install-deps --bench.
#
#   pg_cluster_start DIR PORT [-c name=value ...]   initdb DIR/pg and start; DIR/pgsock holds the socket and log
#   pg_cluster_stop DIR                              fast shutdown (safe to call when not started)
pg_bin=/usr/lib/postgresql/15/bin

pg_cluster_start() {
  local dir=$1 port=$2; shift 2
  [[ -x $pg_bin/postgres ]] || { echo "PostgreSQL 15 is missing: ./scripts/install-deps --bench" >&2; return 1; }
  mkdir -p "$dir/pg" "$dir/pgsock"
  chown postgres "$dir/pg" "$dir/pgsock"
  chmod 755 "$dir"
  runuser -u postgres -- "$pg_bin/initdb" -D "$dir/pg" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pgsock/pg.log" -w start -o \
    "-p $port -k $dir/pgsock -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off $*" >/dev/null
}

pg_cluster_stop() {
  local dir=$1
  [[ -d $dir/pg ]] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
}
