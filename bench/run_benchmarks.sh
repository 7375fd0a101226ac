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
#     libhiredis-dev, libpq-dev, plus the build's own packages via
#     scripts/setup.sh), as root or through sudo; builds dnc-load,
#     dnc-server, dnc-bench and dnc-peer-bench;
#  2. waits (up to --wait-quiet minutes) for a 1-minute load average below
#     1.5, and records it;
#  3. writes the registry and the query lists (5% and 50% listed) with a
#     fixed seed (dnc-bench gen), loads dnc-server's data with dnc-load,
#     Redis with pipelined SADD and PostgreSQL with COPY;
#  4. starts dnc-server, redis-server and PostgreSQL on 127.0.0.1 with their
#     own temporary data directories and non-default ports (PostgreSQL as
#     user postgres when run as root);
#  5. runs every scenario --runs times, interleaving the systems run by run:
#     batched Scrub, ScrubStream, Check at a fixed offered rate (open loop),
#     and a Check rate sweep; then records memory use;
#  6. stops every server (also on error or Ctrl-C) and writes markdown:
#     WORK/<scale>/BENCHMARKS-<scale>.md (and BENCHMARKS.md with --update-doc).
#
# Options (defaults in brackets):
#   --scale N          registry size, e.g. 10M, 50M, 200k [10M]
#   --queries N        numbers per query list [1M]
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

usage() { sed -n '2,49p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --scale) scale=$2; shift ;;
    --queries) query_count=$2; shift ;;
    --runs) runs=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --batch) batch=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --check-rate) check_rate=$2; shift ;;
    --sweep-rates) sweep_rates=$2; shift ;;
    --work) work=$2; shift ;;
    --wait-quiet) wait_quiet=$2; shift ;;
    --profile) profile=1 ;;
    --skip-peers) skip_peers=1 ;;
    --no-install) install=0 ;;
    --keep) keep=1 ;;
    --update-doc) update_doc=1 ;;
    --report-only) report_only=1 ;;
    --quick)
      scale=200k query_count=100k runs=1 seconds=1 warmup=0.5
      check_rate=2000 sweep_rates=2000,5000 wait_quiet=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_benchmarks: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

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
  packages=(libhiredis-dev libpq-dev)
  ((skip_peers)) || packages+=(redis-server postgresql)
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
stamp="gen=2 numbers=$scale queries=$query_count seed=$seed hits=5,50"
if [ "$(cat "$out/gen.stamp" 2>/dev/null)" != "$stamp" ]; then
  step "Writing the registry ($scale numbers) and query lists ($query_count numbers; 5% and 50% listed)"
  "$bin/dnc-bench" gen --out_dir "$out" --numbers "$scale" \
    --query_count "$query_count" --hit_percents 5,50 --seed "$seed"
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
rm -f "$out/dnc.port"
"$bin/dnc-server" --auth=none --data "$out/dnc-data" --listen 127.0.0.1:0 \
  --port_file "$out/dnc.port" --reload_interval_seconds 0 \
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
renumber() { sed "s/ run=1 / run=$1 /"; }
step "Measuring (load average before: $load_before)"

for hits in 5 50; do
  q=$out/queries-hit$hits.keys
  for run in $(seq 1 "$runs"); do
    echo "-- batched Scrub, $hits% hits, run $run of $runs" >&2
    run_logged "$bin/dnc-bench" scrub --server "$dnc_addr" --queries "$q" \
      --batch "$batch" --concurrency "$concurrency" --server_pid "$dnc_pid" \
      "${common[@]}" | renumber "$run" | record
    if ((!skip_peers)); then
      run_logged "$bin/dnc-peer-bench" scrub --peer redis --redis "$redis_addr" \
        --queries "$q" --batch "$batch" --concurrency "$concurrency" \
        --server_pid "$redis_pid" "${common[@]}" | renumber "$run" | record
      run_logged "$bin/dnc-peer-bench" scrub --peer postgres --pg "$pg_conn" \
        --queries "$q" --batch "$batch" --concurrency "$concurrency" \
        --server_pid "$pg_pid" "${common[@]}" | renumber "$run" | record
    fi
  done
  echo "-- ScrubStream, $hits% hits, $runs runs" >&2
  run_logged "$bin/dnc-bench" stream --server "$dnc_addr" --queries "$q" \
    --batch "$batch" --concurrency "$concurrency" --server_pid "$dnc_pid" \
    --runs "$runs" "${common[@]}" | record
done

for hits in 5 50; do
  q=$out/queries-hit$hits.keys
  for run in $(seq 1 "$runs"); do
    echo "-- Check at $check_rate/s, $hits% hits, run $run of $runs" >&2
    run_logged "$bin/dnc-bench" check --server "$dnc_addr" --queries "$q" \
      --rates "$check_rate" --server_pid "$dnc_pid" "${common[@]}" \
      | renumber "$run" | record
    if ((!skip_peers)); then
      run_logged "$bin/dnc-peer-bench" check --peer redis --redis "$redis_addr" \
        --queries "$q" --rates "$check_rate" --server_pid "$redis_pid" \
        "${common[@]}" | renumber "$run" | record
      run_logged "$bin/dnc-peer-bench" check --peer postgres --pg "$pg_conn" \
        --queries "$q" --rates "$check_rate" --server_pid "$pg_pid" \
        "${common[@]}" | renumber "$run" | record
    fi
  done
done

echo "-- Check rate sweep (5% hits): $sweep_rates" >&2
q=$out/queries-hit5.keys
run_logged "$bin/dnc-bench" check --sweep --server "$dnc_addr" --queries "$q" \
  --rates "$sweep_rates" --server_pid "$dnc_pid" "${common[@]}" | record
if ((!skip_peers)); then
  run_logged "$bin/dnc-peer-bench" check --sweep --peer redis --redis "$redis_addr" \
    --queries "$q" --rates "$sweep_rates" --server_pid "$redis_pid" \
    "${common[@]}" | record
  run_logged "$bin/dnc-peer-bench" check --sweep --peer postgres --pg "$pg_conn" \
    --queries "$q" --rates "$sweep_rates" --server_pid "$pg_pid" \
    "${common[@]}" | record
fi
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
       "(batch $batch, concurrency $concurrency, Check at $check_rate/s; sweep $sweep_rates)."
  echo "- **Machine:** $cpu, $cores cores${virt:+ ($virt guest)}, $mem GiB RAM; $os, Linux $kernel." \
       "Server and load generators share the $cores cores."
  echo "- **Load average (1/5/15 min):** $load_before before measuring, $load_after after."
  echo "- **Software:** dnc $rev$dirty (RelWithDebInfo)${redis_version:+, Redis $redis_version}${pg_version:+, PostgreSQL $pg_version}."
  echo "- **Data:** $n_registry registry numbers (seed $seed, about 1M per area code);" \
       "query lists of $n_queries numbers with exactly 5% and 50% listed; every answer" \
       "checked against the lists before measuring."
  echo "- **Each figure:** median of $runs runs of $seconds s after $warmup s warm-up," \
       "with the range (min – max); systems interleaved run by run." \
       "CPU columns are cores used during the measured window (server = the server's" \
       "process tree; client = the load generator)."
  echo
} >"$out/header.md"
write_report
