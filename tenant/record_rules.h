// Internal to the tenant module (not part of its API): what the tenant store
// accepts in the records it is given. Each Check* returns InvalidArgument
// with a message that starts with `operation` and names the bad value.
// (IsValidTenantName and ParseEntitlements, declared in records.h, are
// defined with these rules in record_rules.cc.)
// Thread-safety: the functions are thread-safe.
#ifndef DNC_TENANT_RECORD_RULES_H_
#define DNC_TENANT_RECORD_RULES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "policy/policy.h"
#include "tenant/records.h"

namespace dnc::tenant {

inline constexpr size_t kMaxJobIdBytes = 256;
inline constexpr size_t kMaxNoteBytes = 256;
inline constexpr size_t kMaxFileNameBytes = 1024;
inline constexpr size_t kMaxLabelBytes = 64;
// Bounds on TenantLimits: far above what one server answers, low enough
// that a token bucket's arithmetic (tokens scaled by time) cannot overflow.
inline constexpr uint32_t kMaxRequestsPerSecond = 1000000;
inline constexpr uint64_t kMaxNumbersPerDay = 1000000000000ull;  // 10^12.

// 1 to 15 digits.
absl::Status CheckE164(uint64_t e164, std::string_view operation);
// At most kMaxNoteBytes.
absl::Status CheckNote(std::string_view note, std::string_view operation);
// 1 to kMaxJobIdBytes bytes, any bytes.
absl::Status CheckJobId(std::string_view job_id, std::string_view operation);
// A known, non-kUnspecified type.
absl::Status CheckConsentType(const StoredConsent& consent,
                              std::string_view operation);
// Digests (empty or 64 lowercase hex digits) and names (at most
// kMaxFileNameBytes).
absl::Status CheckJobFiles(const JobFiles& files, std::string_view operation);

// An attempt: a valid E.164 number, a subject of at most kMaxSubjectBytes
// printable ASCII characters (empty allowed), a time from 2000-01-01 to
// kMaxAttemptSkew after `now` (a dialer's clock may run a little ahead; a
// later time would stretch the cap, an earlier one is only evidence).
inline constexpr absl::Duration kMaxAttemptSkew = absl::Minutes(5);
absl::Status CheckAttempt(const StoredAttempt& attempt, absl::Time now,
                          std::string_view operation);

// API-key labels: 1-64 printable ASCII characters.
bool IsValidLabel(std::string_view label);

// requests_per_second <= kMaxRequestsPerSecond, numbers_per_day <=
// kMaxNumbersPerDay (0 = no bound for both). InvalidArgument naming the
// field and the value.
absl::Status CheckLimits(const TenantLimits& limits);

// Validates `config` (name excluded) and normalises its entitlements (see
// NormaliseEntitlements). Errors: InvalidArgument "<operation> <name>: ...".
absl::Status NormaliseConfig(TenantConfig* config, std::string_view operation);

// Sorts and dedupes each entitlement's area codes (clears them for "all");
// InvalidArgument for a bad source id, a source given twice or an area code
// outside 200-999.
absl::Status NormaliseEntitlements(std::vector<Entitlement>* entitlements);

}  // namespace dnc::tenant

#endif  // DNC_TENANT_RECORD_RULES_H_
