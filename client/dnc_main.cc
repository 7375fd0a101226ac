// dnc: the command-line client of dnc-server. A thin main: it parses flags,
// calls the client library (client/scrub_client.h, tenant_client.h,
// lead_list_scrubber.h, opt_out_import.h, report_format.h) and maps the
// outcome to an exit code:
//   0  success (check: every number callable)
//   1  an error (server unreachable, API key rejected, bad input file, a
//      number the internal list rejected, ...)
//   2  a usage error (unknown command or flag, missing argument)
//   3  check: at least one number is not callable; optout check: at least
//      one number is on the internal list
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
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api_key.h"
#include "client/lead_list_scrubber.h"
#include "client/opt_out_import.h"
#include "client/report_format.h"
#include "client/scrub_client.h"
#include "client/scrub_job.h"
#include "client/tenant_client.h"
#include "common/civil_date.h"
#include "common/command_line.h"
#include "common/phone_number.h"
#include "dnc/v1/tenant.pb.h"

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
          "scrub, optout import: progress on stderr: auto (when stderr is a "
          "terminal), on, off");
ABSL_FLAG(std::string, api_key, "",
          "The tenant's API key (default: --api_key_file, else $DNC_API_KEY)");
ABSL_FLAG(std::string, api_key_file, "",
          "File whose first line is the tenant's API key");
ABSL_FLAG(std::string, purpose, "",
          "check, scrub: why the call is made: commercial, charity, political "
          "or survey (default: the tenant's default purpose)");
ABSL_FLAG(std::string, now, "",
          "check, scrub: the time calling windows are judged at, RFC 3339 or "
          "unix seconds (default: the server's clock)");
ABSL_FLAG(std::string, job, "",
          "scrub: the job id for the certificate (default: "
          "job-YYYYMMDDTHHMMSSZ-XXXXXXXX)");
ABSL_FLAG(bool, json, false, "report: print the certificate as JSON");
ABSL_FLAG(std::string, type, "",
          "consent add: purchase, inquiry or written-consent");
ABSL_FLAG(std::string, date, "",
          "optout add/import, consent add/revoke: YYYY-MM-DD of the request, "
          "purchase, inquiry or consent (optout, revoke default: today)");
ABSL_FLAG(std::string, note, "",
          "optout add/import, consent add: where the request came from");

#ifndef DNC_VERSION
#define DNC_VERSION "unknown"
#endif

namespace dnc::client {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitNotCallable = 3;

constexpr char kUsage[] =
    R"(dnc: check phone numbers and scrub CSV lead lists against a dnc-server, and
keep your own do-not-call list, EBR/consent records and scrub certificates.

Usage:
  dnc [flags] check NUMBER...
  dnc [flags] scrub INPUT.csv [-o OUTPUT.csv] [--column NAME|INDEX] [--job ID]
  dnc [flags] status
  dnc [flags] whoami
  dnc [flags] optout add|remove|check NUMBER...
  dnc [flags] optout import FILE [--column NAME|INDEX] [--note TEXT] [--date D]
  dnc [flags] consent add NUMBER... --type TYPE --date YYYY-MM-DD [--note TEXT]
  dnc [flags] consent revoke|list NUMBER...
  dnc [flags] report JOB [--json]
  dnc help

Every call carries your tenant's API key: --api_key KEY, --api_key_file FILE
(first line), or the environment variable DNC_API_KEY. Keys come from the
server's operator (`dnc-tenant create`). A server run with --auth=none needs
none (and has no optout, consent, whoami or report).

Commands:
  check   One line per number: input, E.164, disposition, calling window
          (local hours and whether it is open now), reasons. The server reads
          each number as typed. Exit 0 if every number is callable, 3 if any
          is not (BLOCKED, INTERNAL, NOT_SUBSCRIBED, STALE, INVALID, ...).
  scrub   Copies INPUT to OUTPUT with six columns appended: dnc_disposition,
          dnc_callable (yes/no), dnc_e164, dnc_reason, dnc_window (e.g.
          "08:00-21:00 America/New_York" or "unknown") and dnc_callable_now
          (callable and inside calling hours now); then prints counts by
          disposition, the registry snapshots used and the job's certificate
          command. The phone column is found by header name (phone, mobile,
          cell, ...) or by content, unless --column says. '-o -' writes to
          stdout; without -o the output is INPUT.scrubbed.csv. INPUT '-'
          reads stdin. INPUT is never overwritten, and OUTPUT appears only
          when the scrub succeeded. The SHA-256 of INPUT and OUTPUT is then
          recorded with the job on the server.
  status  The sources the server has loaded: jurisdiction, generation, as-of
          date, age, deadline, numbers, and STALE when past the legal window.
  whoami  Your tenant: name, default purpose, entitlements, list sizes.
  optout  Your internal do-not-call list (beats every exemption and consent;
          applies to the very next check or scrub). add / remove / check
          print one line per number: state, E.164, date added (or why it was
          rejected); exit 1 if any number was rejected; check exits 3 if any
          is on the list. import reads a CSV or a plain list (the phone
          column found as in scrub), sends chunks of 10,000, reports each
          rejected row as FILE:LINE: why: 'value' and sums up.
  consent EBR and consent records that excuse a registry listing (never the
          internal list): add (--type purchase|inquiry|written-consent, --date
          of the purchase, inquiry or consent), revoke (ends every record of
          the numbers), list.
  report  The certificate of a scrub job: who, when, how many numbers, counts
          by disposition, the registry copies (generation, as-of date),
          entitlements, purpose, the files with their SHA-256, and the
          server's audit hashes. --json for the machine-readable form.

Flags (any position):
  --server=HOST:PORT      dnc-server address (default: $DNC_SERVER, else
                          127.0.0.1:50051)
  --api_key=KEY           your API key (default: $DNC_API_KEY)
  --api_key_file=FILE     read the API key from FILE's first line
  --timeout_seconds=N     deadline of each call (default 30)
  --ca_cert=FILE          connect with TLS, trusting these CA certificates
  --purpose=P             check, scrub: commercial, charity, political, survey
  --now=TIME              check, scrub: judge calling windows at TIME (RFC 3339
                          or unix seconds; default: the server's clock)
  --job=ID                scrub: job id (letters, digits, - _ .; default
                          job-YYYYMMDDTHHMMSSZ-XXXXXXXX)
  -o FILE, --output=FILE  scrub: output file ('-' for stdout)
  --column=NAME|INDEX     scrub, optout import: the phone column (1-based)
  --header=auto|yes|no    scrub, optout import: is the first row a header
  --chunk_rows=N          scrub: rows per request (default 5000)
  --window=N              scrub: requests in flight (default 6)
  --progress=auto|on|off  scrub, optout import: progress on stderr
  --type=TYPE             consent add: purchase, inquiry, written-consent
  --date=YYYY-MM-DD       optout add/import, consent add/revoke
  --note=TEXT             optout add/import, consent add
  --json                  report: JSON
  --helpfull              every flag, including library ones

Examples:
  export DNC_API_KEY=dnc_...            # from `dnc-tenant create acme ...`
  dnc check "(202) 555-1234" +1-415-555-0100
  dnc scrub leads.csv -o cleaned.csv --purpose commercial
  dnc scrub leads.csv -o - --column Mobile > cleaned.csv
  dnc optout add "(202) 555-1234" --note "call 2026-11-20, agent 12"
  dnc optout import unsubscribes.csv
  dnc consent add 2025551234 --type purchase --date 2026-10-01
  dnc report job-20261123T140500Z-1a2b3c4d --json
  DNC_SERVER=dnc.internal:50051 dnc status

Exit codes: 0 success (check: all callable), 1 error, 2 usage error,
3 check: some number is not callable / optout check: some number is listed.
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

absl::StatusOr<ClientOptions> MakeOptions() {
  ClientOptions options;
  options.server = absl::GetFlag(FLAGS_server);
  if (options.server.empty()) {
    const char* env = std::getenv("DNC_SERVER");
    options.server = env != nullptr && *env != '\0' ? env : kDefaultServer;
  }
  options.timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
  options.ca_cert_file = absl::GetFlag(FLAGS_ca_cert);
  absl::StatusOr<std::string> key =
      ResolveApiKey(absl::GetFlag(FLAGS_api_key),
                    absl::GetFlag(FLAGS_api_key_file), std::getenv(kApiKeyEnv));
  if (!key.ok()) return key.status();
  options.api_key = *key;
  return options;
}

absl::StatusOr<std::unique_ptr<ScrubClient>> MakeClient() {
  absl::StatusOr<ClientOptions> options = MakeOptions();
  if (!options.ok()) return options.status();
  return ScrubClient::Create(*options);
}

absl::StatusOr<std::unique_ptr<TenantClient>> MakeTenantClient() {
  absl::StatusOr<ClientOptions> options = MakeOptions();
  if (!options.ok()) return options.status();
  return TenantClient::Create(*options);
}

// --purpose and --now into *call; a usage error message, or "".
std::string ReadCallFlags(CallOptions* call) {
  const std::string purpose = absl::GetFlag(FLAGS_purpose);
  if (!purpose.empty() && !ParsePurposeName(purpose, &call->purpose)) {
    return absl::StrCat("--purpose '", purpose,
                        "' is not one of commercial, charity, political, "
                        "survey");
  }
  const std::string now = absl::GetFlag(FLAGS_now);
  if (!now.empty()) {
    absl::StatusOr<int64_t> seconds = ParseNowFlag(now);
    if (!seconds.ok()) return std::string(seconds.status().message());
    call->now_unix_seconds = *seconds;
  }
  return "";
}

// "08:00-21:00 America/New_York, open now (14:05 Mon)".
std::string DescribeWindow(const NumberVerdict& verdict) {
  if (!verdict.window_known) return "window unknown";
  std::string text =
      absl::StrCat(verdict.window, ", ",
                   verdict.window_open_now ? "open" : "closed", " now");
  if (!verdict.local_now.empty()) {
    // local_now is "YYYY-MM-DD HH:MM Day": the day is implied.
    const size_t space = verdict.local_now.find(' ');
    absl::StrAppend(&text, " (",
                    space == std::string::npos
                        ? verdict.local_now
                        : verdict.local_now.substr(space + 1),
                    ")");
  }
  return text;
}

int RunCheck(const std::vector<std::string>& numbers) {
  if (numbers.empty()) return UsageError("check needs at least one NUMBER");
  CallOptions call;
  const std::string bad = ReadCallFlags(&call);
  if (!bad.empty()) return UsageError(bad);
  absl::StatusOr<std::unique_ptr<ScrubClient>> client = MakeClient();
  if (!client.ok()) return Fail("check", client.status());
  std::vector<std::vector<std::string>> rows;
  bool all_callable = true;
  for (const std::string& number : numbers) {
    absl::StatusOr<NumberVerdict> verdict = (*client)->Check(number, call);
    if (!verdict.ok()) return Fail("check", verdict.status());
    all_callable = all_callable && verdict->callable;
    rows.push_back(
        {number, verdict->e164 != 0 ? FormatE164(verdict->e164) : "-",
         DispositionName(verdict->disposition), DescribeWindow(*verdict),
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
  CallOptions call;
  const std::string bad = ReadCallFlags(&call);
  if (!bad.empty()) return UsageError(bad);
  options.purpose = call.purpose;
  options.now_unix_seconds = call.now_unix_seconds;
  options.job_id = absl::GetFlag(FLAGS_job);
  if (options.job_id.empty()) {
    options.job_id = GenerateJobId(absl::Now());
  } else if (!IsValidJobId(options.job_id)) {
    return UsageError(
        absl::StrCat("--job '", options.job_id,
                     "' must be 1-64 letters, digits, '-', '_' or '.'"));
  }

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
  if (result->rows == 0) return kExitOk;  // No batch: no job to certify.

  // The output is complete and in place: tie both files to the job.
  absl::StatusOr<v1::JobFilesRequest> files =
      DescribeJobFiles(result->job_id, input, output, result->rows);
  absl::Status recorded = files.status();
  if (recorded.ok()) {
    absl::StatusOr<std::unique_ptr<TenantClient>> tenant =
        TenantClient::Create((*client)->options());
    recorded =
        tenant.ok() ? (*tenant)->RecordJobFiles(*files) : tenant.status();
  }
  if (recorded.code() == absl::StatusCode::kFailedPrecondition ||
      recorded.code() == absl::StatusCode::kUnimplemented) {
    absl::FPrintF(report,
                  "No certificate: this server keeps no tenants or audit "
                  "(--auth=none).\n");
    return kExitOk;
  }
  if (!recorded.ok()) {
    absl::FPrintF(stderr,
                  "dnc scrub: the scrub is complete (%s), but recording its "
                  "files for the certificate failed: %s\n",
                  output == "-" ? "written to stdout" : output,
                  recorded.message());
    return kExitError;
  }
  if (!files->input_sha256().empty()) {
    absl::FPrintF(report, "Input  sha256 %s\n", files->input_sha256());
  }
  if (!files->output_sha256().empty()) {
    absl::FPrintF(report, "Output sha256 %s\n", files->output_sha256());
  }
  absl::FPrintF(report, "certificate: dnc report %s\n", result->job_id);
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
  if (!status->tenant.empty()) {
    absl::PrintF("tenant %s\n", status->tenant);
  } else if (!status->auth_required) {
    absl::PrintF("no tenants (the server runs with --auth=none)\n");
  }
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

int RunWhoAmI(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return UsageError(absl::StrCat("whoami takes no arguments, got: ",
                                   absl::StrJoin(args, " ")));
  }
  absl::StatusOr<std::unique_ptr<TenantClient>> client = MakeTenantClient();
  if (!client.ok()) return Fail("whoami", client.status());
  absl::StatusOr<v1::TenantInfo> info = (*client)->WhoAmI();
  if (!info.ok()) return Fail("whoami", info.status());
  std::fputs(FormatTenantInfo(*info).c_str(), stdout);
  return kExitOk;
}

// optout add|remove|check NUMBER...: one call, numbers as typed.
int RunOptOutNumbers(const std::string& verb,
                     const std::vector<std::string>& numbers) {
  const std::string command = absl::StrCat("optout ", verb);
  if (numbers.empty()) {
    return UsageError(absl::StrCat(command, " needs at least one NUMBER"));
  }
  v1::OptOutRequest request;
  for (const std::string& number : numbers) request.add_raw(number);
  if (verb == "add") {
    const std::string date = absl::GetFlag(FLAGS_date);
    if (!date.empty() && !ParseIsoDate(date).ok()) {
      return UsageError(
          absl::StrCat("--date '", date, "' is not a date YYYY-MM-DD"));
    }
    request.set_date(date);
    request.set_note(absl::GetFlag(FLAGS_note));
  }
  absl::StatusOr<std::unique_ptr<TenantClient>> client = MakeTenantClient();
  if (!client.ok()) return Fail(command, client.status());
  absl::StatusOr<v1::OptOutResponse> response =
      verb == "add"      ? (*client)->AddOptOuts(request)
      : verb == "remove" ? (*client)->RemoveOptOuts(request)
                         : (*client)->CheckOptOuts(request);
  if (!response.ok()) return Fail(command, response.status());
  if (response->states_size() != static_cast<int>(numbers.size())) {
    return Fail(command, absl::InternalError(absl::StrCat(
                             "the server answered ", response->states_size(),
                             " states for ", numbers.size(), " numbers")));
  }
  std::vector<std::vector<std::string>> rows;
  bool any_listed = false;
  bool any_rejected = false;
  for (int i = 0; i < response->states_size(); ++i) {
    const int state = response->states(i);
    const uint64_t e164 = i < response->e164_size() ? response->e164(i) : 0;
    const std::string added =
        i < response->added_date_size() ? response->added_date(i) : "";
    const std::string detail =
        i < response->detail_size() ? response->detail(i) : "";
    std::string what;
    if (state == v1::REJECTED) {
      any_rejected = true;
      what = detail.empty() ? "not a valid number" : detail;
    } else if (!added.empty()) {
      what = absl::StrCat("on the list since ", added);
    } else {
      what = state == v1::REMOVED ? "taken off the list" : "not on the list";
    }
    if (state == v1::ALREADY_LISTED || (state == v1::ADDED && verb != "add")) {
      any_listed = true;
    }
    rows.push_back({numbers[static_cast<size_t>(i)],
                    e164 != 0 ? FormatE164(e164) : "-", OptOutStateName(state),
                    what});
  }
  std::fputs(FormatTable(rows).c_str(), stdout);
  if (verb != "check") {
    absl::PrintF("The internal list holds %s %s.\n",
                 FormatCount(response->list_size()),
                 response->list_size() == 1 ? "number" : "numbers");
  }
  if (any_rejected) {
    absl::FPrintF(stderr, "dnc %s: some numbers were rejected (see above)\n",
                  command);
  }
  if (verb == "check" && any_listed) return kExitNotCallable;
  return any_rejected ? kExitError : kExitOk;
}

int RunOptOutImport(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return UsageError("optout import takes one FILE (or '-' for stdin)");
  }
  OptOutImportOptions options;
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
  options.note = absl::GetFlag(FLAGS_note);
  options.date = absl::GetFlag(FLAGS_date);
  if (!options.date.empty() && !ParseIsoDate(options.date).ok()) {
    return UsageError(
        absl::StrCat("--date '", options.date, "' is not a date YYYY-MM-DD"));
  }
  const std::string progress = absl::GetFlag(FLAGS_progress);
  if (progress == "auto") {
    options.progress = ::isatty(STDERR_FILENO) == 1;
  } else if (progress == "on" || progress == "off") {
    options.progress = progress == "on";
  } else {
    return UsageError("--progress must be auto, on or off");
  }
  options.on_reject = [](const std::string& line) {
    absl::FPrintF(stderr, "%s\n", line);
  };
  absl::StatusOr<std::unique_ptr<TenantClient>> client = MakeTenantClient();
  if (!client.ok()) return Fail("optout import", client.status());
  absl::StatusOr<OptOutImportResult> result =
      ImportOptOutsFile(client->get(), args[0], options);
  if (!result.ok()) return Fail("optout import", result.status());
  std::fputs(FormatOptOutImportSummary(*result, args[0]).c_str(), stdout);
  return kExitOk;
}

int RunOptOut(const std::vector<std::string>& args) {
  if (args.empty()) {
    return UsageError("optout needs a verb: add, remove, check or import");
  }
  const std::string& verb = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (verb == "add" || verb == "remove" || verb == "check") {
    return RunOptOutNumbers(verb, rest);
  }
  if (verb == "import") return RunOptOutImport(rest);
  return UsageError(absl::StrCat("unknown optout verb '", verb,
                                 "' (add, remove, check, import)"));
}

int RunConsent(const std::vector<std::string>& args) {
  if (args.empty()) {
    return UsageError("consent needs a verb: add, revoke or list");
  }
  const std::string& verb = args[0];
  const std::string command = absl::StrCat("consent ", verb);
  const std::vector<std::string> numbers(args.begin() + 1, args.end());
  if (verb != "add" && verb != "revoke" && verb != "list") {
    return UsageError(
        absl::StrCat("unknown consent verb '", verb, "' (add, revoke, list)"));
  }
  if (numbers.empty()) {
    return UsageError(absl::StrCat(command, " needs at least one NUMBER"));
  }
  const std::string date = absl::GetFlag(FLAGS_date);
  if (!date.empty() && !ParseIsoDate(date).ok()) {
    return UsageError(
        absl::StrCat("--date '", date, "' is not a date YYYY-MM-DD"));
  }
  v1::ConsentRequest request;
  int type = 0;
  if (verb == "add") {
    if (!ParseConsentTypeName(absl::GetFlag(FLAGS_type), &type)) {
      return UsageError(
          "consent add needs --type purchase, inquiry or written-consent");
    }
    if (date.empty()) {
      return UsageError(
          "consent add needs --date YYYY-MM-DD (the day of the purchase, "
          "inquiry or consent)");
    }
  } else {
    request.set_date(verb == "revoke" ? date : "");
  }
  for (const std::string& number : numbers) {
    v1::ConsentRecord* record = request.add_records();
    record->set_raw(number);
    if (verb == "add") {
      record->set_type(static_cast<v1::ConsentType>(type));
      record->set_date(date);
      record->set_note(absl::GetFlag(FLAGS_note));
    }
  }
  absl::StatusOr<std::unique_ptr<TenantClient>> client = MakeTenantClient();
  if (!client.ok()) return Fail(command, client.status());
  absl::StatusOr<v1::ConsentResponse> response =
      verb == "add"      ? (*client)->AddConsents(request)
      : verb == "revoke" ? (*client)->RevokeConsents(request)
                         : (*client)->ListConsents(request);
  if (!response.ok()) return Fail(command, response.status());
  if (verb == "revoke") {
    absl::PrintF("Revoked %d %s.\n", response->records_size(),
                 response->records_size() == 1 ? "record" : "records");
  } else if (verb == "list" && response->records().empty()) {
    absl::PrintF("No EBR or consent records for %s.\n",
                 absl::StrJoin(numbers, ", "));
  }
  for (const v1::ConsentRecord& record : response->records()) {
    absl::PrintF("%s\n", FormatConsentRecord(record));
  }
  if (response->total_records() >
      static_cast<uint64_t>(response->records_size())) {
    absl::FPrintF(
        stderr,
        "dnc %s: showing %d of %d records (the server's answer limit); "
        "ask for fewer numbers at a time to see the rest\n",
        command, response->records_size(), response->total_records());
  }
  for (const std::string& rejected : response->rejected()) {
    absl::FPrintF(stderr, "dnc %s: rejected %s\n", command, rejected);
  }
  return response->rejected().empty() ? kExitOk : kExitError;
}

int RunReport(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return UsageError("report takes one JOB id (see the summary of dnc scrub)");
  }
  absl::StatusOr<std::unique_ptr<TenantClient>> client = MakeTenantClient();
  if (!client.ok()) return Fail("report", client.status());
  absl::StatusOr<v1::ScrubReport> report = (*client)->GetReport(args[0]);
  if (!report.ok()) return Fail("report", report.status());
  if (absl::GetFlag(FLAGS_json)) {
    absl::StatusOr<std::string> json = FormatReportJson(*report);
    if (!json.ok()) return Fail("report", json.status());
    std::fputs(json->c_str(), stdout);
    if (json->empty() || json->back() != '\n') std::fputc('\n', stdout);
  } else {
    std::fputs(FormatReportText(*report).c_str(), stdout);
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
  if (command == "whoami") return RunWhoAmI(rest);
  if (command == "optout") return RunOptOut(rest);
  if (command == "consent") return RunConsent(rest);
  if (command == "report") return RunReport(rest);
  return UsageError(absl::StrCat(
      "unknown command '", command,
      "' (commands: check, scrub, status, whoami, optout, consent, report, "
      "help)"));
}

}  // namespace
}  // namespace dnc::client

int main(int argc, char** argv) { return dnc::client::Main(argc, argv); }
