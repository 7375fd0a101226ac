// dnc-server: serves dnc.v1.ScrubService and dnc.v1.TenantService from the
// registry data dnc-load publishes and the tenant store dnc-tenant manages.
// Thin main: flags -> Registry::Open -> TenantStore::Open -> ScrubServer::
// Start -> wait for signals (SIGHUP: reload now; SIGTERM/SIGINT: shut down).
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/command_line.h"
#include "common/logging.h"
#include "common/tls_files.h"
#include "dnccom/dnccom_scrub.h"
#include "http/http_front_end.h"
#include "service/admin_auth.h"
#include "service/call_limits.h"
#include "service/grpc_log.h"
#include "service/scrub_service.h"
#include "service/server.h"
#include "service/server_metrics.h"
#include "service/source_set.h"
#include "storage/durable_file.h"
#include "tenant/tenant_store.h"

ABSL_FLAG(std::string, data, "",
          "Data directory written by dnc-load (holds sources/<id>/CURRENT). "
          "Required.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "HOST:PORT to listen on; port 0 picks a free port.");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound port to this file once serving (written "
          "to a temp file and renamed, so readers never see half a file).");
ABSL_FLAG(uint32_t, max_batch_entries, dnc::service::kDefaultMaxBatchEntries,
          "Most entries per Scrub request, ScrubStream chunk or opt-out/"
          "consent call. Above the default, the largest answers can exceed "
          "gRPC clients' default 4 MiB receive limit.");
ABSL_FLAG(uint64_t, max_answer_bytes, dnc::service::kDefaultMaxAnswerBytes,
          "Largest Scrub answer sent (default 4 MiB, what gRPC clients "
          "receive by default); a larger one fails with RESOURCE_EXHAUSTED "
          "saying how many entries fit. Raise it only for clients with a "
          "larger receive limit.");
ABSL_FLAG(std::string, tenants, "",
          "Tenant store (API keys, entitlements, internal lists, consents, "
          "audit log): a directory (embedded, created if missing; one server "
          "only), or a postgresql:// URL shared by several replicas (schema "
          "from dnc-tenant --tenants URL migrate; password from the URL, "
          "PGPASSWORD or ~/.pgpass). Required with --auth=api_key. Manage "
          "tenants with dnc-tenant --tenants DIR while the server is "
          "stopped, dnc-tenant --tenants URL at any time, or online with "
          "--admin_key_file.");
ABSL_FLAG(absl::Duration, tenant_grace, absl::Seconds(5),
          "With a postgresql:// --tenants: how long this replica keeps "
          "answering after it last confirmed its tenant data current (it "
          "reads the change log at least every 500 ms); past it, tenant calls "
          "fail UNAVAILABLE (fail closed) until PostgreSQL is reachable "
          "again.");
ABSL_FLAG(std::string, auth, "api_key",
          "api_key: every call needs a tenant's key in metadata x-api-key "
          "(needs --tenants). none: no tenants, registry-only answers, no "
          "audit (for tests and benchmarks only).");
ABSL_FLAG(std::string, admin_key_file, "",
          "File holding the administrator's secret (one line, at least 32 "
          "characters, e.g. from `openssl rand -hex 32`; mode 600): turns on "
          "the AdminService, which dnc-tenant --server uses to create, "
          "update and delete tenants, make and revoke keys, and export and "
          "prune the audit log while the server runs. Calls carry the secret "
          "in metadata x-admin-key; only its SHA-256 is kept. Off when "
          "empty (AdminService answers FAILED_PRECONDITION). Needs "
          "--auth=api_key.");
ABSL_FLAG(bool, allow_insecure, false,
          "Serve plaintext on an address other than loopback: API keys and "
          "answers cross the network in the clear. Without it and without "
          "--tls_cert/--tls_key, --listen and --http_listen must be loopback "
          "(127.0.0.0/8, [::1], localhost).");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain (leaf first) of this server: gRPC (--listen) "
          "and HTTP (--http_listen) then speak only TLS. Needs --tls_key. "
          "Re-read with --tls_key and --tls_client_ca on SIGHUP: new "
          "connections get the new certificate, open ones keep theirs.");
ABSL_FLAG(std::string, tls_key, "",
          "PEM private key (unencrypted) of --tls_cert.");
ABSL_FLAG(std::string, admin_cert_cn, "",
          "With mutual TLS (--tls_client_ca): a caller whose verified client "
          "certificate has this subject common name is an administrator of "
          "the AdminService, with or without --admin_key_file's secret. "
          "Needs --auth=api_key and --tls_client_ca.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates: with it every client must present a "
          "certificate one of them signed (mutual TLS), on gRPC and HTTP; "
          "clients without one are refused in the handshake. Needs "
          "--tls_cert.");
ABSL_FLAG(int32_t, max_concurrent_scrubs, -1,
          "Most Scrub requests, ScrubStream chunks and HTTP scrubs worked on "
          "at once, over both front ends, so bulk work never holds every "
          "core and a dialer's Check (which takes no slot) is answered beside "
          "it. -1: one less than the cores dnc-server may run on, at least 1; "
          "0: unbounded. gRPC scrubs beyond it wait (--max_queued_scrubs); "
          "HTTP scrubs are refused at once with 429 and Retry-After: 1 "
          "(docs/api-limits.md).");
ABSL_FLAG(uint32_t, max_queued_scrubs, 128,
          "gRPC scrubs (requests or stream chunks) waiting for a slot of "
          "--max_concurrent_scrubs; beyond it RESOURCE_EXHAUSTED with "
          "retry-after 1.");
ABSL_FLAG(int32_t, max_deadline_seconds, 300,
          "Cap on a gRPC call's deadline, per message for streams: a scrub "
          "that has not started within min(its deadline, this) fails "
          "DEADLINE_EXCEEDED without being worked on. 0: no cap.");
ABSL_FLAG(int32_t, check_queues, 2,
          "Completion queues (one polling thread each) answering Check and "
          "CheckStream; the other methods use gRPC's callback threads.");
ABSL_FLAG(std::string, http_listen, "",
          "HOST:PORT for the HTTP/1.1 API (JSON, check.txt and the "
          "DNC.com-compatible /app/main/rpc/scrub; docs/http-api.md); off "
          "when empty; port 0 picks a free port. Same API keys (header "
          "x-api-key), answers and audit as gRPC. Also serves GET /metrics "
          "(Prometheus, no API key: docs/metrics.md).");
ABSL_FLAG(int32_t, slow_call_ms, 1000,
          "Log one warning line (method, duration, status code) for each "
          "call that takes longer than this many milliseconds, at most 5 "
          "lines a second; 0 = off.");
ABSL_FLAG(std::string, http_port_file, "",
          "If set, write the bound HTTP port to this file once serving.");
ABSL_FLAG(int32_t, http_threads, 2,
          "Threads answering HTTP requests (each answers its requests "
          "inline).");
ABSL_FLAG(uint64_t, http_max_body_bytes, uint64_t{16} << 20,
          "Largest HTTP request body; larger ones answer 413 (a 50,000-number "
          "DNC.com form is about 600 KB).");
ABSL_FLAG(int32_t, upload_idle_seconds, 600,
          "A list upload over HTTP (POST /v1/lists, docs/http-lists.md) that "
          "no request has touched for this long is cancelled and forgotten.");
ABSL_FLAG(uint32_t, max_uploads, 16,
          "List uploads in progress at once on the server; more answer 429.");
ABSL_FLAG(uint32_t, max_uploads_per_tenant, 4,
          "List uploads in progress at once per tenant; more answer 429.");
ABSL_FLAG(uint64_t, max_upload_bytes, uint64_t{2} << 30,
          "Most raw bytes one list upload may send; beyond it 413 and the "
          "upload is over.");
ABSL_FLAG(std::string, emergencies, "",
          "CSV file of declared states of emergency (id, jurisdiction, "
          "area_codes, zip_prefixes, start, end, source; docs/rules.md): a "
          "declaration in force bars the calling window of its area's "
          "numbers for the day. Re-read with the registry "
          "(--reload_interval_seconds, SIGHUP) when it changes; a bad row is "
          "logged and skipped, an unreadable file keeps the previous table.");
ABSL_FLAG(int32_t, reload_interval_seconds, 1,
          "How often to look for newly published generations (a few file "
          "reads per source when nothing changed); 0 = only on SIGHUP.");

namespace {

constexpr char kUsage[] =
    "Serves Do Not Call scrubs (gRPC dnc.v1.ScrubService, plus grpc.health.v1 "
    "and reflection)\nfrom the registry data that dnc-load publishes.\n\n"
    "Usage:\n"
    "  dnc-server --data DIR --tenants DIR [--listen HOST:PORT]\n"
    "             [--port_file FILE] [--max_batch_entries N] "
    "[--max_answer_bytes N]\n"
    "             [--reload_interval_seconds S] [--admin_key_file FILE]\n"
    "             [--emergencies FILE]\n"
    "             [--http_listen HOST:PORT] [--http_port_file FILE]\n"
    "             [--tls_cert FILE --tls_key FILE [--tls_client_ca FILE]]\n"
    "  dnc-server --data DIR --auth=none ...   (no tenants: tests, "
    "benchmarks)\n\n"
    "Examples:\n"
    "  dnc-server --data /var/lib/dnc --tenants /var/lib/dnc-tenants\n"
    "  dnc-server --data /var/lib/dnc --tenants /var/lib/dnc-tenants "
    "--listen 0.0.0.0:50051\n"
    "             --http_listen 0.0.0.0:8443 --tls_cert /etc/dnc/server.pem "
    "--tls_key /etc/dnc/server.key\n"
    "  dnc-server --data ./data --tenants ./tenants --listen 0.0.0.0:50051 "
    "--allow_insecure\n"
    "  dnc-server --data ./data --tenants ./tenants --http_listen "
    "127.0.0.1:8080\n"
    "  dnc-server --data ./data --auth=none --listen 127.0.0.1:0 "
    "--port_file port.txt\n\n"
    "Every ScrubService and TenantService call carries a tenant's API key in "
    "the gRPC\nmetadata entry x-api-key (create tenants and keys with "
    "dnc-tenant); answers apply\nthe tenant's entitlements, internal list, "
    "EBR and consent records, and every\nanswer is audited in the tenant "
    "store. With --auth=none there are no tenants:\nanswers come from the "
    "registries alone and nothing is audited.\n\n"
    "TLS: with --tls_cert and --tls_key both listeners speak only TLS (1.2 "
    "or later);\nwith --tls_client_ca as well, every client must present a "
    "certificate that CA\nsigned (mutual TLS). SIGHUP re-reads the three "
    "files: new connections get the\nnew certificate, open connections and "
    "streams keep theirs; a bad file keeps the\nold certificate and is "
    "logged. Without TLS only loopback addresses are served\nunless "
    "--allow_insecure (docs/security.md).\n\n"
    "Limits: each tenant's requests per second and numbers per UTC day "
    "(set with\ndnc-tenant, applied from the next call) and "
    "--max_concurrent_scrubs for the whole\nserver; a call over one "
    "fails RESOURCE_EXHAUSTED with trailing metadata\nretry-after "
    "(seconds), HTTP 429 with Retry-After (docs/api-limits.md).\n\n"
    "Online administration: with --admin_key_file FILE the AdminService "
    "lets\n`dnc-tenant --server HOST:PORT --admin_key_file FILE ...` "
    "create and delete tenants,\nmake and revoke keys, change "
    "entitlements and limits, and export and prune the\naudit log while "
    "the server runs; a new key works and a revoked key fails on the\n"
    "next call. Without it, run dnc-tenant --tenants DIR with the server "
    "stopped.\n\n"
    "A +1 number is checked against the registries of its area code's region "
    "(federal +\nstate list, or CRTC, ...); +44 against TPS. A number no "
    "loaded national registry\ncovers, or whose registry copy is past its "
    "legal window, answers STALE (never\ncallable). Newly published "
    "generations are served without a restart: looked for\nevery "
    "--reload_interval_seconds and on SIGHUP; requests in flight finish on "
    "the\ngeneration they started with. SIGTERM or SIGINT shuts down cleanly "
    "(exit 0).";

const dnc::CommandLine& Cli() {
  static const dnc::CommandLine* cli =
      new dnc::CommandLine({"dnc-server", kUsage, "server_main.cc"});
  return *cli;
}

int Fail(const std::string& message) { return Cli().Fail(message); }

// What the flags ask for, checked.
struct ServerConfig {
  std::string data;
  std::string emergencies;
  std::string tenants_dir;
  dnc::service::AuthMode auth_mode = dnc::service::AuthMode::kApiKey;
  int32_t reload_seconds = 0;
  std::string port_file;
  dnc::service::ServerOptions server;
  bool http = false;  // --http_listen was given.
  std::string http_port_file;
  dnc::http::HttpFrontEndOptions http_options;
  // --tls_*; cert_file empty: plaintext.
  dnc::TlsFiles tls_files;
  dnc::service::CallLimitsOptions limits;
  // From --admin_key_file; null: online administration off.
  std::unique_ptr<dnc::service::AdminAuthorizer> admin;
};

// Secure by default: no API key or answer crosses the network in the clear
// unless --allow_insecure says so. With TLS any address is fine.
void RefusePlaintextOffLoopback(const ServerConfig& config) {
  if (!config.tls_files.cert_file.empty()) return;
  if (absl::GetFlag(FLAGS_allow_insecure)) {
    if (!dnc::service::IsLoopbackListen(config.server.listen) ||
        (config.http &&
         !dnc::service::IsLoopbackListen(config.http_options.server.listen))) {
      DNC_LOG(Warning).Event("insecure")
          << "--allow_insecure: serving plaintext off loopback; "
             "API keys and answers cross the network unencrypted";
    }
    return;
  }
  const auto refuse = [](const char* flag, const std::string& listen) {
    // Not HOST:PORT at all: starting the listener says so.
    if (listen.find(':') == std::string::npos) return;
    Cli().UsageError(absl::StrCat(
        "refusing to serve plaintext on ", flag, " ", listen,
        ", which other machines can reach: without TLS, API keys and answers "
        "would cross the network in the clear. Give the server a certificate "
        "with --tls_cert FILE --tls_key FILE (and --tls_client_ca FILE to "
        "require client certificates), listen on loopback (e.g. "
        "127.0.0.1:PORT) behind a TLS-terminating proxy, or pass "
        "--allow_insecure on a network you trust"));
  };
  if (!dnc::service::IsLoopbackListen(config.server.listen)) {
    refuse("--listen", config.server.listen);
  }
  if (config.http &&
      !dnc::service::IsLoopbackListen(config.http_options.server.listen)) {
    refuse("--http_listen", config.http_options.server.listen);
  }
}

// --tls_cert, --tls_key, --tls_client_ca: a misuse is a usage error; the
// files are read and checked now, so a bad one stops the start naming it.
absl::Status ReadTlsFlags(ServerConfig* config) {
  dnc::TlsFiles& files = config->tls_files;
  files.cert_file = absl::GetFlag(FLAGS_tls_cert);
  files.key_file = absl::GetFlag(FLAGS_tls_key);
  files.ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  if (files.cert_file.empty() && !files.key_file.empty()) {
    Cli().UsageError("--tls_key needs --tls_cert FILE, its certificate");
  }
  if (!files.cert_file.empty() && files.key_file.empty()) {
    Cli().UsageError("--tls_cert needs --tls_key FILE, its private key");
  }
  if (files.cert_file.empty() && !files.ca_file.empty()) {
    Cli().UsageError(
        "--tls_client_ca needs --tls_cert and --tls_key: client "
        "certificates are checked only in a TLS handshake");
  }
  if (files.cert_file.empty()) return absl::OkStatus();
  absl::StatusOr<dnc::TlsPem> pem = dnc::ReadTlsFiles(files);
  if (!pem.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_cert/--tls_key/--tls_client_ca: ", pem.status().message()));
  }
  config->server.tls = *pem;
  config->http_options.server.tls = *std::move(pem);
  return absl::OkStatus();
}

// --admin_cert_cn: the administrator by client certificate, beside (or
// instead of) --admin_key_file's secret.
void ReadAdminCertificateFlag(ServerConfig* config) {
  std::string common_name = absl::GetFlag(FLAGS_admin_cert_cn);
  if (common_name.empty()) return;
  if (config->auth_mode != dnc::service::AuthMode::kApiKey) {
    Cli().UsageError(
        "--admin_cert_cn needs --auth=api_key and --tenants DIR: with "
        "--auth=none there are no tenants to administer");
  }
  if (config->tls_files.ca_file.empty()) {
    Cli().UsageError(
        "--admin_cert_cn needs --tls_client_ca FILE (and --tls_cert, "
        "--tls_key): only a client certificate verified in a mutual-TLS "
        "handshake can name the administrator");
  }
  DNC_LOG(Info).Event("admin_certificate").Field("common_name", common_name)
      << "online administration is on for the client certificate CN="
      << common_name << " (verified against " << config->tls_files.ca_file
      << ")";
  if (config->admin != nullptr) {
    config->admin->AllowCertificate(std::move(common_name));
  } else {
    config->admin = dnc::service::AdminAuthorizer::ForCertificateOnly(
        std::move(common_name));
    // The pointee stays put when the config is moved.
    config->server.admin = config->admin.get();
  }
}

// Re-reads the TLS files (SIGHUP) and hands them to both listeners; a bad
// file keeps the certificate being served, and the log says why.
void ReloadTls(const dnc::TlsFiles& files, dnc::service::ScrubServer* server,
               dnc::http::HttpFrontEnd* http) {
  absl::StatusOr<dnc::TlsPem> pem = dnc::ReadTlsFiles(files);
  absl::Status updated = pem.status();
  if (pem.ok()) updated = server->UpdateTls(*pem);
  if (updated.ok() && http != nullptr) updated = http->UpdateTls(*pem);
  if (!updated.ok()) {
    DNC_LOG(Error)
            .Event("tls_reload")
            .Field("cert_file", files.cert_file)
            .Field("ok", false)
        << "SIGHUP: TLS certificate NOT reloaded, still serving the previous "
           "one: "
        << updated.message();
    return;
  }
  DNC_LOG(Info)
          .Event("tls_reload")
          .Field("cert_file", files.cert_file)
          .Field("subject", pem->subject)
          .Field("serial", pem->serial)
          .Field("ok", true)
      << "SIGHUP: TLS certificate reloaded from " << files.cert_file
      << " (subject " << pem->subject << ", serial " << pem->serial
      << "); new connections use it, open ones keep theirs";
}

// The HTTP front end's flags, beside the gRPC server's options.
void ReadHttpFlags(ServerConfig* config) {
  const std::string listen = absl::GetFlag(FLAGS_http_listen);
  config->http = !listen.empty();
  config->http_port_file = absl::GetFlag(FLAGS_http_port_file);
  if (!config->http && !config->http_port_file.empty()) {
    Cli().UsageError("--http_port_file needs --http_listen HOST:PORT");
  }
  dnc::http::HttpFrontEndOptions& http = config->http_options;
  http.server.listen = listen;
  http.server.threads = absl::GetFlag(FLAGS_http_threads);
  http.server.max_body_bytes = absl::GetFlag(FLAGS_http_max_body_bytes);
  if (http.server.threads < 1) {
    Cli().UsageError("--http_threads must be at least 1");
  }
  if (http.server.max_body_bytes == 0) {
    Cli().UsageError("--http_max_body_bytes must be at least 1");
  }
  dnc::http::ListUploadsOptions& uploads = http.uploads;
  const int32_t idle = absl::GetFlag(FLAGS_upload_idle_seconds);
  if (idle < 1) Cli().UsageError("--upload_idle_seconds must be at least 1");
  uploads.idle_timeout = absl::Seconds(idle);
  uploads.max_uploads = absl::GetFlag(FLAGS_max_uploads);
  uploads.max_uploads_per_tenant = absl::GetFlag(FLAGS_max_uploads_per_tenant);
  uploads.max_upload_bytes = absl::GetFlag(FLAGS_max_upload_bytes);
  if (uploads.max_uploads == 0 || uploads.max_uploads_per_tenant == 0 ||
      uploads.max_upload_bytes == 0) {
    Cli().UsageError(
        "--max_uploads, --max_uploads_per_tenant and --max_upload_bytes must "
        "be at least 1");
  }
  http.max_batch_entries = config->server.max_batch_entries;
  http.auth = config->auth_mode;
  http.tenant_grace = config->server.tenant_grace;
  http.add_routes = [](dnc::http::HttpRoutes* routes) {
    // DNC.com's scrub API, for dialers configured for it (VICIdial).
    routes->Add("POST", "/app/main/rpc/scrub", &dnc::dnccom::ServeScrub);
    routes->Add("GET", "/app/main/rpc/scrub", &dnc::dnccom::ServeScrub);
  };
}

// Reads and checks the flags; a misuse exits with the usage error (2), a bad
// value is an InvalidArgument for Fail().
absl::StatusOr<ServerConfig> ReadFlags(int argc, char** argv) {
  const std::vector<std::string> rest = Cli().Parse(argc, argv);
  if (!rest.empty()) {
    Cli().UsageError(absl::StrCat("unexpected argument '", rest[0], "'"));
  }
  ServerConfig config;
  config.data = absl::GetFlag(FLAGS_data);
  config.emergencies = absl::GetFlag(FLAGS_emergencies);
  if (config.data.empty()) {
    return absl::InvalidArgumentError(
        "--data is required: the directory dnc-load writes (e.g. --data "
        "/var/lib/dnc); see dnc-server --help");
  }
  std::error_code ec;
  if (!std::filesystem::exists(config.data, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--data ", config.data,
                     " does not exist; load a registry into it with "
                     "dnc-load or point --data at the right directory"));
  }
  if (!std::filesystem::is_directory(config.data, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--data ", config.data, " is not a directory"));
  }
  if (!dnc::service::ParseAuthMode(absl::GetFlag(FLAGS_auth),
                                   &config.auth_mode)) {
    Cli().UsageError(absl::StrCat("--auth must be api_key or none, not '",
                                  absl::GetFlag(FLAGS_auth), "'"));
  }
  config.tenants_dir = absl::GetFlag(FLAGS_tenants);
  const bool api_key = config.auth_mode == dnc::service::AuthMode::kApiKey;
  if (api_key && config.tenants_dir.empty()) {
    Cli().UsageError(
        "--auth=api_key (the default) needs --tenants DIR, the tenant store "
        "with the API keys: create a tenant and its key with dnc-tenant "
        "(see dnc-tenant --help) and pass --tenants DIR, or pass --auth=none "
        "to serve registry-only answers without tenants or audit");
  }
  if (!api_key && !config.tenants_dir.empty()) {
    Cli().UsageError(
        "--tenants has no effect with --auth=none (no tenant's rules would "
        "apply); drop one of them");
  }
  const std::string admin_key_file = absl::GetFlag(FLAGS_admin_key_file);
  if (!admin_key_file.empty()) {
    if (!api_key) {
      Cli().UsageError(
          "--admin_key_file needs --auth=api_key and --tenants DIR: with "
          "--auth=none there are no tenants to administer");
    }
    absl::StatusOr<std::unique_ptr<dnc::service::AdminAuthorizer>> admin =
        dnc::service::AdminAuthorizer::FromKeyFile(admin_key_file);
    if (!admin.ok()) return admin.status();
    config.admin = *std::move(admin);
    // The pointee stays put when the config is moved.
    config.server.admin = config.admin.get();
    DNC_LOG(Info) << "online administration is on (dnc.v1.AdminService; "
                     "the secret of --admin_key_file "
                  << admin_key_file << " in metadata x-admin-key)";
  }
  config.server.listen = absl::GetFlag(FLAGS_listen);
  config.server.max_batch_entries = absl::GetFlag(FLAGS_max_batch_entries);
  config.server.max_answer_bytes = absl::GetFlag(FLAGS_max_answer_bytes);
  config.server.auth = config.auth_mode;
  config.server.tenant_grace = absl::GetFlag(FLAGS_tenant_grace);
  if (config.server.tenant_grace < absl::Seconds(1)) {
    Cli().UsageError(
        "--tenant_grace must be at least 1s (the follower reads the change "
        "log every 500 ms)");
  }
  config.server.check_queues = absl::GetFlag(FLAGS_check_queues);
  if (config.server.check_queues < 1) {
    Cli().UsageError("--check_queues must be at least 1");
  }
  if (config.server.max_batch_entries == 0) {
    return absl::InvalidArgumentError("--max_batch_entries must be at least 1");
  }
  const int32_t max_scrubs = absl::GetFlag(FLAGS_max_concurrent_scrubs);
  if (max_scrubs < -1) {
    Cli().UsageError(
        "--max_concurrent_scrubs must be -1 (from the core count), 0 "
        "(unbounded) or a count");
  }
  config.limits.max_concurrent_scrubs =
      max_scrubs < 0 ? dnc::service::DefaultMaxConcurrentScrubs()
                     : static_cast<uint32_t>(max_scrubs);
  config.limits.max_queued_scrubs = absl::GetFlag(FLAGS_max_queued_scrubs);
  const int32_t max_deadline = absl::GetFlag(FLAGS_max_deadline_seconds);
  if (max_deadline < 0) {
    Cli().UsageError("--max_deadline_seconds must be 0 (no cap) or more");
  }
  config.limits.max_deadline = absl::Seconds(max_deadline);
  config.reload_seconds = absl::GetFlag(FLAGS_reload_interval_seconds);
  if (config.reload_seconds < 0) {
    return absl::InvalidArgumentError(
        "--reload_interval_seconds must be 0 (off) or more");
  }
  config.port_file = absl::GetFlag(FLAGS_port_file);
  ReadHttpFlags(&config);
  const absl::Status tls = ReadTlsFlags(&config);
  if (!tls.ok()) return tls;
  ReadAdminCertificateFlag(&config);
  RefusePlaintextOffLoopback(config);
  return config;
}

// The tenant store of --tenants (nullptr with --auth=none), logged.
absl::StatusOr<std::unique_ptr<dnc::tenant::TenantStore>> OpenTenants(
    const ServerConfig& config) {
  if (config.auth_mode == dnc::service::AuthMode::kNone) {
    DNC_LOG(Warning).Event("auth_off")
        << "AUTHENTICATION IS OFF (--auth=none): anyone who can reach this "
           "port gets registry-only answers, with no tenant's internal list, "
           "entitlements or consents applied and NO AUDIT RECORD. Use it for "
           "tests and benchmarks only.";
    return nullptr;
  }
  const std::string shown = dnc::tenant::RedactedLocation(config.tenants_dir);
  absl::StatusOr<std::unique_ptr<dnc::tenant::TenantStore>> opened =
      dnc::tenant::TenantStore::Open(config.tenants_dir,
                                     /*create_if_missing=*/true);
  if (!opened.ok()) {
    return absl::Status(opened.status().code(),
                        absl::StrCat("cannot open the tenant store --tenants ",
                                     shown, ": ", opened.status().message()));
  }
  const size_t tenant_count = (*opened)->ListTenants().size();
  if (tenant_count == 0) {
    DNC_LOG(Warning)
            .Event("tenants")
            .Field("tenants_dir", shown)
            .Field("tenants", 0)
        << "the tenant store " << shown
        << " has no tenants yet: every call will fail with "
           "UNAUTHENTICATED until one is created with "
           "dnc-tenant (with the server stopped, or "
           "online: dnc-tenant --server with --admin_key_file)";
  } else {
    DNC_LOG(Info)
            .Event("tenants")
            .Field("tenants_dir", shown)
            .Field("tenants", tenant_count)
        << "tenant store " << shown << ": " << tenant_count
        << " tenant(s); API keys required (x-api-key)";
  }
  return opened;
}

// Writes `port` to `path` (if set) so readers never see half a file; the
// exit code (0, or Fail's).
int WritePortFile(const char* flag, const std::string& path, int port) {
  if (path.empty()) return 0;
  const absl::Status written =
      dnc::storage::WriteFileDurably(path, absl::StrCat(port, "\n"));
  if (written.ok()) return 0;
  return Fail(
      absl::StrCat("cannot write ", flag, " ", path, ": ", written.message()));
}

// Waits for signals until SIGTERM or SIGINT; SIGHUP reloads the registry
// and calls `on_sighup` (the TLS reload).
void ServeUntilStopped(const sigset_t& handled_signals,
                       dnc::service::Registry* registry,
                       const std::function<void()>& on_sighup) {
  while (true) {
    int signal_number = 0;
    if (sigwait(&handled_signals, &signal_number) != 0) continue;
    if (signal_number != SIGHUP) {
      DNC_LOG(Info)
              .Event("shutdown")
              .Field("signal", sigabbrev_np(signal_number))
          << "received " << strsignal(signal_number) << "; shutting down";
      return;
    }
    dnc::service::ReloadSummary summary;
    const absl::Time started = absl::Now();
    const absl::Status reloaded = registry->Reload(&summary);
    dnc::service::LogReload("SIGHUP", registry->data_dir(), summary,
                            absl::Now() - started, reloaded);
    on_sighup();
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil checks every Mutex (gRPC's too) for lock cycles, a debug
  // aid costing a few % of CPU per RPC (perf: GraphCycles); tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Block the signals we handle before any thread starts (RocksDB and gRPC
  // start threads), so every thread inherits the mask and sigwait below is
  // the only place they are delivered.
  sigset_t handled_signals;
  sigemptyset(&handled_signals);
  sigaddset(&handled_signals, SIGTERM);
  sigaddset(&handled_signals, SIGINT);
  sigaddset(&handled_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &handled_signals, nullptr);

  const absl::StatusOr<ServerConfig> config = ReadFlags(argc, argv);
  if (!config.ok()) return Fail(std::string(config.status().message()));
  dnc::service::RouteGrpcLogsToDncLog();
  DNC_LOG(Info)
          .Event("start")
          .Field("version", dnc::service::ServerVersion())
          .Field("pid", static_cast<int64_t>(getpid()))
          .Field("data", config->data)
          .Field("auth", absl::GetFlag(FLAGS_auth))
      << "dnc-server " << dnc::service::ServerVersion() << " starting (pid "
      << getpid() << ") on --data " << config->data;

  dnc::service::RegistryOptions registry_options;
  registry_options.data_dir = config->data;
  registry_options.emergencies_file = config->emergencies;
  absl::StatusOr<std::unique_ptr<dnc::service::Registry>> registry =
      dnc::service::Registry::Open(registry_options);
  if (!registry.ok()) {
    return Fail(absl::StrCat("cannot load registry data from ", config->data,
                             ": ", registry.status().message()));
  }
  absl::StatusOr<std::unique_ptr<dnc::tenant::TenantStore>> tenants =
      OpenTenants(*config);
  if (!tenants.ok()) return Fail(std::string(tenants.status().message()));

  // One set of metrics for both front ends, served as GET /metrics on
  // --http_listen; declared before the servers, so it outlives them.
  const int32_t slow_call_ms = absl::GetFlag(FLAGS_slow_call_ms);
  if (slow_call_ms < 0) {
    Cli().UsageError("--slow_call_ms must be 0 (off) or more");
  }
  dnc::service::ServerMetricsOptions metrics_options;
  metrics_options.slow_call = absl::Milliseconds(slow_call_ms);
  dnc::service::ServerMetrics metrics(metrics_options);
  metrics.WatchRegistry(registry->get());
  metrics.WatchTenants(tenants->get());
  // One set of limits for both front ends: a tenant's budget is one.
  // Declared before the servers, so it outlives them.
  dnc::service::CallLimits limits(config->limits);
  dnc::service::ServerOptions server_options = config->server;
  server_options.metrics = &metrics;
  server_options.limits = &limits;
  absl::StatusOr<std::unique_ptr<dnc::service::ScrubServer>> server =
      dnc::service::ScrubServer::Start(registry->get(), tenants->get(),
                                       server_options);
  if (!server.ok()) return Fail(std::string(server.status().message()));

  std::unique_ptr<dnc::http::HttpFrontEnd> http;
  if (config->http) {
    dnc::http::HttpFrontEndOptions http_options = config->http_options;
    http_options.metrics = &metrics;
    http_options.limits = &limits;
    http_options.tenants = (*server)->tenant_service();
    absl::StatusOr<std::unique_ptr<dnc::http::HttpFrontEnd>> started =
        dnc::http::HttpFrontEnd::Start(registry->get(), tenants->get(),
                                       http_options);
    if (!started.ok()) {
      return Fail(absl::StrCat("--http_listen: ", started.status().message()));
    }
    http = std::move(*started);
    std::cout << "dnc-server HTTP API on " << http->address() << std::endl;
    DNC_LOG(Info)
            .Event("listen")
            .Field("front_end", "http")
            .Field("address", http->address())
            .Field("threads", config->http_options.server.threads)
        << "HTTP API (JSON, check.txt, DNC.com-compatible) on "
        << http->address() << " with " << config->http_options.server.threads
        << " thread(s)";
  }

  if (config->reload_seconds > 0) {
    (*registry)->StartPolling(absl::Seconds(config->reload_seconds));
  }
  if (!config->tls_files.cert_file.empty()) {
    DNC_LOG(Info)
            .Event("tls")
            .Field("cert_file", config->tls_files.cert_file)
            .Field("subject", config->server.tls.subject)
            .Field("serial", config->server.tls.serial)
            .Field("client_ca_file", config->tls_files.ca_file)
        << "TLS on gRPC" << (http != nullptr ? " and HTTP" : "")
        << ": certificate " << config->tls_files.cert_file << " (subject "
        << config->server.tls.subject << ", serial "
        << config->server.tls.serial << ")"
        << (config->tls_files.ca_file.empty()
                ? "; client certificates not asked for"
                : "; client certificates required, signed by " +
                      config->tls_files.ca_file);
  }
  const size_t source_count = (*registry)->Current()->size();
  std::cout << "dnc-server listening on " << (*server)->address() << " with "
            << source_count << (source_count == 1 ? " source" : " sources")
            << std::endl;
  DNC_LOG(Info)
          .Event("listen")
          .Field("front_end", "grpc")
          .Field("address", (*server)->address())
          .Field("sources", source_count)
          .Field("max_batch_entries", config->server.max_batch_entries)
          .Field("reload_interval_seconds", config->reload_seconds)
      << "dnc-server " << dnc::service::ServerVersion() << " serving "
      << source_count << " source(s) from " << config->data << " on "
      << (*server)->address() << "; max " << config->server.max_batch_entries
      << " entries per batch; reload every " << config->reload_seconds << " s";

  int exit_code =
      WritePortFile("--port_file", config->port_file, (*server)->port());
  if (exit_code == 0 && http != nullptr) {
    exit_code =
        WritePortFile("--http_port_file", config->http_port_file, http->port());
  }
  if (exit_code == 0) {
    ServeUntilStopped(handled_signals, registry->get(), [&] {
      if (!config->tls_files.cert_file.empty()) {
        ReloadTls(config->tls_files, server->get(), http.get());
      }
    });
  }
  (*registry)->StopPolling();
  // Both front ends drain at once: HTTP first turns new requests away.
  if (http != nullptr) http->Shutdown(absl::Seconds(5));
  (*server)->Shutdown(absl::Seconds(5));
  (*server)->Wait();
  server->reset();
  metrics.WatchTenants(nullptr);
  tenants->reset();
  DNC_LOG(Info).Event("stopped").Field("exit_code", exit_code)
      << "dnc-server stopped";
  return exit_code;
}
