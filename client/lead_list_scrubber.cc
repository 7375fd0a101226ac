#include "client/lead_list_scrubber.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "client/scrub_mapping.h"
#include "common/phone_number.h"
#include "dnc/v1/scrub.pb.h"

namespace dnc::client {
namespace {

absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

// Normalised header names that mark the phone column, best first.
constexpr const char* kPhoneHeaderNames[] = {"phone",        "phonenumber",
                                             "phoneno",      "phonenum",
                                             "telephone",    "telephonenumber",
                                             "tel",          "telno",
                                             "mobile",       "mobilenumber",
                                             "mobilephone",  "mobileno",
                                             "cell",         "cellphone",
                                             "cellnumber",   "cellphonenumber",
                                             "number",       "contactnumber",
                                             "contactphone", "primaryphone",
                                             "phone1",       "homephone",
                                             "workphone",    "businessphone",
                                             "msisdn",       "e164",
                                             "dialnumber",   "phonee164"};

// Rank of a normalised header name in kPhoneHeaderNames, or -1.
int PhoneHeaderRank(const std::string& normalized) {
  int rank = 0;
  for (const char* name : kPhoneHeaderNames) {
    if (normalized == name) return rank;
    ++rank;
  }
  return -1;
}

bool ReadsAsNumber(std::string_view cell) {
  const ParsedNumber parsed = ParsePhoneNumber(cell);
  return parsed.number_class != NumberClass::kMalformed && parsed.e164 != 0;
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) {
    quoted.push_back(absl::StrCat("\"", name, "\""));
  }
  return absl::StrJoin(quoted, ", ");
}

// Rows of one chunk stored back to back: no allocation per field once the
// buffers have grown.
class RowBlock {
 public:
  void Clear() {
    data_.clear();
    field_ends_.clear();
    row_ends_.clear();
  }
  void Append(const CsvRow& row) {
    for (size_t f = 0; f < row.size(); ++f) AddField(row.field(f));
    row_ends_.push_back(field_ends_.size());
  }
  void Append(const std::vector<std::string>& row) {
    for (const std::string& field : row) AddField(field);
    row_ends_.push_back(field_ends_.size());
  }
  size_t rows() const { return row_ends_.size(); }
  size_t fields(size_t r) const { return row_ends_[r] - FirstField(r); }
  std::string_view field(size_t r, size_t f) const {
    const size_t i = FirstField(r) + f;
    const size_t begin = i == 0 ? 0 : field_ends_[i - 1];
    return std::string_view(data_.data() + begin, field_ends_[i] - begin);
  }

 private:
  void AddField(std::string_view field) {
    data_.append(field.data(), field.size());
    field_ends_.push_back(data_.size());
  }
  size_t FirstField(size_t r) const { return r == 0 ? 0 : row_ends_[r - 1]; }

  std::string data_;
  std::vector<size_t> field_ends_;
  std::vector<size_t> row_ends_;
};

struct Chunk {
  RowBlock rows;
  uint64_t sequence = 0;
  uint64_t first_id = 0;
  std::vector<uint32_t> entry_of_cell;
};

// State shared by the reading (calling) thread and the writer thread.
struct Pipeline {
  explicit Pipeline(size_t max_in_flight) : window(max_in_flight) {}
  const size_t window;  // Most chunks in flight.
  absl::Mutex mu;
  std::deque<std::unique_ptr<Chunk>> in_flight ABSL_GUARDED_BY(mu);
  std::vector<std::unique_ptr<Chunk>> spare ABSL_GUARDED_BY(mu);
  bool input_done ABSL_GUARDED_BY(mu) = false;
  bool failed ABSL_GUARDED_BY(mu) = false;
  bool stream_ended_early ABSL_GUARDED_BY(mu) = false;
  absl::Status error ABSL_GUARDED_BY(mu);
};

// What the writer thread counts; read by the caller after join().
struct Tally {
  uint64_t rows = 0;
  uint64_t callable = 0;
  uint64_t not_callable = 0;
  uint64_t callable_now = 0;
  uint64_t window_unknown = 0;
  std::map<int, uint64_t> by_disposition;
  std::set<SnapshotInfo> snapshots;
  std::string job_id;
};

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

// Writes input fields [0, keep) (padded), the dnc columns, then any fields
// past the header's `width`. keep < width drops an earlier scrub's columns.
void WriteOutputRow(const RowBlock& rows, size_t r, size_t keep, size_t width,
                    const CellVerdict& verdict, CsvWriter* writer) {
  const size_t n = rows.fields(r);
  for (size_t f = 0; f < std::min(n, keep); ++f) {
    writer->AddField(rows.field(r, f));
  }
  for (size_t f = n; f < keep; ++f) writer->AddField("");
  writer->AddField(DispositionName(verdict.disposition));
  writer->AddField(verdict.callable ? "yes" : "no");
  writer->AddField(verdict.e164 != 0 ? FormatE164(verdict.e164) : "");
  if (verdict.reasons.size() == 1) {
    writer->AddField(verdict.reasons[0]);
  } else {
    writer->AddField(absl::StrJoin(verdict.reasons, "; "));
  }
  writer->AddField(verdict.window);
  writer->AddField(verdict.callable_now ? "yes" : "no");
  for (size_t f = width; f < n; ++f) writer->AddField(rows.field(r, f));
  writer->EndRow();
}

}  // namespace

std::string FormatCount(uint64_t n) {
  const std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string NormalizeHeaderName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool LooksLikeHeader(const std::vector<std::string>& first_row) {
  for (const std::string& cell : first_row) {
    if (PhoneHeaderRank(NormalizeHeaderName(cell)) >= 0) return true;
  }
  for (const std::string& cell : first_row) {
    if (ReadsAsNumber(cell)) return false;
  }
  return true;
}

absl::StatusOr<PhoneColumn> FindPhoneColumn(
    const std::vector<std::string>* header,
    const std::vector<std::vector<std::string>>& sample,
    std::string_view column_flag, size_t width) {
  const auto column_name = [&](size_t index) {
    return header != nullptr && index < header->size()
               ? (*header)[index]
               : absl::StrCat("column ", index + 1);
  };
  if (!column_flag.empty()) {
    if (header != nullptr) {
      for (size_t i = 0; i < header->size(); ++i) {
        if ((*header)[i] == column_flag)
          return PhoneColumn{i, (*header)[i], "--column"};
      }
      const std::string wanted = NormalizeHeaderName(column_flag);
      for (size_t i = 0; i < header->size() && !wanted.empty(); ++i) {
        if (NormalizeHeaderName((*header)[i]) == wanted) {
          return PhoneColumn{i, (*header)[i], "--column"};
        }
      }
    }
    uint64_t index = 0;
    if (absl::SimpleAtoi(AsAbsl(column_flag), &index)) {
      if (index == 0 || index > width) {
        return absl::InvalidArgumentError(
            absl::StrCat("--column ", AsAbsl(column_flag),
                         ": column indexes start at 1 and the input has ",
                         width, " columns"));
      }
      return PhoneColumn{static_cast<size_t>(index - 1),
                         column_name(static_cast<size_t>(index - 1)),
                         "--column"};
    }
    if (header == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--column ", AsAbsl(column_flag),
          ": the input has no header row, so give a 1-based column index"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "--column ", AsAbsl(column_flag),
        " matches no column; the header is: ", QuotedList(*header)));
  }
  if (header != nullptr) {
    int best_rank = -1;
    size_t best = 0;
    for (size_t i = 0; i < header->size(); ++i) {
      const int rank = PhoneHeaderRank(NormalizeHeaderName((*header)[i]));
      if (rank >= 0 && (best_rank < 0 || rank < best_rank)) {
        best_rank = rank;
        best = i;
      }
    }
    if (best_rank >= 0)
      return PhoneColumn{best, (*header)[best], "header name"};
  }
  // By content: the column where most sampled rows read as numbers.
  size_t best = 0;
  size_t best_numbers = 0;
  size_t best_valid = 0;
  for (size_t c = 0; c < width; ++c) {
    size_t numbers = 0;
    size_t valid = 0;
    for (const std::vector<std::string>& row : sample) {
      if (c >= row.size()) continue;
      const ParsedNumber parsed = ParsePhoneNumber(row[c]);
      if (parsed.number_class == NumberClass::kMalformed || parsed.e164 == 0) {
        continue;
      }
      ++numbers;
      if (parsed.valid()) ++valid;
    }
    if (numbers > best_numbers ||
        (numbers == best_numbers && valid > best_valid)) {
      best = c;
      best_numbers = numbers;
      best_valid = valid;
    }
  }
  if (!sample.empty() && best_numbers * 2 > sample.size()) {
    return PhoneColumn{best, column_name(best), "content"};
  }
  if (header != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no phone column found: no header is a phone name (phone, "
        "phone_number, telephone, tel, mobile, cell, number, contact number) "
        "and no column of the first ",
        sample.size(), " rows reads mostly as phone numbers; the header is: ",
        QuotedList(*header), "; pass --column NAME|INDEX"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "no phone column found: the input has no header row and no column of "
      "the first ",
      sample.size(),
      " rows reads mostly as phone numbers; pass --column INDEX (1-based)"));
}

absl::StatusOr<LeadListResult> ScrubLeadList(
    CsvReader* reader, CsvWriter* writer,
    const std::function<std::unique_ptr<ScrubStreamSession>()>& open_session,
    const LeadListOptions& options) {
  if (options.chunk_rows == 0 || options.max_chunks_in_flight == 0) {
    return absl::InvalidArgumentError(
        "ScrubLeadList: chunk_rows and max_chunks_in_flight must be at least "
        "1");
  }
  const absl::Time start = absl::Now();
  LeadListResult result;
  result.chunk_rows = options.chunk_rows;

  // Look ahead: the first row, then up to detect_rows data rows.
  CsvRow row;
  std::vector<std::vector<std::string>> lookahead;
  bool input_end = false;
  const auto read_data_row = [&]() -> absl::StatusOr<bool> {
    while (true) {
      absl::StatusOr<bool> got = reader->ReadRow(&row);
      if (!got.ok() || !*got) return got;
      if (!row.blank()) return true;
      ++result.blank_lines;
    }
  };
  {
    absl::StatusOr<bool> got = read_data_row();
    if (!got.ok()) return got.status();
    if (!*got) return result;  // Empty input: nothing to write.
  }
  std::vector<std::string> header = row.ToVector();
  result.had_header =
      options.header == HeaderMode::kPresent ||
      (options.header == HeaderMode::kAuto && LooksLikeHeader(header));
  const size_t width = header.size();
  result.header_width = width;
  if (!result.had_header) lookahead.push_back(std::move(header));
  while (lookahead.size() < options.detect_rows) {
    absl::StatusOr<bool> got = read_data_row();
    if (!got.ok()) return got.status();
    if (!*got) {
      input_end = true;
      break;
    }
    lookahead.push_back(row.ToVector());
  }
  // A file scrubbed before ends with our six columns (four before calling
  // windows): replace them.
  size_t keep = width;
  const auto ends_with = [&](std::initializer_list<const char*> names) {
    if (!result.had_header || width < names.size()) return false;
    size_t i = width - names.size();
    for (const char* name : names) {
      if (header[i++] != name) return false;
    }
    return true;
  };
  if (ends_with({kDispositionColumn, kCallableColumn, kE164Column,
                 kReasonColumn, kWindowColumn, kCallableNowColumn})) {
    keep = width - 6;
    result.replaced_dnc_columns = true;
  } else if (ends_with({kDispositionColumn, kCallableColumn, kE164Column,
                        kReasonColumn})) {
    keep = width - 4;
    result.replaced_dnc_columns = true;
  }
  // Without a header, `header` was moved into the lookahead.
  const std::vector<std::string> kept_header =
      result.had_header
          ? std::vector<std::string>(header.begin(), header.begin() + keep)
          : std::vector<std::string>();
  absl::StatusOr<PhoneColumn> column =
      FindPhoneColumn(result.had_header ? &kept_header : nullptr, lookahead,
                      options.column, keep);
  if (!column.ok()) return column.status();
  result.column = *column;
  const size_t phone_col = column->index;

  writer->set_line_ending(reader->first_line_crlf() ? "\r\n" : "\n");
  if (reader->had_bom()) writer->WriteBom();
  if (result.had_header) {
    for (const std::string& name : kept_header) writer->AddField(name);
    writer->AddField(kDispositionColumn);
    writer->AddField(kCallableColumn);
    writer->AddField(kE164Column);
    writer->AddField(kReasonColumn);
    writer->AddField(kWindowColumn);
    writer->AddField(kCallableNowColumn);
    writer->EndRow();
  }

  std::unique_ptr<ScrubStreamSession> session = open_session();
  Pipeline pipe(options.max_chunks_in_flight);
  Tally tally;
  Progress progress(options, start);
  const auto fail = [&](absl::Status status, bool ended_early) {
    {
      absl::MutexLock lock(&pipe.mu);
      if (pipe.failed) return;
      pipe.failed = true;
      pipe.stream_ended_early = ended_early;
      pipe.error = std::move(status);
    }
    session->Cancel();
  };

  std::thread writer_thread([&] {
    v1::ScrubResponse response;
    std::vector<CellVerdict> verdicts;
    uint64_t chunks_done = 0;
    while (true) {
      Chunk* chunk = nullptr;
      {
        absl::MutexLock lock(&pipe.mu);
        pipe.mu.Await(absl::Condition(
            +[](Pipeline* p) {
              return !p->in_flight.empty() || p->input_done || p->failed;
            },
            &pipe));
        if (pipe.failed) return;
        if (pipe.in_flight.empty()) break;  // All input sent and written.
        chunk = pipe.in_flight.front().get();
      }
      if (!session->Read(&response)) {
        fail(absl::UnavailableError(absl::StrCat(
                 "ScrubStream ended after ", chunks_done,
                 " responses, before the answer to chunk ", chunk->sequence)),
             /*ended_early=*/true);
        return;
      }
      if (response.sequence() != chunk->sequence) {
        fail(absl::InternalError(absl::StrCat(
                 "ScrubStream answered sequence ", response.sequence(),
                 " where ", chunk->sequence, " was expected")),
             false);
        return;
      }
      absl::Status applied = ApplyScrubResponse(response, chunk->entry_of_cell,
                                                chunk->first_id, &verdicts);
      if (!applied.ok()) {
        fail(std::move(applied), false);
        return;
      }
      CollectSnapshots(response.snapshots(), &tally.snapshots);
      if (tally.job_id.empty()) tally.job_id = response.job_id();
      const RowBlock& rows = chunk->rows;
      for (size_t r = 0; r < rows.rows(); ++r) {
        const CellVerdict& verdict = verdicts[r];
        WriteOutputRow(rows, r, keep, width, verdict, writer);
        ++tally.by_disposition[verdict.disposition];
        ++(verdict.callable ? tally.callable : tally.not_callable);
        if (verdict.callable_now) ++tally.callable_now;
        if (!verdict.window_known) ++tally.window_unknown;
      }
      tally.rows += rows.rows();
      if (!writer->status().ok()) {
        fail(writer->status(), false);
        return;
      }
      ++chunks_done;
      {
        absl::MutexLock lock(&pipe.mu);
        pipe.spare.push_back(std::move(pipe.in_flight.front()));
        pipe.in_flight.pop_front();
      }
      progress.Update(tally.rows, /*final_line=*/false);
    }
    // Every chunk is answered: the server must now end the stream.
    if (session->Read(&response)) {
      fail(absl::InternalError(
               absl::StrCat("ScrubStream sent a response (sequence ",
                            response.sequence(), ") after the last chunk")),
           false);
    }
  });

  // The calling thread reads rows, sends chunks, and keeps the window.
  uint64_t next_id = 1;
  uint64_t sequence = 0;
  size_t lookahead_pos = 0;
  v1::ScrubRequest request;
  std::vector<std::string_view> cells;
  bool stream_broken = false;
  while (true) {
    std::unique_ptr<Chunk> chunk;
    {
      absl::MutexLock lock(&pipe.mu);
      if (!pipe.spare.empty()) {
        chunk = std::move(pipe.spare.back());
        pipe.spare.pop_back();
      }
    }
    if (chunk == nullptr) chunk = std::make_unique<Chunk>();
    RowBlock& rows = chunk->rows;
    rows.Clear();
    bool read_failed = false;
    while (rows.rows() < options.chunk_rows) {
      if (lookahead_pos < lookahead.size()) {
        rows.Append(lookahead[lookahead_pos++]);
        continue;
      }
      if (input_end) break;
      absl::StatusOr<bool> got = read_data_row();
      if (!got.ok()) {
        fail(got.status(), false);
        read_failed = true;
        break;
      }
      if (!*got) {
        input_end = true;
        break;
      }
      rows.Append(row);
    }
    if (read_failed || rows.rows() == 0) break;
    if (lookahead_pos == lookahead.size() && !lookahead.empty()) {
      lookahead.clear();  // Free it; lookahead_pos stays consistent.
      lookahead.shrink_to_fit();
      lookahead_pos = 0;
    }
    cells.clear();
    for (size_t r = 0; r < rows.rows(); ++r) {
      const size_t n = rows.fields(r);
      if (n != width) ++result.ragged_rows;
      cells.push_back(phone_col < n ? rows.field(r, phone_col)
                                    : std::string_view());
    }
    chunk->first_id = next_id;
    chunk->sequence = ++sequence;
    next_id += rows.rows();
    BuildScrubRequest(cells, chunk->first_id, &request, &chunk->entry_of_cell);
    request.set_sequence(chunk->sequence);
    request.set_job_id(options.job_id);
    request.set_purpose(static_cast<v1::CallPurpose>(options.purpose));
    request.set_now_unix_seconds(options.now_unix_seconds);
    {
      absl::MutexLock lock(&pipe.mu);
      pipe.mu.Await(absl::Condition(
          +[](Pipeline* p) {
            return p->in_flight.size() < p->window || p->failed;
          },
          &pipe));
      if (pipe.failed) break;
      pipe.in_flight.push_back(std::move(chunk));
    }
    if (!session->Write(request)) {
      stream_broken = true;  // The writer thread learns why from Read.
      break;
    }
  }
  bool failed;
  {
    absl::MutexLock lock(&pipe.mu);
    failed = pipe.failed;
  }
  if (!failed && !stream_broken) session->WritesDone();
  {
    absl::MutexLock lock(&pipe.mu);
    pipe.input_done = true;
  }
  writer_thread.join();
  const absl::Status finished = session->Finish();
  {
    absl::MutexLock lock(&pipe.mu);
    if (pipe.failed) {
      if (pipe.stream_ended_early && !finished.ok()) return finished;
      return pipe.error;
    }
  }
  if (!finished.ok()) return finished;
  if (stream_broken) {
    return absl::UnavailableError("ScrubStream broke while sending");
  }

  result.rows = tally.rows;
  result.callable = tally.callable;
  result.not_callable = tally.not_callable;
  result.callable_now = tally.callable_now;
  result.window_unknown = tally.window_unknown;
  result.job_id = tally.job_id.empty() ? options.job_id : tally.job_id;
  result.by_disposition = std::move(tally.by_disposition);
  result.snapshots.assign(tally.snapshots.begin(), tally.snapshots.end());
  result.elapsed_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  result.rows_per_second =
      result.elapsed_seconds > 0
          ? static_cast<double>(result.rows) / result.elapsed_seconds
          : 0;
  progress.Update(result.rows, /*final_line=*/true);
  return result;
}

absl::StatusOr<LeadListResult> ScrubLeadListFile(ScrubClient* client,
                                                 const std::string& input_path,
                                                 const std::string& output_path,
                                                 LeadListOptions options) {
  if (input_path.empty() || output_path.empty()) {
    return absl::InvalidArgumentError(
        "scrub: input and output paths are required");
  }
  const bool from_stdin = input_path == "-";
  const bool to_stdout = output_path == "-";
  struct stat in_stat {};
  if (!from_stdin && ::stat(input_path.c_str(), &in_stat) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot open input ", input_path,
                                            ": ", std::strerror(errno)));
  }
  if (!from_stdin && !to_stdout) {
    struct stat out_stat {};
    if (output_path == input_path ||
        (::stat(output_path.c_str(), &out_stat) == 0 &&
         out_stat.st_dev == in_stat.st_dev &&
         out_stat.st_ino == in_stat.st_ino)) {
      return absl::InvalidArgumentError(
          absl::StrCat("refusing to overwrite the input file ", input_path,
                       " with the output: choose another output file (-o)"));
    }
  }
  // Fail fast before reading anything, and respect the server's batch limit.
  absl::StatusOr<ServerStatus> server_status = client->GetStatus();
  if (server_status.ok()) {
    if (server_status->max_batch_entries > 0 &&
        options.chunk_rows > server_status->max_batch_entries) {
      options.chunk_rows = server_status->max_batch_entries;
    }
  } else if (server_status.status().code() !=
             absl::StatusCode::kUnimplemented) {
    return server_status.status();
  }

  std::FILE* in = stdin;
  if (!from_stdin) {
    in = std::fopen(input_path.c_str(), "rb");
    if (in == nullptr) {
      return absl::NotFoundError(absl::StrCat("cannot open input ", input_path,
                                              ": ", std::strerror(errno)));
    }
  }
  std::FILE* out = stdout;
  std::string temp_path;
  if (!to_stdout) {
    temp_path = absl::StrCat(output_path, ".tmp-", ::getpid());
    out = std::fopen(temp_path.c_str(), "wb");
    if (out == nullptr) {
      const int err = errno;
      if (!from_stdin) std::fclose(in);
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot create output ", temp_path, ": ", std::strerror(err)));
    }
  }
  absl::StatusOr<LeadListResult> result;
  absl::Status flushed;
  {
    CsvReader reader(in);
    CsvWriter writer(out);
    result = ScrubLeadList(
        &reader, &writer, [client] { return client->OpenStream(); }, options);
    flushed = writer.Flush();
  }
  if (!from_stdin) std::fclose(in);
  if (to_stdout) {
    if (result.ok() && !flushed.ok()) return flushed;
    return result;
  }
  absl::Status closed;
  if (std::fclose(out) != 0) {
    closed = absl::DataLossError(
        absl::StrCat("closing output ", temp_path, ": ", std::strerror(errno)));
  }
  if (result.ok() && flushed.ok() && closed.ok()) {
    if (std::rename(temp_path.c_str(), output_path.c_str()) != 0) {
      closed = absl::DataLossError(absl::StrCat("renaming ", temp_path, " to ",
                                                output_path, ": ",
                                                std::strerror(errno)));
    }
  }
  if (!result.ok() || !flushed.ok() || !closed.ok()) {
    std::remove(temp_path.c_str());
    if (!result.ok()) return result.status();
    if (!flushed.ok()) return flushed;
    return closed;
  }
  return result;
}

std::string FormatLeadListSummary(const LeadListResult& result) {
  std::string out;
  absl::StrAppendFormat(
      &out, "Scrubbed %s %s in %.2f s (%s rows/s)\n", FormatCount(result.rows),
      result.rows == 1 ? "row" : "rows", result.elapsed_seconds,
      FormatCount(static_cast<uint64_t>(result.rows_per_second)));
  if (result.rows == 0 && result.header_width == 0) {
    absl::StrAppend(&out, "The input was empty.\n");
    return out;
  }
  absl::StrAppendFormat(&out, "Phone column: \"%s\" (column %d, by %s)%s\n",
                        result.column.name, result.column.index + 1,
                        result.column.how,
                        result.had_header ? "" : "; no header row");
  const auto percent = [&](uint64_t n) {
    return result.rows == 0 ? 0.0
                            : 100.0 * static_cast<double>(n) /
                                  static_cast<double>(result.rows);
  };
  for (const auto& [disposition, count] : result.by_disposition) {
    absl::StrAppendFormat(&out, "  %-16s %12s  %5.1f%%\n",
                          DispositionName(disposition), FormatCount(count),
                          percent(count));
  }
  absl::StrAppendFormat(
      &out, "Callable: %s (%.1f%%)  Not callable: %s (%.1f%%)\n",
      FormatCount(result.callable), percent(result.callable),
      FormatCount(result.not_callable), percent(result.not_callable));
  absl::StrAppendFormat(
      &out, "Callable now (inside calling hours): %s (%.1f%%)%s\n",
      FormatCount(result.callable_now), percent(result.callable_now),
      result.window_unknown > 0
          ? absl::StrCat("; calling window unknown: ",
                         FormatCount(result.window_unknown))
          : "");
  if (result.ragged_rows > 0) {
    absl::StrAppendFormat(&out,
                          "Ragged rows (field count differs from the %s): %s\n",
                          result.had_header ? "header" : "first row",
                          FormatCount(result.ragged_rows));
  }
  if (result.replaced_dnc_columns) {
    absl::StrAppend(&out,
                    "Replaced the dnc_* columns of an earlier scrub of this "
                    "file.\n");
  }
  if (result.blank_lines > 0) {
    absl::StrAppendFormat(&out, "Blank lines skipped: %s\n",
                          FormatCount(result.blank_lines));
  }
  if (!result.job_id.empty()) {
    absl::StrAppendFormat(&out, "Job: %s\n", result.job_id);
  }
  if (result.snapshots.empty()) {
    absl::StrAppend(&out, "Registry snapshots used: none reported\n");
  } else {
    absl::StrAppend(&out, "Registry snapshots used:\n");
    for (const SnapshotInfo& snapshot : result.snapshots) {
      absl::StrAppendFormat(&out, "  %s (%s) %s as of %s\n", snapshot.source,
                            snapshot.jurisdiction, snapshot.generation,
                            snapshot.as_of);
    }
  }
  return out;
}

}  // namespace dnc::client
