// The presumed time zones of +1 numbers by area code (NPA) and exchange
// (NXX), generated at build time by tools/gen_nanp_time_zones.py from
// libphonenumber's time-zone prefix data (Debian's python3-phonenumbers). An
// area code that spans zones has exchange-level entries; a prefix may list
// several zones when the data cannot tell (602: Denver and Phoenix).
//
// Internal to dnc_policy (policy.cc builds WindowKeys from it); tests use it
// to compare the table with the data.
//
// Thread-safety: thread-safe (immutable tables and pure functions).
#ifndef DNC_POLICY_NANP_TIME_ZONES_H_
#define DNC_POLICY_NANP_TIME_ZONES_H_

#include <cstdint>

namespace dnc::policy {

// A set of IANA zones, 0 = none known.
using ZoneSetId = uint16_t;

// The zone set of a NANP E.164 key (11 digits starting with 1): the longest
// matching prefix of the data (exchange, then part of it, then area code).
// 0 for a key that is not NANP or that the data does not place. No
// allocation.
ZoneSetId NanpZoneSetOf(uint64_t e164);

// True if the exchanges of area code `npa` (0-999) do not all share one zone
// set (NanpZoneSetOf then looks the exchange up); false if every number of
// it has the area code's.
bool NanpZonesVaryByExchange(int npa);

// The number of zones in `id` (0 for 0 or an id out of range) and the i-th
// one's IANA name (REQUIRES: i < ZoneSetSize(id)). The data's order: the
// first zone is the one a window's local time is shown in.
int ZoneSetSize(ZoneSetId id);
const char* ZoneSetZone(ZoneSetId id, int i);
// An index of the zone into the table's distinct zone names, for caching.
int ZoneSetZoneIndex(ZoneSetId id, int i);
// How many distinct zone names the table holds; and how many zone sets
// (ids are 1 .. ZoneSetCount() - 1).
int ZoneNameCount();
int ZoneSetCount();

namespace tz_internal {
struct ZoneSet {
  uint16_t first;  // Index into kZoneSetMembers.
  uint16_t count;
};
struct NxxOverride {
  uint32_t npa_nxx;  // e.g. 208201
  uint16_t zone_set;
};
// Defined in the generated nanp_time_zones_data.cc.
extern const char kDataSource[];
extern const int kZoneCount;
extern const char* const kZoneNames[];
extern const int kZoneSetCount;
extern const ZoneSet kZoneSets[];
extern const uint8_t kZoneSetMembers[];
extern const uint16_t kGbZoneSet;  // {Europe/London}
extern const uint16_t kNpaDefault[1000];
extern const int kOverrideCount;
extern const NxxOverride kOverrides[];  // Sorted by npa_nxx.
}  // namespace tz_internal

}  // namespace dnc::policy

#endif  // DNC_POLICY_NANP_TIME_ZONES_H_
