#include "loader/coverage_report.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/nanp_regions.h"
#include "common/status_macros.h"

namespace dnc::loader {
namespace {

constexpr char kOutOfCoverage[] = "out of coverage: ";
constexpr size_t kAreaCodesShown = 12;  // Per region in DescribeGaps().

}  // namespace

CoverageReport::CoverageReport(const storage::Manifest& scope,
                               size_t max_samples)
    : coverage_(scope), source_(scope.source), max_samples_(max_samples) {}

std::string CoverageReport::Reason(uint64_t key) const {
  return absl::StrCat(kOutOfCoverage, coverage_.Explain(key));
}

void CoverageReport::Add(std::string_view location, uint64_t line,
                         std::string_view text, uint64_t key) {
  ++count_;
  const int npa = NanpAreaCode(key);
  if (npa >= 0) {
    ++by_area_code_[npa];
  } else {
    ++without_area_code_;
  }
  if (samples_.size() < max_samples_) {
    samples_.push_back(
        {std::string(location), line, Reason(key), PrintableValue(text)});
  }
}

std::vector<CoverageGap> CoverageReport::Gaps() const {
  std::map<std::string, CoverageGap> by_region;
  for (int npa = 0; npa < static_cast<int>(by_area_code_.size()); ++npa) {
    if (by_area_code_[npa] == 0) continue;
    const std::string region = storage::SourceCoverage::RegionOfAreaCode(npa);
    CoverageGap& gap = by_region[region];
    gap.region = region;
    gap.lines += by_area_code_[npa];
    gap.area_codes.push_back(npa);
  }
  std::vector<CoverageGap> gaps;
  for (auto& [region, gap] : by_region) gaps.push_back(std::move(gap));
  if (without_area_code_ > 0) {
    gaps.push_back({"+1 without an area code", without_area_code_, {}});
  }
  std::stable_sort(gaps.begin(), gaps.end(),
                   [](const CoverageGap& a, const CoverageGap& b) {
                     return a.lines > b.lines;
                   });
  return gaps;
}

std::string DescribeCoverageGaps(const std::vector<CoverageGap>& gaps,
                                 size_t max_regions) {
  std::vector<std::string> parts;
  for (const CoverageGap& gap : gaps) {
    if (parts.size() == max_regions) {
      parts.push_back(absl::StrCat(gaps.size() - max_regions, " more regions"));
      break;
    }
    std::string part = absl::StrCat(gap.region, " ", gap.lines);
    if (!gap.area_codes.empty()) {
      std::vector<int> shown(
          gap.area_codes.begin(),
          gap.area_codes.begin() +
              std::min(gap.area_codes.size(), kAreaCodesShown));
      absl::StrAppend(&part, " (", absl::StrJoin(shown, ", "),
                      gap.area_codes.size() > shown.size() ? ", ..." : "", ")");
    }
    parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, "; ");
}

absl::Status CoverageReport::WriteTo(bool rejected, RejectLog* log) const {
  if (count_ == 0) return absl::OkStatus();
  std::string text = absl::StrCat(
      "WARNING: ", count_, " line(s) out of coverage of ", source_,
      rejected ? ": rejected above (--reject_out_of_coverage)"
               : ": loaded, NOT rejected",
      ". dnc-server never consults ", source_,
      " for these numbers (their area codes are in other regions, or not in "
      "the numbering table), so they answer from other sources, or STALE "
      "when no loaded source covers them.\nBy region: ",
      DescribeCoverageGaps(Gaps()));
  if (!rejected) {
    absl::StrAppend(&text, "\nFirst ", samples_.size(), " of ", count_,
                    " (load with --reject_out_of_coverage to reject and list "
                    "them all):");
    for (const RejectSample& sample : samples_) {
      absl::StrAppend(&text, "\n  ", FormatReject(sample));
    }
  }
  return log->AddComment(text);
}

}  // namespace dnc::loader
