#include "client/scrub_job.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"

namespace dnc::client {

bool IsValidJobId(std::string_view job_id) {
  if (job_id.empty() || job_id.size() > 64) return false;
  for (const char c : job_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<int64_t> ParseNowFlag(std::string_view text) {
  const absl::string_view view(text.data(), text.size());
  int64_t seconds = 0;
  if (absl::SimpleAtoi(view, &seconds) && seconds > 0) return seconds;
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, view, &time, &error)) {
    return absl::ToUnixSeconds(time);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--now '", view,
                   "' is neither RFC 3339 (2026-11-23T14:05:00Z, "
                   "2026-11-23T09:05:00-05:00) nor unix seconds"));
}

absl::StatusOr<v1::JobFilesRequest> DescribeJobFiles(
    std::string_view job_id, const std::string& input_path,
    const std::string& output_path, uint64_t rows) {
  v1::JobFilesRequest files;
  files.set_job_id(std::string(job_id));
  files.set_input_name(input_path);
  files.set_input_rows(rows);
  files.set_output_name(output_path);
  files.set_output_rows(rows);
  if (input_path != "-") {
    absl::StatusOr<std::string> sha = Sha256OfFile(input_path);
    if (!sha.ok()) return sha.status();
    files.set_input_sha256(*sha);
  }
  if (output_path != "-") {
    absl::StatusOr<std::string> sha = Sha256OfFile(output_path);
    if (!sha.ok()) return sha.status();
    files.set_output_sha256(*sha);
  }
  return files;
}

}  // namespace dnc::client
