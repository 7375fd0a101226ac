// Which numbers a source is consulted for: the one rule that dnc-server
// routes every number by (service/source_set.cc builds its routes from
// UseForAreaCode and ListsCountryCode) and that dnc-load checks every input
// line against (SourceCoverage, so a load can say which of its numbers the
// server will never answer from the source).
//
// The rule, from a generation's MANIFEST (kind, jurisdiction, country_codes,
// area_codes):
//   - A NANP number (+1, 11 digits) is looked up in a source that lists
//     country code 1 if the source's jurisdiction matches the area code's
//     region in the table generated from public numbering data
//     (common/nanp_regions.h: "US" for the US states, DC and territories,
//     "US-TX" for Texas's area codes, "CA", "CA-ON", "JM") or the manifest
//     lists the area code in `area_codes` (which widens, never narrows). An
//     area code not in the table is covered only where it is listed.
//   - Any other number is looked up in a source that lists its country code
//     (CountryCodeOf).
// A number outside that is loaded for nothing: no request ever reads it.
//
// Thread-safety: the functions are thread-safe (pure); SourceCoverage is
// immutable after construction.
#ifndef DNC_STORAGE_SOURCE_COVERAGE_H_
#define DNC_STORAGE_SOURCE_COVERAGE_H_

#include <array>
#include <cstdint>
#include <string>

#include "common/nanp_regions.h"
#include "common/phone_number.h"  // CountryCodeOf
#include "storage/manifest.h"

namespace dnc::storage {

// True if `manifest` describes a national registry: its kind is "national",
// or, for a manifest without a kind, its jurisdiction names a country or
// territory ("US", "CA", "GB") rather than a subdivision ("US-TX"). State,
// litigator and other lists are never national.
bool IsNationalRegistry(const Manifest& manifest);

// True if manifest.country_codes holds `code`.
bool ListsCountryCode(const Manifest& manifest, uint32_t code);

// How a source relates to NANP area code `npa` (0-999):
//   kNone: it is not consulted for the area code's numbers;
//   kConsulted: it is consulted, but does not answer for the whole area code
//     (a state list, or a national list bought per area code that does not
//     list this one);
//   kNational: a national registry (IsNationalRegistry) covering the whole
//     area code (it lists no area codes, or lists this one) of an area code
//     in the numbering table.
enum class AreaCodeUse { kNone, kConsulted, kNational };
AreaCodeUse UseForAreaCode(const Manifest& manifest, int npa);

// One source's coverage, worked out once (a table by area code), for checking
// many numbers: Check() is O(1) and allocates nothing.
class SourceCoverage {
 public:
  enum class Verdict : uint8_t {
    kCovered,       // The source is consulted for the number.
    kOtherCountry,  // Its country code is not one the source lists.
    kOtherRegion,   // NANP: its area code belongs to a region the source
                    // does not cover (Canada, the Caribbean, another state).
    kUnassigned,    // NANP: its area code is not in the numbering table
                    // (and the source does not list it).
  };

  // Reads manifest.source, jurisdiction, country_codes and area_codes (kind
  // does not change what is consulted).
  explicit SourceCoverage(const Manifest& manifest);

  Verdict Check(uint64_t e164) const {
    const int npa = NanpAreaCode(e164);
    if (npa >= 0) return nanp_[npa];
    return OtherNumber(e164);
  }

  // Why the source is not consulted for `e164` (for a number Check() does
  // not return kCovered for), e.g. "area code 416 is in CA-ON, not covered
  // by us-ftc (US)", "area code 222 is unassigned (not in the numbering
  // table), not covered by us-ftc (US)", "country code +44 is not covered by
  // us-ftc (+1)". Allocates: for reports, not per line.
  std::string Explain(uint64_t e164) const;

  // "CA-ON", "JM", "US-NY" (the region of an area code, DescribeNpa) or
  // "unassigned": how out-of-coverage NANP numbers are grouped in reports.
  static std::string RegionOfAreaCode(int npa);

 private:
  Verdict OtherNumber(uint64_t e164) const;

  Manifest scope_;  // Only the fields the constructor reads.
  std::array<Verdict, 1000> nanp_;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_SOURCE_COVERAGE_H_
