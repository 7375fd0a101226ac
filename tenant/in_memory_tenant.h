// Internal to the tenant module (not part of its API): InMemoryTenant, the
// store's Tenant. It holds what scrubs read (default purpose, entitlements,
// the internal list, the in-force EBR/consent records,
// the recent call attempts) in memory, and the
// per-tenant state the store's writers need (next consent sequence number,
// creation time). TenantStore owns every InMemoryTenant, fills it at Open()
// and updates it after each write commits.
//
// Thread-safety: thread-safe. Readers take mu_ shared. A writer holds
// write_mu_ across "write RocksDB, then update memory" (serialising the
// tenant's writers) and takes mu_ exclusively only for the memory update,
// so scrubs never wait for an fsync. Lock order: write_mu_ before mu_ and
// audit_mu_.
#ifndef DNC_TENANT_IN_MEMORY_TENANT_H_
#define DNC_TENANT_IN_MEMORY_TENANT_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "policy/policy.h"
#include "tenant/recent_attempts.h"
#include "tenant/records.h"
#include "tenant/tenant.h"

namespace dnc::tenant {

// An unrevoked EBR/consent record as scrubs need it.
struct InForceConsent {
  uint64_t seq = 0;  // Its key's sequence number.
  policy::ConsentType type = policy::ConsentType::kUnspecified;
  DayNumber date = 0;
};

class InMemoryTenant final : public Tenant {
 public:
  explicit InMemoryTenant(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  policy::Purpose default_purpose() const override;
  bool Entitled(std::string_view source, int npa) const override;
  std::vector<Entitlement> entitlements() const override;
  TenantLimits limits() const override;
  bool deleted() const override { return deleted_.load(); }
  void LookupOptOuts(
      absl::Span<const uint64_t> e164,
      absl::Span<std::optional<DayNumber>> opted_out_on) const override;
  void ConsentsOf(uint64_t e164,
                  std::vector<policy::ConsentRecord>* out) const override;
  void TallyAttempts(std::string_view subject,
                     absl::Span<const AttemptQuery> queries,
                     absl::Span<AttemptTally> tallies) const override;
  uint64_t recent_attempt_count() const override;
  uint64_t opt_out_count() const override;
  uint64_t consent_count() const override;

  TenantConfig Config() const;
  // Sets the default purpose, entitlements and limits (not the name).
  void SetConfig(TenantConfig config);

  // The store reads and writes the fields below directly, under the locks
  // named.
  const std::string name_;
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  uint64_t next_consent_seq_ ABSL_GUARDED_BY(write_mu_) = 1;
  int64_t created_ ABSL_GUARDED_BY(write_mu_) = 0;  // Unix seconds.

  mutable absl::Mutex mu_;
  policy::Purpose purpose_ ABSL_GUARDED_BY(mu_) = policy::Purpose::kCommercial;
  std::vector<Entitlement> entitlements_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, DayNumber> opt_outs_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, std::vector<InForceConsent>> consents_
      ABSL_GUARDED_BY(mu_);
  uint64_t consent_count_ ABSL_GUARDED_BY(mu_) = 0;
  TenantLimits limits_ ABSL_GUARDED_BY(mu_);
  RecentAttempts attempts_ ABSL_GUARDED_BY(mu_);

  // Set once DeleteTenant has committed (under write_mu_ and audit_mu_);
  // never cleared.
  std::atomic<bool> deleted_{false};
  // AppendAudit holds it shared from its deleted() check to its write, and
  // DeleteTenant exclusively to set deleted_: once DeleteTenant has set it,
  // no audit record of the tenant is still being written (so it sees them
  // all when it decides whether the name stays reserved). Audit writers
  // take nothing else of the tenant's, so they never wait for its list
  // writers or delay its readers.
  mutable absl::Mutex audit_mu_;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_IN_MEMORY_TENANT_H_
