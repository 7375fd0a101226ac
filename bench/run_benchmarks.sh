#!/usr/bin/env bash
# The one command behind BENCHMARKS.md: dnc-server side by side with Redis
# and PostgreSQL on this machine, over loopback, with the same registry, the
# same query lists, the same batch sizes and the same concurrency.
#
#   bench/run_benchmarks.sh                      10M numbers, 5 runs per figure
#   bench/run_benchmarks.sh --scale 50M          a 50M-number registry
#   bench/run_benchmarks.sh --quick              tiny scale, one short run (smoke)
#   bench/run_benchmarks.sh --update-doc         also splice the tables into BENCHMARKS.md
#
# What it does:
#  1. installs what is missing (Debian: redis-server, postgresql,
#     libhiredis-dev, libpq-dev, wrk, apache2-utils, util-linux's taskset,
#     plus the build's own packages via scripts/setup.sh), as root or
#     through sudo; builds dnc-load,
#     dnc-server, dnc-bench and dnc-peer-bench;
#  2. waits (up to --wait-quiet minutes) for a 1-minute load average below
#     1.5, and records it;
#  3. writes the registry and the query lists (5% and 50% listed) with a
#     fixed seed (dnc-bench gen; with --registry exchanges, the default, a
#     registry shaped like the US one: only the US exchanges (NPA-NXX) that
#     tools/gen_nanp_exchanges.py lists from Debian's python3-phonenumbers,
#     1-70% of each listed, whole area codes at a time, the same model as
#     bench/loader_scale.sh: bench/nanp_exchange_model.h; misses are unlisted
#     numbers of those exchanges), loads dnc-server's data with dnc-load,
#     Redis with pipelined SADD and PostgreSQL with COPY;
#  4. starts dnc-server, redis-server and PostgreSQL on 127.0.0.1 with their
#     own temporary data directories and non-default ports (PostgreSQL as
#     user postgres when run as root);
#  5. runs every scenario --runs times, interleaving the systems and the
#     placements run by run: batched Scrub, ScrubStream, Check at a fixed
#     offered rate (open loop), a Check rate sweep, CheckStream (when
#     dnc-bench has it), and dnc-server's HTTP front end under wrk and ab
#     (GET /v1/check with varied numbers; POST /app/main/rpc/scrub with
#     --http-batch numbers); then records memory use. Every figure is taken
#     pinned (each server's threads on core 0, its load generator on core 1,
#     with taskset) and unpinned (both free on every core); server CPU is
#     read from /proc/PID/stat over the measured window;
#  6. stops every server (also on error or Ctrl-C) and writes markdown:
#     WORK/<scale>/BENCHMARKS-<scale>.md (and BENCHMARKS.md with --update-doc).
#
# Options (defaults in brackets):
#   --scale N          registry size, e.g. 10M, 50M, 200k [10M]
#   --queries N        numbers per query list [1M]
#   --registry M       exchanges (US exchanges, real densities) or uniform
#                      (about 1M numbers per area code, the earlier model) [exchanges]
#   --runs N           runs per figure [5]
#   --seconds S        measured seconds per run [5]
#   --warmup S         warm-up seconds per run [2]
#   --batch N          numbers per Scrub request / stream chunk [10000]
#   --concurrency N    requests in flight (connections) for Scrub and streams [8]
#   --check-rate R     offered Check rate for the fixed-rate table [20000]
#   --sweep-rates L    comma-separated offered rates for the sweep
#                      [10000,20000,30000,40000,50000,60000,80000,100000]
#   --work DIR         where data, logs and results go [build/bench-work]
#   --wait-quiet MIN   wait up to MIN minutes for load < 1.5 [20; 0 = no wait]
#   --placements L     pinned, unpinned or both [pinned,unpinned]
#   --only L           scenarios to run, comma-separated, of scrub, stream,
#                      check, sweep, checkstream, http [all]
#   --checkstream-rates L  offered rates for CheckStream [CHECK-RATE,100000]
#   --http-connections N   wrk/ab connections for GET /v1/check [8]
#   --http-batch N     numbers per POST /app/main/rpc/scrub [10000]
#   --nice N           run the servers' threads and the load generators at
#                      nice N (e.g. -10 on a machine shared with builds: a
#                      CPU share ~9x a nice-0 job's; changes no CPU cost) [0]
#   --rt               run the servers' threads and the load generators at
#                      real-time priority (SCHED_FIFO 10, chrt): other jobs on
#                      a shared machine no longer delay them; changes no CPU
#                      cost. The kernel's RT throttling (sched_rt_runtime_us,
#                      950 ms of every second by default) stops a server that
#                      saturates its core for ~50 ms once a second: that
#                      stall is the p99 of every saturated run (a warning says
#                      so unless the limit is off: sysctl kernel.sched_rt_runtime_us=-1)
#   --profile          also perf-record dnc-server during one Scrub run per hit rate
#   --skip-peers       measure dnc-server only
#   --no-install       do not install packages (fail if something is missing)
#   --keep             keep the data directories afterwards
#   --update-doc       splice the tables into BENCHMARKS.md (between markers)
#   --report-only      measure nothing: re-render the tables of the last run at
#                      --scale from WORK/<scale>/results.txt (after changing
#                      the report code); with --update-doc, splice them again
#   --quick            scale 200k, 1 run of 1 s, short sweep (a smoke run)
# Environment: DNC_BUILD_DIR (default build), CCACHE_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scale=10M
query_count=1M
runs=5
seconds=5
warmup=2
batch=10000
concurrency=8
check_rate=20000
sweep_rates=10000,20000,30000,40000,50000,60000,80000,100000
work=""
wait_quiet=20
profile=0
skip_peers=0
install=1
keep=0
update_doc=0
report_only=0
seed=20261122
registry_model=exchanges
placements=pinned,unpinned
only=scrub,stream,check,sweep,checkstream,http
checkstream_rates=""
http_connections=8
http_batch=10000
nice_level=0
rt=0

usage() { sed -n '2,77p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --scale) scale=$2; shift ;;
    --queries) query_count=$2; shift ;;
    --registry) registry_model=$2; shift ;;
    --runs) runs=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --batch) batch=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --check-rate) check_rate=$2; shift ;;
    --sweep-rates) sweep_rates=$2; shift ;;
    --work) work=$2; shift ;;
    --wait-quiet) wait_quiet=$2; shift ;;
    --placements) placements=$2; shift ;;
    --only) only=$2; shift ;;
    --checkstream-rates) checkstream_rates=$2; shift ;;
    --http-connections) http_connections=$2; shift ;;
    --http-batch) http_batch=$2; shift ;;
    --nice) nice_level=$2; shift ;;
    --rt) rt=1 ;;
    --profile) profile=1 ;;
    --skip-peers) skip_peers=1 ;;
    --no-install) install=0 ;;
    --keep) keep=1 ;;
    --update-doc) update_doc=1 ;;
    --report-only) report_only=1 ;;
    --quick)
      scale=200k query_count=100k runs=1 seconds=1 warmup=0.5
      check_rate=2000 sweep_rates=2000,5000 wait_quiet=0
      checkstream_rates=2000 http_batch=1000 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_benchmarks: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

checkstream_rates=${checkstream_rates:-$check_rate,100000}
if ((rt)) && [ "$(cat /proc/sys/kernel/sched_rt_runtime_us 2>/dev/null)" != "-1" ]; then
  echo "run_benchmarks: warning: --rt with real-time throttling on (kernel.sched_rt_runtime_us =" \
    "$(cat /proc/sys/kernel/sched_rt_runtime_us 2>/dev/null)): a server at 100% of its core stalls" \
    "~50 ms a second, which becomes the p99 of saturated runs" >&2
fi
for p in ${placements//,/ }; do
  case "$p" in pinned|unpinned) ;; *) echo "run_benchmarks: --placements: '$p' is neither pinned nor unpinned" >&2; exit 2 ;; esac
done
for o in ${only//,/ }; do
  case "$o" in scrub|stream|check|sweep|checkstream|http) ;; *) echo "run_benchmarks: --only: unknown scenario '$o' (scrub, stream, check, sweep, checkstream, http)" >&2; exit 2 ;; esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "run_benchmarks: $*" >&2; exit 1; }

build_dir=${DNC_BUILD_DIR:-build}
bin=$root/$build_dir/bin
work=${work:-$root/$build_dir/bench-work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
out=$work/$scale
mkdir -p "$out"

# Writes WORK/<scale>/BENCHMARKS-<scale>.md from header.md, results.txt and
# commands.txt; with --update-doc also splices it into BENCHMARKS.md between
# <!-- results:<scale>:begin --> and <!-- results:<scale>:end -->.
write_report() {
  local section=$out/BENCHMARKS-$scale.md
  {
    cat "$out/header.md"
    "$bin/dnc-bench" report "$out/results.txt"
    echo "<details><summary>Exact commands of this run (\$WORK = $out)</summary>"
    echo
    echo '```'
    sed "s|$root/||g" "$out/commands.txt"
    echo '```'
    echo "</details>"
  } >"$section"
  echo "wrote $section" >&2
  if ((update_doc)); then
    local doc=$root/BENCHMARKS.md
    local begin="<!-- results:$scale:begin -->"
    local end="<!-- results:$scale:end -->"
    if [ -f "$doc" ] && grep -qF "$begin" "$doc"; then
      awk -v begin="$begin" -v end="$end" -v file="$section" '
        $0 == begin { print; while ((getline line < file) > 0) print line; skip = 1; next }
        $0 == end { skip = 0 }
        !skip { print }' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
    else
      { echo; echo "$begin"; cat "$section"; echo "$end"; } >>"$doc"
    fi
    echo "updated $doc" >&2
  fi
  cat "$section"
}

if ((report_only)); then
  for f in header.md results.txt commands.txt; do
    [ -f "$out/$f" ] || die "no $out/$f: run the benchmarks at --scale $scale first"
  done
  cmake -S . -B "$build_dir" -G Ninja >/dev/null
  cmake --build "$build_dir" --target dnc-bench >&2
  write_report
  exit 0
fi

# ---------------------------------------------------------------- install
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
if ((install)); then
  packages=(libhiredis-dev libpq-dev util-linux wrk apache2-utils)
  ((skip_peers)) || packages+=(redis-server postgresql)
  ((profile)) && packages+=(linux-perf)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
      die "missing Debian packages (${missing[*]}) and I am neither root nor able to sudo"
    fi
    step "Installing ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "${missing[@]}"
  fi
fi

step "Building dnc-load, dnc-server, dnc-bench and dnc-peer-bench (in $build_dir)"
targets=(dnc-load dnc-server dnc-bench)
((skip_peers)) || targets+=(dnc-peer-bench)
if ((install)); then
  DNC_BUILD_DIR=$build_dir bash scripts/setup.sh "${targets[@]}" >&2
else
  cmake -S . -B "$build_dir" -G Ninja >/dev/null
  cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]}" >&2
fi

# ------------------------------------------------------- servers, cleanup
pids_to_stop=()
pg_dir="" pg_bin="" pg_run=() pg_child=""
cleanup() {
  local status=$?
  set +e
  for pid in "${pids_to_stop[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/postmaster.pid" ]; then
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir" -m fast -w stop >/dev/null 2>&1
  fi
  [ -n "$pg_child" ] && wait "$pg_child" 2>/dev/null
  if ((!keep)); then
    rm -rf "$out/dnc-data" "$out/redis" "$out/pg"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port=$1
  while port_busy "$port"; do port=$((port + 1)); done
  echo "$port"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# ------------------------------------------------------------ quiet machine
if ((wait_quiet > 0)); then
  deadline=$((SECONDS + wait_quiet * 60))
  while awk -v l="$(load1)" 'BEGIN { exit !(l >= 1.5) }'; do
    if ((SECONDS >= deadline)); then
      echo "run_benchmarks: load average still $(load1) after $wait_quiet min; measuring anyway (recorded)" >&2
      break
    fi
    echo "run_benchmarks: 1-minute load average $(load1) >= 1.5; waiting for a quiet machine..." >&2
    sleep 30
  done
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# -------------------------------------------------------------------- data
stamp="gen=3 registry=$registry_model numbers=$scale queries=$query_count seed=$seed hits=5,50"
if [ "$(cat "$out/gen.stamp" 2>/dev/null)" != "$stamp" ]; then
  step "Writing the registry ($scale numbers, $registry_model model) and query lists ($query_count numbers; 5% and 50% listed)"
  gen_model=()
  case $registry_model in
    exchanges)
      /usr/bin/python3 "$root/tools/gen_nanp_exchanges.py" --output "$out/exchanges.txt"
      gen_model=(--exchanges "$out/exchanges.txt") ;;
    uniform) ;;
    *) echo "run_benchmarks: --registry must be exchanges or uniform" >&2; exit 2 ;;
  esac
  "$bin/dnc-bench" gen --out_dir "$out" --numbers "$scale" \
    --query_count "$query_count" --hit_percents 5,50 --seed "$seed" "${gen_model[@]}"
  echo "$stamp" >"$out/gen.stamp"
else
  step "Reusing the registry and query lists in $out"
fi
results=$out/results.txt
: >"$results"
commands=$out/commands.txt
: >"$commands"
record() { tee -a "$results"; }
# Runs a command, logging it (with $out shortened) for BENCHMARKS.md.
run_logged() {
  local arg line=""
  for arg in "$@"; do
    arg=${arg//$out/\$WORK}
    case "$arg" in *' '*) arg="'$arg'" ;; esac
    line+="${line:+ }$arg"
  done
  echo "$line" >>"$commands"
  "$@"
}

step "Loading dnc-server's data with dnc-load"
rm -rf "$out/dnc-data"
t0=$(date +%s.%N)
run_logged "$bin/dnc-load" --data "$out/dnc-data" --source us-ftc \
  --as_of "$(date -u +%F)" "$out/registry.txt" >"$out/dnc-load.log"
t1=$(date +%s.%N)
n_registry=$(wc -l <"$out/registry.txt")
echo "RESULT scenario=load system=dnc numbers=$n_registry seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') note=dnc-load~of~FTC~flat~text:~parse,~sort,~SST~ingest,~filter,~publish" | record

step "Starting dnc-server on 127.0.0.1"
rm -f "$out/dnc.port" "$out/dnc-http.port"
http_flags=()
if wants http; then
  if "$bin/dnc-server" --help 2>&1 | grep -q -- --http_listen; then
    http_flags=(--http_listen 127.0.0.1:0 --http_port_file "$out/dnc-http.port")
  else
    echo "run_benchmarks: this dnc-server has no --http_listen; skipping the HTTP figures" >&2
    only=${only//http/}
  fi
fi
"$bin/dnc-server" --auth=none --data "$out/dnc-data" --listen 127.0.0.1:0 \
  --port_file "$out/dnc.port" --reload_interval_seconds 0 "${http_flags[@]}" \
  >"$out/dnc-server.out" 2>"$out/dnc-server.log" &
dnc_pid=$!
pids_to_stop+=("$dnc_pid")
for _ in $(seq 1 600); do
  [ -s "$out/dnc.port" ] && break
  kill -0 "$dnc_pid" 2>/dev/null || { cat "$out/dnc-server.log" >&2; die "dnc-server exited during start-up"; }
  sleep 0.1
done
[ -s "$out/dnc.port" ] || die "dnc-server did not start in 60 s; see $out/dnc-server.log"
dnc_addr=127.0.0.1:$(cat "$out/dnc.port")
echo "dnc-server (pid $dnc_pid) on $dnc_addr" >&2
http_url=""
if ((${#http_flags[@]})); then
  for _ in $(seq 1 100); do [ -s "$out/dnc-http.port" ] && break; sleep 0.1; done
  [ -s "$out/dnc-http.port" ] || die "dnc-server did not write --http_port_file; see $out/dnc-server.log"
  http_url=http://127.0.0.1:$(cat "$out/dnc-http.port")
  echo "dnc-server's HTTP front end on $http_url" >&2
fi

redis_pid="" pg_pid=""
if ((!skip_peers)); then
  step "Starting redis-server on 127.0.0.1 (no persistence)"
  redis_port=$(free_port 6390)
  rm -rf "$out/redis"; mkdir -p "$out/redis"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$out/redis" --logfile "$out/redis/redis.log" --daemonize no &
  redis_pid=$!
  pids_to_stop+=("$redis_pid")
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
  done
  [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] || die "redis-server did not start; see $out/redis/redis.log"
  redis_addr=127.0.0.1:$redis_port

  step "Starting PostgreSQL on 127.0.0.1"
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$pg_bin/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
  pg_port=$(free_port 5490)
  rm -rf "$out/pg"; mkdir -p "$out/pg/data" "$out/pg/sock"
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root.
    chown -R postgres: "$out/pg"
    pg_run=(runuser -u postgres --)
  fi
  pg_dir=$out/pg/data
  # shared_buffers big enough for the table and its index (~80 bytes/number).
  n_numbers=$(wc -l <"$out/registry.txt")
  pg_buffers_mb=$(( n_numbers * 80 / 1048576 ))
  ((pg_buffers_mb < 256)) && pg_buffers_mb=256
  "${pg_run[@]}" "$pg_bin/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 \
    --locale=C >"$out/pg/initdb.log" 2>&1 || { cat "$out/pg/initdb.log" >&2; die "initdb failed"; }
  # Run the postmaster as our child (not daemonized by pg_ctl) so that it is
  # reaped when it stops.
  "${pg_run[@]}" "$pg_bin/postgres" -D "$pg_dir" -p "$pg_port" -k "$out/pg/sock" \
    -c listen_addresses=127.0.0.1 -c "shared_buffers=${pg_buffers_mb}MB" \
    -c max_connections=64 -c jit=off -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c max_wal_size=16GB -c checkpoint_timeout=1h \
    >"$out/pg/postgres.log" 2>&1 &
  pg_child=$!
  for _ in $(seq 1 300); do
    pg_isready -q -h 127.0.0.1 -p "$pg_port" && break
    kill -0 "$pg_child" 2>/dev/null || { cat "$out/pg/postgres.log" >&2; die "PostgreSQL exited during start-up"; }
    sleep 0.2
  done
  pg_isready -q -h 127.0.0.1 -p "$pg_port" || { cat "$out/pg/postgres.log" >&2; die "PostgreSQL did not start in 60 s"; }
  pg_pid=$(head -n 1 "$pg_dir/postmaster.pid")
  pg_conn="host=127.0.0.1 port=$pg_port user=postgres dbname=postgres"

  step "Loading Redis (pipelined SADD) and PostgreSQL (COPY, primary key, VACUUM)"
  run_logged "$bin/dnc-peer-bench" load --peer redis --redis "$redis_addr" \
    --registry "$out/registry.keys" | record
  run_logged "$bin/dnc-peer-bench" load --peer postgres --pg "$pg_conn" \
    --registry "$out/registry.keys" | record
fi

# ---------------------------------------------------------------- measure
common=(--seconds "$seconds" --warmup_seconds "$warmup")
ncpu=$(nproc)
((ncpu >= 2)) || die "pinned runs need 2 cores (this machine has $ncpu); use --placements unpinned"
# Moves every thread of the servers (PostgreSQL: the postmaster, its
# backends and helpers, which new backends inherit) to core 0 (pinned) or to
# every core (unpinned), and sets the load generators' prefix.
client=()
placement=""
place() {
  placement=$1
  local cpus=0-$((ncpu - 1)) pid
  client=()
  ((nice_level != 0)) && client=(nice -n "$nice_level")
  ((rt)) && client+=(chrt -f 10)
  if [ "$placement" = pinned ]; then cpus=0; client+=(taskset -c 1); fi
  for pid in "$dnc_pid" $redis_pid $pg_pid $( [ -n "$pg_pid" ] && pgrep -P "$pg_pid"); do
    taskset -a -pc "$cpus" "$pid" >/dev/null 2>&1 || true
    ((rt)) && { chrt -f -a -p 10 "$pid" >/dev/null 2>&1 || true; }
    if ((nice_level != 0)); then
      for task in /proc/"$pid"/task/*; do
        renice -n "$nice_level" -p "${task##*/}" >/dev/null 2>&1 || true
      done
    fi
  done
}
# Labels a run's RESULT lines with its run number and placement.
tag() { sed -e "s/ run=1 / run=$1 /" -e "s/^RESULT /RESULT placement=$placement /"; }
# Runs a load generator with the placement's prefix, logged and recorded.
measure() { local run=$1; shift; run_logged "${client[@]}" "$@" | tag "$run" | record; }

# Whole seconds (at least 1) for wrk's -d and ab's -t.
whole() { awk -v x="$1" 'BEGIN { v = int(x + 0.5); print (v < 1 ? 1 : v) }'; }
clk_tck=$(getconf CLK_TCK)
# CPU seconds (user + system, all threads) of process $1 so far.
cpu_seconds() { awk -v t="$clk_tck" '{ sub(/^.*\) /, ""); printf "%.4f", ($12 + $13) / t }' "/proc/$1/stat"; }

# One wrk or ab run against dnc-server's HTTP front end; prints a RESULT line.
#   http_run RUN REQUEST_LABEL NUMBERS_PER_REQUEST TOOL CONNECTIONS -- COMMAND...
http_run() {
  local run=$1 label=$2 per_request=$3 tool=$4 conns=$5; shift 6
  local s0 s1 t0 t1 log=$out/http-last.txt timing=$out/http-time.txt
  echo "${client[*]} $*" | sed "s|$out|\$WORK|g; s|$root/||g" >>"$commands"
  s0=$(cpu_seconds "$dnc_pid"); t0=$(date +%s.%N)
  { TIMEFORMAT='%U %S'; time "${client[@]}" "$@" >"$log" 2>&1; } 2>"$timing" || {
    cat "$log" >&2; die "$tool failed (see above)"; }
  t1=$(date +%s.%N); s1=$(cpu_seconds "$dnc_pid")
  awk -v tool="$tool" -v label="$label" -v per="$per_request" -v conns="$conns" \
      -v run="$run" -v placement="$placement" -v s0="$s0" -v s1="$s1" \
      -v t0="$t0" -v t1="$t1" -v timing="$(cat "$timing")" '
    /^WRK / { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
              secs = f["duration_us"] / 1e6; reqs = f["requests"]; errors = f["errors"]
              p50 = f["p50_us"]; p99 = f["p99_us"]; p999 = f["p999_us"] }
    /^Complete requests:/ { reqs = $3 }
    /^Failed requests:/ { errors += $3 }
    /^Non-2xx responses:/ { errors += $3 }
    /^Time taken for tests:/ { secs = $5 }
    /^ *50% / { p50 = $2 * 1000 }
    /^ *99% / { p99 = $2 * 1000 }
    END {
      if (secs <= 0 || reqs == "" || reqs + 0 <= 0) { print "no figures in the output of " tool > "/dev/stderr"; exit 1 }
      split(timing, c, " "); span = t1 - t0
      server = s1 - s0
      printf "RESULT scenario=http placement=%s system=dnc request=%s tool=%s connections=%s run=%s seconds=%.3f requests_per_s=%.1f numbers_per_s=%.1f p50_us=%s p99_us=%s p999_us=%s errors=%d server_cpu=%.4f client_cpu=%.4f server_us_per_request=%.2f\n",
        placement, label, tool, conns, run, secs, reqs / secs, per * reqs / secs,
        (p50 == "" ? "nan" : p50), (p99 == "" ? "nan" : p99), (p999 == "" ? "nan" : p999),
        errors, server / span, (c[1] + c[2]) / span, 1e6 * server / reqs
    }' "$log" | record
}

has_checkstream=0
"$bin/dnc-bench" checkstream 2>&1 | grep -q "unknown subcommand" || has_checkstream=1
if wants checkstream && ((!has_checkstream)); then
  echo "run_benchmarks: this dnc-bench has no checkstream; skipping CheckStream" >&2
fi
if [ -n "$http_url" ]; then
  "$bin/dnc-bench" numbers --queries "$out/queries-hit5.keys" >"$out/numbers-hit5.txt"
  { printf 'phoneList='; head -n "$http_batch" "$out/numbers-hit5.txt" | paste -sd, -; } \
    | tr -d '\n' >"$out/scrub-form-$http_batch.txt"
fi

step "Measuring (load average before: $load_before; placements: $placements)"
for hits in 5 50; do
  q=$out/queries-hit$hits.keys
  for run in $(seq 1 "$runs"); do
    for p in ${placements//,/ }; do
      place "$p"
      if wants scrub; then
        echo "-- batched Scrub, $hits% hits, $p, run $run of $runs" >&2
        measure "$run" "$bin/dnc-bench" scrub --server "$dnc_addr" --queries "$q" \
          --batch "$batch" --concurrency "$concurrency" --server_pid "$dnc_pid" "${common[@]}"
        if ((!skip_peers)); then
          measure "$run" "$bin/dnc-peer-bench" scrub --peer redis --redis "$redis_addr" \
            --queries "$q" --batch "$batch" --concurrency "$concurrency" \
            --server_pid "$redis_pid" "${common[@]}"
          measure "$run" "$bin/dnc-peer-bench" scrub --peer postgres --pg "$pg_conn" \
            --queries "$q" --batch "$batch" --concurrency "$concurrency" \
            --server_pid "$pg_pid" "${common[@]}"
        fi
      fi
      if wants check; then
        echo "-- Check at $check_rate/s, $hits% hits, $p, run $run of $runs" >&2
        measure "$run" "$bin/dnc-bench" check --server "$dnc_addr" --queries "$q" \
          --rates "$check_rate" --server_pid "$dnc_pid" "${common[@]}"
        if ((!skip_peers)); then
          measure "$run" "$bin/dnc-peer-bench" check --peer redis --redis "$redis_addr" \
            --queries "$q" --rates "$check_rate" --server_pid "$redis_pid" "${common[@]}"
          measure "$run" "$bin/dnc-peer-bench" check --peer postgres --pg "$pg_conn" \
            --queries "$q" --rates "$check_rate" --server_pid "$pg_pid" "${common[@]}"
        fi
      fi
      if wants checkstream && ((has_checkstream)); then
        echo "-- CheckStream at $checkstream_rates/s, $hits% hits, $p, run $run of $runs" >&2
        measure "$run" "$bin/dnc-bench" checkstream --server "$dnc_addr" --queries "$q" \
          --rates "$checkstream_rates" --server_pid "$dnc_pid" "${common[@]}"
      fi
      if wants http && [ -n "$http_url" ] && [ "$hits" = 5 ]; then
        echo "-- HTTP (wrk, ab), $p, run $run of $runs" >&2
        # Warm-up, not recorded.
        "${client[@]}" wrk -t1 -c"$http_connections" -d"$(whole "$warmup")s" -s bench/wrk_check.lua \
          "$http_url" -- "$out/numbers-hit5.txt" >/dev/null 2>&1 || true
        http_run "$run" "GET~/v1/check" 1 wrk "$http_connections" -- \
          wrk -t1 -c"$http_connections" -d"$(whole "$seconds")s" -s bench/wrk_check.lua \
          "$http_url" -- "$out/numbers-hit5.txt"
        http_run "$run" "GET~/v1/check~(one~number)" 1 ab "$http_connections" -- \
          ab -q -k -c "$http_connections" -t "$(whole "$seconds")" -n 100000000 \
          "$http_url/v1/check?phone=$(head -n 1 "$out/numbers-hit5.txt")"
        http_run "$run" "POST~/app/main/rpc/scrub~($http_batch~numbers)" "$http_batch" wrk 2 -- \
          wrk -t1 -c2 -d"$(whole "$seconds")s" -s bench/wrk_post.lua "$http_url" -- \
          /app/main/rpc/scrub "$out/scrub-form-$http_batch.txt" application/x-www-form-urlencoded
      fi
    done
  done
  if wants stream; then
    for p in ${placements//,/ }; do
      place "$p"
      echo "-- ScrubStream, $hits% hits, $p, $runs runs" >&2
      run_logged "${client[@]}" "$bin/dnc-bench" stream --server "$dnc_addr" --queries "$q" \
        --batch "$batch" --concurrency "$concurrency" --server_pid "$dnc_pid" \
        --runs "$runs" "${common[@]}" | tag 1 | record
    done
  fi
done

if wants sweep; then
  q=$out/queries-hit5.keys
  for p in ${placements//,/ }; do
    place "$p"
    echo "-- Check rate sweep (5% hits, $p): $sweep_rates" >&2
    measure 1 "$bin/dnc-bench" check --sweep --server "$dnc_addr" --queries "$q" \
      --rates "$sweep_rates" --server_pid "$dnc_pid" "${common[@]}"
    if ((!skip_peers)); then
      measure 1 "$bin/dnc-peer-bench" check --sweep --peer redis --redis "$redis_addr" \
        --queries "$q" --rates "$sweep_rates" --server_pid "$redis_pid" "${common[@]}"
      measure 1 "$bin/dnc-peer-bench" check --sweep --peer postgres --pg "$pg_conn" \
        --queries "$q" --rates "$sweep_rates" --server_pid "$pg_pid" "${common[@]}"
    fi
  done
fi
rt_used=$rt nice_used=$nice_level
rt=0 nice_level=0
place unpinned
for pid in "$dnc_pid" $redis_pid $pg_pid $( [ -n "$pg_pid" ] && pgrep -P "$pg_pid"); do
  chrt -o -a -p 0 "$pid" >/dev/null 2>&1 || true
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

step "Recording memory use"
run_logged "$bin/dnc-bench" memory --server_pid "$dnc_pid" --data "$out/dnc-data" | record
if ((!skip_peers)); then
  run_logged "$bin/dnc-peer-bench" memory --peer redis --redis "$redis_addr" \
    --server_pid "$redis_pid" --registry "$out/registry.keys" | record
  run_logged "$bin/dnc-peer-bench" memory --peer postgres --pg "$pg_conn" \
    --server_pid "$pg_pid" --registry "$out/registry.keys" | record
fi

if ((profile)) && command -v perf >/dev/null 2>&1; then
  for hits in 5 50; do
    step "Profiling dnc-server during a batched Scrub run ($hits% hits)"
    perf record -g -p "$dnc_pid" -o "$out/perf-hit$hits.data" -- sleep "$seconds" \
      >/dev/null 2>&1 &
    perf_pid=$!
    "$bin/dnc-bench" scrub --server "$dnc_addr" --queries "$out/queries-hit$hits.keys" \
      --batch "$batch" --concurrency "$concurrency" --seconds "$seconds" \
      --warmup_seconds 0 >/dev/null
    wait "$perf_pid" || true
    perf report -i "$out/perf-hit$hits.data" --no-children -g none \
      --sort dso,sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 40 \
      >"$out/profile-hit$hits.txt" || true
    echo "wrote $out/profile-hit$hits.txt" >&2
  done
fi

# ----------------------------------------------------------------- report
step "Writing the report"
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
cores=$(nproc)
mem=$(free -g | awk '/^Mem:/ {print $2}')
kernel=$(uname -r)
virt=$(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -n 1)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
redis_version=$( ((skip_peers)) || redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')
pg_version=$( ((skip_peers)) || "$pg_bin/postgres" --version | awk '{print $3}')
n_queries=$query_count
when=$(date -u '+%Y-%m-%d %H:%M UTC')
{
  echo "**Run of $when at $scale numbers.**"
  echo
  echo "- **Command:** \`bench/run_benchmarks.sh --scale $scale --runs $runs --seconds $seconds\`" \
       "(batch $batch, concurrency $concurrency, Check at $check_rate/s; sweep $sweep_rates;" \
       "placements $placements; scenarios $only; nice ${nice_used:-$nice_level}$( ((${rt_used:-0})) && echo '; real-time priority (--rt)'))."
  echo "- **Machine:** $cpu, $cores cores${virt:+ ($virt guest)}, $mem GiB RAM; $os, Linux $kernel." \
       "Pinned: each server's threads on core 0 (taskset -a -p), its load generator on" \
       "core 1 (taskset -c 1); unpinned: both free on all $cores cores."
  echo "- **Load average (1/5/15 min):** $load_before before measuring, $load_after after."
  echo "- **Software:** dnc $rev$dirty (RelWithDebInfo)${redis_version:+, Redis $redis_version}${pg_version:+, PostgreSQL $pg_version}."
  if [ "$registry_model" = exchanges ]; then
    data_model="US exchanges at real densities, bench/nanp_exchange_model.h"
  else
    data_model="uniform, about 1M per area code"
  fi
  echo "- **Data:** $n_registry registry numbers (seed $seed, $data_model);" \
       "query lists of $n_queries numbers with exactly 5% and 50% listed; every answer" \
       "checked against the lists before measuring."
  echo "- **Each figure:** median of $runs runs of $seconds s after $warmup s warm-up," \
       "with the range (min – max); systems interleaved run by run." \
       "CPU columns are cores used during the measured window (server = the server's" \
       "process tree; client = the load generator)."
  echo
} >"$out/header.md"
write_report
