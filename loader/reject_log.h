// RejectLog records every rejected input line of a load: all of them go to a
// text file (one "file:line: reason: 'value'" line each, written as they
// come), and the first few are kept in memory for the summary. Lines that are
// not rejects (warnings about lines that were loaded) start with "# ", so a
// reader counting rejects skips them.
//
// Ownership: owns the open file. Thread-safety: thread-compatible.
#ifndef DNC_LOADER_REJECT_LOG_H_
#define DNC_LOADER_REJECT_LOG_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dnc::loader {

// Values longer than this are cut and end in "...".
inline constexpr size_t kMaxRejectValueChars = 80;

struct RejectSample {
  std::string location;  // "leads.txt" or "leads.zip:416.txt"
  uint64_t line = 0;     // 1-based
  std::string reason;    // e.g. "malformed: expected NPA,NXXXXXX (no ',')"
  std::string value;     // The line as printable text (see PrintableValue).
};

// "leads.zip:416.txt:12: invalid: N11 code used as area code: '911,2345678'".
std::string FormatReject(const RejectSample& sample);

// `raw` with bytes outside printable ASCII written as \xNN, cut to
// kMaxRejectValueChars characters (then "..." appended).
std::string PrintableValue(std::string_view raw);

class RejectLog {
 public:
  // Creates (or truncates) `path`. Errors: errno-derived status naming it.
  static absl::StatusOr<std::unique_ptr<RejectLog>> Create(
      const std::string& path, size_t max_samples);

  RejectLog(const RejectLog&) = delete;
  RejectLog& operator=(const RejectLog&) = delete;
  ~RejectLog();

  // Appends one reject. Errors: errno-derived status of the write.
  absl::Status Add(std::string_view location, uint64_t line, std::string reason,
                   std::string_view raw_value);

  // Appends `text` as a comment: each of its lines prefixed with "# ". Not a
  // reject (count() is unchanged). Errors: errno-derived status of the write.
  absl::Status AddComment(std::string_view text);

  // Flushes and closes the file. Errors: errno-derived status of the write.
  absl::Status Close();

  uint64_t count() const { return count_; }
  const std::vector<RejectSample>& samples() const { return samples_; }
  const std::string& path() const { return path_; }

 private:
  RejectLog(std::string path, std::FILE* file, size_t max_samples);

  const std::string path_;
  std::FILE* file_;  // Owned; null after Close().
  const size_t max_samples_;
  uint64_t count_ = 0;
  std::vector<RejectSample> samples_;
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_REJECT_LOG_H_
