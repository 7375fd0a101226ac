#!/usr/bin/env bash
# BENCHMARKS.md "Tenant store backends": tenant Scrub and Check throughput of
# one dnc-server on the embedded tenant store and on PostgreSQL (a cluster of
# its own in WORK, initdb'd here, synchronous_commit on, fsync on), the
# server's threads on core 0 and dnc-bench (and PostgreSQL) on core 1.
# Every call carries a tenant's key and writes an audit record; the tenant
# is entitled to everything and its internal list is empty, so dnc-bench
# checks every answer against its query list.
#
#   bench/tenant_backends.sh
#
# Environment (defaults in brackets): BUILD_DIR [<repo>/build], WORK_DIR
# [/tmp/dnc-tenant-backends], NUMBERS [1M], SECONDS_EACH [5], CHECK_RATES
# [2000,5000,10000,20000].
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BIN=$BUILD_DIR/bin
WORK=${WORK_DIR:-/tmp/dnc-tenant-backends}
NUMBERS=${NUMBERS:-1M}
SECONDS_EACH=${SECONDS_EACH:-5}
CHECK_RATES=${CHECK_RATES:-2000,5000,10000,20000}

die() { echo "tenant_backends.sh: $*" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (server on 0, clients on 1)"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || die "no PostgreSQL under /usr/lib/postgresql (scripts/setup.sh installs it)"

rm -rf "$WORK"; mkdir -p "$WORK"
server_pid= pg_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$pg_pid" ] && kill -INT "$pg_pid" 2>/dev/null && wait "$pg_pid" 2>/dev/null
  true
}
trap cleanup EXIT

echo "== data: $NUMBERS registry numbers"
"$BIN/dnc-bench" gen --out_dir "$WORK" --numbers "$NUMBERS" --query_count 200000 \
  --hit_percents 5 >/dev/null
"$BIN/dnc-load" --data "$WORK/data" --source us-ftc --as_of "$(date -u +%F)" \
  "$WORK/registry.txt" >/dev/null 2>&1

echo "== PostgreSQL on core 1"
mkdir -p "$WORK/pg"
run_pg=()
if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$WORK/pg"; run_pg=(runuser -u postgres --); fi
"${run_pg[@]}" "$pg_bin/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 \
  --locale=C >/dev/null
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 1 "${run_pg[@]}" "$pg_bin/postgres" -D "$WORK/pg/data" -p "$pg_port" \
  -k "$WORK/pg" -c listen_addresses=127.0.0.1 >"$WORK/pg/log" 2>&1 &
pg_pid=$!
for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
"$BIN/dnc-tenant" --tenants "$url" migrate

measure() {  # NAME TENANTS
  local name=$1 tenants=$2 key port
  key=$("$BIN/dnc-tenant" --tenants "$tenants" create "bench-$name" --entitle us-ftc:all)
  rm -f "$WORK/port"
  taskset -c 0 "$BIN/dnc-server" --data "$WORK/data" --tenants "$tenants" \
    --listen 127.0.0.1:0 --port_file "$WORK/port" 2>"$WORK/server-$name.log" &
  server_pid=$!
  for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  port=$(cat "$WORK/port")
  echo "== $name: Scrub (10,000 numbers a call, 8 in flight)"
  taskset -c 1 "$BIN/dnc-bench" scrub --server "127.0.0.1:$port" --api_key "$key" \
    --queries "$WORK/queries-hit5.keys" --seconds "$SECONDS_EACH" --runs 3
  echo "== $name: Check (open loop)"
  taskset -c 1 "$BIN/dnc-bench" check --server "127.0.0.1:$port" --api_key "$key" \
    --queries "$WORK/queries-hit5.keys" --rates "$CHECK_RATES" --seconds "$SECONDS_EACH"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
}

measure embedded "$WORK/tenants"
measure postgresql "$url"
