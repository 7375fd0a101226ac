// Loader internals shared by the full-load path (bulk_loader.cc) and the
// change-list path (change_list_loader.cc) through the generation writer
// (generation_writer.h): the load clock and the reader of all inputs (counts,
// rejects, coverage, progress, digests). Not a public API.
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

// Reads every input of a load, in order, with RecordReader: counts lines,
// blanks and rejects (each reject goes to the RejectLog; more than
// max_rejects fails with DataLoss), reports progress, and keeps the good
// records: keys in full mode (where a delete record is a reject: a full list
// cannot delete), ChangeRecords in input order in change mode. It is the one
// place a record's number is checked against the source's coverage
// (CoverageReport): a country code the source does not list is a reject; a
// number the source is otherwise never consulted for is counted and kept, or
// a reject with options.reject_out_of_coverage.
//
// Each input is read once: its size and XXH3-128 as it lies on disk come
// from the bytes read for its records (RecordReader::Digest()), for the
// MANIFEST. In full mode the reader also notes whether the keys arrived in
// ascending order (dumps usually come sorted), so they are sorted only if
// not.
class InputReader {
 public:
  // `options` and `rejects` must outlive the reader. `scope`: what the
  // source covers (CoverageScope() in load_settings.h).
  InputReader(const LoadOptions& options, const storage::Manifest& scope,
              RecordParser parser, RejectLog* rejects, Clock::time_point start);

  // Reads every input and records its digest in inputs(), then writes the
  // coverage warnings to the reject log and fills stats()' out-of-coverage
  // fields. Errors: those of RecordReader (NotFound, DataLoss...), the reject
  // log's write errors, DataLoss for too many rejects.
  absl::Status ReadInputs();

  // Calls options.progress (if set) for `phase`.
  void Report(LoadPhase phase, const std::string& location = "");

  KeyBuffer& keys() { return keys_; }
  // True unless a key was read that is smaller than the one before it.
  bool keys_ascending() const { return keys_ascending_; }
  std::vector<ChangeRecord>& changes() { return changes_; }
  LoadStats& stats() { return stats_; }
  // The inputs read, in order, with their digests (size, XXH3-128).
  std::vector<storage::ManifestInput>& inputs() { return inputs_; }

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
  bool keys_ascending_ = true;
  uint64_t last_key_ = 0;  // The last key pushed to keys_.
  std::vector<ChangeRecord> changes_;
  LoadStats stats_;
  std::vector<storage::ManifestInput> inputs_;
};

}  // namespace dnc::loader::internal

#endif  // DNC_LOADER_LOAD_INTERNAL_H_
