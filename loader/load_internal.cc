#include "loader/load_internal.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/phone_number.h"
#include "common/status_macros.h"
#include "loader/record_reader.h"
#include "storage/crash_point.h"

namespace dnc::loader::internal {
namespace {

constexpr uint64_t kProgressEveryLines = 1 << 16;
constexpr char kDeleteInFullList[] =
    "delete record in a full list (load change lists with --mode change)";

}  // namespace

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

InputReader::InputReader(const LoadOptions& options,
                         const storage::Manifest& scope, RecordParser parser,
                         RejectLog* rejects, Clock::time_point start)
    : options_(options),
      coverage_(scope, options.max_out_of_coverage_samples),
      parser_(std::move(parser)),
      rejects_(rejects),
      start_(start) {
  stats_.mode = options.mode;
}

absl::Status InputReader::ReadInputs() {
  for (size_t i = 0; i < options_.inputs.size(); ++i) {
    file_index_ = i;
    DNC_RETURN_IF_ERROR(ReadInput(i));
  }
  stats_.out_of_coverage = coverage_.count();
  stats_.out_of_coverage_rejected = options_.reject_out_of_coverage;
  stats_.out_of_coverage_samples = coverage_.samples();
  stats_.out_of_coverage_by_region = coverage_.Gaps();
  DNC_RETURN_IF_ERROR(
      coverage_.WriteTo(options_.reject_out_of_coverage, rejects_));
  Report(LoadPhase::kReading);
  return absl::OkStatus();
}

void InputReader::Report(LoadPhase phase, const std::string& location) {
  if (!options_.progress) return;
  LoadProgress progress;
  progress.phase = phase;
  progress.location = location;
  progress.file_index = file_index_;
  progress.file_count = options_.inputs.size();
  progress.lines_read = stats_.lines_read;
  progress.rejected = stats_.rejected;
  progress.elapsed_seconds = SecondsSince(start_);
  options_.progress(progress);
}

absl::Status InputReader::ReadInput(size_t index) {
  const std::string& path = options_.inputs[index];
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<RecordReader> reader,
                       RecordReader::Open(path, &parser_));
  ++stats_.files;
  Report(LoadPhase::kReading, path);
  const bool change_mode = options_.mode == LoadMode::kChange;
  const char* const crash_point =
      change_mode ? "change-reading" : "full-reading";
  Record record;
  while (true) {
    DNC_ASSIGN_OR_RETURN(const bool more, reader->Next(&record));
    if (!more) break;
    ++stats_.lines_read;
    if (stats_.lines_read == 1) storage::CrashPoint(crash_point);
    if (stats_.lines_read % kProgressEveryLines == 0) {
      Report(LoadPhase::kReading, std::string(record.location));
    }
    switch (record.kind) {
      case LineKind::kKey: {
        if (!change_mode && record.op == RecordOp::kDelete) {
          DNC_RETURN_IF_ERROR(AddReject(record.location, record.line,
                                        record.text, RejectClass::kMalformed,
                                        kDeleteInFullList));
          break;
        }
        DNC_ASSIGN_OR_RETURN(const bool kept, CheckCoverage(record));
        if (!kept) break;  // Rejected: outside the source's coverage.
        if (change_mode) {
          changes_.push_back(
              {record.key, record.date, record.op == RecordOp::kDelete});
        } else {
          if (record.key < last_key_) keys_ascending_ = false;
          last_key_ = record.key;
          keys_.push_back(record.key);
        }
        break;
      }
      case LineKind::kBlank:
        ++stats_.blank;
        break;
      case LineKind::kReject:
        DNC_RETURN_IF_ERROR(AddReject(record.location, record.line, record.text,
                                      record.reject_class, record.detail));
        break;
    }
  }
  stats_.members += reader->members();
  DNC_ASSIGN_OR_RETURN(const FileDigest digest, reader->Digest());
  inputs_.push_back({path, digest.bytes, digest.xxh3_128});
  return absl::OkStatus();
}

absl::StatusOr<bool> InputReader::CheckCoverage(const Record& record) {
  switch (coverage_.coverage().Check(record.key)) {
    case storage::SourceCoverage::Verdict::kCovered:
      return true;
    case storage::SourceCoverage::Verdict::kOtherCountry:
      DNC_RETURN_IF_ERROR(AddReject(
          record.location, record.line, record.text,
          absl::StrCat("invalid: ", coverage_.coverage().Explain(record.key))));
      return false;
    case storage::SourceCoverage::Verdict::kOtherRegion:
    case storage::SourceCoverage::Verdict::kUnassigned:
      break;
  }
  coverage_.Add(record.location, record.line, record.text, record.key);
  if (!options_.reject_out_of_coverage) return true;
  DNC_RETURN_IF_ERROR(AddReject(record.location, record.line, record.text,
                                coverage_.Reason(record.key)));
  return false;
}

absl::Status InputReader::AddReject(std::string_view location, uint64_t line,
                                    std::string_view text,
                                    RejectClass reject_class,
                                    const char* detail) {
  return AddReject(location, line, text, RejectReason(reject_class, detail));
}

absl::Status InputReader::AddReject(std::string_view location, uint64_t line,
                                    std::string_view text, std::string reason) {
  ++stats_.rejected;
  DNC_RETURN_IF_ERROR(rejects_->Add(location, line, std::move(reason), text));
  if (options_.max_rejects.has_value() &&
      stats_.rejected > *options_.max_rejects) {
    std::vector<std::string> first;
    for (const RejectSample& sample : rejects_->samples()) {
      if (first.size() == 3) break;
      first.push_back(FormatReject(sample));
    }
    return absl::DataLossError(absl::StrCat(
        "more than ", *options_.max_rejects,
        " lines rejected (--max_rejects); nothing was published. First: ",
        absl::StrJoin(first, "; ")));
  }
  return absl::OkStatus();
}

}  // namespace dnc::loader::internal
