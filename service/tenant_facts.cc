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
                        absl::Span<const uint64_t> e164, DayNumber today,
                        absl::Time now, std::string_view subject) {
  tenant_ = tenant;
  sources_ = &sources;
  capped_.clear();
  limits_.clear();
  if (tenant == nullptr) {
    has_consents_ = false;
    return;
  }
  if (tenant->recent_attempt_count() > 0) {
    StartAttempts(e164, today, now, subject);
  }
  opted_out_on_.assign(e164.size(), std::nullopt);
  tenant->LookupOptOuts(e164, absl::MakeSpan(opted_out_on_));
  has_consents_ = tenant->consent_count() > 0;
  entitled_by_npa_.assign(1000, kUnknown);
  entitled_by_route_.assign(sources.route_count(), kUnknown);
}

void TenantFacts::StartAttempts(absl::Span<const uint64_t> e164,
                                DayNumber today, absl::Time now,
                                std::string_view subject) {
  queries_.clear();
  query_entries_.clear();
  query_caps_.clear();
  const int64_t now_micros = absl::ToUnixMicros(now);
  for (size_t i = 0; i < e164.size(); ++i) {
    if (e164[i] == 0) continue;
    const policy::FrequencyCap cap = policy::FrequencyCapOf(e164[i], today);
    if (cap.max_calls <= 0) continue;
    queries_.push_back({e164[i], now_micros - cap.window_seconds * 1000000,
                        static_cast<uint32_t>(cap.max_calls)});
    query_entries_.push_back(static_cast<uint32_t>(i));
    query_caps_.push_back(cap);
  }
  if (queries_.empty()) return;
  tallies_.assign(queries_.size(), tenant::AttemptTally());
  tenant_->TallyAttempts(subject, queries_, absl::MakeSpan(tallies_));
  for (size_t q = 0; q < queries_.size(); ++q) {
    const tenant::AttemptTally& tally = tallies_[q];
    const policy::FrequencyCap& cap = query_caps_[q];
    if (tally.count < static_cast<uint32_t>(cap.max_calls)) continue;
    if (capped_.empty()) capped_.assign(e164.size(), 0);
    // The attempt stops counting at exactly its time plus the window; the
    // number is callable from the first whole second at or after that.
    const int64_t frees_micros =
        tally.blocking_micros + cap.window_seconds * 1000000;
    const int64_t callable_at =
        frees_micros / 1000000 + (frees_micros % 1000000 > 0 ? 1 : 0);
    policy::AttemptLimit limit;
    limit.attempts = tally.count;
    limit.max_calls = cap.max_calls;
    limit.window_seconds = cap.window_seconds;
    limit.jurisdiction = cap.jurisdiction;
    limit.source = cap.source;
    limit.subject = subject;
    limit.callable_at = callable_at;
    limits_.push_back(limit);
    capped_[query_entries_[q]] = static_cast<uint32_t>(limits_.size());
  }
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
