#include "client/cli_support.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/api_key.h"
#include "client/report_format.h"
#include "client/scrub_job.h"
#include "common/civil_date.h"
#include "common/command_line.h"

namespace dnc::client::cli {

using leadlist::HeaderMode;
using leadlist::ParseHeaderMode;

int UsageError(const std::string& message) {
  PrintError("dnc", absl::StrCat(message, "\nRun 'dnc --help' for usage."));
  return kExitUsage;
}

int Fail(const std::string& command, const absl::Status& status) {
  return FailWith(absl::StrCat("dnc ", command), status.message());
}

absl::StatusOr<ClientOptions> MakeClientOptions(const CliFlags& flags) {
  ClientOptions options;
  options.server = flags.server;
  if (options.server.empty()) {
    const char* env = std::getenv("DNC_SERVER");
    options.server = env != nullptr && *env != '\0' ? env : kDefaultServer;
  }
  options.timeout = absl::Seconds(flags.timeout_seconds);
  options.ca_cert_file = flags.ca_cert;
  options.client_cert_file = flags.client_cert;
  options.client_key_file = flags.client_key;
  absl::StatusOr<std::string> key =
      ResolveApiKey(flags.api_key, flags.api_key_file, std::getenv(kApiKeyEnv));
  if (!key.ok()) return key.status();
  options.api_key = *key;
  return options;
}

absl::StatusOr<std::unique_ptr<ScrubClient>> MakeScrubClient(
    const CliFlags& flags) {
  absl::StatusOr<ClientOptions> options = MakeClientOptions(flags);
  if (!options.ok()) return options.status();
  return ScrubClient::Create(*options);
}

absl::StatusOr<std::unique_ptr<TenantClient>> MakeTenantClient(
    const CliFlags& flags) {
  absl::StatusOr<ClientOptions> options = MakeClientOptions(flags);
  if (!options.ok()) return options.status();
  return TenantClient::Create(*options);
}

std::string ReadCallFlags(const CliFlags& flags, CallOptions* call) {
  if (!flags.purpose.empty() &&
      !ParsePurposeName(flags.purpose, &call->purpose)) {
    return absl::StrCat("--purpose '", flags.purpose,
                        "' is not one of commercial, charity, political, "
                        "survey");
  }
  if (!flags.now.empty()) {
    absl::StatusOr<int64_t> seconds = ParseNowFlag(flags.now);
    if (!seconds.ok()) return std::string(seconds.status().message());
    call->now_unix_seconds = *seconds;
  }
  call->subject = flags.subject;
  return "";
}

std::string CheckDateFlag(const CliFlags& flags) {
  if (flags.date.empty() || ParseIsoDate(flags.date).ok()) return "";
  return absl::StrCat("--date '", flags.date, "' is not a date YYYY-MM-DD");
}

std::string ReadInputFlags(const CliFlags& flags,
                           leadlist::InputOptions* input) {
  input->delimiter = flags.delimiter;
  input->encoding = flags.encoding;
  input->sheet = flags.sheet;
  const absl::Status checked = leadlist::CheckInputOptions(*input);
  if (checked.ok()) return "";
  return absl::StrCat("--", checked.message());
}

std::string ReadHeaderFlag(const CliFlags& flags, HeaderMode* mode) {
  if (ParseHeaderMode(flags.header, mode)) return "";
  return "--header must be auto, yes or no";
}

std::string ReadProgressFlag(const CliFlags& flags, bool* progress) {
  if (flags.progress == "auto") {
    *progress = ::isatty(STDERR_FILENO) == 1;
  } else if (flags.progress == "on" || flags.progress == "off") {
    *progress = flags.progress == "on";
  } else {
    return "--progress must be auto, on or off";
  }
  return "";
}

}  // namespace dnc::client::cli
