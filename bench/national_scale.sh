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
#  3. writes a second change list (loader_scale_gen, another seed), applies
#     it with dnc-load --mode change, and times from the loader's exit
#     (publish) until `dnc status` names the new generation, sampling the
#     server's RSS every 20 ms meanwhile (the peak is the swap's cost);
#  4. stops the server.
#
# Environment (defaults in brackets): BUILD_DIR [<repo>/build],
# WORK_DIR [/tmp/dnc-loader-scale], FULL and FULL_SEED as given to
# loader_scale.sh [250000000, 20261122], CHANGES [1000000], SEED [20261201].
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
WORK=${WORK_DIR:-/tmp/dnc-loader-scale}
CHANGES=${CHANGES:-1000000}
SEED=${SEED:-20261201}
FULL=${FULL:-250000000}
FULL_SEED=${FULL_SEED:-20261122}
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
trap 'kill $server 2>/dev/null || true' EXIT
while [[ ! -s $port_file ]]; do sleep 0.01; done
addr=127.0.0.1:$(cat "$port_file")
generation=$(current)
until "$BIN/dnc" --server "$addr" status 2>/dev/null | grep -q "$generation"; do sleep 0.01; done
t1=$(now)
printf "== server start: %.2f s to serve %s\n" "$(echo "$t1 - $t0" | bc)" "$generation"
sleep 2
echo "== idle: $(rss $server)"

echo "== second change list ($CHANGES lines, seed $SEED)"
# Deletes of numbers of the full list loader_scale.sh wrote (FULL, FULL_SEED),
# adds of numbers not in it.
"$WORK/gen" change "$WORK/exchanges.txt" "$FULL" "$FULL_SEED" "$CHANGES" "$SEED" "$(date -u +%F)" \
  >"$WORK/change2.txt" 2>/dev/null || {
  echo "  (could not generate a second change list; skipped)"; exit 0; }
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
grep -E "Elapsed|Maximum resident" "$WORK/change2.time" | sed 's/^\s*/  loader: /'
printf "== publish to serving %s: %.2f s; server RSS peak during the swap %.0f MiB\n" \
  "$new" "$(echo "$t3 - $t2" | bc)" "$(echo "$peak / 1024" | bc)"
sleep 3
echo "== after the swap: $(rss $server)"
du -sb "$WORK/data/sources/us-ftc/$new"/* | sed 's/^/  /'
