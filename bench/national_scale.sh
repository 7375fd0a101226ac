#!/usr/bin/env bash
# The server side of BENCHMARKS.md's "National scale": on a data directory
# that bench/loader_scale.sh kept (KEEP=1; a full list and a change list
# loaded), how fast a dnc-server starts, what it holds idle, and how long a
# published change list takes to be served and what the swap costs.
#
#   FULL=250000000 KEEP=1 WORK_DIR=/tmp/national bench/loader_scale.sh
#   WORK_DIR=/tmp/national bench/national_scale.sh
#
# What it does:
#  1. starts dnc-server (--auth=none, loopback, port 0) on WORK/data and
#     times it until `dnc status` names the published generation;
#  2. prints its RSS (anonymous and file-backed) idle;
#  3. batched Scrub throughput at 5% and 50% hits (dnc-bench scrub, 10,000
#     numbers a request, 8 in flight), the server's threads on core 0 and
#     dnc-bench on core 1, on query lists loader_scale_gen writes for the
#     registry (no number of either change list in them, so every answer is
#     checked, before and after the swap); then the server is unpinned;
#  4. a bounded load for the swap: Check at CHECK_RATE/s (open loop) and one
#     Scrub of 1,000 numbers at a time (closed loop), measured for 12 s,
#     first without a swap (the baseline p99), then again while a second
#     change list (loader_scale_gen, another seed) is applied with dnc-load
#     --mode change, timing from the loader's exit (publish) until `dnc
#     status` names the new generation and sampling the server's RSS every
#     20 ms meanwhile (the peak is the swap's cost);
#  5. stops the server.
#
# Environment (defaults in brackets): BUILD_DIR [<repo>/build],
# WORK_DIR [/tmp/dnc-loader-scale], FULL and FULL_SEED as given to
# loader_scale.sh [250000000, 20261122], CHANGES [1000000], SEED [20261201],
# CHECK_RATE [5000], SCRUB_SECONDS [5].
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
WORK=${WORK_DIR:-/tmp/dnc-loader-scale}
CHANGES=${CHANGES:-1000000}
SEED=${SEED:-20261201}
FULL=${FULL:-250000000}
FULL_SEED=${FULL_SEED:-20261122}
CHECK_RATE=${CHECK_RATE:-5000}
SCRUB_SECONDS=${SCRUB_SECONDS:-5}
BIN=$BUILD_DIR/bin
[[ -d $WORK/data/sources/us-ftc ]] || {
  echo "national_scale.sh: no $WORK/data; run bench/loader_scale.sh with KEEP=1 first" >&2
  exit 2
}

now() { date +%s.%N; }
rss() { awk '/^(VmRSS|RssAnon|RssFile):/ { printf "%s %.0f MiB  ", $1, $2 / 1024 }' "/proc/$1/status"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
current() { cat "$WORK/data/sources/us-ftc/CURRENT"; }

port_file=$WORK/port
rm -f "$port_file"
t0=$(now)
"$BIN/dnc-server" --auth=none --data "$WORK/data" --listen 127.0.0.1:0 \
  --port_file "$port_file" --reload_interval_seconds 1 >"$WORK/server.log" 2>&1 &
server=$!
load_pids=()
trap 'kill $server "${load_pids[@]}" 2>/dev/null || true' EXIT
while [[ ! -s $port_file ]]; do sleep 0.01; done
addr=127.0.0.1:$(cat "$port_file")
generation=$(current)
until "$BIN/dnc" --server "$addr" status 2>/dev/null | grep -q "$generation"; do sleep 0.01; done
t1=$(now)
printf "== server start: %.2f s to serve %s\n" "$(echo "$t1 - $t0" | bc)" "$generation"
sleep 2
echo "== idle: $(rss $server)"

field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

# The second change list (deletes of numbers of the full list loader_scale.sh
# wrote, FULL and FULL_SEED, adds of numbers not in it), and query lists that
# name no number either change list touches: their answers hold before,
# during and after the swap.
g++ -O2 -std=c++17 -I "$ROOT" -o "$WORK/gen" "$ROOT/bench/loader_scale_gen.cc"
"$WORK/gen" change "$WORK/exchanges.txt" "$FULL" "$FULL_SEED" "$CHANGES" "$SEED" "$(date -u +%F)" \
  >"$WORK/change2.txt"
for hits in 5 50; do
  "$WORK/gen" queries "$WORK/exchanges.txt" "$FULL" "$FULL_SEED" 1000000 "$hits" \
    "$((SEED + hits))" "$WORK/change.txt" "$WORK/change2.txt" >"$WORK/queries-hit$hits.keys"
done

echo "== batched Scrub, server on core 0, dnc-bench on core 1"
taskset -a -pc 0 "$server" >/dev/null
for hits in 5 50; do
  result=$(taskset -c 1 "$BIN/dnc-bench" scrub --server "$addr" \
    --queries "$WORK/queries-hit$hits.keys" --batch 10000 --concurrency 8 \
    --server_pid "$server" --seconds "$SCRUB_SECONDS" --warmup_seconds 2 2>&1 | grep '^RESULT')
  printf "  %2d%% hits: %.2fM numbers/s, server CPU %s cores\n" "$hits" \
    "$(field numbers_per_s <<<"$result" | awk '{print $1 / 1e6}')" "$(field server_cpu <<<"$result")"
done
taskset -a -pc 0-"$(($(nproc) - 1))" "$server" >/dev/null

# The bounded load: Check at CHECK_RATE/s and one 1,000-number Scrub at a
# time, 2 s warm-up then 12 s measured; prints Check's p50/p99/p999.
start_load() {
  "$BIN/dnc-bench" check --server "$addr" --queries "$WORK/queries-hit5.keys" \
    --rates "$CHECK_RATE" --seconds 12 --warmup_seconds 2 >"$WORK/check-$1.out" 2>&1 &
  load_pids=($!)
  "$BIN/dnc-bench" scrub --server "$addr" --queries "$WORK/queries-hit50.keys" \
    --batch 1000 --concurrency 1 --seconds 12 --warmup_seconds 2 >"$WORK/scrub-$1.out" 2>&1 &
  load_pids+=($!)
}
report_load() {
  wait "${load_pids[@]}" || { cat "$WORK/check-$1.out" "$WORK/scrub-$1.out" >&2; exit 1; }
  load_pids=()
  local check scrub
  check=$(grep '^RESULT' "$WORK/check-$1.out" | tail -1)
  scrub=$(grep '^RESULT' "$WORK/scrub-$1.out" | tail -1)
  echo "  $1: Check $(field achieved_per_s <<<"$check")/s p50 $(field p50_us <<<"$check") us," \
    "p99 $(field p99_us <<<"$check") us, p999 $(field p999_us <<<"$check") us, max $(field max_us <<<"$check") us;" \
    "Scrub beside it $(field numbers_per_s <<<"$scrub" | awk '{printf "%.2fM", $1 / 1e6}') numbers/s"
}
echo "== bounded load (Check ${CHECK_RATE}/s + one 1,000-number Scrub at a time), no swap"
start_load baseline
report_load baseline

echo "== second change list ($CHANGES lines, seed $SEED) applied under the same load"
start_load swap
sleep 3  # Into the measured window.
/usr/bin/time -v "$BIN/dnc-load" --data "$WORK/data" --source us-ftc --as_of "$(date -u +%F)" \
  --mode change "$WORK/change2.txt" >"$WORK/change2.out" 2>"$WORK/change2.time"
t2=$(now)
new=$(current)
peak=0
until "$BIN/dnc" --server "$addr" status 2>/dev/null | grep -q "$new"; do
  k=$(rss_kib $server); ((k > peak)) && peak=$k
  sleep 0.02
done
t3=$(now)
for _ in $(seq 50); do k=$(rss_kib $server); ((k > peak)) && peak=$k; sleep 0.02; done
report_load swap
grep -E "Elapsed|Maximum resident" "$WORK/change2.time" | sed 's/^\s*/  loader: /'
printf "== publish to serving %s: %.2f s; server RSS peak during the swap %.0f MiB\n" \
  "$new" "$(echo "$t3 - $t2" | bc)" "$(echo "$peak / 1024" | bc)"
sleep 3
echo "== after the swap: $(rss $server)"
du -sb "$WORK/data/sources/us-ftc/$new"/* | sed 's/^/  /'
