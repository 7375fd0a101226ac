// Internal to leadlist/: the ScrubStream pipeline of a lead-list
// scrub (ScrubLeadList, leadlist/lead_list_scrubber.h). Rows stream through
// the session in chunks of LeadListOptions::chunk_rows with at most
// max_chunks_in_flight chunks sent and not yet answered: the calling thread
// reads rows, sends chunks and keeps the window; one writer thread receives
// the answers in order, checks each against its chunk (sequence, ids) and
// writes the answered rows. Memory stays bounded for any input size.
// Thread-safety: StreamLeadList is thread-safe (it shares no state).
#ifndef DNC_LEADLIST_LEAD_LIST_STREAM_H_
#define DNC_LEADLIST_LEAD_LIST_STREAM_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_scrubber.h"
#include "leadlist/list_reader.h"
#include "leadlist/scrub_stream_session.h"
#include "leadlist/scrubbed_columns.h"

namespace dnc::leadlist {

// What the pipeline counted; complete once StreamLeadList returns OK.
struct LeadListTally {
  uint64_t rows = 0;
  uint64_t ragged_rows = 0;  // Field count differs from layout.width.
  uint64_t callable = 0;
  uint64_t not_callable = 0;
  uint64_t callable_now = 0;
  uint64_t window_unknown = 0;
  uint64_t damaged_numbers = 0;  // Phone cells in scientific notation.
  std::map<int, uint64_t> by_disposition;
  std::set<SnapshotInfo> snapshots;
  std::string job_id;  // The server's echo of the first answer.
};

// What one run streams, and how.
struct LeadListStreamPlan {
  const LeadListOptions* options = nullptr;  // Must outlive the call.
  OutputLayout layout;
  size_t phone_column = 0;  // 0-based.
  absl::Time start;         // Of the scrub, for the progress rate.
};

// Streams the data rows of `list` through `session` and writes every
// answered row to `writer` (layout as in leadlist/scrubbed_columns.h);
// prints progress lines when plan.options asks, the last one on success.
// Errors: the reader's, the stream's status (e.g. Unavailable "cannot
// reach ..."), Unavailable (the stream ended or broke early), Internal (an
// answer that does not match its chunk), DataLoss (writing). On error the
// output is incomplete.
absl::Status StreamLeadList(const LeadListStreamPlan& plan, ListReader* list,
                            ScrubStreamSession* session, CsvWriter* writer,
                            LeadListTally* tally);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_LEAD_LIST_STREAM_H_
