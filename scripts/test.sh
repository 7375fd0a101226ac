#!/usr/bin/env bash
# README command 2: installs what is missing, builds everything, runs every
# test with ctest. Extra arguments go to ctest (e.g. -R Filter, -L integration).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd "${DNC_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@"
