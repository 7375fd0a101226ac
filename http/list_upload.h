// ListUpload: one lead-list upload (docs/http-lists.md). The raw bytes
// arrive in chunks (Chunk) into a BytePipe (http/byte_pipe.h); a thread of
// the upload's own runs the SAME ScrubLeadList `dnc scrub` runs
// (leadlist/lead_list_scrubber.h), with the same options and batch rule,
// reading them through the one list reader (leadlist/lead_list_input.h),
// answering each batch through the call layer for the upload's tenant
// (CallLayerStream, http/list_scrub_stream.h) and writing into a ListOutput
// (http/list_output.h), which splits the rows into the cleaned, callable-only
// and removed-only files. So the cleaned bytes, the job's batches and their
// hashes are those `dnc scrub` produces for the same file and options.
//
// When the input is complete and scrubbed, the upload records the job's
// files as `dnc scrub` does (TenantServiceImpl::JobFiles: the name given,
// the SHA-256 of the raw bytes received, the rows; the output's default
// name and the SHA-256 of the cleaned bytes), so the job's certificate
// names them. A cancelled or failed upload records nothing.
//
// Nothing here knows HTTP (http/list_routes.cc does) or ids and expiry
// (http/list_uploads.h).
//
// Ownership: owns its thread, pipe and output; borrows what ListUploadContext
// names, which must outlive it.
// Thread-safety: thread-safe; one Chunk at a time (a second one at once is
// refused).
#ifndef DNC_HTTP_LIST_UPLOAD_H_
#define DNC_HTTP_LIST_UPLOAD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/sha256.h"
#include "http/byte_pipe.h"
#include "http/list_output.h"
#include "http/list_scrub_stream.h"
#include "leadlist/lead_list_input.h"
#include "leadlist/lead_list_scrubber.h"
#include "leadlist/phone_column.h"
#include "service/call_limits.h"
#include "service/scrub_call.h"

namespace dnc::service {
class TenantServiceImpl;
}  // namespace dnc::service

namespace dnc::http {

// What one upload scrubs, and how: as `dnc scrub` would be asked.
struct ListUploadSpec {
  std::string name;         // The file's name as given ("leads.csv").
  std::string output_name;  // The CLI's default output name for it.
  leadlist::InputOptions input;
  // Column, header, job id, purpose and now; chunk_rows already lowered to
  // the server's max_batch_entries.
  leadlist::LeadListOptions scrub;
  uint64_t max_bytes = 0;  // Most raw bytes the upload takes.
  // Most bytes received and not yet read by the scrub; a chunk beyond it
  // is refused (send it again once the scrub caught up).
  uint64_t max_buffered_bytes = 8u << 20;
};

// What an upload borrows.
struct ListUploadContext {
  const service::ScrubCalls* calls = nullptr;
  service::CallLimits* limits = nullptr;                // nullptr = none.
  const service::TenantServiceImpl* tenants = nullptr;  // nullptr = no files.
  const tenant::Tenant* tenant = nullptr;  // nullptr only with --auth=none.
};

// The end of a scrubbed upload: the scrub's result and the files' record.
struct ListSummary {
  leadlist::LeadListResult result;
  std::string input_name;
  std::string input_sha256;
  std::string output_name;
  std::string output_sha256;
  std::string text;  // What `dnc scrub` prints (FormatLeadListSummary).
  // Whether the job's files were recorded; why not when they could not be
  // (no rows: no job; a server without tenants; the store's error).
  bool files_recorded = false;
  std::string files_error;
};

// What an answer says about an upload.
struct ListProgress {
  bool done = false;  // Scrubbed, summary ready; else still scrubbing.
  uint64_t bytes_received = 0;
  uint64_t rows_done = 0;
  std::optional<leadlist::InputFormat> format;  // Once the reader knows.
  std::optional<leadlist::PhoneColumn> column;  // Once found.
  std::map<std::string, uint64_t> counts;       // By disposition name.
  ListOutput::Bytes output;            // Produced since the last Chunk answer.
  std::optional<ListSummary> summary;  // When done.
};

class ListUpload {
 public:
  // Starts the scrub thread (it waits for the first bytes).
  ListUpload(ListUploadSpec spec, ListUploadContext context);
  ListUpload(const ListUpload&) = delete;
  ListUpload& operator=(const ListUpload&) = delete;
  // Cancels (unless over) and joins the thread.
  ~ListUpload();

  // Appends `body` at `offset` (`final`: the input ends after it; an empty
  // body is allowed, e.g. to fetch what the scrub did since), waits up to
  // `wait` until the scrub has read all it can and written every row
  // answered (or until it is over), and answers the output produced since
  // the last answer. Errors, after which the upload goes on: Aborted
  // (offset is not the bytes received so far: the message names the
  // expected offset; bytes after the final chunk; another chunk of this
  // upload is being answered), ResourceExhausted with a retry time (too
  // much received is not scrubbed yet: send this chunk again). Errors that
  // end it (over() is then true): OutOfRange (more than spec.max_bytes), the
  // scrub's error (InvalidArgument for the file: bad CSV or format, no phone
  // column, naming the line or value; the call layer's errors).
  absl::StatusOr<ListProgress> Chunk(uint64_t offset, std::string body,
                                     bool final, absl::Duration wait)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The progress without output (nothing is taken). Errors: the scrub's,
  // as for Chunk.
  absl::StatusOr<ListProgress> Progress() const ABSL_LOCKS_EXCLUDED(mu_);

  // Stops the scrub (promptly: the thread ends at its next read or batch);
  // nothing is recorded. False if the upload was already over (its files
  // may be recorded).
  bool Cancel() ABSL_LOCKS_EXCLUDED(mu_);

  // Done and answered, failed, or cancelled: nothing more will come.
  bool over() const ABSL_LOCKS_EXCLUDED(mu_);
  // The thread has ended (destroying the upload does not wait).
  bool finished() const ABSL_LOCKS_EXCLUDED(mu_);
  absl::Time last_used() const ABSL_LOCKS_EXCLUDED(mu_);
  const ListUploadSpec& spec() const { return spec_; }

 private:
  void Run();
  // The scrub's end: the summary (and the files recorded) or the error.
  void Finish(absl::StatusOr<leadlist::LeadListResult> result);
  // Records the job's files; what went wrong otherwise.
  absl::Status RecordFiles(ListSummary* summary) const;
  void Notify() ABSL_LOCKS_EXCLUDED(mu_);
  bool Settled() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether a chunk of `bytes` at `offset` is taken (Chunk's errors); *end
  // when the refusal ends the upload (then cancelled).
  absl::Status Admit(uint64_t offset, size_t bytes, bool* end)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ListProgress ProgressLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ListUploadSpec spec_;
  const ListUploadContext context_;
  BytePipe pipe_;
  ListOutput output_;
  CallLayerStream stream_;

  mutable absl::Mutex mu_;
  absl::CondVar changed_;  // Pipe, output, stream or state changed.
  uint64_t bytes_received_ ABSL_GUARDED_BY(mu_) = 0;
  Sha256 input_sha_ ABSL_GUARDED_BY(mu_);
  uint64_t rows_answered_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<leadlist::InputFormat> format_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;  // A Chunk is being answered.
  bool final_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool thread_done_ ABSL_GUARDED_BY(mu_) = false;
  bool answered_done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::optional<ListSummary> summary_ ABSL_GUARDED_BY(mu_);
  absl::Time last_used_ ABSL_GUARDED_BY(mu_);

  std::thread thread_;  // Last: started once everything else is built.
};

}  // namespace dnc::http

#endif  // DNC_HTTP_LIST_UPLOAD_H_
