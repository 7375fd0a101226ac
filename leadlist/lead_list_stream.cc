#include "leadlist/lead_list_stream.h"

#include <deque>
#include <memory>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "dnc/v1/scrub.pb.h"
#include "leadlist/row_block.h"
#include "leadlist/scrub_mapping.h"
#include "leadlist/spreadsheet_cells.h"
#include "leadlist/text_format.h"

namespace dnc::leadlist {
namespace {

struct Chunk {
  RowBlock rows;
  uint64_t sequence = 0;
  uint64_t first_id = 0;
  std::vector<uint32_t> entry_of_cell;
  // Per row: the phone cell is a number a spreadsheet turned into
  // scientific notation (leadlist/spreadsheet_cells.h).
  std::vector<bool> damaged;
};

// "\r1,234,000 rows scrubbed  512,000 rows/s" on options.progress_out, at
// most once per progress_interval, and a final line.
class Progress {
 public:
  Progress(const LeadListOptions& options, absl::Time start)
      : options_(options), start_(start), last_(start) {}
  // Ends a progress line left open by an early return.
  ~Progress() {
    if (open_line_) std::fputc('\n', options_.progress_out);
  }
  void Update(uint64_t rows, bool final_line) {
    if (!options_.progress || options_.progress_out == nullptr) return;
    const absl::Time now = absl::Now();
    if (!final_line && now - last_ < options_.progress_interval) return;
    last_ = now;
    const double seconds = absl::ToDoubleSeconds(now - start_);
    const uint64_t rate =
        seconds > 0 ? static_cast<uint64_t>(static_cast<double>(rows) / seconds)
                    : 0;
    absl::FPrintF(options_.progress_out, "\r%s rows scrubbed  %s rows/s   %s",
                  FormatCount(rows), FormatCount(rate), final_line ? "\n" : "");
    std::fflush(options_.progress_out);
    open_line_ = !final_line;
  }

 private:
  const LeadListOptions& options_;
  const absl::Time start_;
  absl::Time last_;
  bool open_line_ = false;
};

// One run: the sending side on the calling thread, the receiving side on
// writer_thread_. The first failure wins and cancels the session.
class Pipeline {
 public:
  Pipeline(const LeadListStreamPlan& plan, ScrubStreamSession* session,
           CsvWriter* writer, LeadListTally* tally)
      : plan_(plan),
        options_(*plan.options),
        session_(session),
        writer_(writer),
        tally_(tally),
        progress_(options_, plan.start) {}

  absl::Status Run(ListReader* list) {
    std::thread writer_thread([this] { ReceiveAll(); });
    const bool stream_broken = SendAll(list);
    if (!Failed() && !stream_broken) session_->WritesDone();
    {
      absl::MutexLock lock(&mu_);
      input_done_ = true;
    }
    writer_thread.join();
    const absl::Status finished = session_->Finish();
    {
      absl::MutexLock lock(&mu_);
      if (failed_) {
        if (stream_ended_early_ && !finished.ok()) return finished;
        return error_;
      }
    }
    if (!finished.ok()) return finished;
    if (stream_broken) {
      return absl::UnavailableError("ScrubStream broke while sending");
    }
    progress_.Update(tally_->rows, /*final_line=*/true);
    return absl::OkStatus();
  }

 private:
  void Fail(absl::Status status, bool ended_early) {
    {
      absl::MutexLock lock(&mu_);
      if (failed_) return;
      failed_ = true;
      stream_ended_early_ = ended_early;
      error_ = std::move(status);
    }
    session_->Cancel();
  }

  bool Failed() {
    absl::MutexLock lock(&mu_);
    return failed_;
  }

  // --- Sending (the calling thread) ---

  // Reads, plans and sends chunks until the input ends, the window sees a
  // failure or a Write fails. True if a Write failed (the stream broke).
  bool SendAll(ListReader* list) {
    uint64_t next_id = 1;
    uint64_t sequence = 0;
    v1::ScrubRequest request;
    while (true) {
      std::unique_ptr<Chunk> chunk = TakeSpare();
      absl::StatusOr<bool> filled = FillChunk(list, &chunk->rows);
      if (!filled.ok()) Fail(filled.status(), false);
      if (!filled.ok() || !*filled) return false;
      chunk->first_id = next_id;
      chunk->sequence = ++sequence;
      next_id += chunk->rows.rows();
      PlanRequest(chunk.get(), &request);
      if (!Enqueue(std::move(chunk))) return false;
      if (!session_->Write(request)) return true;  // ReceiveAll learns why.
    }
  }

  std::unique_ptr<Chunk> TakeSpare() {
    absl::MutexLock lock(&mu_);
    if (spare_.empty()) return std::make_unique<Chunk>();
    std::unique_ptr<Chunk> chunk = std::move(spare_.back());
    spare_.pop_back();
    return chunk;
  }

  // Up to chunk_rows data rows into *rows; false when none was left.
  absl::StatusOr<bool> FillChunk(ListReader* list, RowBlock* rows) {
    rows->Clear();
    ListRow row;
    while (rows->rows() < options_.chunk_rows) {
      absl::StatusOr<bool> got = list->Next(&row);
      if (!got.ok()) return got.status();
      if (!*got) break;
      rows->Append(row);
    }
    return rows->rows() > 0;
  }

  // The chunk's request: one cell per row from the phone column.
  void PlanRequest(Chunk* chunk, v1::ScrubRequest* request) {
    const RowBlock& rows = chunk->rows;
    cells_.clear();
    chunk->damaged.assign(rows.rows(), false);
    for (size_t r = 0; r < rows.rows(); ++r) {
      const size_t n = rows.fields(r);
      if (n != plan_.layout.width) ++tally_->ragged_rows;
      // Excel's ="2025551234" is the number 2025551234; the output row
      // keeps the cell as it was written.
      const std::string_view cell =
          plan_.phone_column < n
              ? UnwrapExcelText(rows.field(r, plan_.phone_column))
              : std::string_view();
      // Damaged cells still go to the server as text (so the job's audit
      // holds every row); its answer is overridden below.
      chunk->damaged[r] = IsScientificNotation(cell);
      cells_.push_back(cell);
    }
    BuildScrubRequest(cells_, chunk->first_id, request, &chunk->entry_of_cell);
    request->set_sequence(chunk->sequence);
    request->set_job_id(options_.job_id);
    request->set_purpose(static_cast<v1::CallPurpose>(options_.purpose));
    request->set_now_unix_seconds(options_.now_unix_seconds);
    request->set_subject(options_.subject);
  }

  // Waits for room in the window; false if the run failed meanwhile.
  bool Enqueue(std::unique_ptr<Chunk> chunk) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Pipeline* p) {
          return p->in_flight_.size() < p->options_.max_chunks_in_flight ||
                 p->failed_;
        },
        this));
    if (failed_) return false;
    in_flight_.push_back(std::move(chunk));
    return true;
  }

  // --- Receiving (writer_thread_) ---

  void ReceiveAll() {
    v1::ScrubResponse response;
    std::vector<CellVerdict> verdicts;
    uint64_t chunks_done = 0;
    while (true) {
      bool done = false;
      Chunk* chunk = WaitForSent(&done);
      if (chunk == nullptr && !done) return;  // Failed.
      if (chunk == nullptr) break;            // All input sent and written.
      if (!session_->Read(&response)) {
        Fail(absl::UnavailableError(absl::StrCat(
                 "ScrubStream ended after ", chunks_done,
                 " responses, before the answer to chunk ", chunk->sequence)),
             /*ended_early=*/true);
        return;
      }
      absl::Status written = WriteAnswer(*chunk, response, &verdicts);
      if (!written.ok()) {
        Fail(std::move(written), false);
        return;
      }
      ++chunks_done;
      Recycle();
      progress_.Update(tally_->rows, /*final_line=*/false);
    }
    // Every chunk is answered: the server must now end the stream.
    if (session_->Read(&response)) {
      Fail(absl::InternalError(
               absl::StrCat("ScrubStream sent a response (sequence ",
                            response.sequence(), ") after the last chunk")),
           false);
    }
  }

  // The oldest chunk in flight; nullptr with *done set when every chunk
  // is answered and no more will come, nullptr alone when the run failed.
  Chunk* WaitForSent(bool* done) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Pipeline* p) {
          return !p->in_flight_.empty() || p->input_done_ || p->failed_;
        },
        this));
    if (failed_) return nullptr;
    *done = in_flight_.empty();
    return *done ? nullptr : in_flight_.front().get();
  }

  // Checks `response` against `chunk`, writes its rows and counts them.
  absl::Status WriteAnswer(const Chunk& chunk,
                           const v1::ScrubResponse& response,
                           std::vector<CellVerdict>* verdicts) {
    if (response.sequence() != chunk.sequence) {
      return absl::InternalError(absl::StrCat("ScrubStream answered sequence ",
                                              response.sequence(), " where ",
                                              chunk.sequence, " was expected"));
    }
    absl::Status applied = ApplyScrubResponse(response, chunk.entry_of_cell,
                                              chunk.first_id, verdicts);
    if (!applied.ok()) return applied;
    CollectSnapshots(response.snapshots(), &tally_->snapshots);
    if (tally_->job_id.empty()) tally_->job_id = response.job_id();
    const RowBlock& rows = chunk.rows;
    for (size_t r = 0; r < rows.rows(); ++r) {
      CellVerdict& verdict = (*verdicts)[r];
      if (chunk.damaged[r]) {
        // Whatever the server made of the text: never callable, and the
        // reason is what really happened to the number (the server's
        // "letters in the number" would only mislead).
        verdict.callable = false;
        verdict.callable_now = false;
        verdict.reasons.assign(1, kDamagedNumberReason);
        ++tally_->damaged_numbers;
      }
      WriteOutputRow(rows, r, plan_.layout, verdict, writer_);
      if (options_.observer != nullptr) options_.observer->OnRow(verdict);
      ++tally_->by_disposition[verdict.disposition];
      ++(verdict.callable ? tally_->callable : tally_->not_callable);
      if (verdict.callable_now) ++tally_->callable_now;
      if (!verdict.window_known) ++tally_->window_unknown;
    }
    tally_->rows += rows.rows();
    return writer_->status();
  }

  // The oldest chunk is written: keep its buffers for a later chunk.
  void Recycle() {
    absl::MutexLock lock(&mu_);
    spare_.push_back(std::move(in_flight_.front()));
    in_flight_.pop_front();
  }

  const LeadListStreamPlan& plan_;
  const LeadListOptions& options_;
  ScrubStreamSession* const session_;
  CsvWriter* const writer_;  // Used by writer_thread_ only.
  // rows ... job_id: writer_thread_ only; ragged_rows: the calling thread.
  LeadListTally* const tally_;
  Progress progress_;  // writer_thread_, then the calling thread.
  std::vector<std::string_view> cells_;  // The calling thread's.

  absl::Mutex mu_;
  std::deque<std::unique_ptr<Chunk>> in_flight_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Chunk>> spare_ ABSL_GUARDED_BY(mu_);
  bool input_done_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
  bool stream_ended_early_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status StreamLeadList(const LeadListStreamPlan& plan, ListReader* list,
                            ScrubStreamSession* session, CsvWriter* writer,
                            LeadListTally* tally) {
  Pipeline pipeline(plan, session, writer, tally);
  return pipeline.Run(list);
}

}  // namespace dnc::leadlist
