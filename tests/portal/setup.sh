#!/usr/bin/env bash
# What the portal's browser tests need (tests/portal): Debian's chromium, and
# playwright-core from npm (package-lock.json pins it) in
# tests/portal/node_modules. npm ci runs only when node_modules is missing or
# older than package-lock.json. Called by scripts/test.sh; safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/install_packages.sh
source "$root/scripts/install_packages.sh"
dnc_install_packages portal-tests chromium
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "portal-tests: $tool is missing: install Node.js 18 or newer (with npm)" >&2
    exit 1
  }
done
if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
  echo "portal-tests: installing playwright-core (npm ci) in tests/portal"
  (cd "$here" && npm ci --no-audit --no-fund)
  touch "$here/node_modules"
fi
