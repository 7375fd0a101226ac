#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ in a separate clang tree and runs
# them (docs/FUZZING.md). Installs what it needs from Debian 12 packages
# (only what is missing; as root or through sudo), as scripts/setup.sh does.
#
#   scripts/fuzz.sh --smoke                  build, then ctest -L fuzz: every
#                                            target for a few seconds (CI)
#   scripts/fuzz.sh --minutes N [target...]  build, then run each target (all
#                                            by default) for N minutes on a
#                                            copy of its seed corpus
#   scripts/fuzz.sh --build                  only build
#
# Targets are named after their files: phone_number_fuzzer, csv_fuzzer, ...
# (or without the _fuzzer suffix). Environment: DNC_FUZZ_BUILD_DIR (default
# build-fuzz), DNC_FUZZ_WORK_DIR (default $DNC_FUZZ_BUILD_DIR/runs: the
# corpora and crash files of --minutes runs), DNC_FUZZ_SMOKE_SECONDS
# (default 5), DNC_FUZZ_JOBS (build parallelism, default nproc), CCACHE_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

mode=
minutes=
targets=()
while (($#)); do
  case "$1" in
    --smoke) mode=smoke ;;
    --build) mode=build ;;
    --minutes)
      mode=minutes
      shift
      [[ $# -gt 0 && "$1" =~ ^[0-9]+([.][0-9]+)?$ ]] || usage
      minutes=$1
      ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) targets+=("${1%_fuzzer}_fuzzer") ;;
  esac
  shift
done
[[ -n "$mode" ]] || usage

packages=(
  clang-14 libclang-rt-14-dev cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libxxhash-dev libabsl-dev libarchive-dev libphonenumber-dev
  libicu-dev python3 python3-phonenumbers iso-codes libssl-dev tzdata
  libboost1.74-dev nlohmann-json3-dev
)
# shellcheck source=scripts/install_packages.sh
source scripts/install_packages.sh
dnc_install_packages fuzz "${packages[@]}"

build_dir=${DNC_FUZZ_BUILD_DIR:-build-fuzz}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
# The sanitizer and coverage flags are set per target by fuzz/CMakeLists.txt.
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 \
  -DDNC_BUILD_FUZZERS=ON -DDNC_BUILD_TESTS=OFF -DDNC_BUILD_BENCHMARKS=OFF \
  -DDNC_FUZZ_SMOKE_SECONDS="${DNC_FUZZ_SMOKE_SECONDS:-5}" >/dev/null
echo "fuzz: building the fuzz targets in $build_dir (clang-14, ASan + UBSan)"
cmake --build "$build_dir" -j "${DNC_FUZZ_JOBS:-$(nproc)}" --target fuzzers

case "$mode" in
  build) exit 0 ;;
  smoke)
    # The tests live in the fuzz/ subdirectory of the tree.
    exec ctest --test-dir "$build_dir/fuzz" -L fuzz --output-on-failure
    ;;
esac

# --minutes: one target at a time (each uses one core).
all=()
for f in fuzz/*_fuzzer.cc; do
  all+=("$(basename "$f" .cc)")
done
((${#targets[@]})) || targets=("${all[@]}")
work=${DNC_FUZZ_WORK_DIR:-$build_dir/runs}
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
((seconds > 0)) || usage
summary=()
failed=0
for t in "${targets[@]}"; do
  if [ ! -x "$build_dir/fuzz/$t" ]; then
    echo "fuzz: no target $t (targets: ${all[*]})" >&2
    exit 2
  fi
  corpus=$work/$t/corpus
  mkdir -p "$corpus" "$work/$t/crashes"
  cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560
    -print_final_stats=1 -artifact_prefix="$work/$t/crashes/")
  [ -f "fuzz/dict/$t.dict" ] && args+=(-dict="fuzz/dict/$t.dict")
  log=$work/$t/fuzz.log
  echo "fuzz: $t for $minutes min; corpus $corpus, log $log"
  rc=0
  "$build_dir/fuzz/$t" "${args[@]}" "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  bytes=$(du -sb "$corpus" | cut -f1)
  crashes=$(find "$work/$t/crashes" -type f | wc -l)
  line=$(printf '%-26s %4s min  %12s execs  %8s execs/s  corpus %5s files %8s bytes  crashes %s  rc %s' \
    "$t" "$minutes" "${execs:-?}" "${per_second:-?}" "$files" "$bytes" "$crashes" "$rc")
  echo "fuzz: $line"
  summary+=("$line")
  if ((rc != 0 || crashes != 0)); then
    failed=1
    grep -m1 -A3 -E 'fuzz invariant failed|ERROR: (Address|Undefined|Leak)Sanitizer|ERROR: libFuzzer' "$log" >&2 || true
  fi
done
echo "fuzz: summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
