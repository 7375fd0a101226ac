// The compliance rules a scrub applies on top of the registries, as data per
// jurisdiction (policy/jurisdiction_rules.cc holds the table): which call
// purposes a registry exempts, how long an EBR or consent excuses a listing;
// and a number's calling window: its presumed local time zones, and the
// dated hours, holidays (policy/calling_rules.h) and declared emergencies
// (policy/emergencies.h) of its jurisdictions.
//
// Decide() is the one place a disposition is decided: it turns the facts
// about one number (how it parsed, what each applicable registry says, the
// seller's records for it, the call's purpose) into the disposition and its
// reasons, for calls with a tenant and without one alike. It knows nothing of
// gRPC, RocksDB or tenants' storage: the scrub engine gathers the registry
// findings, the service the tenant's records, Decide() rules.
//
// A source *applies* to a call unless its jurisdiction exempts the call's
// purpose (e.g. charity calls and the US national registry). A source that
// does not apply plays no part in the answer: not its entitlement, not its
// staleness; its listing only shows as LISTED + PURPOSE_EXEMPT evidence on an
// otherwise callable answer (and not even that to a seller not entitled to
// it). Order of the rules (fail closed; docs/rules.md):
//   0. A number that cannot be read -> MALFORMED; one that is not assignable
//      -> INVALID (the parser's problem as the detail). Nothing else applies.
//   1. On the seller's internal list -> INTERNAL (beats every exemption,
//      EBR and consent, and every purpose).
//   2. Any applicable source the seller is not entitled to for this number's
//      area code -> NOT_SUBSCRIBED (one NOT_ENTITLED reason per such source;
//      nothing about the registries is revealed).
//   3. Listed on applicable sources: each listing is excused by the newest
//      unexpired written consent or EBR record recognised there. Any listing
//      not excused -> BLOCKED (per unexcused source: LISTED, then one
//      EXEMPTION_EXPIRED per kind of record the seller holds that does not
//      excuse it, the newest of its kind: expired, dated after today, not
//      recognised in that jurisdiction, or of an unknown type). A source
//      whose jurisdiction has no rules (policy/jurisdiction_rules.cc)
//      excuses nothing and exempts no purpose.
//   4. An applicable source is stale (whether or not it lists the number),
//      or no national registry covers the number -> STALE (SOURCE_STALE per
//      such source, NO_SOURCE; then the LISTED + excuse pairs of any excused
//      listings). An excused listing does not make up for data we do not
//      have.
//   5. The seller's recorded attempts to the number (on the call's subject)
//      have reached the call-frequency cap of its jurisdiction
//      (policy/frequency_caps.h): the next call would exceed it ->
//      ATTEMPT_LIMIT (FREQUENCY_CAP with the time the number is callable
//      again; then the LISTED + excuse pairs of any excused listings). It
//      applies to every purpose: the caps' laws cover telephone
//      solicitations, and a purpose label is the caller's own claim.
//   6. Any listing excused (by a record, or by the purpose) -> EXEMPT
//      (LISTED + the excuse, per source).
//   7. Else CALLABLE.
// Record windows: a record dated D with an N-month window excuses calls on
// days before D + N calendar months (AddMonths in jurisdiction_rules.h).
//
// Thread-safety: thread-safe (immutable tables and pure functions).
#ifndef DNC_POLICY_POLICY_H_
#define DNC_POLICY_POLICY_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/answer.h"
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

struct JurisdictionRules;  // policy/jurisdiction_rules.h

// A call-frequency cap the seller's attempts to a number have reached.
struct AttemptLimit {
  uint32_t attempts = 0;          // Counted in the window before now.
  int max_calls = 0;              // The cap...
  int64_t window_seconds = 0;     // ...per window...
  const char* jurisdiction = "";  // ...of this jurisdiction's row...
  const char* source = "";        // ...citing this.
  std::string_view subject;       // The call's subject; empty = any.
  int64_t callable_at = 0;  // Unix second from which the next call is within.
};

// What one applicable source says about the number.
struct SourceFinding {
  std::string_view source;  // "us-ftc"
  // The source's MANIFEST jurisdiction: "US", "US-PA", "CA".
  std::string_view jurisdiction;
  // RulesFor(jurisdiction), looked up once per batch by the caller;
  // nullptr: Decide() looks it up (slower: a table scan per number).
  const JurisdictionRules* rules = nullptr;
  uint32_t snapshot = 0;  // Caller's index for the snapshot, echoed in reasons.
  bool listed = false;
  DayNumber added = 0;   // Listed: day added, 0 = unknown.
  bool stale = false;    // Past its legal window.
  bool entitled = true;  // The seller may use this source for this area code.
  // SOURCE_STALE's detail (the caller's precise text, e.g. the age and the
  // deadline); empty: a generic one.
  absl::string_view stale_detail;
};

// How the number parsed (common/phone_number.h's classes, as Decide needs
// them).
enum class Readable : uint8_t { kValid, kInvalid, kMalformed };

struct NumberFacts {
  uint64_t e164 = 0;
  Readable readable = Readable::kValid;
  const char* problem = nullptr;  // kInvalid / kMalformed: why (or default).
  absl::Span<const SourceFinding> findings;  // Every source of its route.
  bool no_source = false;  // No national registry covers the number...
  absl::string_view no_source_detail;  // ...and why (empty: a generic text).
  bool opted_out = false;              // On the seller's internal list...
  DayNumber opted_out_on = 0;          // ...since this day (0 = unknown).
  absl::Span<const ConsentRecord> consents;  // Unrevoked records.
  Purpose purpose = Purpose::kCommercial;    // Never kUnspecified here.
  // Set when the cap is reached (rule 5); nullptr otherwise.
  const AttemptLimit* attempt_limit = nullptr;
  DayNumber today = 0;
  // LISTED reasons without a detail: the snapshot and the date added say it
  // all, and a batch with many hits should not repeat a text per number
  // (what the service sends). False: "listed on us-ftc (US) since ...".
  bool terse_listings = false;
};

// Whether a readable number needs no rule at all: on no source's list, every
// source fresh and entitled, a national registry covering it, not on the
// internal list, no call-frequency cap reached. Such a number is CALLABLE
// with no reasons; Decide() starts with this test, and a caller with many
// numbers may make it first and build NumberFacts only for the others.
inline bool NothingToDecide(bool listed, bool stale, bool unentitled,
                            bool no_source, bool opted_out, bool capped) {
  return !(listed || stale || unentitled || no_source || opted_out || capped);
}

// Whether a source whose jurisdiction has `rules` takes part in a call with
// `purpose`: it does unless the jurisdiction exempts the purpose.
bool SourceApplies(const JurisdictionRules& rules, Purpose purpose);

// One source's answer for a number, as DecidePlainListing() needs it. Plain
// data without initializers: batch callers fill an array of them per number.
struct PlainListing {
  uint32_t snapshot;
  DayNumber added;
  bool listed;
  bool applies;  // SourceApplies() for the call's purpose.
};

// Rule 3 for a listed number with nothing else to weigh: readable, not on
// the internal list, every source of its route fresh and entitled, a
// national registry covering it, and the seller holding no EBR or consent
// record for it (a reached cap does not matter: BLOCKED comes first). When a
// source that applies lists it: appends one LISTED reason (no detail) per such
// source and returns true (the number is BLOCKED). Otherwise (every listing is
// on a source the purpose is exempt from, which only Decide() explains) writes
// nothing and returns false. Decide() rules such numbers through it; a caller
// with many numbers may call it first and build NumberFacts only when it
// returns false.
inline bool DecidePlainListing(absl::Span<const PlainListing> listings,
                               uint32_t entry, std::vector<Reason>* reasons) {
  bool blocks = false;
  for (const PlainListing& l : listings) blocks |= l.listed && l.applies;
  if (!blocks) return false;
  for (const PlainListing& l : listings) {
    if (!l.listed || !l.applies) continue;
    reasons->push_back(
        Reason{entry, ReasonCode::kListed, l.snapshot, {}, l.added});
  }
  return true;
}

// Applies the rules above for the number at `entry` of a batch: appends its
// reasons to `*reasons` (details point at static text, into `facts`, or into
// strings appended to `*texts`) and returns its disposition. Allocates only
// for reasons whose text is made for this number (internal list,
// entitlement, excuses). REQUIRES: facts.purpose != kUnspecified; reasons
// and texts non-null.
Disposition Decide(const NumberFacts& facts, uint32_t entry,
                   std::vector<Reason>* reasons,
                   std::deque<std::string>* texts);

// ---- Calling windows ------------------------------------------------------

// Identifies the (time zones, calling-rule jurisdictions) of a number, so a
// batch computes each distinct window once. 0 = unknown (no zone or no
// rule: never open). The jurisdictions, not a row of hours: which dated
// hours row and which holidays apply is resolved by EvaluateWindow on the
// local day. Keys are stable within one build only (they index generated
// tables): do not store them.
using WindowKey = uint32_t;

// The key for a number: +1 numbers by area code and exchange (zones from
// libphonenumber's time-zone data generated at build time; jurisdictions:
// the area code's states or provinces, each read as its country when it has
// no calling rules of its own, policy/calling_rules.h; other NANP countries
// have no rules: 0); +44 -> Europe/London under GB; every other country 0.
// Cheap (a table lookup); no allocation.
WindowKey WindowKeyOf(uint64_t e164);

struct Emergency;  // policy/emergencies.h

struct CallingWindow {
  bool known = false;
  std::vector<std::string> time_zones;  // IANA names.
  // Whose hours: "US", "US-FL", "CA", ...; "US-KS+US-MO" when an area
  // code's jurisdictions have different rows.
  std::string rule;
  // The window on the local day of `now` in the first zone, in minutes after
  // local midnight, end exclusive; when zones or jurisdictions disagree, the
  // intersection. Equal (0, 0) on a day barred all day.
  int start_minute = 0;
  int end_minute = 0;
  std::string local_now;  // "2026-11-23 14:05 Mon" in the first zone.
  bool open_now = false;  // Inside the hours in every zone, and not barred.
  // The source lines of the hours rows that set the window ("; "-joined).
  std::string source;
  // No telemarketing calls for the whole local day of `now` (a holiday, a
  // weekday without calls such as a Louisiana Sunday, a declared emergency)
  // in some zone and jurisdiction of the number.
  bool barred_today = false;
  // Why, one text per closure, each naming its rule and source: "US-LA: no
  // telemarketing calls on Sundays (...)", "emergency fl-2026-ian declared
  // for US-FL 2026-09-28..2026-10-12 (...)".
  std::vector<std::string> restrictions;
};

// The window of `key` at `now` (loads the zones through absl::LoadTimeZone,
// cached), with `emergencies` (declarations covering the number's area code;
// each one in force at `now` in a zone of the number bars the day).
// Unknown key, or a zone that cannot be loaded -> known = false, open_now =
// false.
CallingWindow EvaluateWindow(WindowKey key, absl::Time now,
                             absl::Span<const Emergency* const> emergencies);
inline CallingWindow EvaluateWindow(WindowKey key, absl::Time now) {
  return EvaluateWindow(key, now, {});
}

// Where the zone table came from, e.g. "libphonenumber 8.12.57 time zones".
const char* TimeZoneDataSource();

}  // namespace dnc::policy

#endif  // DNC_POLICY_POLICY_H_
