#include "leadlist/lead_list_summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "leadlist/text_format.h"

namespace dnc::leadlist {

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
  if (!result.format.kind.empty()) {
    absl::StrAppend(&out, "Read as ", DescribeInputFormat(result.format), "\n");
  }
  absl::StrAppend(&out, DescribePhoneColumn(result.column, result.had_header),
                  "\n");
  const auto percent = [&](uint64_t n) {
    return result.rows == 0 ? 0.0
                            : 100.0 * static_cast<double>(n) /
                                  static_cast<double>(result.rows);
  };
  for (const auto& [disposition, count] : result.by_disposition) {
    absl::StrAppend(&out,
                    FormatDispositionShare(disposition, count, result.rows));
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
  if (result.damaged_numbers > 0) {
    absl::StrAppendFormat(
        &out,
        "Damaged numbers: %s phone %s in scientific notation (like "
        "2.02546E+09): the spreadsheet dropped their last digits, so they "
        "are not callable; re-export the phone column formatted as text\n",
        FormatCount(result.damaged_numbers),
        result.damaged_numbers == 1 ? "cell is" : "cells are");
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

}  // namespace dnc::leadlist
