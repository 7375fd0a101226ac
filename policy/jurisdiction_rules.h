// The compliance rules of each jurisdiction as one table row: how long an
// established business relationship (EBR) excuses a registry listing, whether
// prior express written consent does, which call purposes the jurisdiction's
// registries exempt. A subdivision's row ("US-PA")
// overrides only the fields it sets; the rest come from its country's row
// ("US"), so "US-TX", which has no row, reads exactly as "US".
//
// The table is in jurisdiction_rules.cc, with the source of every value.
// Nothing here is legal advice: where the law is unclear a row says which
// reading it takes (failing closed).
//
// Thread-safety: thread-safe (an immutable table and pure functions).
#ifndef DNC_POLICY_JURISDICTION_RULES_H_
#define DNC_POLICY_JURISDICTION_RULES_H_

#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "common/civil_date.h"
#include "policy/policy.h"

namespace dnc::policy {

// A field a row leaves to its country's row.
inline constexpr int kInherit = -1;

// Bit of a Purpose in a purpose mask.
constexpr uint32_t PurposeBit(Purpose purpose) {
  return 1u << static_cast<uint32_t>(purpose);
}

// One row of the table. Every int field may be kInherit (country rows set
// them all). Calling hours and holidays are dated rows of their own
// (policy/calling_rules.h).
struct JurisdictionRow {
  const char* jurisdiction;  // "US", "US-PA", "CA", "GB"
  int ebr_purchase_months;   // 0 = purchase EBR not recognised.
  int ebr_inquiry_months;    // 0 = inquiry EBR not recognised.
  int written_consent;       // 1 recognised (until revoked), 0 not.
  int64_t exempt_purposes;   // PurposeBit mask of exempt purposes.
  const char* basis;         // Where the values come from (for people).
};

// The whole table, country rows first.
absl::Span<const JurisdictionRow> JurisdictionTable();

// The rules that apply in one jurisdiction after inheritance.
struct JurisdictionRules {
  // False when neither the jurisdiction nor its country has a row: then no
  // EBR, consent or purpose excuses a listing there (fail closed).
  bool known = false;
  int ebr_purchase_months = 0;
  int ebr_inquiry_months = 0;
  bool written_consent = false;
  uint32_t exempt_purposes = 0;
};

// The rules of `jurisdiction` ("US-TX", "ca"; ASCII case-insensitive; the
// country is the part before the first '-'). No allocation.
JurisdictionRules RulesFor(std::string_view jurisdiction);

inline bool PurposeExempt(const JurisdictionRules& rules, Purpose purpose) {
  return (rules.exempt_purposes & PurposeBit(purpose)) != 0;
}

// The day `months` calendar months after `day`, clamped to the end of a
// shorter month (common/civil_date.h). A record dated D with an N-month
// window excuses calls on days before AddMonths(D, N).
using ::dnc::AddMonths;

}  // namespace dnc::policy

#endif  // DNC_POLICY_JURISDICTION_RULES_H_
