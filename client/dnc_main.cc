// dnc: the command-line client of dnc-server. A thin main: it parses flags,
// calls the client library (client/scrub_client.h, lead_list_scrubber.h)
// and maps the outcome to an exit code:
//   0  success (check: every number callable)
//   1  an error (server unreachable, bad input file, ...)
//   2  a usage error (unknown command or flag, missing argument)
//   3  check: at least one number is not callable
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/lead_list_scrubber.h"
#include "client/scrub_client.h"
#include "common/command_line.h"
#include "common/phone_number.h"

ABSL_FLAG(std::string, server, "",
          "dnc-server address HOST:PORT (default: $DNC_SERVER, else "
          "127.0.0.1:50051)");
ABSL_FLAG(double, timeout_seconds, 30,
          "Deadline in seconds of each call to the server (check, status, and "
          "the first contact of scrub)");
ABSL_FLAG(std::string, ca_cert, "",
          "PEM file of CA certificates: connect with TLS (default: plaintext)");
ABSL_FLAG(std::string, output, "",
          "scrub: output CSV, '-' for stdout (same as -o FILE; default "
          "INPUT.scrubbed.csv)");
ABSL_FLAG(std::string, column, "",
          "scrub: phone column, by header name or 1-based index (default: "
          "found by header name, then by content)");
ABSL_FLAG(std::string, header, "auto",
          "scrub: whether the first row is a header: auto, yes or no");
ABSL_FLAG(int64_t, chunk_rows, 5000,
          "scrub: rows per request (lowered to the server's batch limit)");
ABSL_FLAG(int32_t, window, 6, "scrub: requests in flight at once");
ABSL_FLAG(std::string, progress, "auto",
          "scrub: progress on stderr: auto (when stderr is a terminal), on, "
          "off");

#ifndef DNC_VERSION
#define DNC_VERSION "unknown"
#endif

namespace dnc::client {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitNotCallable = 3;

constexpr char kUsage[] =
    R"(dnc: check phone numbers and scrub CSV lead lists against a dnc-server.

Usage:
  dnc [flags] check NUMBER...
  dnc [flags] scrub INPUT.csv [-o OUTPUT.csv] [--column NAME|INDEX] [--chunk_rows N]
  dnc [flags] status
  dnc help

Commands:
  check   One line per number: input, E.164, disposition, reasons. The server
          reads each number as typed. Exit 0 if every number is callable, 3 if
          any is not (BLOCKED, INTERNAL, STALE, INVALID, MALFORMED, ...), 1 on
          errors.
  scrub   Copies INPUT to OUTPUT with four columns appended: dnc_disposition,
          dnc_callable (yes/no), dnc_e164 and dnc_reason; then prints counts by
          disposition and the registry snapshots used. The phone column is
          found by header name (phone, telephone, mobile, cell, ...) or by
          content, unless --column says. '-o -' writes to stdout; without -o
          the output is INPUT.scrubbed.csv. INPUT '-' reads stdin. INPUT is
          never overwritten, and OUTPUT appears only when the scrub succeeded.
  status  The sources the server has loaded: jurisdiction, generation, as-of
          date, age, deadline, numbers, and STALE when past the legal window.

Flags (any position):
  --server=HOST:PORT      dnc-server address (default: $DNC_SERVER, else
                          127.0.0.1:50051)
  --timeout_seconds=N     deadline of each call (default 30)
  --ca_cert=FILE          connect with TLS, trusting these CA certificates
  -o FILE, --output=FILE  scrub: output file ('-' for stdout)
  --column=NAME|INDEX     scrub: the phone column (INDEX is 1-based)
  --header=auto|yes|no    scrub: whether the first row is a header
  --chunk_rows=N          scrub: rows per request (default 5000)
  --window=N              scrub: requests in flight (default 6)
  --progress=auto|on|off  scrub: progress on stderr (auto: if a terminal)
  --helpfull              every flag, including library ones

Examples:
  dnc check "(202) 555-1234" +1-415-555-0100
  dnc scrub leads.csv -o cleaned.csv
  dnc scrub leads.csv -o - --column Mobile > cleaned.csv
  DNC_SERVER=dnc.internal:50051 dnc status

Exit codes: 0 success (check: all callable), 1 error, 2 usage error,
3 check: some number is not callable.
)";

int UsageError(const std::string& message) {
  absl::FPrintF(stderr, "dnc: %s\nRun 'dnc --help' for usage.\n", message);
  return kExitUsage;
}

int Fail(const std::string& command, const absl::Status& status) {
  absl::FPrintF(stderr, "dnc %s: %s\n", command, status.message());
  return kExitError;
}

// Left-aligned columns separated by two spaces.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ScrubClient>> MakeClient() {
  ClientOptions options;
  options.server = absl::GetFlag(FLAGS_server);
  if (options.server.empty()) {
    const char* env = std::getenv("DNC_SERVER");
    options.server = env != nullptr && *env != '\0' ? env : kDefaultServer;
  }
  options.timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
  options.ca_cert_file = absl::GetFlag(FLAGS_ca_cert);
  return ScrubClient::Create(options);
}

int RunCheck(const std::vector<std::string>& numbers) {
  if (numbers.empty()) return UsageError("check needs at least one NUMBER");
  absl::StatusOr<std::unique_ptr<ScrubClient>> client = MakeClient();
  if (!client.ok()) return Fail("check", client.status());
  std::vector<std::vector<std::string>> rows;
  bool all_callable = true;
  for (const std::string& number : numbers) {
    absl::StatusOr<NumberVerdict> verdict = (*client)->Check(number);
    if (!verdict.ok()) return Fail("check", verdict.status());
    all_callable = all_callable && verdict->callable;
    rows.push_back(
        {number, verdict->e164 != 0 ? FormatE164(verdict->e164) : "-",
         DispositionName(verdict->disposition),
         verdict->reasons.empty() ? (verdict->callable ? "" : "-")
                                  : absl::StrJoin(verdict->reasons, "; ")});
  }
  std::fputs(FormatTable(rows).c_str(), stdout);
  return all_callable ? kExitOk : kExitNotCallable;
}

std::string DefaultOutputPath(const std::string& input) {
  if (input == "-") return "-";
  std::string base = input;
  if (base.size() > 4 &&
      absl::EqualsIgnoreCase(base.substr(base.size() - 4), ".csv")) {
    base.resize(base.size() - 4);
  }
  return base + ".scrubbed.csv";
}

int RunScrub(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return UsageError(args.empty()
                          ? "scrub needs an INPUT file (or '-' for stdin)"
                          : absl::StrCat("scrub takes one INPUT file, got ",
                                         args.size(), ": ",
                                         absl::StrJoin(args, " ")));
  }
  const std::string& input = args[0];
  LeadListOptions options;
  options.column = absl::GetFlag(FLAGS_column);
  const std::string header = absl::AsciiStrToLower(absl::GetFlag(FLAGS_header));
  if (header == "auto") {
    options.header = HeaderMode::kAuto;
  } else if (header == "yes" || header == "true" || header == "1") {
    options.header = HeaderMode::kPresent;
  } else if (header == "no" || header == "false" || header == "0") {
    options.header = HeaderMode::kAbsent;
  } else {
    return UsageError("--header must be auto, yes or no");
  }
  const int64_t chunk_rows = absl::GetFlag(FLAGS_chunk_rows);
  const int32_t window = absl::GetFlag(FLAGS_window);
  if (chunk_rows < 1 || window < 1) {
    return UsageError("--chunk_rows and --window must be at least 1");
  }
  options.chunk_rows = static_cast<size_t>(chunk_rows);
  options.max_chunks_in_flight = static_cast<size_t>(window);
  const std::string progress = absl::GetFlag(FLAGS_progress);
  if (progress == "auto") {
    options.progress = ::isatty(STDERR_FILENO) == 1;
  } else if (progress == "on") {
    options.progress = true;
  } else if (progress == "off") {
    options.progress = false;
  } else {
    return UsageError("--progress must be auto, on or off");
  }
  std::string output = absl::GetFlag(FLAGS_output);
  const bool defaulted = output.empty();
  if (defaulted) output = DefaultOutputPath(input);

  absl::StatusOr<std::unique_ptr<ScrubClient>> client = MakeClient();
  if (!client.ok()) return Fail("scrub", client.status());
  absl::StatusOr<LeadListResult> result =
      ScrubLeadListFile(client->get(), input, output, options);
  if (!result.ok()) return Fail("scrub", result.status());
  // The summary goes to stdout, unless the rows themselves do.
  std::FILE* report = output == "-" ? stderr : stdout;
  if (output != "-") {
    absl::FPrintF(report, "Wrote %s%s\n", output,
                  defaulted ? " (no -o given)" : "");
  }
  std::fputs(FormatLeadListSummary(*result).c_str(), report);
  std::fflush(report);
  return kExitOk;
}

int RunStatus(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return UsageError(absl::StrCat("status takes no arguments, got: ",
                                   absl::StrJoin(args, " ")));
  }
  absl::StatusOr<std::unique_ptr<ScrubClient>> client = MakeClient();
  if (!client.ok()) return Fail("status", client.status());
  absl::StatusOr<ServerStatus> status = (*client)->GetStatus();
  if (!status.ok()) return Fail("status", status.status());
  absl::PrintF("dnc-server %s  version %s  today %s  max batch %s entries\n",
               (*client)->server(),
               status->server_version.empty() ? "?" : status->server_version,
               status->today.empty() ? "?" : status->today,
               FormatCount(status->max_batch_entries));
  if (status->sources.empty()) {
    absl::PrintF("No sources loaded: every number answers STALE.\n");
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"SOURCE", "JURISDICTION", "GENERATION", "AS-OF", "AGE", "DEADLINE",
       "NUMBERS", "STATE"}};
  for (const SourceInfo& source : status->sources) {
    rows.push_back(
        {source.snapshot.source, source.snapshot.jurisdiction,
         source.snapshot.generation, source.snapshot.as_of,
         absl::StrCat(source.age_days, "/", source.max_age_days, " d"),
         source.deadline, FormatCount(source.number_count),
         source.stale ? "STALE" : "ok"});
  }
  std::fputs(FormatTable(rows).c_str(), stdout);
  for (const SourceInfo& source : status->sources) {
    if (!source.stale) continue;
    absl::PrintF(
        "STALE: %s (%s) copy as of %s is %d days old, past its %d-day window "
        "(deadline %s): its unlisted numbers answer STALE until a newer copy "
        "is loaded.\n",
        source.snapshot.source, source.snapshot.jurisdiction,
        source.snapshot.as_of, source.age_days, source.max_age_days,
        source.deadline);
  }
  return kExitOk;
}

int Main(int argc, char** argv) {
  // Rewrite -o FILE / -oFILE / --output FILE to --output=FILE (a short
  // option absl does not have); everything else is parsed as absl flags.
  std::vector<std::string> args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      for (; i < argc; ++i) args.push_back(argv[i]);
      break;
    }
    if (arg == "-o" || arg == "--output" || arg == "-output") {
      if (i + 1 >= argc) return UsageError(absl::StrCat(arg, " needs a FILE"));
      args.push_back(absl::StrCat("--output=", argv[++i]));
      continue;
    }
    if (absl::StartsWith(arg, "-o") && !absl::StartsWith(arg, "-output")) {
      std::string value = arg.substr(2);
      if (absl::StartsWith(value, "=")) value = value.substr(1);
      args.push_back(absl::StrCat("--output=", value));
      continue;
    }
    args.push_back(arg);
  }
  std::vector<char*> raw_args;
  for (std::string& arg : args) raw_args.push_back(arg.data());
  std::vector<std::string> positional = ParseCommandLineOrExit(
      static_cast<int>(raw_args.size()), raw_args.data(), {"dnc", kUsage, ""});
  positional.insert(positional.begin(), argv[0]);
  if (!(absl::GetFlag(FLAGS_timeout_seconds) > 0)) {
    return UsageError("--timeout_seconds must be positive");
  }
  if (positional.size() < 2) {
    absl::FPrintF(stderr, "%s", kUsage);
    return kExitUsage;
  }
  const std::string command = positional[1];
  const std::vector<std::string> rest(positional.begin() + 2, positional.end());
  if (command == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "check") return RunCheck(rest);
  if (command == "scrub") return RunScrub(rest);
  if (command == "status") return RunStatus(rest);
  return UsageError(absl::StrCat("unknown command '", command,
                                 "' (commands: check, scrub, status, help)"));
}

}  // namespace
}  // namespace dnc::client

int main(int argc, char** argv) { return dnc::client::Main(argc, argv); }
