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
// The phone column is found by header name (phone, phone_number, telephone,
// tel, mobile, cell, number, contact number, ...: case, spaces and
// punctuation ignored), else by content (the column where most of the first
// rows read as phone numbers); LeadListOptions::column overrides both. The
// first row is taken as a header unless it holds a phone number (or
// LeadListOptions::header says otherwise); without a header no header is
// written either.
//
// Rows stream through ScrubStream in chunks with a bounded window of chunks
// in flight (the calling thread reads and sends, one writer thread receives
// and writes), so memory stays bounded for any file size. A row whose field
// count differs from the header's is still passed through and counted as
// ragged: a short row is padded with empty fields so the dnc columns line up
// under their header; a long row keeps its extra fields after the dnc
// columns. Fully blank lines are skipped and counted. An input whose header
// ends with the six dnc_* columns (a file scrubbed before; or the four of
// an older version) has them replaced rather than appended again, so
// re-scrubbing keeps the file's shape.
//
// Thread-safety: thread-safe (functions share no state).
#ifndef DNC_CLIENT_LEAD_LIST_SCRUBBER_H_
#define DNC_CLIENT_LEAD_LIST_SCRUBBER_H_

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
#include "client/csv.h"
#include "client/scrub_client.h"

namespace dnc::client {

inline constexpr char kDispositionColumn[] = "dnc_disposition";
inline constexpr char kCallableColumn[] = "dnc_callable";
inline constexpr char kE164Column[] = "dnc_e164";
inline constexpr char kReasonColumn[] = "dnc_reason";
inline constexpr char kWindowColumn[] = "dnc_window";
inline constexpr char kCallableNowColumn[] = "dnc_callable_now";

enum class HeaderMode { kAuto, kPresent, kAbsent };

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
};

// The column numbers are read from.
struct PhoneColumn {
  size_t index = 0;  // 0-based.
  std::string name;  // The header cell, or "column N" without a header.
  std::string how;   // "--column", "header name" or "content".
};

struct LeadListResult {
  uint64_t rows = 0;         // Data rows scrubbed (not the header).
  uint64_t ragged_rows = 0;  // Field count differs from the header's.
  uint64_t blank_lines = 0;  // Skipped.
  uint64_t callable = 0;
  uint64_t not_callable = 0;
  uint64_t callable_now = 0;    // Callable and inside calling hours.
  uint64_t window_unknown = 0;  // Rows whose calling window is unknown.
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

// 1234567 -> "1,234,567".
std::string FormatCount(uint64_t n);

// Lowercases ASCII and drops everything but letters and digits:
// "Phone Number" -> "phonenumber", "TEL." -> "tel".
std::string NormalizeHeaderName(std::string_view name);

// True unless the row holds a cell that reads as a phone number (and no
// cell is a known phone header name).
bool LooksLikeHeader(const std::vector<std::string>& first_row);

// Picks the phone column. `header` is nullptr when the input has none;
// `sample` holds the first data rows; `column_flag` is LeadListOptions::column.
// Errors: InvalidArgument naming the header (or the flag) when no column
// fits.
absl::StatusOr<PhoneColumn> FindPhoneColumn(
    const std::vector<std::string>* header,
    const std::vector<std::vector<std::string>>& sample,
    std::string_view column_flag, size_t width);

// Streams `reader` -> ScrubStream sessions made by `open_session` (called
// once, after the phone column is found) -> `writer`. Errors:
// InvalidArgument (no phone column; bad CSV), the stream's status (e.g.
// Unavailable "cannot reach ..."), Internal (a response that does not match
// its request), DataLoss (writing). On error the output is incomplete.
absl::StatusOr<LeadListResult> ScrubLeadList(
    CsvReader* reader, CsvWriter* writer,
    const std::function<std::unique_ptr<ScrubStreamSession>()>& open_session,
    const LeadListOptions& options);

// Scrubs the file `input_path` ("-" for stdin) into `output_path` ("-" for
// stdout). A file output is written beside it under a temporary name and
// renamed into place on success, so a failed scrub never leaves a partial
// file that looks finished. Asks the server's Status first (fails fast when
// it is unreachable) and lowers chunk_rows to its max_batch_entries.
// Errors: InvalidArgument (output is the input file), NotFound (input
// missing), the errors of ScrubLeadList.
absl::StatusOr<LeadListResult> ScrubLeadListFile(ScrubClient* client,
                                                 const std::string& input_path,
                                                 const std::string& output_path,
                                                 LeadListOptions options);

// A human-readable summary: rows, time and rate, the phone column, counts and
// percentages by disposition, ragged/blank rows and the snapshots used.
std::string FormatLeadListSummary(const LeadListResult& result);

}  // namespace dnc::client

#endif  // DNC_CLIENT_LEAD_LIST_SCRUBBER_H_
