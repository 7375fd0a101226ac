// Tenant: one tenant's data as the service sees it while it answers a call
// (name, default purpose, entitlements, internal list, in-force EBR/consent
// records). Handles are obtained from TenantStore (tenant_store.h), which
// owns them; a handle is valid while its store lives. Reads come from memory
// (the store keeps them current), so they cost no database read.
// Thread-safety: thread-safe (reads take the tenant's reader lock).
#ifndef DNC_TENANT_TENANT_H_
#define DNC_TENANT_TENANT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "common/civil_date.h"
#include "policy/policy.h"
#include "tenant/records.h"

namespace dnc::tenant {

// One number's question to TallyAttempts: its attempts after `since_micros`
// (Unix micros; the call's time minus the cap's window) against a cap of
// `max_calls` (0 = just count).
struct AttemptQuery {
  uint64_t e164 = 0;
  int64_t since_micros = 0;
  uint32_t max_calls = 0;
};
// The answer: how many attempts count, and when count >= max_calls > 0 the
// time (Unix micros) of the attempt whose leaving the window frees the next
// call (the call is allowed again at that time plus the window).
struct AttemptTally {
  uint32_t count = 0;
  int64_t blocking_micros = 0;
};

class Tenant {
 public:
  virtual ~Tenant() = default;
  virtual const std::string& name() const = 0;
  virtual policy::Purpose default_purpose() const = 0;

  // True if the tenant may use `source` for NANP area code `npa` (for +1
  // numbers) or at all (npa < 0, other countries).
  virtual bool Entitled(std::string_view source, int npa) const = 0;
  virtual std::vector<Entitlement> entitlements() const = 0;
  virtual TenantLimits limits() const = 0;
  // True once TenantStore::DeleteTenant removed the tenant: the handle stays
  // valid (the store keeps the object while it lives) but the tenant has no
  // keys, its internal list and consents read as empty, and the store
  // refuses writes (audit records included) through it.
  virtual bool deleted() const = 0;

  // Batch reads for one scrub, under one reader lock. For each e164[i]:
  // opted_out_on[i] = the day it was added to the internal list (any day,
  // before 1970 included), or empty if it is not on it. REQUIRES: spans of
  // equal size.
  virtual void LookupOptOuts(
      absl::Span<const uint64_t> e164,
      absl::Span<std::optional<DayNumber>> opted_out_on) const = 0;
  // The unrevoked EBR/consent records of `e164` (appended to *out).
  virtual void ConsentsOf(uint64_t e164,
                          std::vector<policy::ConsentRecord>* out) const = 0;
  // The tenant's recent call attempts (TenantStore::RecordAttempts) for
  // each query, for `subject` (the campaign; empty = every attempt counts;
  // attempts recorded without a subject count for every subject), under one
  // reader lock. REQUIRES: spans of equal size.
  virtual void TallyAttempts(std::string_view subject,
                             absl::Span<const AttemptQuery> queries,
                             absl::Span<AttemptTally> tallies) const = 0;
  // Attempts held in memory (recent enough to count against a cap); 0 lets
  // a caller skip TallyAttempts.
  virtual uint64_t recent_attempt_count() const = 0;
  virtual uint64_t opt_out_count() const = 0;
  // In-force (unrevoked) EBR/consent records.
  virtual uint64_t consent_count() const = 0;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_TENANT_H_
