// The names a list scrub gives what it makes, the same wherever it runs
// (`dnc scrub`, dnc-server's list uploads): a job id when none is given, and
// the cleaned file's default name.
// Thread-safety: thread-safe.
#ifndef DNC_LEADLIST_JOB_NAMES_H_
#define DNC_LEADLIST_JOB_NAMES_H_

#include <string>

#include "absl/time/time.h"

namespace dnc::leadlist {

// "job-YYYYMMDDTHHMMSSZ-<8 random hex digits>" for `now` (UTC).
std::string GenerateJobId(absl::Time now);

// INPUT.scrubbed.csv, a ".csv", ".txt", ".tsv", ".xlsx" or ".xlsm" suffix
// (any case) replaced; "-" (stdin) stays "-".
std::string ScrubbedOutputName(const std::string& input);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_JOB_NAMES_H_
