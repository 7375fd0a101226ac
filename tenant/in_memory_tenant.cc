#include "tenant/in_memory_tenant.h"

#include <algorithm>
#include <utility>

namespace dnc::tenant {

policy::Purpose InMemoryTenant::default_purpose() const {
  absl::ReaderMutexLock lock(&mu_);
  return purpose_;
}

bool InMemoryTenant::Entitled(std::string_view source, int npa) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const Entitlement& entitlement : entitlements_) {
    if (entitlement.source != source) continue;
    if (entitlement.all_area_codes || npa < 0) return true;
    return std::binary_search(entitlement.area_codes.begin(),
                              entitlement.area_codes.end(),
                              static_cast<uint32_t>(npa));
  }
  return false;
}

std::vector<Entitlement> InMemoryTenant::entitlements() const {
  absl::ReaderMutexLock lock(&mu_);
  return entitlements_;
}

TenantLimits InMemoryTenant::limits() const {
  absl::ReaderMutexLock lock(&mu_);
  return limits_;
}

void InMemoryTenant::LookupOptOuts(
    absl::Span<const uint64_t> e164,
    absl::Span<std::optional<DayNumber>> opted_out_on) const {
  absl::ReaderMutexLock lock(&mu_);
  const size_t n = std::min(e164.size(), opted_out_on.size());
  for (size_t i = 0; i < n; ++i) {
    auto it = opt_outs_.find(e164[i]);
    if (it == opt_outs_.end()) {
      opted_out_on[i].reset();
    } else {
      opted_out_on[i] = it->second;
    }
  }
}

void InMemoryTenant::ConsentsOf(uint64_t e164,
                                std::vector<policy::ConsentRecord>* out) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = consents_.find(e164);
  if (it == consents_.end()) return;
  for (const InForceConsent& consent : it->second) {
    out->push_back({consent.type, consent.date});
  }
}

void InMemoryTenant::TallyAttempts(std::string_view subject,
                                   absl::Span<const AttemptQuery> queries,
                                   absl::Span<AttemptTally> tallies) const {
  absl::ReaderMutexLock lock(&mu_);
  attempts_.Tally(subject, queries, tallies);
}

uint64_t InMemoryTenant::recent_attempt_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return attempts_.size();
}

uint64_t InMemoryTenant::opt_out_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return opt_outs_.size();
}

uint64_t InMemoryTenant::consent_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return consent_count_;
}

TenantConfig InMemoryTenant::Config() const {
  absl::ReaderMutexLock lock(&mu_);
  return {name_, purpose_, entitlements_, limits_};
}

void InMemoryTenant::SetConfig(TenantConfig config) {
  absl::MutexLock lock(&mu_);
  purpose_ = config.default_purpose;
  entitlements_ = std::move(config.entitlements);
  limits_ = config.limits;
}

}  // namespace dnc::tenant
