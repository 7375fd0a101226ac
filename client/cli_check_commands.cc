// `dnc check` and `dnc status`: the ScrubService calls a person makes by
// hand, printed as tables.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli_commands.h"
#include "common/command_line.h"
#include "common/phone_number.h"
#include "leadlist/text_format.h"

namespace dnc::client::cli {

using leadlist::FormatCount;
using leadlist::FormatTable;

namespace {

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

// One row of the sources table, and a warning for each stale source.
void PrintSources(const std::vector<SourceInfo>& sources) {
  std::vector<std::vector<std::string>> rows = {
      {"SOURCE", "JURISDICTION", "GENERATION", "AS-OF", "AGE", "DEADLINE",
       "NUMBERS", "STATE"}};
  for (const SourceInfo& source : sources) {
    rows.push_back(
        {source.snapshot.source, source.snapshot.jurisdiction,
         source.snapshot.generation, source.snapshot.as_of,
         absl::StrCat(source.age_days, "/", source.max_age_days, " d"),
         source.deadline, FormatCount(source.number_count),
         source.stale ? "STALE" : "ok"});
  }
  std::fputs(FormatTable(rows).c_str(), stdout);
  for (const SourceInfo& source : sources) {
    if (!source.stale) continue;
    absl::PrintF(
        "STALE: %s (%s) copy as of %s is %d days old, past its %d-day window "
        "(deadline %s): its unlisted numbers answer STALE until a newer copy "
        "is loaded.\n",
        source.snapshot.source, source.snapshot.jurisdiction,
        source.snapshot.as_of, source.age_days, source.max_age_days,
        source.deadline);
  }
}

}  // namespace

int RunCheck(const CliFlags& flags, const std::vector<std::string>& numbers) {
  if (numbers.empty()) return UsageError("check needs at least one NUMBER");
  CallOptions call;
  const std::string bad = ReadCallFlags(flags, &call);
  if (!bad.empty()) return UsageError(bad);
  absl::StatusOr<std::unique_ptr<ScrubClient>> client = MakeScrubClient(flags);
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

int RunStatus(const CliFlags& flags, const std::vector<std::string>& args) {
  if (!args.empty()) {
    return UsageError(absl::StrCat("status takes no arguments, got: ",
                                   absl::StrJoin(args, " ")));
  }
  absl::StatusOr<std::unique_ptr<ScrubClient>> client = MakeScrubClient(flags);
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
  PrintSources(status->sources);
  return kExitOk;
}

}  // namespace dnc::client::cli
