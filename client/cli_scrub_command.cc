// `dnc scrub INPUT`: scrubs a lead list into a new file (client/
// lead_list_file.h), prints the summary, then ties both files to the job so
// that `dnc report JOB` certifies them.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli_commands.h"
#include "client/lead_list_file.h"
#include "client/scrub_job.h"
#include "common/command_line.h"
#include "leadlist/job_names.h"
#include "leadlist/lead_list_summary.h"

namespace dnc::client::cli {

using leadlist::FormatLeadListSummary;
using leadlist::LeadListOptions;
using leadlist::LeadListResult;

namespace {

// The scrub's options from the flags: "" or the usage error.
std::string ReadScrubFlags(const CliFlags& flags, LeadListOptions* options,
                           leadlist::InputOptions* input) {
  options->column = flags.column;
  std::string bad = ReadHeaderFlag(flags, &options->header);
  if (!bad.empty()) return bad;
  bad = ReadInputFlags(flags, input);
  if (!bad.empty()) return bad;
  if (flags.chunk_rows < 1 || flags.window < 1) {
    return "--chunk_rows and --window must be at least 1";
  }
  options->chunk_rows = static_cast<size_t>(flags.chunk_rows);
  options->max_chunks_in_flight = static_cast<size_t>(flags.window);
  bad = ReadProgressFlag(flags, &options->progress);
  if (!bad.empty()) return bad;
  CallOptions call;
  bad = ReadCallFlags(flags, &call);
  if (!bad.empty()) return bad;
  options->purpose = call.purpose;
  options->now_unix_seconds = call.now_unix_seconds;
  options->subject = call.subject;
  options->job_id = flags.job;
  if (options->job_id.empty()) {
    options->job_id = GenerateJobId(absl::Now());
  } else if (!IsValidJobId(options->job_id)) {
    return absl::StrCat("--job '", options->job_id,
                        "' must be 1-64 letters, digits, '-', '_' or '.'");
  }
  return "";
}

// Records the files of the finished job with the server and prints their
// hashes and the certificate command to `report`.
int CertifyFiles(const ScrubClient& client, const LeadListResult& result,
                 const std::string& input, const std::string& output,
                 std::FILE* report) {
  absl::StatusOr<v1::JobFilesRequest> files =
      DescribeJobFiles(result.job_id, input, output, result.rows);
  absl::Status recorded = files.status();
  if (recorded.ok()) {
    absl::StatusOr<std::unique_ptr<TenantClient>> tenant =
        TenantClient::Create(client.options());
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
  absl::FPrintF(report, "certificate: dnc report %s\n", result.job_id);
  return kExitOk;
}

}  // namespace

int RunScrub(const CliFlags& flags, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return UsageError(args.empty()
                          ? "scrub needs an INPUT file (or '-' for stdin)"
                          : absl::StrCat("scrub takes one INPUT file, got ",
                                         args.size(), ": ",
                                         absl::StrJoin(args, " ")));
  }
  const std::string& input = args[0];
  LeadListOptions options;
  leadlist::InputOptions input_options;
  const std::string bad = ReadScrubFlags(flags, &options, &input_options);
  if (!bad.empty()) return UsageError(bad);
  const bool defaulted = flags.output.empty();
  const std::string output =
      defaulted ? leadlist::ScrubbedOutputName(input) : flags.output;

  absl::StatusOr<std::unique_ptr<ScrubClient>> client = MakeScrubClient(flags);
  if (!client.ok()) return Fail("scrub", client.status());
  absl::StatusOr<LeadListResult> result =
      ScrubLeadListFile(client->get(), input, output, options, input_options);
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
  return CertifyFiles(**client, *result, input, output, report);
}

}  // namespace dnc::client::cli
