// The compliance rules a scrub applies on top of the registries, as data per
// jurisdiction (policy/jurisdiction_rules.cc holds the table): which call
// purposes a registry exempts, how long an EBR or consent excuses a listing,
// the calling hours and the presumed local time zone of a number.
//
// Decide() turns the facts about one number (what each applicable registry
// says, the seller's records for the number, the call's purpose) into the
// final disposition and its reasons. It knows nothing of gRPC, RocksDB or
// tenants' storage: the service gathers the facts, Decide() rules.
//
// Order of the rules (fail closed; docs/rules.md):
//   1. On the seller's internal list -> INTERNAL (beats every exemption,
//      EBR and consent, and every purpose).
//   2. Any applicable source the seller is not entitled to for this number's
//      area code -> NOT_SUBSCRIBED (one NOT_ENTITLED reason per such source;
//      nothing about the registries is revealed).
//   3. Listed on sources: each listing is excused by the purpose (if the
//      source's jurisdiction exempts it), else by the newest unexpired
//      written consent or EBR record recognised there. Any listing not
//      excused -> BLOCKED (per unexcused source: LISTED, then one
//      EXEMPTION_EXPIRED per kind of record the seller holds that does not
//      excuse it, the newest of its kind: expired, dated after today, not
//      recognised in that jurisdiction, or of an unknown type). A source
//      whose jurisdiction has no rules (policy/jurisdiction_rules.cc)
//      excuses nothing.
//   4. A source that does not list the number is stale, or none covers the
//      number -> STALE (SOURCE_STALE per such source, NO_SOURCE; then the
//      LISTED + excuse pairs of any excused listings). An excused listing
//      elsewhere does not make up for data we do not have.
//   5. All listings excused -> EXEMPT (LISTED + the excuse, per source).
//   6. Else CALLABLE.
// Record windows: a record dated D with an N-month window excuses calls on
// days before D + N calendar months (AddMonths in jurisdiction_rules.h).
//
// Thread-safety: thread-safe (immutable tables and pure functions).
#ifndef DNC_POLICY_POLICY_H_
#define DNC_POLICY_POLICY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"

namespace dnc::policy {

// Mirror dnc.v1.CallPurpose / ConsentType (same numeric values).
enum class Purpose : uint8_t {
  kUnspecified = 0,
  kCommercial = 1,
  kCharity = 2,
  kPolitical = 3,
  kSurvey = 4,
};
enum class ConsentType : uint8_t {
  kUnspecified = 0,
  kPurchase = 1,  // EBR: purchase or transaction.
  kInquiry = 2,   // EBR: inquiry or application.
  kWritten = 3,   // Prior express written consent (until revoked).
};

// "commercial", "charity", ...; "purchase", "inquiry", "written-consent".
const char* PurposeName(Purpose purpose);
const char* ConsentTypeName(ConsentType type);
// Parses those names (ASCII case-insensitive); false if unknown (and for
// "unspecified": a caller maps that to its default itself).
bool ParsePurpose(std::string_view text, Purpose* purpose);
bool ParseConsentType(std::string_view text, ConsentType* type);

// One EBR or consent record of the seller for a number. Revoked records are
// not passed to Decide (revocation ends them).
struct ConsentRecord {
  ConsentType type = ConsentType::kUnspecified;
  DayNumber date = 0;  // Day of the purchase, inquiry or consent.
};

// What one applicable source says about the number.
struct SourceFinding {
  std::string_view source;  // "us-ftc"
  // The source's MANIFEST jurisdiction: "US", "US-PA", "CA".
  std::string_view jurisdiction;
  uint32_t snapshot = 0;  // Caller's index for the snapshot, echoed in reasons.
  bool listed = false;
  DayNumber added = 0;   // Listed: day added, 0 = unknown.
  bool stale = false;    // Past its legal window.
  bool entitled = true;  // The seller may use this source for this area code.
};

struct NumberFacts {
  uint64_t e164 = 0;
  absl::Span<const SourceFinding> findings;  // Every applicable source.
  bool no_source = false;      // No national registry covers the number.
  bool opted_out = false;      // On the seller's internal list...
  DayNumber opted_out_on = 0;  // ...since this day (0 = unknown).
  absl::Span<const ConsentRecord> consents;  // Unrevoked records.
  Purpose purpose = Purpose::kCommercial;    // Never kUnspecified here.
  DayNumber today = 0;
};

// Mirror dnc.v1.Disposition / ReasonCode (same numeric values).
enum class Outcome : uint8_t {
  kCallable = 1,
  kBlocked = 2,
  kExempt = 3,
  kInternal = 4,
  kNotSubscribed = 5,
  kStale = 6,
};
enum class Why : uint8_t {
  kListed = 1,
  kSourceStale = 2,
  kNoSource = 3,
  kInternalList = 6,
  kNotEntitled = 7,
  kEbrPurchase = 8,
  kEbrInquiry = 9,
  kWrittenConsent = 10,
  kPurposeExempt = 11,
  kExemptionExpired = 12,
};

inline constexpr uint32_t kNoSnapshot = 0xffffffffu;

struct DecisionReason {
  Why why = Why::kListed;
  // SourceFinding::snapshot, where one applies (kNoSnapshot otherwise).
  uint32_t snapshot = kNoSnapshot;
  // kListed: added; kInternalList: opted_out_on; excuses and
  // kExemptionExpired: the record's date; 0 = none or unknown.
  DayNumber date = 0;
  // For a compliance officer, e.g. "purchase 2025-09-01; US allows 18
  // months: valid through 2027-02-28", "inquiry 2026-06-01; US allows 3
  // months: expired 2026-09-01".
  std::string detail;
};

struct Decision {
  Outcome outcome = Outcome::kCallable;
  std::vector<DecisionReason> reasons;  // Empty for kCallable.
};

// Applies the rules above. REQUIRES: facts.purpose != kUnspecified.
Decision Decide(const NumberFacts& facts);

// ---- Calling windows ------------------------------------------------------

// Identifies the (time zones, hours rule) of a number, so a batch computes
// each distinct window once. 0 = unknown (no zone or no rule: never open).
// Keys are stable within one build only (they index generated tables): do
// not store them.
using WindowKey = uint32_t;

// The key for a number (+1 numbers by area code and exchange, from
// libphonenumber's time-zone data generated at build time, with the hours
// of the area code's state/province row if it has one, else its country's
// (US, CA; other NANP countries have no row: 0); +44 -> Europe/London under
// GB; every other country 0). Cheap (a table lookup); no allocation.
WindowKey WindowKeyOf(uint64_t e164);

struct CallingWindow {
  bool known = false;
  std::vector<std::string> time_zones;  // IANA names.
  std::string rule;                     // "US", "US-FL", "CA", ...
  // The window on the local day of `now` in the first zone, in minutes after
  // local midnight, end exclusive; when zones disagree, the intersection.
  int start_minute = 0;
  int end_minute = 0;
  std::string local_now;  // "2026-11-23 14:05 Mon" in the first zone.
  bool open_now = false;  // Inside the hours in every zone.
};

// The window of `key` at `now` (loads the zones through absl::LoadTimeZone,
// cached). Unknown key, or a zone that cannot be loaded -> known = false,
// open_now = false.
CallingWindow EvaluateWindow(WindowKey key, absl::Time now);

// Where the zone table came from, e.g. "libphonenumber 8.12.57 time zones".
const char* TimeZoneDataSource();

}  // namespace dnc::policy

#endif  // DNC_POLICY_POLICY_H_
