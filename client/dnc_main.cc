// dnc: the command-line client of dnc-server. A thin main: it parses the
// flags and runs the command's function of the client library
// (client/cli_commands.h), whose result is the exit code:
//   0  success (check: every number callable)
//   1  an error (server unreachable, API key rejected, bad input file, a
//      number the internal list rejected, ...)
//   2  a usage error (unknown command or flag, missing argument)
//   3  check: at least one number is not callable; optout check: at least
//      one number is on the internal list
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli_commands.h"
#include "client/cli_support.h"
#include "common/command_line.h"

ABSL_FLAG(std::string, server, "",
          "dnc-server address HOST:PORT (default: $DNC_SERVER, else "
          "127.0.0.1:50051); several replicas: dns:///NAME:PORT or "
          "IP:PORT,IP:PORT,... (calls spread round-robin; a call that is "
          "safe to repeat is retried on another replica when one is "
          "UNAVAILABLE)");
ABSL_FLAG(double, timeout_seconds, 30,
          "Deadline in seconds of each call to the server (check, status, and "
          "the first contact of scrub)");
ABSL_FLAG(std::string, ca_cert, "",
          "PEM file of CA certificates: connect with TLS (default: plaintext)");
ABSL_FLAG(std::string, client_cert, "",
          "PEM client certificate chain, for a server that requires client "
          "certificates (dnc-server --tls_client_ca); needs --client_key");
ABSL_FLAG(std::string, client_key, "", "PEM private key of --client_cert");
ABSL_FLAG(std::string, output, "",
          "scrub: output CSV, '-' for stdout (same as -o FILE; default "
          "INPUT.scrubbed.csv)");
ABSL_FLAG(std::string, column, "",
          "scrub: phone column, by header name or 1-based index (default: "
          "found by header name, then by content)");
ABSL_FLAG(std::string, header, "auto",
          "scrub: whether the first row is a header: auto, yes or no");
ABSL_FLAG(std::string, delimiter, "",
          "scrub, optout import: field separator: comma, semicolon, tab or "
          "pipe (default: detected)");
ABSL_FLAG(std::string, encoding, "",
          "scrub, optout import: text encoding: utf-8, utf-16, utf-16le, "
          "utf-16be or windows-1252 (default: detected)");
ABSL_FLAG(std::string, sheet, "",
          "scrub, optout import: the sheet of an .xlsx workbook, by name or "
          "1-based index (default: the first)");
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
ABSL_FLAG(std::string, subject, "",
          "check, scrub, attempt: the campaign or subject matter that "
          "call-frequency caps count calls per (default: any)");
ABSL_FLAG(std::string, time, "",
          "attempt record: when the calls were placed, RFC 3339 or unix "
          "seconds (default: now)");
ABSL_FLAG(std::string, since, "",
          "attempt list: only attempts at or after this time, RFC 3339 or "
          "unix seconds (default: all)");
ABSL_FLAG(std::string, note, "",
          "optout add/import, consent add: where the request came from");

namespace dnc::client::cli {
namespace {

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
  dnc [flags] attempt record NUMBER... [--subject S] [--time T]
  dnc [flags] attempt list NUMBER... [--since T]
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
          cell, Telefon, Handy, ...) or by content, unless --column says.
          INPUT may be CSV or text in UTF-8, UTF-16 or Windows-1252 with
          comma, semicolon, tab or pipe separators, or an .xlsx workbook:
          all detected (see --delimiter, --encoding, --sheet); the output
          is UTF-8 with the input's separator. A phone cell in scientific
          notation (2.02546E+09: the spreadsheet dropped digits) is counted
          as damaged and never callable. '-o -' writes to
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
  attempt Your call attempts, which check and scrub count against the
          call-frequency caps of each number's state (Florida, Oklahoma,
          Maryland: 3 calls per 24 hours per person and subject; a check
          then answers ATTEMPT_LIMIT with the time the number is callable
          again). record (--subject: the campaign; --time: when, default
          now), list (oldest first; --since).
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
                          (the server's certificate must name its host)
  --client_cert=FILE      with --client_key: present this client certificate
  --client_key=FILE       (a server run with --tls_client_ca requires one)
  --purpose=P             check, scrub: commercial, charity, political, survey
  --now=TIME              check, scrub: judge calling windows at TIME (RFC 3339
                          or unix seconds; default: the server's clock)
  --job=ID                scrub: job id (letters, digits, - _ .; default
                          job-YYYYMMDDTHHMMSSZ-XXXXXXXX)
  -o FILE, --output=FILE  scrub: output file ('-' for stdout)
  --column=NAME|INDEX     scrub, optout import: the phone column (1-based)
  --header=auto|yes|no    scrub, optout import: is the first row a header
  --delimiter=D           scrub, optout import: comma, semicolon, tab or pipe
                          (default: detected from the first lines)
  --encoding=E            scrub, optout import: utf-8, utf-16, utf-16le,
                          utf-16be or windows-1252 (default: detected: BOM,
                          NUL bytes, else UTF-8 if valid, else windows-1252)
  --sheet=NAME|INDEX      scrub, optout import: the sheet of an .xlsx/.xlsm
                          workbook (default: the first)
  --chunk_rows=N          scrub: rows per request (default 5000)
  --window=N              scrub: requests in flight (default 6)
  --progress=auto|on|off  scrub, optout import: progress on stderr
  --type=TYPE             consent add: purchase, inquiry, written-consent
  --date=YYYY-MM-DD       optout add/import, consent add/revoke
  --note=TEXT             optout add/import, consent add
  --subject=S             check, scrub, attempt record: the campaign the
                          call-frequency caps count calls per (default: any)
  --time=T                attempt record: when (RFC 3339 or unix seconds)
  --since=T               attempt list: only attempts at or after T
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
  dnc status --server dnc.internal:50051 --ca_cert ca.pem \
      --client_cert me.pem --client_key me.key

Exit codes: 0 success (check: all callable), 1 error, 2 usage error,
3 check: some number is not callable / optout check: some number is listed.
)";

// The flags' values, for the commands.
CliFlags FlagValues() {
  CliFlags flags;
  flags.server = absl::GetFlag(FLAGS_server);
  flags.timeout_seconds = absl::GetFlag(FLAGS_timeout_seconds);
  flags.ca_cert = absl::GetFlag(FLAGS_ca_cert);
  flags.client_cert = absl::GetFlag(FLAGS_client_cert);
  flags.client_key = absl::GetFlag(FLAGS_client_key);
  flags.output = absl::GetFlag(FLAGS_output);
  flags.column = absl::GetFlag(FLAGS_column);
  flags.header = absl::GetFlag(FLAGS_header);
  flags.delimiter = absl::GetFlag(FLAGS_delimiter);
  flags.encoding = absl::GetFlag(FLAGS_encoding);
  flags.sheet = absl::GetFlag(FLAGS_sheet);
  flags.chunk_rows = absl::GetFlag(FLAGS_chunk_rows);
  flags.window = absl::GetFlag(FLAGS_window);
  flags.progress = absl::GetFlag(FLAGS_progress);
  flags.api_key = absl::GetFlag(FLAGS_api_key);
  flags.api_key_file = absl::GetFlag(FLAGS_api_key_file);
  flags.purpose = absl::GetFlag(FLAGS_purpose);
  flags.now = absl::GetFlag(FLAGS_now);
  flags.job = absl::GetFlag(FLAGS_job);
  flags.json = absl::GetFlag(FLAGS_json);
  flags.type = absl::GetFlag(FLAGS_type);
  flags.date = absl::GetFlag(FLAGS_date);
  flags.note = absl::GetFlag(FLAGS_note);
  flags.subject = absl::GetFlag(FLAGS_subject);
  flags.time = absl::GetFlag(FLAGS_time);
  flags.since = absl::GetFlag(FLAGS_since);
  return flags;
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
  const CommandLine cli({"dnc", kUsage, ""});
  std::vector<std::string> positional =
      cli.Parse(static_cast<int>(raw_args.size()), raw_args.data());
  positional.insert(positional.begin(), argv[0]);
  const CliFlags flags = FlagValues();
  if (!(flags.timeout_seconds > 0)) {
    return UsageError("--timeout_seconds must be positive");
  }
  if (flags.client_cert.empty() != flags.client_key.empty()) {
    return UsageError(flags.client_cert.empty()
                          ? "--client_key needs --client_cert FILE"
                          : "--client_cert needs --client_key FILE");
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
  using Command = int (*)(const CliFlags&, const std::vector<std::string>&);
  for (const auto& [name, run] :
       std::initializer_list<std::pair<const char*, Command>>{
           {"check", RunCheck},
           {"scrub", RunScrub},
           {"status", RunStatus},
           {"whoami", RunWhoAmI},
           {"optout", RunOptOut},
           {"consent", RunConsent},
           {"attempt", RunAttempt},
           {"report", RunReport}}) {
    if (command == name) return run(flags, rest);
  }
  return UsageError(absl::StrCat(
      "unknown command '", command,
      "' (commands: check, scrub, status, whoami, optout, consent, attempt, "
      "report, help)"));
}

}  // namespace
}  // namespace dnc::client::cli

int main(int argc, char** argv) { return dnc::client::cli::Main(argc, argv); }
