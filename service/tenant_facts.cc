#include "service/tenant_facts.h"

#include "common/nanp_regions.h"
#include "tenant/tenant_store.h"

namespace dnc::service {
namespace {

constexpr uint8_t kUnknown = 0;
constexpr uint8_t kAllEntitled = 1;
constexpr uint8_t kNotAllEntitled = 2;

}  // namespace

void TenantFacts::Start(const tenant::Tenant* tenant, const SourceSet& sources,
                        absl::Span<const uint64_t> e164) {
  tenant_ = tenant;
  sources_ = &sources;
  if (tenant == nullptr) {
    has_consents_ = false;
    return;
  }
  opted_out_on_.assign(e164.size(), std::nullopt);
  tenant->LookupOptOuts(e164, absl::MakeSpan(opted_out_on_));
  has_consents_ = tenant->consent_count() > 0;
  entitled_by_npa_.assign(1000, kUnknown);
  entitled_by_route_.assign(sources.route_count(), kUnknown);
}

bool TenantFacts::LookUpEntitledToRoute(uint32_t route_id, uint64_t e164) {
  const int npa = NanpAreaCode(e164);
  uint8_t& cached =
      npa >= 0 ? entitled_by_npa_[npa] : entitled_by_route_[route_id];
  if (cached == kUnknown) {
    cached = kAllEntitled;
    for (const uint32_t s : sources_->route(route_id).sources) {
      if (!Entitled(s, npa)) {
        cached = kNotAllEntitled;
        break;
      }
    }
  }
  return cached == kAllEntitled;
}

bool TenantFacts::Entitled(uint32_t source, int npa) const {
  return tenant_ == nullptr ||
         tenant_->Entitled(sources_->sources()[source].manifest().source, npa);
}

absl::Span<const policy::ConsentRecord> TenantFacts::LookUpConsents(
    uint64_t e164) {
  consents_.clear();
  tenant_->ConsentsOf(e164, &consents_);
  return consents_;
}

}  // namespace dnc::service
