// The job side of a list scrub: job ids (generated or checked), the "now" a
// caller may set for calling windows, and the description of the input and
// output files (names, rows, SHA-256 of their bytes) that the client
// attaches to the job with TenantService.RecordJobFiles, so the certificate
// (`dnc report JOB`) ties the server's audit records to the files on disk.
// Thread-safety: thread-safe.
#ifndef DNC_CLIENT_SCRUB_JOB_H_
#define DNC_CLIENT_SCRUB_JOB_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dnc/v1/tenant.pb.h"
#include "leadlist/job_names.h"

namespace dnc::client {

// "job-YYYYMMDDTHHMMSSZ-<8 random hex digits>" for `now` (UTC): the rule
// dnc-server's list uploads follow too (leadlist/job_names.h).
using leadlist::GenerateJobId;

// Letters, digits, '-', '_', '.'; 1 to 64 characters (scrub.proto).
bool IsValidJobId(std::string_view job_id);

// "2026-11-23T14:05:00Z" (RFC 3339, any offset) or unix seconds
// ("1795442700") -> unix seconds. Errors: InvalidArgument naming the text.
absl::StatusOr<int64_t> ParseNowFlag(std::string_view text);

// The files of a finished scrub: names as given, rows = data rows scrubbed
// (the same for input and output), SHA-256 of each file's bytes. A side
// that is a stream ("-", stdin/stdout) cannot be read again: its name is
// "-" and its hash is left empty. Errors: those of Sha256OfFile (naming the
// path). REQUIRES: the output file is complete (renamed into place).
absl::StatusOr<v1::JobFilesRequest> DescribeJobFiles(
    std::string_view job_id, const std::string& input_path,
    const std::string& output_path, uint64_t rows);

}  // namespace dnc::client

#endif  // DNC_CLIENT_SCRUB_JOB_H_
