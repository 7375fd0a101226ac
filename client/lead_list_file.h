// The file front end of a lead-list scrub (`dnc scrub`): paths in, the
// scrubbed file out, never a partial file that looks finished. The scrub
// itself is ScrubLeadList (leadlist/lead_list_scrubber.h).
// Thread-safety: thread-safe (functions share no state).
#ifndef DNC_CLIENT_LEAD_LIST_FILE_H_
#define DNC_CLIENT_LEAD_LIST_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/scrub_client.h"
#include "leadlist/lead_list_scrubber.h"

namespace dnc::client {

// Scrubs the file `input_path` ("-" for stdin) into `output_path` ("-" for
// stdout). A file output is written beside it under a temporary name and
// renamed into place on success, so a failed scrub never leaves a partial
// file that looks finished. Asks the server's Status first (fails fast when
// it is unreachable) and lowers chunk_rows to its max_batch_entries.
// Errors: InvalidArgument (output is the input file), NotFound (input
// missing), PermissionDenied (the output cannot be created), DataLoss
// (closing or renaming the output), the errors of ScrubLeadList.
absl::StatusOr<leadlist::LeadListResult> ScrubLeadListFile(
    ScrubClient* client, const std::string& input_path,
    const std::string& output_path, leadlist::LeadListOptions options,
    leadlist::InputOptions input = {});

}  // namespace dnc::client

#endif  // DNC_CLIENT_LEAD_LIST_FILE_H_
