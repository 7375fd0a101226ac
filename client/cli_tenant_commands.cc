// `dnc whoami`, `dnc consent add|revoke|list NUMBER...` and `dnc report
// JOB`: the caller's tenant, its EBR/consent records and its scrub
// certificates (TenantService).
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli_commands.h"
#include "client/report_format.h"
#include "common/command_line.h"
#include "dnc/v1/tenant.pb.h"

namespace dnc::client::cli {
namespace {

// The request of consent VERB for `numbers`: "" or the usage error.
std::string BuildConsentRequest(const CliFlags& flags, const std::string& verb,
                                const std::vector<std::string>& numbers,
                                v1::ConsentRequest* request) {
  const std::string bad = CheckDateFlag(flags);
  if (!bad.empty()) return bad;
  int type = 0;
  if (verb == "add") {
    if (!ParseConsentTypeName(flags.type, &type)) {
      return "consent add needs --type purchase, inquiry or written-consent";
    }
    if (flags.date.empty()) {
      return "consent add needs --date YYYY-MM-DD (the day of the purchase, "
             "inquiry or consent)";
    }
  } else {
    request->set_date(verb == "revoke" ? flags.date : "");
  }
  for (const std::string& number : numbers) {
    v1::ConsentRecord* record = request->add_records();
    record->set_raw(number);
    if (verb == "add") {
      record->set_type(static_cast<v1::ConsentType>(type));
      record->set_date(flags.date);
      record->set_note(flags.note);
    }
  }
  return "";
}

// Prints the answer of consent VERB; the exit code.
int PrintConsents(const std::string& verb, const std::string& command,
                  const std::vector<std::string>& numbers,
                  const v1::ConsentResponse& response) {
  if (verb == "revoke") {
    absl::PrintF("Revoked %d %s.\n", response.records_size(),
                 response.records_size() == 1 ? "record" : "records");
  } else if (verb == "list" && response.records().empty()) {
    absl::PrintF("No EBR or consent records for %s.\n",
                 absl::StrJoin(numbers, ", "));
  }
  for (const v1::ConsentRecord& record : response.records()) {
    absl::PrintF("%s\n", FormatConsentRecord(record));
  }
  if (response.total_records() >
      static_cast<uint64_t>(response.records_size())) {
    absl::FPrintF(
        stderr,
        "dnc %s: showing %d of %d records (the server's answer limit); "
        "ask for fewer numbers at a time to see the rest\n",
        command, response.records_size(), response.total_records());
  }
  for (const std::string& rejected : response.rejected()) {
    absl::FPrintF(stderr, "dnc %s: rejected %s\n", command, rejected);
  }
  return response.rejected().empty() ? kExitOk : kExitError;
}

}  // namespace

int RunWhoAmI(const CliFlags& flags, const std::vector<std::string>& args) {
  if (!args.empty()) {
    return UsageError(absl::StrCat("whoami takes no arguments, got: ",
                                   absl::StrJoin(args, " ")));
  }
  absl::StatusOr<v1::TenantInfo> info = WithTenantClient(
      flags, [](TenantClient& client) { return client.WhoAmI(); });
  if (!info.ok()) return Fail("whoami", info.status());
  std::fputs(FormatTenantInfo(*info).c_str(), stdout);
  return kExitOk;
}

int RunConsent(const CliFlags& flags, const std::vector<std::string>& args) {
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
  v1::ConsentRequest request;
  const std::string bad = BuildConsentRequest(flags, verb, numbers, &request);
  if (!bad.empty()) return UsageError(bad);
  absl::StatusOr<v1::ConsentResponse> response =
      WithTenantClient(flags, [&](TenantClient& client) {
        return verb == "add"      ? client.AddConsents(request)
               : verb == "revoke" ? client.RevokeConsents(request)
                                  : client.ListConsents(request);
      });
  if (!response.ok()) return Fail(command, response.status());
  return PrintConsents(verb, command, numbers, *response);
}

int RunReport(const CliFlags& flags, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return UsageError("report takes one JOB id (see the summary of dnc scrub)");
  }
  absl::StatusOr<v1::ScrubReport> report = WithTenantClient(
      flags, [&](TenantClient& client) { return client.GetReport(args[0]); });
  if (!report.ok()) return Fail("report", report.status());
  if (flags.json) {
    absl::StatusOr<std::string> json = FormatReportJson(*report);
    if (!json.ok()) return Fail("report", json.status());
    std::fputs(json->c_str(), stdout);
    if (json->empty() || json->back() != '\n') std::fputc('\n', stdout);
  } else {
    std::fputs(FormatReportText(*report).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace dnc::client::cli
