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
  virtual uint64_t opt_out_count() const = 0;
  // In-force (unrevoked) EBR/consent records.
  virtual uint64_t consent_count() const = 0;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_TENANT_H_
