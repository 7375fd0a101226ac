// dnc-server: serves dnc.v1.ScrubService and dnc.v1.TenantService from the
// registry data dnc-load publishes and the tenant store dnc-tenant manages.
// Thin main: flags -> Registry::Open -> TenantStore::Open -> ScrubServer::
// Start -> wait for signals (SIGHUP: reload now; SIGTERM/SIGINT: shut down).
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/command_line.h"
#include "common/logging.h"
#include "service/scrub_service.h"
#include "service/server.h"
#include "service/source_set.h"
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
          "Tenant store directory (API keys, entitlements, internal lists, "
          "consents, audit log; created if missing). Required with "
          "--auth=api_key. Manage tenants with dnc-tenant while the server "
          "is stopped.");
ABSL_FLAG(std::string, auth, "api_key",
          "api_key: every call needs a tenant's key in metadata x-api-key "
          "(needs --tenants). none: no tenants, registry-only answers, no "
          "audit (for tests and benchmarks only).");
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
    "             [--reload_interval_seconds S]\n"
    "  dnc-server --data DIR --auth=none ...   (no tenants: tests, "
    "benchmarks)\n\n"
    "Examples:\n"
    "  dnc-server --data /var/lib/dnc --tenants /var/lib/dnc-tenants\n"
    "  dnc-server --data ./data --tenants ./tenants --listen 0.0.0.0:50051\n"
    "  dnc-server --data ./data --auth=none --listen 127.0.0.1:0 "
    "--port_file port.txt\n\n"
    "Every ScrubService and TenantService call carries a tenant's API key in "
    "the gRPC\nmetadata entry x-api-key (create tenants and keys with "
    "dnc-tenant); answers apply\nthe tenant's entitlements, internal list, "
    "EBR and consent records, and every\nanswer is audited in the tenant "
    "store. With --auth=none there are no tenants:\nanswers come from the "
    "registries alone and nothing is audited.\n\n"
    "A +1 number is checked against the registries of its area code's region "
    "(federal +\nstate list, or CRTC, ...); +44 against TPS. A number no "
    "loaded national registry\ncovers, or whose registry copy is past its "
    "legal window, answers STALE (never\ncallable). Newly published "
    "generations are served without a restart: looked for\nevery "
    "--reload_interval_seconds and on SIGHUP; requests in flight finish on "
    "the\ngeneration they started with. SIGTERM or SIGINT shuts down cleanly "
    "(exit 0).";

int Fail(const std::string& message) {
  std::cerr << "dnc-server: " << message << std::endl;
  return 1;
}

// Writes `text` to `path` via a temp file and rename.
absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& text) {
  const std::string temp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      return absl::UnavailableError(absl::StrCat(
          "cannot write --port_file ", temp, ": ", std::strerror(errno)));
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temp.c_str());
    return absl::UnavailableError(absl::StrCat("cannot rename ", temp,
                                               " to --port_file ", path, ": ",
                                               std::strerror(error)));
  }
  return absl::OkStatus();
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

  const dnc::CommandLineSpec spec{"dnc-server", kUsage, "server_main.cc"};
  const std::vector<std::string> rest =
      dnc::ParseCommandLineOrExit(argc, argv, spec);
  if (!rest.empty()) {
    dnc::ExitWithUsageError(
        spec, absl::StrCat("unexpected argument '", rest[0], "'"));
  }

  const std::string data = absl::GetFlag(FLAGS_data);
  if (data.empty()) {
    return Fail(
        "--data is required: the directory dnc-load writes (e.g. --data "
        "/var/lib/dnc); see dnc-server --help");
  }
  std::error_code ec;
  if (!std::filesystem::exists(data, ec)) {
    return Fail(
        absl::StrCat("--data ", data,
                     " does not exist; load a registry into it with "
                     "dnc-load or point --data at the right directory"));
  }
  if (!std::filesystem::is_directory(data, ec)) {
    return Fail(absl::StrCat("--data ", data, " is not a directory"));
  }
  dnc::service::AuthMode auth_mode = dnc::service::AuthMode::kApiKey;
  if (!dnc::service::ParseAuthMode(absl::GetFlag(FLAGS_auth), &auth_mode)) {
    dnc::ExitWithUsageError(
        spec, absl::StrCat("--auth must be api_key or none, not '",
                           absl::GetFlag(FLAGS_auth), "'"));
  }
  const std::string tenants_dir = absl::GetFlag(FLAGS_tenants);
  if (auth_mode == dnc::service::AuthMode::kApiKey && tenants_dir.empty()) {
    dnc::ExitWithUsageError(
        spec,
        "--auth=api_key (the default) needs --tenants DIR, the tenant store "
        "with the API keys: create a tenant and its key with dnc-tenant "
        "(see dnc-tenant --help) and pass --tenants DIR, or pass --auth=none "
        "to serve registry-only answers without tenants or audit");
  }
  if (auth_mode == dnc::service::AuthMode::kNone && !tenants_dir.empty()) {
    dnc::ExitWithUsageError(
        spec,
        "--tenants has no effect with --auth=none (no tenant's rules would "
        "apply); drop one of them");
  }
  const uint32_t max_batch_entries = absl::GetFlag(FLAGS_max_batch_entries);
  if (max_batch_entries == 0) {
    return Fail("--max_batch_entries must be at least 1");
  }
  const int32_t reload_seconds = absl::GetFlag(FLAGS_reload_interval_seconds);
  if (reload_seconds < 0) {
    return Fail("--reload_interval_seconds must be 0 (off) or more");
  }

  dnc::service::RegistryOptions registry_options;
  registry_options.data_dir = data;
  absl::StatusOr<std::unique_ptr<dnc::service::Registry>> registry =
      dnc::service::Registry::Open(registry_options);
  if (!registry.ok()) {
    return Fail(absl::StrCat("cannot load registry data from ", data, ": ",
                             registry.status().message()));
  }

  std::unique_ptr<dnc::tenant::TenantStore> tenants;
  if (auth_mode == dnc::service::AuthMode::kApiKey) {
    absl::StatusOr<std::unique_ptr<dnc::tenant::TenantStore>> opened =
        dnc::tenant::TenantStore::Open(tenants_dir, /*create_if_missing=*/true);
    if (!opened.ok()) {
      return Fail(absl::StrCat("cannot open the tenant store --tenants ",
                               tenants_dir, ": ", opened.status().message()));
    }
    tenants = std::move(*opened);
    const size_t tenant_count = tenants->ListTenants().size();
    if (tenant_count == 0) {
      DNC_LOG(Warning) << "the tenant store " << tenants_dir
                       << " has no tenants yet: every call will fail with "
                          "UNAUTHENTICATED until one is created with "
                          "dnc-tenant (with the server stopped)";
    } else {
      DNC_LOG(Info) << "tenant store " << tenants_dir << ": " << tenant_count
                    << " tenant(s); API keys required (x-api-key)";
    }
  } else {
    DNC_LOG(Warning)
        << "AUTHENTICATION IS OFF (--auth=none): anyone who can reach this "
           "port gets registry-only answers, with no tenant's internal list, "
           "entitlements or consents applied and NO AUDIT RECORD. Use it for "
           "tests and benchmarks only.";
  }

  dnc::service::ServerOptions server_options;
  server_options.listen = absl::GetFlag(FLAGS_listen);
  server_options.max_batch_entries = max_batch_entries;
  server_options.max_answer_bytes = absl::GetFlag(FLAGS_max_answer_bytes);
  server_options.auth = auth_mode;
  absl::StatusOr<std::unique_ptr<dnc::service::ScrubServer>> server =
      dnc::service::ScrubServer::Start(registry->get(), tenants.get(),
                                       server_options);
  if (!server.ok()) return Fail(std::string(server.status().message()));

  if (reload_seconds > 0) {
    (*registry)->StartPolling(absl::Seconds(reload_seconds));
  }
  const size_t source_count = (*registry)->Current()->size();
  std::cout << "dnc-server listening on " << (*server)->address() << " with "
            << source_count << (source_count == 1 ? " source" : " sources")
            << std::endl;
  DNC_LOG(Info) << "dnc-server " << dnc::service::ServerVersion() << " serving "
                << source_count << " source(s) from " << data << " on "
                << (*server)->address() << "; max " << max_batch_entries
                << " entries per batch; reload every " << reload_seconds
                << " s";

  int exit_code = 0;
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    const absl::Status written =
        WriteFileAtomically(port_file, absl::StrCat((*server)->port(), "\n"));
    if (!written.ok()) {
      exit_code = Fail(std::string(written.message()));
    }
  }

  while (exit_code == 0) {
    int signal_number = 0;
    if (sigwait(&handled_signals, &signal_number) != 0) continue;
    if (signal_number == SIGHUP) {
      dnc::service::ReloadSummary summary;
      const absl::Status reloaded = (*registry)->Reload(&summary);
      DNC_LOG(Info) << "SIGHUP: reload of " << data << " opened "
                    << summary.opened << ", kept " << summary.reused
                    << ", dropped " << summary.dropped << " source(s)"
                    << (reloaded.ok() ? std::string()
                                      : absl::StrCat("; ", reloaded.message()));
      continue;
    }
    DNC_LOG(Info) << "received " << strsignal(signal_number)
                  << "; shutting down";
    break;
  }
  (*registry)->StopPolling();
  (*server)->Shutdown(absl::Seconds(5));
  (*server)->Wait();
  server->reset();
  tenants.reset();
  DNC_LOG(Info) << "dnc-server stopped";
  return exit_code;
}
