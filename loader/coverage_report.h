// CoverageReport keeps account of the good lines of a load whose number the
// source is never consulted for (storage/source_coverage.h, the rule
// dnc-server routes by): a us-ftc file's Canadian and Caribbean area codes, a
// state list's numbers in other states' area codes, area codes not in the
// numbering table. Such numbers load, but no request ever reads them: the
// server answers them from other sources, or STALE when none covers them.
//
// The report counts them by area code and region and keeps the first few as
// samples (file, line, why); the loader puts the counts and samples in
// LoadStats and a warning section (WriteTo) at the end of rejects.txt. With
// LoadOptions::reject_out_of_coverage the lines are rejects instead (the
// loader logs each one with its reason, Reason()), and the report still
// counts them.
//
// Ownership: owns its SourceCoverage. Thread-safety: thread-compatible.
#ifndef DNC_LOADER_COVERAGE_REPORT_H_
#define DNC_LOADER_COVERAGE_REPORT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "loader/bulk_loader.h"
#include "loader/reject_log.h"
#include "storage/manifest.h"
#include "storage/source_coverage.h"

namespace dnc::loader {

// "CA-ON 2 (416, 905); JM 1 (876); unassigned 1 (222)": the first
// `max_regions` gaps, then "; N more regions" if there are more.
std::string DescribeCoverageGaps(const std::vector<CoverageGap>& gaps,
                                 size_t max_regions = SIZE_MAX);

class CoverageReport {
 public:
  // `scope`: the source's id, jurisdiction, country and area codes, as its
  // MANIFEST will have them. Keeps the first `max_samples` lines.
  CoverageReport(const storage::Manifest& scope, size_t max_samples);

  const storage::SourceCoverage& coverage() const { return coverage_; }

  // "out of coverage: area code 416 is in CA-ON, not covered by us-ftc (US)"
  // for a key outside coverage. Allocates.
  std::string Reason(uint64_t key) const;

  // Counts one good line outside coverage (coverage().Check(key) is
  // kOtherRegion or kUnassigned); samples it while fewer than max_samples.
  void Add(std::string_view location, uint64_t line, std::string_view text,
           uint64_t key);

  uint64_t count() const { return count_; }
  const std::vector<RejectSample>& samples() const { return samples_; }

  // The lines by region, most lines first (then by region name).
  std::vector<CoverageGap> Gaps() const;

  // Appends the warning section to `log` (nothing when count() is 0): the
  // count, what it means, the gaps and, unless `rejected` (the lines are in
  // the log as rejects already), the samples. Errors: the log's write error.
  absl::Status WriteTo(bool rejected, RejectLog* log) const;

 private:
  const storage::SourceCoverage coverage_;
  const std::string source_;
  const size_t max_samples_;
  uint64_t count_ = 0;
  std::array<uint64_t, 1000> by_area_code_{};  // NANP lines by area code.
  uint64_t without_area_code_ = 0;             // +1 keys not 11 digits long.
  std::vector<RejectSample> samples_;
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_COVERAGE_REPORT_H_
