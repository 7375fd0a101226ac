#include "leadlist/lead_list_scrubber.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "leadlist/lead_list_stream.h"
#include "leadlist/list_reader.h"
#include "leadlist/scrubbed_columns.h"

namespace dnc::leadlist {
namespace {

// The result fields the stream counted.
void TakeTally(LeadListTally tally, const LeadListOptions& options,
               LeadListResult* result) {
  result->rows = tally.rows;
  result->ragged_rows = tally.ragged_rows;
  result->callable = tally.callable;
  result->not_callable = tally.not_callable;
  result->callable_now = tally.callable_now;
  result->window_unknown = tally.window_unknown;
  result->damaged_numbers = tally.damaged_numbers;
  result->job_id = tally.job_id.empty() ? options.job_id : tally.job_id;
  result->by_disposition = std::move(tally.by_disposition);
  result->snapshots.assign(tally.snapshots.begin(), tally.snapshots.end());
}

}  // namespace

absl::StatusOr<LeadListResult> ScrubLeadList(
    CsvReader* reader, CsvWriter* writer,
    const std::function<std::unique_ptr<ScrubStreamSession>()>& open_session,
    const LeadListOptions& options) {
  if (options.chunk_rows == 0 || options.max_chunks_in_flight == 0) {
    return absl::InvalidArgumentError(
        "ScrubLeadList: chunk_rows and max_chunks_in_flight must be at least "
        "1");
  }
  LeadListStreamPlan plan;
  plan.options = &options;
  plan.start = absl::Now();
  LeadListResult result;
  result.chunk_rows = options.chunk_rows;

  // The first row, then up to detect_rows data rows to find the column by.
  ListReader list(reader);
  absl::StatusOr<bool> any = list.ReadHead(options.header, options.detect_rows);
  result.blank_lines = list.blank_lines();
  if (!any.ok()) return any.status();
  if (!*any) return result;  // Empty input: nothing to write.
  result.had_header = list.had_header();
  result.header_width = list.width();
  plan.layout =
      LayoutFor(list.had_header() ? &list.header() : nullptr, list.width());
  result.replaced_dnc_columns = plan.layout.replaced_dnc_columns;
  // An earlier scrub's columns are not candidates.
  std::vector<std::string> kept_header;
  if (result.had_header) {
    kept_header.assign(list.header().begin(),
                       list.header().begin() + plan.layout.keep);
  }
  absl::StatusOr<PhoneColumn> column =
      FindPhoneColumn(result.had_header ? &kept_header : nullptr, list.sample(),
                      options.column, plan.layout.keep);
  if (!column.ok()) return column.status();
  result.column = *column;
  plan.phone_column = column->index;

  // The output is UTF-8 in the input's dialect: its separator and line
  // ends, and a BOM when the input had one (or came from a spreadsheet:
  // see CsvReaderOptions::report_bom).
  writer->set_delimiter(reader->delimiter());
  writer->set_line_ending(reader->first_line_crlf() ? "\r\n" : "\n");
  if (reader->had_bom()) writer->WriteBom();
  if (result.had_header) WriteHeaderRow(kept_header, plan.layout, writer);
  if (options.observer != nullptr) {
    options.observer->OnHead(result.column, result.had_header);
  }

  std::unique_ptr<ScrubStreamSession> session = open_session();
  LeadListTally tally;
  const absl::Status streamed =
      StreamLeadList(plan, &list, session.get(), writer, &tally);
  result.blank_lines = list.blank_lines();
  if (!streamed.ok()) return streamed;
  TakeTally(std::move(tally), options, &result);
  result.elapsed_seconds = absl::ToDoubleSeconds(absl::Now() - plan.start);
  result.rows_per_second =
      result.elapsed_seconds > 0
          ? static_cast<double>(result.rows) / result.elapsed_seconds
          : 0;
  return result;
}

}  // namespace dnc::leadlist
