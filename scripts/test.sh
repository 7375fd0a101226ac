#!/usr/bin/env bash
# README command 2: installs what is missing, builds everything, runs every
# test with ctest. Extra arguments go to the main stage's ctest (e.g. -R
# Filter, -L integration).
#
# Stages, in this order (DNC_TEST_STAGES picks some, e.g. DNC_TEST_STAGES=main
# for a quick local run; the default, and CI, runs all of them):
#   main  build/ (scripts/setup.sh, DNC_BUILD_DIR): every test.
#   asan  build-asan/ (DNC_ASAN_BUILD_DIR): AddressSanitizer + LeakSanitizer +
#         UndefinedBehaviorSanitizer (with float-cast-overflow), Debug at
#         -O1, no benches: every test.
#   tsan  build-tsan/ (DNC_TSAN_BUILD_DIR): ThreadSanitizer, Debug at -O1,
#         only the test binaries labelled "concurrency" (target
#         dnc_concurrency_tests; absl::Mutex annotated by
#         tests/sanitizer/tsan_absl_sync.cc). Tests through gRPC's server
#         are not in it: Debian's libgrpc is not instrumented and hands each
#         call between its threads where TSan cannot see it.
#   fuzz  scripts/fuzz.sh --smoke, if that script exists.
# Every stage runs even if an earlier one failed (except after a failed main
# build: the same code would not build elsewhere); the exit code is non-zero
# if any stage failed. Each stage prints "== test.sh: stage NAME" first and
# "== test.sh: stage NAME passed|FAILED (... seconds)" last (.ci/run greps
# for these and for ctest's closing lines).
#
# ASan/LSan and TSan reports from the test binaries and from every binary
# they start (dnc-server, dnc-load, ...) go to files in <tree>/sanitizer-logs/;
# any such file fails the stage and is printed. Suppressions: tests/sanitizer/.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
stages=${DNC_TEST_STAGES:-main asan tsan fuzz}
for stage in $stages; do
  case "$stage" in
    main | asan | tsan | fuzz) ;;
    *)
      echo "test.sh: unknown stage '$stage' in DNC_TEST_STAGES (main asan tsan fuzz)" >&2
      exit 2
      ;;
  esac
done
jobs=$(nproc)
failed=()

has_stage() { [[ " $stages " == *" $1 "* ]]; }
begin() {
  echo
  echo "== test.sh: stage $1 ($2)"
  stage_start=$SECONDS
}
finish() {
  local took="$((SECONDS - stage_start)) s"
  if [ "$2" -eq 0 ]; then
    echo "== test.sh: stage $1 passed ($took)"
  else
    echo "== test.sh: stage $1 FAILED (exit $2, $took)"
    failed+=("$1")
  fi
}

# Prints the sanitizer reports in $1 (files named <tool>.<pid>); returns 1 if
# there were any.
check_reports() {
  local reports=("$1"/*.[0-9]*)
  [ -e "${reports[0]}" ] || return 0
  echo "test.sh: ${#reports[@]} sanitizer report(s) in $1:"
  local f
  for f in "${reports[@]}"; do
    echo "---- $f"
    cat "$f"
  done
  return 1
}

# run_sanitized NAME DIR SANITIZE TARGET CTEST_ARGS...: configures and builds
# DIR with -DDNC_SANITIZE=SANITIZE (TARGET "" = everything), runs ctest there.
run_sanitized() {
  local name=$1 dir=$2 sanitize=$3 target=$4
  shift 4
  local logs=$root/$dir/sanitizer-logs
  rm -rf "$logs" && mkdir -p "$logs"
  # Exported for the build too: gtest_discover_tests runs every test binary.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$logs/asan"
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
  # UBSan ignores log_path when it shares the process with ASan: its reports
  # go to stderr, and abort_on_error makes a finding in a subprocess a
  # SIGABRT that the test sees.
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"
  # ignore_noninstrumented_modules: TSan checks the memory accesses of our
  # code only, not the memcpy/memmove calls Debian's uninstrumented libraries
  # (RocksDB's write group, libstdc++'s string internals, gRPC) make behind
  # synchronization TSan cannot see.
  export TSAN_OPTIONS="suppressions=$root/tests/sanitizer/tsan.supp:halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:log_path=$logs/tsan"
  local rc=0
  DNC_BUILD_DIR=$dir DNC_BUILD_TYPE=Debug \
    DNC_CMAKE_ARGS="-DCMAKE_CXX_FLAGS=-O1 -DDNC_SANITIZE=$sanitize -DDNC_BUILD_BENCHMARKS=OFF" \
    bash scripts/setup.sh ${target:+"$target"} || rc=$?
  if [ "$rc" -eq 0 ]; then
    (cd "$dir" && ctest --output-on-failure --timeout 900 -j "$jobs" "$@") || rc=$?
  fi
  if ! check_reports "$logs" && [ "$rc" -eq 0 ]; then rc=1; fi
  unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS
  return "$rc"
}

if has_stage main; then
  begin main "${DNC_BUILD_DIR:-build}, every test"
  if ! bash scripts/setup.sh; then
    finish main 1
    exit 1
  fi
  # The portal's browser tests: Debian's chromium and playwright-core from npm.
  if [ -f tests/portal/setup.sh ] && ! bash tests/portal/setup.sh; then
    finish main 1
    exit 1
  fi
  rc=0
  (cd "${DNC_BUILD_DIR:-build}" && ctest --output-on-failure --timeout 900 -j "$jobs" "$@") || rc=$?
  finish main "$rc"
fi

if has_stage asan; then
  begin asan "${DNC_ASAN_BUILD_DIR:-build-asan}, ASan+UBSan, every test"
  rc=0
  run_sanitized asan "${DNC_ASAN_BUILD_DIR:-build-asan}" address,undefined,float-cast-overflow "" ||
    rc=$?
  finish asan "$rc"
fi

if has_stage tsan; then
  begin tsan "${DNC_TSAN_BUILD_DIR:-build-tsan}, TSan, tests labelled concurrency"
  rc=0
  run_sanitized tsan "${DNC_TSAN_BUILD_DIR:-build-tsan}" thread dnc_concurrency_tests \
    -L concurrency || rc=$?
  finish tsan "$rc"
fi

if has_stage fuzz && [ -f scripts/fuzz.sh ]; then
  begin fuzz "scripts/fuzz.sh --smoke"
  rc=0
  bash scripts/fuzz.sh --smoke || rc=$?
  finish fuzz "$rc"
fi

if ((${#failed[@]})); then
  echo "test.sh: FAILED stages: ${failed[*]}"
  exit 1
fi
echo "test.sh: all stages passed ($stages)"
