// `dnc optout add|remove|check NUMBER...` and `dnc optout import FILE`: the
// tenant's internal do-not-call list (TenantService opt-out calls).
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli_commands.h"
#include "client/opt_out_import.h"
#include "client/report_format.h"
#include "common/command_line.h"
#include "common/phone_number.h"
#include "dnc/v1/tenant.pb.h"
#include "leadlist/text_format.h"

namespace dnc::client::cli {

using leadlist::FormatCount;
using leadlist::FormatTable;

namespace {

// What one answered number's state says, as the table's last column.
std::string DescribeOptOut(const v1::OptOutResponse& response, int i) {
  const int state = response.states(i);
  const std::string added =
      i < response.added_date_size() ? response.added_date(i) : "";
  const std::string detail =
      i < response.detail_size() ? response.detail(i) : "";
  if (state == v1::REJECTED)
    return detail.empty() ? "not a valid number" : detail;
  if (!added.empty()) return absl::StrCat("on the list since ", added);
  return state == v1::REMOVED ? "taken off the list" : "not on the list";
}

// Prints one line per number and the list's size; the exit code.
int PrintOptOuts(const std::string& verb, const std::string& command,
                 const std::vector<std::string>& numbers,
                 const v1::OptOutResponse& response) {
  std::vector<std::vector<std::string>> rows;
  bool any_listed = false;
  bool any_rejected = false;
  for (int i = 0; i < response.states_size(); ++i) {
    const int state = response.states(i);
    const uint64_t e164 = i < response.e164_size() ? response.e164(i) : 0;
    if (state == v1::REJECTED) any_rejected = true;
    if (state == v1::ALREADY_LISTED || (state == v1::ADDED && verb != "add")) {
      any_listed = true;
    }
    rows.push_back({numbers[static_cast<size_t>(i)],
                    e164 != 0 ? FormatE164(e164) : "-", OptOutStateName(state),
                    DescribeOptOut(response, i)});
  }
  std::fputs(FormatTable(rows).c_str(), stdout);
  if (verb != "check") {
    absl::PrintF("The internal list holds %s %s.\n",
                 FormatCount(response.list_size()),
                 response.list_size() == 1 ? "number" : "numbers");
  }
  if (any_rejected) {
    absl::FPrintF(stderr, "dnc %s: some numbers were rejected (see above)\n",
                  command);
  }
  if (verb == "check" && any_listed) return kExitNotCallable;
  return any_rejected ? kExitError : kExitOk;
}

// optout add|remove|check NUMBER...: one call, numbers as typed.
int RunOptOutNumbers(const CliFlags& flags, const std::string& verb,
                     const std::vector<std::string>& numbers) {
  const std::string command = absl::StrCat("optout ", verb);
  if (numbers.empty()) {
    return UsageError(absl::StrCat(command, " needs at least one NUMBER"));
  }
  v1::OptOutRequest request;
  for (const std::string& number : numbers) request.add_raw(number);
  if (verb == "add") {
    const std::string bad = CheckDateFlag(flags);
    if (!bad.empty()) return UsageError(bad);
    request.set_date(flags.date);
    request.set_note(flags.note);
  }
  absl::StatusOr<v1::OptOutResponse> response =
      WithTenantClient(flags, [&](TenantClient& client) {
        return verb == "add"      ? client.AddOptOuts(request)
               : verb == "remove" ? client.RemoveOptOuts(request)
                                  : client.CheckOptOuts(request);
      });
  if (!response.ok()) return Fail(command, response.status());
  if (response->states_size() != static_cast<int>(numbers.size())) {
    return Fail(command, absl::InternalError(absl::StrCat(
                             "the server answered ", response->states_size(),
                             " states for ", numbers.size(), " numbers")));
  }
  return PrintOptOuts(verb, command, numbers, *response);
}

int RunOptOutImport(const CliFlags& flags,
                    const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return UsageError("optout import takes one FILE (or '-' for stdin)");
  }
  OptOutImportOptions options;
  options.column = flags.column;
  std::string bad = ReadHeaderFlag(flags, &options.header);
  if (bad.empty()) bad = ReadInputFlags(flags, &options.input);
  if (bad.empty()) bad = CheckDateFlag(flags);
  if (bad.empty()) bad = ReadProgressFlag(flags, &options.progress);
  if (!bad.empty()) return UsageError(bad);
  options.note = flags.note;
  options.date = flags.date;
  options.on_reject = [](const std::string& line) {
    absl::FPrintF(stderr, "%s\n", line);
  };
  absl::StatusOr<OptOutImportResult> result =
      WithTenantClient(flags, [&](TenantClient& client) {
        return ImportOptOutsFile(&client, args[0], options);
      });
  if (!result.ok()) return Fail("optout import", result.status());
  std::fputs(FormatOptOutImportSummary(*result, args[0]).c_str(), stdout);
  return kExitOk;
}

}  // namespace

int RunOptOut(const CliFlags& flags, const std::vector<std::string>& args) {
  if (args.empty()) {
    return UsageError("optout needs a verb: add, remove, check or import");
  }
  const std::string& verb = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (verb == "add" || verb == "remove" || verb == "check") {
    return RunOptOutNumbers(flags, verb, rest);
  }
  if (verb == "import") return RunOptOutImport(flags, rest);
  return UsageError(absl::StrCat("unknown optout verb '", verb,
                                 "' (add, remove, check, import)"));
}

}  // namespace dnc::client::cli
