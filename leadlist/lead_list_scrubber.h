// Scrubs a CSV lead list against dnc-server: every input row comes out, in
// input order, with six columns appended:
//   dnc_disposition  CALLABLE, BLOCKED, ..., MALFORMED (an unknown value as
//                    its number, counted as not callable)
//   dnc_callable     yes / no
//   dnc_e164         +12025551234, or empty when no number could be read
//   dnc_reason       e.g. "us-ftc g000001 as of 2026-11-20"; several joined
//                    with "; "
//   dnc_window       the number's calling window in its presumed local time,
//                    "08:00-21:00 America/New_York", or "unknown"
//   dnc_callable_now yes when callable AND the window is open at "now"
//
// Every request of one list carries the job id, the purpose and "now" of
// LeadListOptions, and its chunk's sequence (1, 2, ...), so the server audits
// the list as one job whose certificate is `dnc report JOB`.
//
// The phone column and the header row are found as leadlist/phone_column.h
// says (LeadListOptions::column and ::header override); without a header no
// header is written either. Fully blank lines are skipped and counted.
//
// Rows stream through ScrubStream in chunks with a bounded window of chunks
// in flight (leadlist/lead_list_stream.h), so memory stays bounded for any
// file size. A row whose field count differs from the header's is still
// passed through and counted as ragged; the dnc columns line up under their
// header, and an input scrubbed before has its dnc_* columns replaced
// rather than appended again (leadlist/scrubbed_columns.h).
//
// The file front end (temporary output renamed into place) is
// client/lead_list_file.h; the summary text leadlist/lead_list_summary.h.
//
// Thread-safety: thread-safe (functions share no state).
#ifndef DNC_LEADLIST_LEAD_LIST_SCRUBBER_H_
#define DNC_LEADLIST_LEAD_LIST_SCRUBBER_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_input.h"
#include "leadlist/phone_column.h"
#include "leadlist/scrub_stream_session.h"

namespace dnc::leadlist {

struct CellVerdict;

// Sees a scrub's output as it is written, for a caller that splits or
// streams it (dnc-server's list uploads, http/list_output.h). Called on the
// threads that write: OnHead once, before any data row; OnRow after each
// data row has gone to the writer.
class LeadListObserver {
 public:
  virtual ~LeadListObserver() = default;
  // The phone column is found and the header row, if any, written.
  virtual void OnHead(const PhoneColumn& column, bool had_header) = 0;
  // One data row is written; `verdict` is its answer.
  virtual void OnRow(const CellVerdict& verdict) = 0;
};

struct LeadListOptions {
  // Header name, or 1-based column index ("3" = third column); empty means
  // find it by header name, then by content.
  std::string column;
  HeaderMode header = HeaderMode::kAuto;
  // Rows per ScrubStream request. ScrubLeadListFile lowers it to the
  // server's max_batch_entries.
  size_t chunk_rows = 5000;
  // Requests sent and not yet answered and written.
  size_t max_chunks_in_flight = 6;
  // Rows looked at to find the phone column by content.
  size_t detect_rows = 100;
  // Progress lines ("\r1,234,000 rows  512,000 rows/s") on progress_out,
  // which must outlive the call.
  bool progress = false;
  std::FILE* progress_out = stderr;
  absl::Duration progress_interval = absl::Milliseconds(500);
  // Sent with every request (see scrub.proto).
  std::string job_id;            // Empty: each batch a job of its own.
  int purpose = 0;               // dnc.v1.CallPurpose; 0 = tenant default.
  int64_t now_unix_seconds = 0;  // 0 = the server's clock.
  std::string subject;           // The campaign, for the call-frequency caps.
  // Optional; must outlive the call.
  LeadListObserver* observer = nullptr;
};

struct LeadListResult {
  uint64_t rows = 0;         // Data rows scrubbed (not the header).
  uint64_t ragged_rows = 0;  // Field count differs from the header's.
  uint64_t blank_lines = 0;  // Skipped.
  uint64_t callable = 0;
  uint64_t not_callable = 0;
  uint64_t callable_now = 0;    // Callable and inside calling hours.
  uint64_t window_unknown = 0;  // Rows whose calling window is unknown.
  // Phone cells a spreadsheet turned into scientific notation (2.02546E+09):
  // never callable, flagged in dnc_reason (leadlist/spreadsheet_cells.h).
  uint64_t damaged_numbers = 0;
  // How the input was read. ScrubLeadList does not fill it (it sees only
  // the CsvReader): the caller that opened the LeadListInput copies its
  // format() here.
  InputFormat format;
  std::map<int, uint64_t> by_disposition;  // Wire value -> rows.
  std::string job_id;  // As the server audited it (its echo), else asked.
  std::vector<SnapshotInfo> snapshots;  // Every snapshot consulted.
  bool had_header = false;
  // The input's header already ended with the dnc_* columns (it was
  // scrubbed before); they were replaced, not appended again.
  bool replaced_dnc_columns = false;
  size_t header_width = 0;
  PhoneColumn column;
  size_t chunk_rows = 0;  // As used.
  double elapsed_seconds = 0;
  double rows_per_second = 0;
};

// Streams `reader` -> ScrubStream sessions made by `open_session` (called
// once, after the phone column is found) -> `writer`. Errors:
// InvalidArgument (no phone column; bad CSV), the stream's status (e.g.
// Unavailable "cannot reach ..."), Internal (a response that does not match
// its request), DataLoss (writing). On error the output is incomplete.
absl::StatusOr<LeadListResult> ScrubLeadList(
    CsvReader* reader, CsvWriter* writer,
    const std::function<std::unique_ptr<ScrubStreamSession>()>& open_session,
    const LeadListOptions& options);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_LEAD_LIST_SCRUBBER_H_
