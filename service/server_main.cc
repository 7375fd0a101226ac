// dnc-server: serves dnc.v1.ScrubService from the registry data dnc-load
// publishes. Thin main: flags -> Registry::Open -> ScrubServer::Start ->
// wait for signals (SIGHUP: reload now; SIGTERM/SIGINT: shut down).
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
#include "absl/time/time.h"
#include "common/command_line.h"
#include "common/logging.h"
#include "service/scrub_service.h"
#include "service/server.h"
#include "service/source_set.h"

ABSL_FLAG(std::string, data, "",
          "Data directory written by dnc-load (holds sources/<id>/CURRENT). "
          "Required.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "HOST:PORT to listen on; port 0 picks a free port.");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound port to this file once serving (written "
          "to a temp file and renamed, so readers never see half a file).");
ABSL_FLAG(uint32_t, max_batch_entries, 100000,
          "Most entries per Scrub request or ScrubStream chunk.");
ABSL_FLAG(int32_t, reload_interval_seconds, 1,
          "How often to look for newly published generations (a few file "
          "reads per source when nothing changed); 0 = only on SIGHUP.");

namespace {

constexpr char kUsage[] =
    "Serves Do Not Call scrubs (gRPC dnc.v1.ScrubService, plus grpc.health.v1 "
    "and reflection)\nfrom the registry data that dnc-load publishes.\n\n"
    "Usage:\n"
    "  dnc-server --data DIR [--listen HOST:PORT] [--port_file FILE]\n"
    "             [--max_batch_entries N] [--reload_interval_seconds S]\n\n"
    "Examples:\n"
    "  dnc-server --data /var/lib/dnc\n"
    "  dnc-server --data ./data --listen 0.0.0.0:50051\n"
    "  dnc-server --data ./data --listen 127.0.0.1:0 --port_file port.txt\n\n"
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

  dnc::service::ServerOptions server_options;
  server_options.listen = absl::GetFlag(FLAGS_listen);
  server_options.max_batch_entries = max_batch_entries;
  absl::StatusOr<std::unique_ptr<dnc::service::ScrubServer>> server =
      dnc::service::ScrubServer::Start(registry->get(), server_options);
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
  DNC_LOG(Info) << "dnc-server stopped";
  return exit_code;
}
