// What the commands of the `dnc` CLI (client/cli_commands.h) share: the flag
// values client/dnc_main.cc parsed, how a command reports a usage error or a
// failure, the clients made from the flags, and the readers of the flags
// several commands take. Thread-safety: thread-compatible (call from main).
#ifndef DNC_CLIENT_CLI_SUPPORT_H_
#define DNC_CLIENT_CLI_SUPPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/scrub_client.h"
#include "client/tenant_client.h"
#include "leadlist/lead_list_input.h"
#include "leadlist/phone_column.h"

namespace dnc::client::cli {

// check: at least one number is not callable; optout check: at least one
// number is on the internal list. (0, 1 and 2 are common/command_line.h's.)
inline constexpr int kExitNotCallable = 3;

// The flags of `dnc` (their help is in client/dnc_main.cc), as given.
struct CliFlags {
  std::string server;  // Empty: $DNC_SERVER, else kDefaultServer.
  double timeout_seconds = 30;
  std::string ca_cert;
  std::string client_cert;
  std::string client_key;
  std::string output;  // -o / --output.
  std::string column;
  std::string header = "auto";
  std::string delimiter;  // "" = detect.
  std::string encoding;   // "" = detect.
  std::string sheet;      // "" = the first.
  int64_t chunk_rows = 5000;
  int32_t window = 6;
  std::string progress = "auto";
  std::string api_key;
  std::string api_key_file;
  std::string purpose;
  std::string now;
  std::string job;
  bool json = false;
  std::string type;
  std::string date;
  std::string note;
  std::string subject;
  std::string time;
  std::string since;
};

// Prints "dnc: MESSAGE" and "Run 'dnc --help' for usage." on stderr;
// returns kExitUsage.
int UsageError(const std::string& message);

// Prints "dnc COMMAND: MESSAGE" on stderr; returns kExitError.
int Fail(const std::string& command, const absl::Status& status);

// The clients of --server (else $DNC_SERVER, else 127.0.0.1:50051),
// --timeout_seconds, --ca_cert, --client_cert, --client_key and the API key
// (client/api_key.h). Errors: those of ResolveApiKey and of the clients'
// Create.
absl::StatusOr<ClientOptions> MakeClientOptions(const CliFlags& flags);
absl::StatusOr<std::unique_ptr<ScrubClient>> MakeScrubClient(
    const CliFlags& flags);
absl::StatusOr<std::unique_ptr<TenantClient>> MakeTenantClient(
    const CliFlags& flags);

// Makes the tenant client of `flags` and returns `call(client)`, e.g.
//   WithTenantClient(flags, [&](TenantClient& c) { return c.WhoAmI(); })
// Errors: those of MakeTenantClient, then the call's.
template <typename Call>
auto WithTenantClient(const CliFlags& flags, Call call)
    -> decltype(call(std::declval<TenantClient&>())) {
  absl::StatusOr<std::unique_ptr<TenantClient>> client =
      MakeTenantClient(flags);
  if (!client.ok()) return client.status();
  return call(**client);
}

// Each reader below returns "" when its flag is good (or not given), else
// the usage error to report.

// --purpose and --now into *call.
std::string ReadCallFlags(const CliFlags& flags, CallOptions* call);
// --date: empty, or a date YYYY-MM-DD.
std::string CheckDateFlag(const CliFlags& flags);
// --header: auto, yes or no (leadlist/phone_column.h).
std::string ReadHeaderFlag(const CliFlags& flags, leadlist::HeaderMode* mode);
// --delimiter, --encoding and --sheet into *input (leadlist/lead_list_input.h).
std::string ReadInputFlags(const CliFlags& flags,
                           leadlist::InputOptions* input);
// --progress: auto (when stderr is a terminal), on or off.
std::string ReadProgressFlag(const CliFlags& flags, bool* progress);

}  // namespace dnc::client::cli

#endif  // DNC_CLIENT_CLI_SUPPORT_H_
