#!/bin/bash
# Batched Scrub through dnc-server with and without filter.bin in front of
# index.bin: the same registry loaded twice (dnc-load, then dnc-load
# --filter), each served in turn with the server's threads on core 0 and
# dnc-bench on core 1, at 5% and 50% hits, RUNS times interleaved.
#
#   bench/run_benchmarks.sh --scale 10M --only scrub --placements pinned --skip-peers
#   bench/filter_scrub_ab.sh build/bench-work/10M      # its registry and query lists
#
# Environment: RUNS [2], SECONDS_PER_RUN [5], DNC_BUILD_DIR [build].
# Prints one line per run: numbers/s and the server's CPU (cores).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ] || [ "$1" = --help ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -eq 1 ] && exit 0 || exit 2
fi
work=$1
bin=${DNC_BUILD_DIR:-build}/bin
runs=${RUNS:-2}
seconds=${SECONDS_PER_RUN:-5}
for f in registry.txt queries-hit5.keys queries-hit50.keys; do
  [ -s "$work/$f" ] || { echo "filter_scrub_ab: $work/$f missing: run bench/run_benchmarks.sh first" >&2; exit 1; }
done
out=$(mktemp -d "${TMPDIR:-/tmp}/dnc-filter-ab-XXXXXX")
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
as_of=$(date -u +%F)
for kind in index filter; do
  flags=()
  [ "$kind" = filter ] && flags=(--filter)
  "$bin/dnc-load" --data "$out/$kind" --source us-ftc --as_of "$as_of" "${flags[@]}" \
    "$work/registry.txt" >"$out/$kind.load.log" 2>&1 ||
    { cat "$out/$kind.load.log" >&2; exit 1; }
done
for run in $(seq 1 "$runs"); do
  for kind in index filter; do
    rm -f "$out/port"
    "$bin/dnc-server" --auth=none --data "$out/$kind" --listen 127.0.0.1:0 \
      --port_file "$out/port" --reload_interval_seconds 0 >"$out/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do [ -s "$out/port" ] && break; sleep 0.1; done
    [ -s "$out/port" ] || { cat "$out/server.log" >&2; exit 1; }
    taskset -a -pc 0 "$server_pid" >/dev/null
    for hits in 5 50; do
      result=$(taskset -c 1 "$bin/dnc-bench" scrub --server "127.0.0.1:$(cat "$out/port")" \
        --queries "$work/queries-hit$hits.keys" --batch 10000 --concurrency 8 \
        --server_pid "$server_pid" --seconds "$seconds" --warmup_seconds 2 2>&1 | grep '^RESULT')
      rate=$(tr ' ' '\n' <<<"$result" | sed -n 's/^numbers_per_s=//p')
      cpu=$(tr ' ' '\n' <<<"$result" | sed -n 's/^server_cpu=//p')
      echo "run $run  ${kind/index/index only}  hits $hits%: numbers_per_s=$rate server_cpu=$cpu"
    done
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  done
done
