// Loader internals shared by the full-load path (bulk_loader.cc) and the
// change-list path (change_list_loader.cc): settings resolution, the record
// parser, and the reader of all inputs (counts, rejects, coverage, progress).
// Not a public API.
// Thread-safety: InputReader is thread-compatible; the functions are
// thread-safe.
#ifndef DNC_LOADER_LOAD_INTERNAL_H_
#define DNC_LOADER_LOAD_INTERNAL_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "loader/bulk_loader.h"
#include "loader/change_merge.h"
#include "loader/coverage_report.h"
#include "loader/key_buffer.h"
#include "loader/record_format.h"
#include "loader/record_reader.h"
#include "loader/reject_log.h"
#include "storage/manifest.h"

namespace dnc::loader::internal {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start);

// "/a/b" for "/a/b/c".
std::string ParentDir(const std::string& path);

// The options with the source preset's defaults filled in.
struct Settings {
  std::string jurisdiction;
  std::vector<uint32_t> country_codes;
  int32_t max_age_days = 0;
  std::string format;
  // From the source catalogue (source_catalogue.h); for the MANIFEST.
  std::string kind = "other";        // national, state, litigator, other
  std::vector<uint32_t> area_codes;  // Empty: all of country_codes.
  std::string change_format;         // The entry's; empty if none.
  RecordLayout layout;               // Of `format`, resolved.
};

// Validates `options` and fills in preset defaults (bulk_loader.cc).
// Errors: InvalidArgument naming the bad option.
absl::StatusOr<Settings> ResolveSettings(const LoadOptions& options);

// What the new generation's MANIFEST will say about which numbers the source
// covers (source, jurisdiction, country codes, kind, area codes), for the
// coverage check of its input lines. Only those fields are set.
storage::Manifest CoverageScope(const LoadOptions& options,
                                const Settings& settings);

// The record parser for `settings.format` (bulk_loader.cc). Errors:
// InvalidArgument for an unknown format.
absl::StatusOr<RecordParser> MakeParser(const Settings& settings);

// Reads every input of a load, in order, with RecordReader: counts lines,
// blanks and rejects (each reject goes to the RejectLog; more than
// max_rejects fails with DataLoss), reports progress, and keeps the good
// records: keys in full mode (where a delete record is a reject: a full list
// cannot delete), ChangeRecords in input order in change mode. It is the one
// place a record's number is checked against the source's coverage
// (CoverageReport): a country code the source does not list is a reject; a
// number the source is otherwise never consulted for is counted and kept, or
// a reject with options.reject_out_of_coverage.
class InputReader {
 public:
  // `options` and `rejects` must outlive the reader. `scope`: see
  // CoverageScope().
  InputReader(const LoadOptions& options, const storage::Manifest& scope,
              RecordParser parser, RejectLog* rejects, Clock::time_point start);

  // Reads every input, then writes the coverage warnings to the reject log
  // and fills stats()' out-of-coverage fields. Errors: those of RecordReader
  // (NotFound, DataLoss...), the reject log's write errors, DataLoss for too
  // many rejects.
  absl::Status ReadInputs();

  // Calls options.progress (if set) for `phase`.
  void Report(LoadPhase phase, const std::string& location = "");

  KeyBuffer& keys() { return keys_; }
  std::vector<ChangeRecord>& changes() { return changes_; }
  LoadStats& stats() { return stats_; }

 private:
  absl::Status ReadInput(size_t index);
  // True if the record's key is kept; false if it was rejected here.
  absl::StatusOr<bool> CheckCoverage(const Record& record);
  absl::Status AddReject(std::string_view location, uint64_t line,
                         std::string_view text, RejectClass reject_class,
                         const char* detail);
  absl::Status AddReject(std::string_view location, uint64_t line,
                         std::string_view text, std::string reason);

  const LoadOptions& options_;
  CoverageReport coverage_;
  const RecordParser parser_;
  RejectLog* const rejects_;
  const Clock::time_point start_;
  size_t file_index_ = 0;
  KeyBuffer keys_;
  std::vector<ChangeRecord> changes_;
  LoadStats stats_;
};

}  // namespace dnc::loader::internal

#endif  // DNC_LOADER_LOAD_INTERNAL_H_
