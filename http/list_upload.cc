#include "http/list_upload.h"

#include <istream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dnc/v1/tenant.pb.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_summary.h"
#include "service/retry_after.h"
#include "service/tenant_service.h"

namespace dnc::http {
namespace {

// The upload's stream as the scrubber takes it (it owns its session): a
// handle that forwards to the upload's own, which Cancel can reach for as
// long as the upload lives.
class StreamRef final : public leadlist::ScrubStreamSession {
 public:
  explicit StreamRef(leadlist::ScrubStreamSession* stream) : stream_(stream) {}
  bool Write(const v1::ScrubRequest& request) override {
    return stream_->Write(request);
  }
  bool WritesDone() override { return stream_->WritesDone(); }
  bool Read(v1::ScrubResponse* response) override {
    return stream_->Read(response);
  }
  absl::Status Finish() override { return stream_->Finish(); }
  void Cancel() override { stream_->Cancel(); }

 private:
  leadlist::ScrubStreamSession* const stream_;
};

}  // namespace

ListUpload::ListUpload(ListUploadSpec spec, ListUploadContext context)
    : spec_(std::move(spec)),
      context_(context),
      pipe_([this] { Notify(); }),
      output_([this] { Notify(); }),
      stream_(context.calls, context.limits, context.tenant,
              [this](uint64_t entries) {
                absl::MutexLock lock(&mu_);
                rows_answered_ += entries;
                changed_.SignalAll();
              }) {
  {
    absl::MutexLock lock(&mu_);
    last_used_ = absl::Now();
  }
  thread_ = std::thread([this] { Run(); });
}

ListUpload::~ListUpload() {
  Cancel();
  if (thread_.joinable()) thread_.join();
}

void ListUpload::Notify() {
  absl::MutexLock lock(&mu_);
  changed_.SignalAll();
}

void ListUpload::Run() {
  std::istream raw(&pipe_);
  absl::StatusOr<std::unique_ptr<leadlist::LeadListInput>> input =
      leadlist::LeadListInput::Open(&raw, spec_.input);
  if (!input.ok()) {
    Finish(input.status());
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    format_ = (*input)->format();
    changed_.SignalAll();
  }
  absl::StatusOr<leadlist::LeadListResult> result;
  {
    leadlist::CsvWriter writer(output_.stream());
    output_.set_writer(&writer);
    leadlist::LeadListOptions options = spec_.scrub;
    options.observer = &output_;
    options.progress = false;
    result = leadlist::ScrubLeadList(
        (*input)->csv(), &writer,
        [this] { return std::make_unique<StreamRef>(&stream_); }, options);
    const absl::Status flushed = writer.Flush();
    if (result.ok() && !flushed.ok()) result = flushed;
    output_.set_writer(nullptr);
  }
  Finish(std::move(result));
}

void ListUpload::Finish(absl::StatusOr<leadlist::LeadListResult> result) {
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_ || !result.ok()) {
      if (!cancelled_) error_ = result.status();
      thread_done_ = true;
      changed_.SignalAll();
      return;
    }
  }
  ListSummary summary;
  summary.result = std::move(*result);
  summary.input_name = spec_.name;
  summary.output_name = spec_.output_name;
  summary.output_sha256 = output_.CleanedSha256();
  {
    absl::MutexLock lock(&mu_);
    // As ScrubLeadListFile: the reader's format, for the summary.
    if (format_.has_value()) summary.result.format = *format_;
    // The input is closed (the reader saw its end): its hash is complete.
    summary.input_sha256 = input_sha_.HexDigest();
  }
  summary.text = leadlist::FormatLeadListSummary(summary.result);
  const absl::Status recorded = RecordFiles(&summary);
  absl::MutexLock lock(&mu_);
  if (!recorded.ok()) summary.files_error = std::string(recorded.message());
  summary_ = std::move(summary);
  thread_done_ = true;
  changed_.SignalAll();
}

absl::Status ListUpload::RecordFiles(ListSummary* summary) const {
  const leadlist::LeadListResult& result = summary->result;
  if (result.rows == 0) {
    return absl::FailedPreconditionError(
        "the list has no data rows: nothing was scrubbed, so there is no job "
        "to certify");
  }
  if (context_.tenants == nullptr || context_.tenant == nullptr) {
    return absl::FailedPreconditionError(
        "this server keeps no tenants or audit (--auth=none): no "
        "certificate");
  }
  v1::JobFilesRequest files;
  files.set_job_id(result.job_id);
  files.set_input_name(summary->input_name);
  files.set_input_sha256(summary->input_sha256);
  files.set_input_rows(result.rows);
  files.set_output_name(summary->output_name);
  files.set_output_sha256(summary->output_sha256);
  files.set_output_rows(result.rows);
  const absl::Status status =
      context_.tenants->JobFiles(*context_.tenant, files);
  if (!status.ok()) {
    return absl::Status(
        status.code(),
        absl::StrCat("the list is scrubbed, but recording its files for the "
                     "certificate of job ",
                     result.job_id, " failed: ", status.message()));
  }
  summary->files_recorded = true;
  return absl::OkStatus();
}

bool ListUpload::Settled() const {
  if (thread_done_ || cancelled_) return true;
  // Waiting for bytes that have not come, with every answered row written:
  // nothing more happens until the next chunk.
  return pipe_.starved() && output_.rows() == rows_answered_;
}

ListProgress ListUpload::ProgressLocked() const {
  ListProgress progress;
  progress.bytes_received = bytes_received_;
  progress.rows_done = output_.rows();
  progress.format = format_;
  progress.column = output_.column();
  progress.counts = output_.counts();
  progress.done = summary_.has_value();
  return progress;
}

absl::Status ListUpload::Admit(uint64_t offset, size_t bytes, bool* end) {
  *end = false;
  if (cancelled_) return absl::CancelledError("the upload was cancelled");
  if (!error_.ok()) return error_;
  if (busy_) {
    return absl::AbortedError(
        "another chunk of this upload is being answered: send one chunk at a "
        "time, the next once the answer to the previous one has come");
  }
  if (offset != bytes_received_) {
    return absl::AbortedError(absl::StrCat(
        "offset ", offset,
        " is not where this upload stands: ", bytes_received_,
        " bytes were received, so send the chunk at offset=", bytes_received_));
  }
  if (final_ && bytes > 0) {
    return absl::AbortedError(absl::StrCat(
        "the final chunk was sent already (", bytes_received_,
        " bytes): send no more bytes; an empty chunk with final=1 fetches the "
        "rest of the answer"));
  }
  if (bytes > spec_.max_bytes - bytes_received_) {
    error_ = absl::OutOfRangeError(absl::StrCat(
        "the file is larger than the ", spec_.max_bytes,
        " bytes this server takes per upload (--max_upload_bytes): split the "
        "list into smaller files and upload each; this upload is over"));
    cancelled_ = true;
    *end = true;
    return error_;
  }
  const size_t buffered = pipe_.buffered();
  if (bytes > 0 && buffered > 0 &&
      buffered + bytes > spec_.max_buffered_bytes) {
    return service::RetryAfterError(
        absl::StrCat(buffered,
                     " bytes received earlier are not scrubbed yet: send this "
                     "chunk again (offset=",
                     bytes_received_, ") in 1 s; nothing of it was taken"),
        1);
  }
  return absl::OkStatus();
}

absl::StatusOr<ListProgress> ListUpload::Chunk(uint64_t offset,
                                               std::string body, bool final,
                                               absl::Duration wait) {
  const absl::Time deadline = absl::Now() + wait;
  mu_.Lock();
  last_used_ = absl::Now();
  bool end = false;
  const absl::Status admitted = Admit(offset, body.size(), &end);
  if (!admitted.ok()) {
    mu_.Unlock();
    if (end) {
      stream_.Cancel();
      pipe_.Cancel();
    }
    return admitted;
  }
  busy_ = true;
  input_sha_.Update(body);
  bytes_received_ += body.size();
  const bool close = final && !final_;
  if (close) final_ = true;
  // The pipe calls Notify, which takes mu_.
  mu_.Unlock();
  pipe_.Append(std::move(body));
  if (close) pipe_.Close();
  mu_.Lock();
  while (!Settled() && absl::Now() < deadline) {
    changed_.WaitWithDeadline(&mu_, deadline);
  }
  busy_ = false;
  last_used_ = absl::Now();
  absl::StatusOr<ListProgress> answer;
  if (cancelled_) {
    answer = absl::CancelledError("the upload was cancelled");
  } else if (!error_.ok()) {
    answer = error_;
  } else {
    ListProgress progress = ProgressLocked();
    progress.output = output_.Take();
    if (progress.done) {
      progress.summary = summary_;
      answered_done_ = true;
    }
    answer = std::move(progress);
  }
  mu_.Unlock();
  return answer;
}

absl::StatusOr<ListProgress> ListUpload::Progress() const {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return absl::CancelledError("the upload was cancelled");
  if (!error_.ok()) return error_;
  return ProgressLocked();
}

bool ListUpload::Cancel() {
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_ || answered_done_ || !error_.ok()) return false;
    if (summary_.has_value()) return false;  // Done: its files are recorded.
    cancelled_ = true;
    changed_.SignalAll();
  }
  stream_.Cancel();
  pipe_.Cancel();
  return true;
}

bool ListUpload::over() const {
  absl::MutexLock lock(&mu_);
  return cancelled_ || answered_done_ || !error_.ok();
}

bool ListUpload::finished() const {
  absl::MutexLock lock(&mu_);
  return thread_done_;
}

absl::Time ListUpload::last_used() const {
  absl::MutexLock lock(&mu_);
  return last_used_;
}

}  // namespace dnc::http
