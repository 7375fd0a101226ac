#include "storage/source_coverage.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace dnc::storage {
namespace {

bool ListsAreaCode(const Manifest& manifest, int npa) {
  return std::find(manifest.area_codes.begin(), manifest.area_codes.end(),
                   static_cast<uint32_t>(npa)) != manifest.area_codes.end();
}

// "us-ftc (US)", "us-ftc (US, area codes 212, 213)", "uk-tps (+44)".
std::string DescribeScope(const Manifest& scope, bool by_country_code) {
  std::string what;
  if (by_country_code) {
    what = absl::StrCat("+", absl::StrJoin(scope.country_codes, ", +"));
  } else {
    what = scope.jurisdiction;
    if (!scope.area_codes.empty()) {
      absl::StrAppend(&what, ", area code",
                      scope.area_codes.size() == 1 ? " " : "s ",
                      absl::StrJoin(scope.area_codes, ", "));
    }
  }
  return absl::StrCat(scope.source, " (", what, ")");
}

}  // namespace

bool IsNationalRegistry(const Manifest& manifest) {
  if (!manifest.kind.empty()) return manifest.kind == "national";
  return !manifest.jurisdiction.empty() &&
         manifest.jurisdiction.find('-') == std::string::npos;
}

bool ListsCountryCode(const Manifest& manifest, uint32_t code) {
  return std::find(manifest.country_codes.begin(), manifest.country_codes.end(),
                   code) != manifest.country_codes.end();
}

AreaCodeUse UseForAreaCode(const Manifest& manifest, int npa) {
  if (!ListsCountryCode(manifest, 1)) return AreaCodeUse::kNone;
  const NpaInfo& info = LookupNpa(npa);
  const bool listed = ListsAreaCode(manifest, npa);
  if (!listed && !NpaInJurisdiction(info, manifest.jurisdiction)) {
    return AreaCodeUse::kNone;
  }
  const bool national = IsNationalRegistry(manifest) && info.assigned() &&
                        (manifest.area_codes.empty() || listed);
  return national ? AreaCodeUse::kNational : AreaCodeUse::kConsulted;
}

SourceCoverage::SourceCoverage(const Manifest& manifest) {
  scope_.source = manifest.source;
  scope_.jurisdiction = manifest.jurisdiction;
  scope_.country_codes = manifest.country_codes;
  scope_.area_codes = manifest.area_codes;
  scope_.kind = manifest.kind;
  const bool nanp = ListsCountryCode(scope_, 1);
  for (int npa = 0; npa < static_cast<int>(nanp_.size()); ++npa) {
    if (!nanp) {
      nanp_[npa] = Verdict::kOtherCountry;
    } else if (UseForAreaCode(scope_, npa) != AreaCodeUse::kNone) {
      nanp_[npa] = Verdict::kCovered;
    } else {
      nanp_[npa] = LookupNpa(npa).assigned() ? Verdict::kOtherRegion
                                             : Verdict::kUnassigned;
    }
  }
}

SourceCoverage::Verdict SourceCoverage::OtherNumber(uint64_t e164) const {
  const uint32_t code = CountryCodeOf(e164);
  // A +1 number that is not 11 digits has no area code: dnc-server routes
  // +1 only by area code, so no source is consulted for it.
  if (code == 1) {
    return ListsCountryCode(scope_, 1) ? Verdict::kUnassigned
                                       : Verdict::kOtherCountry;
  }
  return ListsCountryCode(scope_, code) ? Verdict::kCovered
                                        : Verdict::kOtherCountry;
}

std::string SourceCoverage::RegionOfAreaCode(int npa) {
  const std::string region = DescribeNpa(LookupNpa(npa));
  return region.empty() ? "unassigned" : region;
}

std::string SourceCoverage::Explain(uint64_t e164) const {
  const int npa = NanpAreaCode(e164);
  switch (Check(e164)) {
    case Verdict::kCovered:
      return absl::StrCat("covered by ", DescribeScope(scope_, npa < 0));
    case Verdict::kOtherCountry:
      return absl::StrCat("country code +", CountryCodeOf(e164),
                          " is not covered by ", DescribeScope(scope_, true));
    case Verdict::kOtherRegion:
      return absl::StrFormat("area code %03d is in %s, not covered by %s", npa,
                             RegionOfAreaCode(npa),
                             DescribeScope(scope_, false));
    case Verdict::kUnassigned:
      if (npa < 0) {
        return absl::StrCat(
            "+1 number without a 3-digit area code and "
            "7-digit number, not covered by ",
            DescribeScope(scope_, false));
      }
      return absl::StrFormat(
          "area code %03d is unassigned (not in the numbering table), not "
          "covered by %s",
          npa, DescribeScope(scope_, false));
  }
  return "?";
}

}  // namespace dnc::storage
