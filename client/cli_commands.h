// The commands of the `dnc` CLI, one function per command (its usage is in
// client/dnc_main.cc). Each takes the parsed flags and its own arguments,
// prints its answer on stdout and its problems on stderr, and returns the
// exit code: kExitOk, kExitError, kExitUsage (common/command_line.h) or
// kExitNotCallable (client/cli_support.h).
//   check, status        client/cli_check_commands.cc
//   scrub                client/cli_scrub_command.cc
//   optout ...           client/cli_optout_commands.cc
//   attempt ...          client/cli_attempt_commands.cc
//   whoami, consent ..., report
//                        client/cli_tenant_commands.cc
// Thread-safety: thread-compatible (call from main).
#ifndef DNC_CLIENT_CLI_COMMANDS_H_
#define DNC_CLIENT_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "client/cli_support.h"

namespace dnc::client::cli {

// check NUMBER...: one line per number; kExitNotCallable if any is not
// callable.
int RunCheck(const CliFlags& flags, const std::vector<std::string>& numbers);

// status: the server and the sources it has loaded.
int RunStatus(const CliFlags& flags, const std::vector<std::string>& args);

// scrub INPUT: the scrubbed copy, its summary and its certificate command.
int RunScrub(const CliFlags& flags, const std::vector<std::string>& args);

// optout add|remove|check NUMBER..., optout import FILE.
int RunOptOut(const CliFlags& flags, const std::vector<std::string>& args);

// whoami: the caller's tenant.
int RunWhoAmI(const CliFlags& flags, const std::vector<std::string>& args);

// consent add|revoke|list NUMBER...
int RunConsent(const CliFlags& flags, const std::vector<std::string>& args);

// attempt record|list NUMBER...: the tenant's call attempts.
int RunAttempt(const CliFlags& flags, const std::vector<std::string>& args);

// report JOB: the job's certificate, as text or (--json) JSON.
int RunReport(const CliFlags& flags, const std::vector<std::string>& args);

}  // namespace dnc::client::cli

#endif  // DNC_CLIENT_CLI_COMMANDS_H_
