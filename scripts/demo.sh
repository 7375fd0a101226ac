#!/usr/bin/env bash
# README command 1: the whole job end to end on this machine.
#  1. installs what is missing and builds the binaries;
#  2. writes a sample national registry (FTC flat layout, zipped) and a lead
#     list (CSV with messy numbers and bad rows);
#  3. loads the registry with dnc-load, starts dnc-server on 127.0.0.1,
#     scrubs the lead list through gRPC with the dnc CLI, prints the summary,
#     and stops the server.
#
# Environment: DNC_DEMO_DIR (default demo-output), DNC_DEMO_REGISTRY_NUMBERS
# (default 1000000), DNC_DEMO_LEADS (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/${DNC_BUILD_DIR:-build}/bin
out=${DNC_DEMO_DIR:-$root/demo-output}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Setting up and building (dnc-load, dnc-server, dnc, dnc-sample)"
bash scripts/setup.sh dnc-load dnc-server dnc dnc-sample

step "Writing a sample registry and lead list into $out"
rm -rf "$out"
mkdir -p "$out"
"$bin/dnc-sample" --out_dir "$out" \
  --registry_numbers "${DNC_DEMO_REGISTRY_NUMBERS:-1000000}" \
  --leads "${DNC_DEMO_LEADS:-100000}"

step "Loading the registry as source us-ftc, as of today"
"$bin/dnc-load" --data "$out/data" --source us-ftc --as_of "$(date -u +%F)" \
  "$out/ftc-flat-sample.zip"

step "Starting dnc-server on 127.0.0.1 (a free port)"
"$bin/dnc-server" --data "$out/data" --listen 127.0.0.1:0 \
  --port_file "$out/server.port" 2>"$out/server.log" &
server_pid=$!
stop_server() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT
for _ in $(seq 1 300); do
  [ -s "$out/server.port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "dnc-server exited during start-up; its log:" >&2
    cat "$out/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$out/server.port" ] || { echo "dnc-server did not start in 30 s; see $out/server.log" >&2; exit 1; }
server=127.0.0.1:$(cat "$out/server.port")
echo "dnc-server is listening on $server (log: $out/server.log)"

step "dnc status"
"$bin/dnc" --server "$server" status

step "dnc scrub: the lead list, streamed through ScrubStream"
"$bin/dnc" --server "$server" scrub "$out/leads.csv" -o "$out/leads.cleaned.csv"

step "dnc check: single numbers, as a dialer asks right before dialling"
# One listed and one unlisted number from the cleaned list (rows without
# quoted fields, so a plain comma split is safe), plus two that never reach a
# registry: a fictional 555-01XX number and a UK number no loaded list covers.
listed=$(grep -v '"' "$out/leads.cleaned.csv" | awk -F, '$7=="BLOCKED"{print $4; exit}')
unlisted=$(grep -v '"' "$out/leads.cleaned.csv" | awk -F, '$7=="CALLABLE"{print $4; exit}')
"$bin/dnc" --server "$server" check "$listed" "$unlisted" "(202) 555-0123" "+44 20 7946 0018" || true

step "The first rows of the cleaned list"
head -n 6 "$out/leads.cleaned.csv"

step "Stopping dnc-server"
stop_server
trap - EXIT
echo
echo "Done. The cleaned lead list is $out/leads.cleaned.csv"
echo "(every input column kept, plus dnc_disposition, dnc_callable, dnc_e164, dnc_reason)."
