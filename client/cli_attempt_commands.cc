// `dnc attempt record|list NUMBER...`: the tenant's call attempts
// (TenantService RecordAttempts / ListAttempts), which Check and Scrub count
// against the call-frequency caps.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli_commands.h"
#include "client/report_format.h"
#include "client/scrub_job.h"
#include "common/command_line.h"
#include "common/phone_number.h"
#include "dnc/v1/tenant.pb.h"
#include "leadlist/text_format.h"

namespace dnc::client::cli {

using leadlist::FormatTable;

namespace {

// --time / --since: RFC 3339 or Unix seconds; "" = 0.
std::string ReadTimeFlag(const std::string& name, const std::string& value,
                         int64_t* seconds) {
  *seconds = 0;
  if (value.empty()) return "";
  absl::StatusOr<int64_t> parsed = ParseNowFlag(value);
  if (!parsed.ok()) {
    return absl::StrCat("--", name, ": ", parsed.status().message());
  }
  *seconds = *parsed;
  return "";
}

int RunAttemptRecord(const CliFlags& flags,
                     const std::vector<std::string>& numbers) {
  if (numbers.empty()) {
    return UsageError("attempt record needs at least one NUMBER");
  }
  int64_t seconds = 0;
  const std::string bad = ReadTimeFlag("time", flags.time, &seconds);
  if (!bad.empty()) return UsageError(bad);
  v1::AttemptRequest request;
  for (const std::string& number : numbers) {
    v1::Attempt* attempt = request.add_attempts();
    attempt->set_raw(number);
    attempt->set_subject(flags.subject);
    attempt->set_unix_seconds(seconds);
  }
  absl::StatusOr<v1::AttemptResponse> response = WithTenantClient(
      flags,
      [&](TenantClient& client) { return client.RecordAttempts(request); });
  if (!response.ok()) return Fail("attempt record", response.status());
  for (const std::string& why : response->rejected()) {
    absl::FPrintF(stderr, "dnc attempt record: %s\n", why);
  }
  absl::PrintF("Recorded %d %s%s.\n", response->recorded(),
               response->recorded() == 1 ? "attempt" : "attempts",
               flags.subject.empty()
                   ? " (no subject: counts against every subject)"
                   : absl::StrCat(" on subject '", flags.subject, "'"));
  return response->rejected_size() > 0 ? kExitError : kExitOk;
}

int RunAttemptList(const CliFlags& flags,
                   const std::vector<std::string>& numbers) {
  if (numbers.empty()) {
    return UsageError("attempt list needs at least one NUMBER");
  }
  int64_t since = 0;
  const std::string bad = ReadTimeFlag("since", flags.since, &since);
  if (!bad.empty()) return UsageError(bad);
  v1::AttemptListRequest request;
  for (const std::string& number : numbers) request.add_raw(number);
  request.set_since_unix_seconds(since);
  absl::StatusOr<v1::AttemptListResponse> response = WithTenantClient(
      flags,
      [&](TenantClient& client) { return client.ListAttempts(request); });
  if (!response.ok()) return Fail("attempt list", response.status());
  for (const std::string& why : response->rejected()) {
    absl::FPrintF(stderr, "dnc attempt list: %s\n", why);
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::Attempt& attempt : response->attempts()) {
    rows.push_back({FormatE164(attempt.e164()), attempt.time(),
                    attempt.subject().empty() ? "(any)" : attempt.subject()});
  }
  if (rows.empty()) {
    absl::PrintF("No attempts recorded.\n");
  } else {
    std::fputs(FormatTable(rows).c_str(), stdout);
  }
  if (response->truncated()) {
    absl::PrintF(
        "(more attempts are stored: ask for fewer numbers or a later "
        "--since)\n");
  }
  return response->rejected_size() > 0 ? kExitError : kExitOk;
}

}  // namespace

int RunAttempt(const CliFlags& flags, const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("attempt needs a verb: record or list");
  const std::string& verb = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (verb == "record") return RunAttemptRecord(flags, rest);
  if (verb == "list") return RunAttemptList(flags, rest);
  return UsageError(
      absl::StrCat("unknown attempt verb '", verb, "' (record, list)"));
}

}  // namespace dnc::client::cli
