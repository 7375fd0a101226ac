#include "client/opt_out_import.h"

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/report_format.h"
#include "client/scrub_mapping.h"

namespace dnc::client {
namespace {

struct PendingRow {
  uint64_t line = 0;
  std::string value;
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
  CsvRow row;
  const auto read_data_row = [&]() -> absl::StatusOr<bool> {
    while (true) {
      absl::StatusOr<bool> got = reader->ReadRow(&row);
      if (!got.ok() || !*got) return got;
      if (!row.blank()) return true;
      ++result.blank_lines;
    }
  };
  // The first row, then up to detect_rows data rows, to find the column.
  std::vector<std::vector<std::string>> lookahead;
  std::vector<uint64_t> lookahead_lines;
  bool input_end = false;
  {
    absl::StatusOr<bool> got = read_data_row();
    if (!got.ok()) return got.status();
    if (!*got) return result;  // Empty file.
  }
  std::vector<std::string> header = row.ToVector();
  result.had_header =
      options.header == HeaderMode::kPresent ||
      (options.header == HeaderMode::kAuto && LooksLikeHeader(header));
  const size_t width = header.size();
  if (!result.had_header) {
    lookahead.push_back(std::move(header));
    lookahead_lines.push_back(row.line());
  }
  while (lookahead.size() < options.detect_rows) {
    absl::StatusOr<bool> got = read_data_row();
    if (!got.ok()) return got.status();
    if (!*got) {
      input_end = true;
      break;
    }
    lookahead.push_back(row.ToVector());
    lookahead_lines.push_back(row.line());
  }
  absl::StatusOr<PhoneColumn> column = FindPhoneColumn(
      result.had_header ? &header : nullptr, lookahead, options.column, width);
  if (!column.ok()) return column.status();
  result.column = *column;
  const size_t phone_col = column->index;

  const absl::Time start = absl::Now();
  absl::Time last_progress = start;
  bool progress_open = false;
  std::vector<PendingRow> pending;
  std::vector<std::string_view> cells;
  std::vector<uint32_t> entry_of_cell;
  v1::ScrubRequest plan;
  v1::OptOutRequest request;
  request.set_note(options.note);
  request.set_date(options.date);

  const auto send = [&]() -> absl::Status {
    if (pending.empty()) return absl::OkStatus();
    cells.clear();
    for (const PendingRow& p : pending) cells.push_back(p.value);
    // Numbers that read locally go packed, the rest as text (the server
    // rejects those with its reason), as in a scrub.
    BuildScrubRequest(cells, 0, &plan, &entry_of_cell);
    *request.mutable_e164() = plan.e164();
    *request.mutable_raw() = plan.raw();
    absl::StatusOr<v1::OptOutResponse> response = add(request);
    if (!response.ok()) return response.status();
    ++result.calls;
    if (static_cast<size_t>(response->states_size()) != pending.size()) {
      return absl::InternalError(
          absl::StrCat("AddOptOuts answered ", response->states_size(),
                       " states for ", pending.size(), " numbers"));
    }
    for (size_t i = 0; i < pending.size(); ++i) {
      const int entry = static_cast<int>(entry_of_cell[i]);
      switch (response->states(entry)) {
        case v1::ADDED:
          ++result.added;
          break;
        case v1::ALREADY_LISTED:
          ++result.already_listed;
          break;
        default: {
          ++result.rejected;
          if (options.on_reject) {
            const std::string why =
                entry < response->detail_size() &&
                        !response->detail(entry).empty()
                    ? response->detail(entry)
                    : OptOutStateName(response->states(entry));
            options.on_reject(absl::StrCat(std::string(file_name), ":",
                                           pending[i].line, ": ", why, ": '",
                                           pending[i].value, "'"));
          }
        }
      }
    }
    result.rows += pending.size();
    result.list_size = response->list_size();
    pending.clear();
    if (options.progress && options.progress_out != nullptr) {
      const absl::Time now = absl::Now();
      if (now - last_progress >= options.progress_interval) {
        last_progress = now;
        absl::FPrintF(options.progress_out, "\r%s rows imported   ",
                      FormatCount(result.rows));
        std::fflush(options.progress_out);
        progress_open = true;
      }
    }
    return absl::OkStatus();
  };
  const auto take = [&](const std::vector<std::string>& fields,
                        uint64_t line) -> absl::Status {
    pending.push_back(
        PendingRow{line, phone_col < fields.size() ? fields[phone_col] : ""});
    if (pending.size() >= options.chunk_rows) return send();
    return absl::OkStatus();
  };

  absl::Status status;
  for (size_t i = 0; i < lookahead.size() && status.ok(); ++i) {
    status = take(lookahead[i], lookahead_lines[i]);
  }
  lookahead.clear();
  while (status.ok() && !input_end) {
    absl::StatusOr<bool> got = read_data_row();
    if (!got.ok()) {
      status = got.status();
      break;
    }
    if (!*got) break;
    pending.push_back(PendingRow{
        row.line(),
        phone_col < row.size() ? std::string(row.field(phone_col)) : ""});
    if (pending.size() >= options.chunk_rows) status = send();
  }
  if (status.ok()) status = send();
  if (progress_open) std::fputc('\n', options.progress_out);
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
  std::FILE* in = stdin;
  if (path != "-") {
    in = std::fopen(path.c_str(), "rb");
    if (in == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
    }
  }
  absl::StatusOr<OptOutImportResult> result;
  {
    CsvReader reader(in);
    result = ImportOptOuts(
        &reader, path == "-" ? "stdin" : path,
        [client](const v1::OptOutRequest& request) {
          return client->AddOptOuts(request);
        },
        options);
  }
  if (path != "-") std::fclose(in);
  return result;
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
    absl::StrAppendFormat(&out, "Phone column: \"%s\" (column %d, by %s)%s\n",
                          result.column.name, result.column.index + 1,
                          result.column.how,
                          result.had_header ? "" : "; no header row");
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
