// The calling tenant's records for one batch, as policy::Decide() needs them
// (policy::NumberFacts): whether each number is on the tenant's internal
// list, whether the tenant is entitled to each source for a number's area
// code, and its EBR / consent records for a number. Looked up the cheap way:
// the internal list for the whole batch under one reader lock; entitlement
// once per area code (or non-NANP route) per batch; records only for the
// numbers a source lists, and only when the tenant holds any; call attempts
// (against the call-frequency cap of each number's jurisdiction,
// policy/frequency_caps.h) for the whole batch under one reader lock, only
// for numbers with a cap and only when the tenant has recent attempts.
//
// Without a tenant (nullptr) nothing is on the internal list, every source
// is entitled and there are no records.
//
// Thread-safety: thread-compatible (keep one per batch in flight).
#ifndef DNC_SERVICE_TENANT_FACTS_H_
#define DNC_SERVICE_TENANT_FACTS_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "policy/frequency_caps.h"
#include "policy/policy.h"
#include "service/source_set.h"
#include "tenant/tenant.h"

namespace dnc::service {

class TenantFacts {
 public:
  // Starts a batch of numbers `e164` (0 = malformed) routed by `sources`
  // for `tenant` (may be null), judged on `today` (the caps in force) at
  // `now` (the caps' windows end there) for `subject` (empty = any). The
  // tenant, the sources and the subject's bytes must outlive the batch.
  void Start(const tenant::Tenant* tenant, const SourceSet& sources,
             absl::Span<const uint64_t> e164, DayNumber today, absl::Time now,
             std::string_view subject);

  // The cap entry i's attempts have reached, or nullptr.
  const policy::AttemptLimit* AttemptLimitOf(size_t i) const {
    if (capped_.empty() || capped_[i] == 0) return nullptr;
    return &limits_[capped_[i] - 1];
  }

  // Entry i's day on the internal list; nullopt: not on it.
  const std::optional<DayNumber>& OptedOut(size_t i) const {
    static const std::optional<DayNumber> kNotOnIt;
    return tenant_ == nullptr ? kNotOnIt : opted_out_on_[i];
  }

  // Whether the tenant may use every source of route `route_id` for the area
  // code of `e164` (any number of a non-NANP route). Cached per area code /
  // route.
  bool EntitledToRoute(uint32_t route_id, uint64_t e164) {
    return tenant_ == nullptr || LookUpEntitledToRoute(route_id, e164);
  }
  // Whether the tenant may use source `source` (an index into the set's
  // sources) for `npa`.
  bool Entitled(uint32_t source, int npa) const;

  // The tenant's unrevoked records for `e164` (empty without a tenant or
  // when it holds none). Valid until the next call.
  absl::Span<const policy::ConsentRecord> ConsentsOf(uint64_t e164) {
    if (!has_consents_) return {};
    return LookUpConsents(e164);
  }

 private:
  void StartAttempts(absl::Span<const uint64_t> e164, DayNumber today,
                     absl::Time now, std::string_view subject);
  bool LookUpEntitledToRoute(uint32_t route_id, uint64_t e164);
  absl::Span<const policy::ConsentRecord> LookUpConsents(uint64_t e164);

  const tenant::Tenant* tenant_ = nullptr;
  const SourceSet* sources_ = nullptr;
  bool has_consents_ = false;
  std::vector<std::optional<DayNumber>> opted_out_on_;
  std::vector<uint8_t> entitled_by_npa_;    // 0 unknown, 1 all, 2 not all.
  std::vector<uint8_t> entitled_by_route_;  // Same, for non-NANP routes.
  std::vector<policy::ConsentRecord> consents_;
  // Per entry: 0, or 1 + its index in limits_ (empty: no entry capped).
  std::vector<uint32_t> capped_;
  std::vector<policy::AttemptLimit> limits_;
  // TallyAttempts' buffers.
  std::vector<tenant::AttemptQuery> queries_;
  std::vector<tenant::AttemptTally> tallies_;
  std::vector<uint32_t> query_entries_;
  std::vector<policy::FrequencyCap> query_caps_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_TENANT_FACTS_H_
