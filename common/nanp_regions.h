// The North American Numbering Plan's area codes (NPAs) by country and
// state/province: which country's registries apply to a +1 number, and which
// state or provincial list. +1 is shared by the US (with its territories),
// Canada and most of the Caribbean, so the country code alone cannot route a
// number to its registries; its area code can.
//
// The table is generated at build time from public numbering data, not typed
// by hand: tools/gen_nanp_regions.py reads libphonenumber's metadata and
// geocoding prefixes (Debian's python3-phonenumbers) and ISO 3166-2 names
// (iso-codes). An area code libphonenumber does not know (unassigned, or
// assigned after that data was published) is not in the table.
//
// Thread-safety: thread-safe (an immutable table and pure functions).
#ifndef DNC_COMMON_NANP_REGIONS_H_
#define DNC_COMMON_NANP_REGIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace dnc {

// Most subdivisions one area code serves (867: Yukon, NWT and Nunavut).
inline constexpr int kMaxNpaSubdivisions = 3;

// What the numbering data says about one area code. Strings are
// NUL-terminated; an unused one is empty.
struct NpaInfo {
  // ISO 3166-1 alpha-2 of the country whose registries apply: "US" (the 50
  // states, DC and the US territories), "CA", "JM", ...; empty if the area
  // code is not in the table.
  char country[3];
  // libphonenumber's region: the country, or the territory ("PR", "GU").
  char region[3];
  // ISO 3166-2 subdivision codes within `country`, without the country:
  // {"TX"}, {"NS", "PE"}, {"PR"}; none for non-geographic codes (toll-free
  // 8XX, 5XX, 900, Canada's 600) and countries without subdivisions here.
  char subdivisions[kMaxNpaSubdivisions][3];

  bool assigned() const { return country[0] != '\0'; }
};

// The entry for `npa`. Any int is fine: out of 0-999, or not in the table,
// gives an entry with assigned() false.
const NpaInfo& LookupNpa(int npa);

// The area code of a NANP E.164 key (11 digits starting with 1), e.g.
// 12125551234 -> 212; -1 for any other key.
inline int NanpAreaCode(uint64_t e164) {
  if (e164 < 10'000'000'000ULL || e164 >= 20'000'000'000ULL) return -1;
  return static_cast<int>((e164 - 10'000'000'000ULL) / 10'000'000ULL);
}

// True if a registry of `jurisdiction` (as in a MANIFEST: "US", "US-TX",
// "CA", "CA-ON", "PR", "US-PR", "JM"; ASCII case-insensitive) covers numbers
// in an area code with entry `info`: the jurisdiction is the entry's country
// or region, or "<country>-<subdivision>" for one of its subdivisions. False
// for unassigned entries.
bool NpaInJurisdiction(const NpaInfo& info, std::string_view jurisdiction);

// "US-TX", "CA-NS/PE", "US-PR", "JM", "CA" (no subdivision); "" if
// unassigned. For messages.
std::string DescribeNpa(const NpaInfo& info);

// Where the table came from, e.g. "libphonenumber 8.12.57
// (python3-phonenumbers) and ISO 3166-2 (iso-codes)".
const char* NanpDataSource();

// How many area codes the table holds.
int AssignedNpaCount();

namespace nanp_internal {
// Defined in the generated nanp_regions_data.cc.
extern const char kDataSource[];
extern const int kAssignedCount;
extern const NpaInfo kTable[1000];
}  // namespace nanp_internal

}  // namespace dnc

#endif  // DNC_COMMON_NANP_REGIONS_H_
