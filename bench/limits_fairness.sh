#!/usr/bin/env bash
# Limits and fairness (issue 12; BENCHMARKS.md, "Limits and fairness"): does
# a dialer's Check stay fast while another tenant's bulk scrub runs at full
# speed? dnc-server with two tenants, pinned to core 0; every load generator
# pinned to core 1:
#
#   tenant B (the dialer): dnc-bench check, unary Check open loop at
#                          --check-rate, its own API key;
#   tenant A (the job):    dnc-bench scrub, closed loop, --scrub-concurrency
#                          batches of --batch numbers in flight, as fast as
#                          the server answers.
#
# For each --max_concurrent_scrubs value of --bounds (-1: the server's
# default, 1 when it is pinned to one core; 0: unbounded) and each of --runs
# runs: B alone, then B while A runs (A starts first and outlasts B's
# window). Prints every RESULT line (scenario=check for B, scenario=scrub for
# A) to WORK/results.txt and a table of B's p50/p99/p99.9 and A's numbers/s.
#
#   bench/limits_fairness.sh [--bin DIR] [--work DIR] [--runs 3]
#       [--check-rate 3000] [--batch 5000] [--scrub-concurrency 4]
#       [--bounds -1,0] [--seconds 8] [--scale 1M] [--nice N]
#
# --nice N runs the server and both load generators at nice N (e.g. -10 on a
# machine shared with builds; the same for all three, so it changes nothing
# between A and B; needs root for N < 0).
#
# No real-time priority (chrt): a saturated SCHED_FIFO server is throttled
# by the kernel for ~50 ms a second, which is what a p99 would then show.
set -euo pipefail

bin=build/bin
work=build/limits-work
runs=3
check_rate=3000
batch=5000
scrub_concurrency=4
bounds="-1,0"
seconds=8
scale=1M
nice_level=0

while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --check-rate) check_rate=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --scrub-concurrency) scrub_concurrency=$2; shift 2 ;;
    --bounds) bounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --nice) nice_level=$2; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "limits_fairness: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in dnc-server dnc-bench dnc-load dnc-tenant; do
  [ -x "$bin/$tool" ] || { echo "limits_fairness: no $bin/$tool (build it, or pass --bin)" >&2; exit 1; }
done
command -v taskset >/dev/null || { echo "limits_fairness: needs taskset (util-linux)" >&2; exit 1; }

mkdir -p "$work"
results="$work/results.txt"
: >"$results"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if [ ! -s "$work/queries-hit5.keys" ]; then
  echo "== data: $scale numbers, queries 5% listed" >&2
  "$bin/dnc-bench" gen --out_dir "$work" --numbers "$scale" --query_count 200k \
    --hit_percents 5 >&2
  rm -rf "$work/data"
  "$bin/dnc-load" --data "$work/data" --source us-ftc --as_of "$(date -u +%F)" \
    "$work/registry.txt" >"$work/dnc-load.log"
fi
rm -rf "$work/tenants"
key_a=$("$bin/dnc-tenant" --tenants "$work/tenants" create tenant-a --entitle "us-ftc:all" 2>/dev/null)
key_b=$("$bin/dnc-tenant" --tenants "$work/tenants" create tenant-b --entitle "us-ftc:all" 2>/dev/null)

start_server() {  # $1: --max_concurrent_scrubs
  rm -f "$work/port"
  nice -n "$nice_level" taskset -c 0 "$bin/dnc-server" --data "$work/data" --tenants "$work/tenants" \
    --listen 127.0.0.1:0 --port_file "$work/port" --max_concurrent_scrubs "$1" \
    >"$work/server.out" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 1 300); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { cat "$work/server.log" >&2; exit 1; }
  addr="127.0.0.1:$(cat "$work/port")"
}

check_b() {  # B's open-loop Checks; RESULT line tagged with $1
  nice -n "$nice_level" taskset -c 1 "$bin/dnc-bench" check --server "$addr" --api_key "$key_b" \
    --queries "$work/queries-hit5.keys" --rates "$check_rate" \
    --warmup_seconds 1 --seconds "$seconds" --server_pid "$server_pid" \
    2>>"$work/bench.log" | sed "s/^RESULT /RESULT $1 /" >>"$results"
}

IFS=, read -r -a bound_list <<<"$bounds"
for bound in "${bound_list[@]}"; do
  start_server "$bound"
  echo "== --max_concurrent_scrubs $bound (server pid $server_pid on core 0)" >&2
  for run in $(seq 1 "$runs"); do
    check_b "bound=$bound load=alone run=$run"
    # A outlasts B's warm-up and window: it starts 3 s before B.
    nice -n "$nice_level" taskset -c 1 "$bin/dnc-bench" scrub --server "$addr" --api_key "$key_a" \
      --queries "$work/queries-hit5.keys" --batch "$batch" \
      --concurrency "$scrub_concurrency" --warmup_seconds 2 \
      --seconds $((seconds + 4)) --server_pid "$server_pid" \
      2>>"$work/bench.log" | sed "s/^RESULT /RESULT bound=$bound load=tenant-a run=$run /" >>"$results" &
    scrub_pid=$!
    sleep 3
    check_b "bound=$bound load=with-a run=$run"
    wait "$scrub_pid"
  done
  cleanup
  server_pid=""
done

echo "| --max_concurrent_scrubs | B's load | run | B achieved/s | B p50 us | B p99 us | B p99.9 us | A numbers/s |"
echo "|---|---|---|---|---|---|---|---|"
awk '
  function v(k,  i, a) { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } return "" }
  v("scenario") == "scrub" { a[v("bound") "/" v("run")] = v("numbers_per_s") }
  v("scenario") == "check" { key = v("bound") "/" v("load") "/" v("run"); n++; order[n] = key;
    row[key] = sprintf("| %s | %s | %s | %.0f | %.0f | %.0f | %.0f |", v("bound"), v("load"), v("run"),
                       v("achieved_per_s"), v("p50_us"), v("p99_us"), v("p999_us")) }
  END { for (i = 1; i <= n; i++) { split(order[i], k, "/");
          x = (k[2] == "with-a") ? sprintf(" %.0f |", a[k[1] "/" k[3]]) : " - |"; print row[order[i]] x } }
' "$results"
