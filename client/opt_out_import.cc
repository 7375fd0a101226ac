#include "client/opt_out_import.h"

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/input_file.h"
#include "client/report_format.h"
#include "leadlist/list_reader.h"
#include "leadlist/scrub_mapping.h"
#include "leadlist/spreadsheet_cells.h"
#include "leadlist/text_format.h"

namespace dnc::client {

using leadlist::BuildScrubRequest;
using leadlist::CsvReader;
using leadlist::DescribePhoneColumn;
using leadlist::FindPhoneColumn;
using leadlist::FormatCount;
using leadlist::LeadListInput;
using leadlist::ListReader;
using leadlist::ListRow;
using leadlist::PhoneColumn;
using leadlist::UnwrapExcelText;

namespace {

// Queues rows and sends them chunk_rows at a time, one AddOptOuts call per
// chunk, counting every row's outcome into *result.
class ChunkSender {
 public:
  ChunkSender(std::string_view file_name, const AddOptOutsFn& add,
              const OptOutImportOptions& options, OptOutImportResult* result)
      : file_name_(file_name), add_(add), options_(options), result_(result) {
    request_.set_note(options.note);
    request_.set_date(options.date);
  }

  // Queues one row's phone cell; sends a full chunk.
  absl::Status Take(uint64_t line, std::string_view value) {
    pending_.push_back(PendingRow{line, std::string(value)});
    if (pending_.size() >= options_.chunk_rows) return Send();
    return absl::OkStatus();
  }

  // Sends what is queued (nothing when nothing is).
  absl::Status Send() {
    if (pending_.empty()) return absl::OkStatus();
    cells_.clear();
    for (const PendingRow& p : pending_) cells_.push_back(p.value);
    // Numbers that read locally go packed, the rest as text (the server
    // rejects those with its reason), as in a scrub.
    BuildScrubRequest(cells_, 0, &plan_, &entry_of_cell_);
    *request_.mutable_e164() = plan_.e164();
    *request_.mutable_raw() = plan_.raw();
    absl::StatusOr<v1::OptOutResponse> response = add_(request_);
    if (!response.ok()) return response.status();
    ++result_->calls;
    if (static_cast<size_t>(response->states_size()) != pending_.size()) {
      return absl::InternalError(
          absl::StrCat("AddOptOuts answered ", response->states_size(),
                       " states for ", pending_.size(), " numbers"));
    }
    for (size_t i = 0; i < pending_.size(); ++i) {
      Count(*response, static_cast<int>(entry_of_cell_[i]), pending_[i]);
    }
    result_->rows += pending_.size();
    result_->list_size = response->list_size();
    pending_.clear();
    ShowProgress();
    return absl::OkStatus();
  }

  // Ends a progress line left open.
  void EndProgress() {
    if (progress_open_) std::fputc('\n', options_.progress_out);
    progress_open_ = false;
  }

 private:
  struct PendingRow {
    uint64_t line = 0;
    std::string value;
  };

  // One row's outcome; a rejected row goes to on_reject as
  // "FILE:LINE: why: 'value'".
  void Count(const v1::OptOutResponse& response, int entry,
             const PendingRow& row) {
    switch (response.states(entry)) {
      case v1::ADDED:
        ++result_->added;
        return;
      case v1::ALREADY_LISTED:
        ++result_->already_listed;
        return;
      default:
        ++result_->rejected;
    }
    if (!options_.on_reject) return;
    const std::string why =
        entry < response.detail_size() && !response.detail(entry).empty()
            ? response.detail(entry)
            : OptOutStateName(response.states(entry));
    options_.on_reject(absl::StrCat(std::string(file_name_), ":", row.line,
                                    ": ", why, ": '", row.value, "'"));
  }

  void ShowProgress() {
    if (!options_.progress || options_.progress_out == nullptr) return;
    const absl::Time now = absl::Now();
    if (now - last_progress_ < options_.progress_interval) return;
    last_progress_ = now;
    absl::FPrintF(options_.progress_out, "\r%s rows imported   ",
                  FormatCount(result_->rows));
    std::fflush(options_.progress_out);
    progress_open_ = true;
  }

  const std::string_view file_name_;
  const AddOptOutsFn& add_;
  const OptOutImportOptions& options_;
  OptOutImportResult* const result_;
  std::vector<PendingRow> pending_;
  std::vector<std::string_view> cells_;
  std::vector<uint32_t> entry_of_cell_;
  v1::ScrubRequest plan_;
  v1::OptOutRequest request_;
  absl::Time last_progress_ = absl::Now();
  bool progress_open_ = false;
};

}  // namespace

absl::StatusOr<OptOutImportResult> ImportOptOuts(
    CsvReader* reader, std::string_view file_name, const AddOptOutsFn& add,
    const OptOutImportOptions& options) {
  if (options.chunk_rows == 0) {
    return absl::InvalidArgumentError(
        "optout import: chunk_rows must be at least 1");
  }
  OptOutImportResult result;
  // The first row, then up to detect_rows data rows, to find the column.
  ListReader list(reader);
  absl::StatusOr<bool> any = list.ReadHead(options.header, options.detect_rows);
  result.blank_lines = list.blank_lines();
  if (!any.ok()) return any.status();
  if (!*any) return result;  // Empty file.
  result.had_header = list.had_header();
  absl::StatusOr<PhoneColumn> column =
      FindPhoneColumn(result.had_header ? &list.header() : nullptr,
                      list.sample(), options.column, list.width());
  if (!column.ok()) return column.status();
  result.column = *column;

  ChunkSender sender(file_name, add, options, &result);
  absl::Status status;
  ListRow row;
  while (status.ok()) {
    absl::StatusOr<bool> got = list.Next(&row);
    if (!got.ok()) status = got.status();
    if (!got.ok() || !*got) break;
    // Excel's ="2025551234" is the number 2025551234.
    status = sender.Take(row.line(),
                         UnwrapExcelText(row.FieldOrEmpty(column->index)));
  }
  if (status.ok()) status = sender.Send();
  sender.EndProgress();
  result.blank_lines = list.blank_lines();
  if (!status.ok()) {
    return absl::Status(
        status.code(),
        absl::StrCat(status.message(), " (after ", FormatCount(result.rows),
                     " rows were imported)"));
  }
  return result;
}

absl::StatusOr<OptOutImportResult> ImportOptOutsFile(
    TenantClient* client, const std::string& path,
    const OptOutImportOptions& options) {
  absl::StatusOr<std::unique_ptr<std::istream>> in = OpenInputFile(path);
  if (!in.ok()) return in.status();
  leadlist::InputOptions input_options = options.input;
  if (input_options.name.empty()) {
    input_options.name = path == "-" ? "stdin" : path;
  }
  absl::StatusOr<std::unique_ptr<LeadListInput>> input =
      LeadListInput::Open(in->get(), input_options);
  if (!input.ok()) return input.status();
  return ImportOptOuts((*input)->csv(), input_options.name,
                       [client](const v1::OptOutRequest& request) {
                         return client->AddOptOuts(request);
                       },
                       options);
}

std::string FormatOptOutImportSummary(const OptOutImportResult& result,
                                      std::string_view file_name) {
  std::string out = absl::StrFormat(
      "Imported %s %s from %s: %s added, %s already on the list, %s "
      "rejected.\n",
      FormatCount(result.rows), result.rows == 1 ? "row" : "rows",
      std::string(file_name), FormatCount(result.added),
      FormatCount(result.already_listed), FormatCount(result.rejected));
  if (result.rows > 0) {
    absl::StrAppend(&out, DescribePhoneColumn(result.column, result.had_header),
                    "\n");
    absl::StrAppendFormat(&out, "The internal list now holds %s %s.\n",
                          FormatCount(result.list_size),
                          result.list_size == 1 ? "number" : "numbers");
  }
  if (result.blank_lines > 0) {
    absl::StrAppendFormat(&out, "Blank lines skipped: %s\n",
                          FormatCount(result.blank_lines));
  }
  return out;
}

}  // namespace dnc::client
