#!/usr/bin/env bash
# dnc-load at scale: throughput and peak memory of a full load and of a change
# list applied to it, the figures of BENCHMARKS.md's "Loader" section.
#
#   bench/loader_scale.sh                    50M-number full list, 1M-line change list
#   FULL=2000000 CHANGES=100000 bench/loader_scale.sh     a quick run
#
# What it does:
#  1. builds bench/loader_scale_gen.cc (standalone, one g++ command) and
#     writes, with a fixed seed, WORK/full.txt (FULL lines "NPA,NXXXXXX",
#     unsorted) and WORK/change.txt (CHANGES lines
#     "NPA,NXXXXXX,YYYY-MM-DD 00:00:00,A|D": half deletes of listed numbers,
#     half adds of new ones, shuffled). MODEL=exchanges (the default) is a
#     registry shaped like the US one (bench/nanp_exchange_model.h): only
#     the US exchanges (NPA-NXX) that tools/gen_nanp_exchanges.py lists from
#     Debian's python3-phonenumbers (run with /usr/bin/python3, written to
#     WORK/exchanges.txt), 1-70% of each exchange listed, whole area codes
#     at a time (50M: ~100 area codes), adds in those exchanges.
#     MODEL=uniform is the earlier model: numbers uniform over all 692 valid
#     NANP area codes (328 of them covered by no registry);
#  2. waits up to WAIT_QUIET_MIN minutes for a 1-minute load average below
#     1.5 (the machine has 2 cores shared with other work) and prints it;
#  3. runs, each under /usr/bin/time -v:
#       dnc-load --data WORK/data --source us-ftc --as_of YESTERDAY WORK/full.txt
#       dnc-load --data WORK/data --source us-ftc --as_of TODAY --mode change WORK/change.txt
#     and prints wall time, lines/s, peak RSS and dnc-load's own summary;
#  4. removes WORK (unless KEEP=1): the 50M data is about 3 GB.
#
# Environment (defaults in brackets): BUILD_DIR [<repo>/build] (needs
# bin/dnc-load), WORK_DIR [/tmp/dnc-loader-scale], FULL [50000000],
# CHANGES [1000000], SEED [20261122], MODEL [exchanges], WAIT_QUIET_MIN [15],
# KEEP [0].
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
WORK=${WORK_DIR:-/tmp/dnc-loader-scale}
FULL=${FULL:-50000000}
CHANGES=${CHANGES:-1000000}
SEED=${SEED:-20261122}
MODEL=${MODEL:-exchanges}
WAIT_QUIET_MIN=${WAIT_QUIET_MIN:-15}
KEEP=${KEEP:-0}
LOAD=$BUILD_DIR/bin/dnc-load

if [[ ! -x $LOAD ]]; then
  echo "loader_scale.sh: $LOAD not found; build it first:" >&2
  echo "  cmake -S $ROOT -B $BUILD_DIR -G Ninja && ninja -C $BUILD_DIR dnc-load" >&2
  exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "loader_scale.sh: needs /usr/bin/time (Debian package 'time')" >&2
  exit 2
fi

rm -rf "$WORK"
mkdir -p "$WORK"
cleanup() {
  if [[ $KEEP != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

load1() { cut -d' ' -f1 /proc/loadavg; }

echo "== inputs (model $MODEL, seed $SEED)"
g++ -O2 -std=c++17 -I "$ROOT" -o "$WORK/gen" "$ROOT/bench/loader_scale_gen.cc"
FULL_DATE=$(date -u -d yesterday +%F)
CHANGE_DATE=$(date -u +%F)
case $MODEL in
  exchanges)
    /usr/bin/python3 "$ROOT/tools/gen_nanp_exchanges.py" \
      --output "$WORK/exchanges.txt"
    "$WORK/gen" full "$WORK/exchanges.txt" "$FULL" "$SEED" >"$WORK/full.txt"
    "$WORK/gen" change "$WORK/exchanges.txt" "$FULL" "$SEED" "$CHANGES" \
      "$((SEED + 1))" "$CHANGE_DATE" >"$WORK/change.txt"
    ;;
  uniform)
    "$WORK/gen" full-uniform "$FULL" "$SEED" >"$WORK/full.txt"
    "$WORK/gen" change-uniform "$FULL" "$SEED" "$CHANGES" "$((SEED + 1))" \
      "$CHANGE_DATE" >"$WORK/change.txt"
    ;;
  *)
    echo "loader_scale.sh: MODEL must be exchanges or uniform" >&2
    exit 2
    ;;
esac
ls -l "$WORK/full.txt" "$WORK/change.txt" | awk '{print "  " $5 " bytes  " $9}'
df -h "$WORK" | tail -1 | awk '{print "  disk: " $4 " free on " $6}'

echo "== waiting for a quiet machine (1-min load < 1.5, at most ${WAIT_QUIET_MIN} min)"
deadline=$((SECONDS + WAIT_QUIET_MIN * 60))
while awk -v l="$(load1)" 'BEGIN { exit !(l >= 1.5) }' && ((SECONDS < deadline)); do
  sleep 15
done
echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

# run NAME LINES COMMAND...: runs under /usr/bin/time -v and prints figures.
run() {
  local name=$1 lines=$2
  shift 2
  echo "== $name: $*"
  local before
  before=$(load1)
  /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.time" || {
    cat "$WORK/$name.out" "$WORK/$name.time" >&2
    exit 1
  }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
  awk -v name="$name" -v lines="$lines" -v wall="$wall" -v rss="$rss" \
    -v l0="$before" -v l1="$(load1)" 'BEGIN {
      n = split(wall, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i];
      printf "RESULT %s lines=%d wall_s=%.2f lines_per_s=%.0f peak_rss_mib=%.0f load1_before=%s load1_after=%s\n",
        name, lines, s, lines / s, rss / 1024, l0, l1 }'
  sed 's/^/  | /' "$WORK/$name.out"
}

run full "$FULL" "$LOAD" --data "$WORK/data" --source us-ftc \
  --as_of "$FULL_DATE" "$WORK/full.txt"
run change "$CHANGES" "$LOAD" --data "$WORK/data" --source us-ftc \
  --as_of "$CHANGE_DATE" --mode change "$WORK/change.txt"

echo "== on disk"
du -sh "$WORK"/data/sources/us-ftc/g* | sed 's/^/  /'
# The RocksDB of each generation, in bytes per listed number (BENCHMARKS.md's
# "RocksDB details" figures): apparent size and blocks allocated.
for db in "$WORK"/data/sources/us-ftc/g*/db; do
  [[ -d $db ]] || continue
  apparent=$(du -s --apparent-size -B1 "$db" | cut -f1)
  allocated=$(du -s -B1 "$db" | cut -f1)
  echo "RESULT db $db apparent_bytes=$apparent allocated_bytes=$allocated"
done
du -sh "$WORK/data" | sed 's/^/  total (hard links counted once): /'
echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
