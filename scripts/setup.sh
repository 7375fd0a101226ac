#!/usr/bin/env bash
# Installs what the build needs from Debian 12 packages (only what is missing;
# as root or through sudo), then configures and builds into build/.
#
#   scripts/setup.sh                 build everything (binaries, tests, benches)
#   scripts/setup.sh dnc dnc-server  build only these targets
#
# Environment: DNC_BUILD_DIR (default build), DNC_BUILD_TYPE (default
# RelWithDebInfo), DNC_CMAKE_ARGS (extra cmake arguments), CCACHE_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libxxhash-dev libabsl-dev libbenchmark-dev libgtest-dev libgmock-dev
  libarchive-dev libphonenumber-dev libicu-dev
  # Lead lists saved as .xlsx: the workbook's XML (its zip is libarchive's).
  libxml2-dev
  # The HTTP front end: Boost.Beast/Asio (headers only) and JSON; curl runs
  # the HTTP examples of docs/http-api.md in the tests.
  libboost1.74-dev nlohmann-json3-dev curl
  # Numbering data the NANP area-code table is generated from at build time
  # (tools/gen_nanp_regions.py, run with /usr/bin/python3).
  python3 python3-phonenumbers iso-codes
  # The tests parse GET /metrics with Prometheus' own text parser, and write
  # .xlsx lead lists with openpyxl.
  python3-prometheus-client python3-openpyxl
  # SHA-256 of API keys and audit hashes, TLS of the HTTP listener and the
  # checks of certificate files (OpenSSL); IANA zones for calling windows
  # (absl::LoadTimeZone reads /usr/share/zoneinfo).
  libssl-dev tzdata
  # The TLS tests make their CA and certificates with the openssl command.
  openssl
  # The shared tenant store (libpq); the tests start a PostgreSQL cluster of
  # their own (initdb in a temporary directory).
  libpq-dev postgresql
)
# shellcheck source=scripts/install_packages.sh
source scripts/install_packages.sh
dnc_install_packages setup "${packages[@]}"

build_dir=${DNC_BUILD_DIR:-build}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
# shellcheck disable=SC2086  # DNC_CMAKE_ARGS is a list of arguments.
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="${DNC_BUILD_TYPE:-RelWithDebInfo}" ${DNC_CMAKE_ARGS:-} >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
echo "setup: building in $build_dir (2 cores: a cold build takes several minutes; ccache makes the next one fast)"
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
