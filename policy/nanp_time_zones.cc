#include "policy/nanp_time_zones.h"

#include <algorithm>
#include <array>

#include "common/nanp_regions.h"

namespace dnc::policy {

using tz_internal::kOverrideCount;
using tz_internal::kOverrides;
using tz_internal::NxxOverride;

namespace {

// Where each area code's exchange overrides sit in kOverrides: [first, last)
// (empty for the ~98% of area codes that have none), so a lookup is one
// array read for most numbers and a short search within one area code for
// the few that span zones.
struct OverrideRange {
  uint16_t first = 0;
  uint16_t last = 0;
};

const std::array<OverrideRange, 1000>& OverrideRanges() {
  static const std::array<OverrideRange, 1000> ranges = [] {
    std::array<OverrideRange, 1000> out{};
    for (int i = 0; i < kOverrideCount; ++i) {
      OverrideRange& range = out[kOverrides[i].npa_nxx / 1000];
      if (range.first == range.last) range.first = static_cast<uint16_t>(i);
      range.last = static_cast<uint16_t>(i + 1);
    }
    return out;
  }();
  return ranges;
}

}  // namespace

ZoneSetId NanpZoneSetOf(uint64_t e164) {
  const int npa = NanpAreaCode(e164);
  if (npa < 0) return 0;
  const OverrideRange range = OverrideRanges()[npa];
  if (range.first != range.last) {
    const uint32_t npa_nxx = static_cast<uint32_t>(
        (e164 - 10'000'000'000ULL) / 10'000ULL);  // 12082015555 -> 208201
    const NxxOverride* end = kOverrides + range.last;
    const NxxOverride* it = std::lower_bound(
        kOverrides + range.first, end, npa_nxx,
        [](const NxxOverride& o, uint32_t key) { return o.npa_nxx < key; });
    if (it != end && it->npa_nxx == npa_nxx) return it->zone_set;
  }
  return tz_internal::kNpaDefault[npa];
}

bool NanpZonesVaryByExchange(int npa) {
  if (npa < 0 || npa >= 1000) return false;
  const OverrideRange range = OverrideRanges()[npa];
  return range.first != range.last;
}

int ZoneSetSize(ZoneSetId id) {
  if (id == 0 || id >= tz_internal::kZoneSetCount) return 0;
  return tz_internal::kZoneSets[id].count;
}

int ZoneSetZoneIndex(ZoneSetId id, int i) {
  return tz_internal::kZoneSetMembers[tz_internal::kZoneSets[id].first + i];
}

const char* ZoneSetZone(ZoneSetId id, int i) {
  return tz_internal::kZoneNames[ZoneSetZoneIndex(id, i)];
}

int ZoneNameCount() { return tz_internal::kZoneCount; }
int ZoneSetCount() { return tz_internal::kZoneSetCount; }

}  // namespace dnc::policy
