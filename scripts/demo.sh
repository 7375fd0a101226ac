#!/usr/bin/env bash
# README command 1: the whole job end to end on this machine.
#  1. installs what is missing and builds the binaries;
#  2. writes a sample national registry (FTC flat layout, zipped) and a lead
#     list (CSV with messy numbers and bad rows);
#  3. loads the registry with dnc-load, creates a tenant (seller) with
#     dnc-tenant and keeps its API key, starts dnc-server on 127.0.0.1 with
#     the tenant store, scrubs the lead list through gRPC with the dnc CLI
#     (as that tenant), checks numbers over HTTP as a dialer does (JSON,
#     check.txt, the DNC.com-compatible endpoint VICIdial posts to), shows
#     an opt-out turning a number INTERNAL at once, prints the scrub's
#     certificate, and stops the server.
#
# Environment: DNC_DEMO_DIR (default demo-output), DNC_DEMO_REGISTRY_NUMBERS
# (default 1000000), DNC_DEMO_LEADS (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/${DNC_BUILD_DIR:-build}/bin
out=${DNC_DEMO_DIR:-$root/demo-output}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Setting up and building (dnc-load, dnc-server, dnc-tenant, dnc, dnc-sample)"
bash scripts/setup.sh dnc-load dnc-server dnc-tenant dnc dnc-sample
# curl plays the dialer on the HTTP API.
# shellcheck source=scripts/install_packages.sh
source scripts/install_packages.sh
dnc_install_packages demo curl

step "Writing a sample registry and lead list into $out"
rm -rf "$out"
mkdir -p "$out"
"$bin/dnc-sample" --out_dir "$out" \
  --registry_numbers "${DNC_DEMO_REGISTRY_NUMBERS:-1000000}" \
  --leads "${DNC_DEMO_LEADS:-100000}"

step "Loading the registry as source us-ftc, as of today"
"$bin/dnc-load" --data "$out/data" --source us-ftc --as_of "$(date -u +%F)" \
  "$out/ftc-flat-sample.zip"

step "Creating the tenant 'acme' (a seller entitled to every us-ftc area code)"
# dnc-tenant prints the new API key once, on stdout; only its hash is stored.
"$bin/dnc-tenant" --tenants "$out/tenants" create acme \
  --entitle "us-ftc:all" --purpose commercial >"$out/acme.key"
chmod 600 "$out/acme.key"
echo "API key written to $out/acme.key"
export DNC_API_KEY
DNC_API_KEY=$(cat "$out/acme.key")

step "Starting dnc-server on 127.0.0.1 (free ports: gRPC and HTTP) with the tenant store"
"$bin/dnc-server" --data "$out/data" --tenants "$out/tenants" \
  --listen 127.0.0.1:0 --port_file "$out/server.port" \
  --http_listen 127.0.0.1:0 --http_port_file "$out/http.port" 2>"$out/server.log" &
server_pid=$!
stop_server() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT
for _ in $(seq 1 300); do
  [ -s "$out/server.port" ] && [ -s "$out/http.port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "dnc-server exited during start-up; its log:" >&2
    cat "$out/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$out/http.port" ] || { echo "dnc-server did not start in 30 s; see $out/server.log" >&2; exit 1; }
server=127.0.0.1:$(cat "$out/server.port")
http=http://127.0.0.1:$(cat "$out/http.port")
echo "dnc-server is listening on $server (gRPC) and $http (HTTP) (log: $out/server.log)"

step "dnc whoami / dnc status (every call carries the key from \$DNC_API_KEY)"
"$bin/dnc" --server "$server" whoami
"$bin/dnc" --server "$server" status

job="demo-$(date -u +%Y%m%dT%H%M%SZ)"
step "dnc scrub: the lead list, streamed through ScrubStream, as job $job"
"$bin/dnc" --server "$server" scrub "$out/leads.csv" -o "$out/leads.cleaned.csv" \
  --job "$job"

step "dnc check: single numbers, as a dialer asks right before dialling"
# One listed and one unlisted number from the cleaned list (rows without
# quoted fields, so a plain comma split is safe), plus two that never reach a
# registry: a fictional 555-01XX number and a UK number no loaded list covers.
# (awk reads the file itself: no pipe for an early exit to break.)
listed=$(awk -F, '!/"/ && $7=="BLOCKED" {print $4; exit}' "$out/leads.cleaned.csv")
unlisted=$(awk -F, '!/"/ && $7=="CALLABLE" {print $4; exit}' "$out/leads.cleaned.csv")
"$bin/dnc" --server "$server" check "$listed" "$unlisted" "(202) 555-0123" "+44 20 7946 0018" || true

step "A dialer over HTTP (curl, the same key in the x-api-key header)"
check_http() {  # ROUTE PHONE
  curl -sS -G -H "x-api-key: $DNC_API_KEY" --data-urlencode "phone=$2" "$http$1"
}
echo "GET /v1/check?phone=$listed"
check_http /v1/check "$listed"
echo
echo "GET /v1/check.txt (an inbound filter: 1 = do not call, 0 = callable)"
printf '%s -> %s\n' "$listed" "$(check_http /v1/check.txt "$listed")"
printf '%s -> %s\n' "$unlisted" "$(check_http /v1/check.txt "$unlisted")"
# DNC.com takes 10-digit numbers: the cleaned list's dnc_e164 without +1.
listed10=$(awk -F, '!/"/ && $7=="BLOCKED" {print substr($9, 3); exit}' "$out/leads.cleaned.csv")
unlisted10=$(awk -F, '!/"/ && $7=="CALLABLE" {print substr($9, 3); exit}' "$out/leads.cleaned.csv")
echo "POST /app/main/rpc/scrub (DNC.com's API, as VICIdial's list filter posts it; C clean, D listed, I invalid, M malformed)"
curl -sS -F "loginId=$DNC_API_KEY" -F version=5 -F projId=demo -F campaignId=demo \
  -F "phoneList=$listed10,$unlisted10,2025550123,12345" "$http/app/main/rpc/scrub"

step "dnc optout add: the seller's own do-not-call list applies to the very next check"
"$bin/dnc" --server "$server" optout add "$unlisted" --note "demo: asked not to be called"
"$bin/dnc" --server "$server" check "$unlisted" || true

step "dnc report: the certificate of job $job"
"$bin/dnc" --server "$server" report "$job"
echo "(machine-readable: dnc report $job --json)"

step "The first rows of the cleaned list"
head -n 6 "$out/leads.cleaned.csv"

step "Stopping dnc-server"
stop_server
trap - EXIT
echo
echo "Done. The cleaned lead list is $out/leads.cleaned.csv"
echo "(every input column kept, plus dnc_disposition, dnc_callable, dnc_e164, dnc_reason,"
echo " dnc_window, dnc_callable_now). The tenant store is $out/tenants; the API key $out/acme.key."
