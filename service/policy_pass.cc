#include "service/policy_pass.h"

#include <array>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/nanp_regions.h"

namespace dnc::service {
namespace {

#define DNC_SAME_VALUE(ours, theirs)                                \
  static_assert(static_cast<int>(ours) == static_cast<int>(theirs), \
                #ours " must equal " #theirs)
DNC_SAME_VALUE(Disposition::kCallable, policy::Outcome::kCallable);
DNC_SAME_VALUE(Disposition::kBlocked, policy::Outcome::kBlocked);
DNC_SAME_VALUE(Disposition::kExempt, policy::Outcome::kExempt);
DNC_SAME_VALUE(Disposition::kInternal, policy::Outcome::kInternal);
DNC_SAME_VALUE(Disposition::kNotSubscribed, policy::Outcome::kNotSubscribed);
DNC_SAME_VALUE(Disposition::kStale, policy::Outcome::kStale);
DNC_SAME_VALUE(ReasonCode::kListed, policy::Why::kListed);
DNC_SAME_VALUE(ReasonCode::kSourceStale, policy::Why::kSourceStale);
DNC_SAME_VALUE(ReasonCode::kNoSource, policy::Why::kNoSource);
DNC_SAME_VALUE(ReasonCode::kInternalList, policy::Why::kInternalList);
DNC_SAME_VALUE(ReasonCode::kNotEntitled, policy::Why::kNotEntitled);
DNC_SAME_VALUE(ReasonCode::kEbrPurchase, policy::Why::kEbrPurchase);
DNC_SAME_VALUE(ReasonCode::kEbrInquiry, policy::Why::kEbrInquiry);
DNC_SAME_VALUE(ReasonCode::kWrittenConsent, policy::Why::kWrittenConsent);
DNC_SAME_VALUE(ReasonCode::kPurposeExempt, policy::Why::kPurposeExempt);
DNC_SAME_VALUE(ReasonCode::kExemptionExpired, policy::Why::kExemptionExpired);
DNC_SAME_VALUE(kNoSnapshot, policy::kNoSnapshot);
#undef DNC_SAME_VALUE

constexpr uint8_t kUnknown = 0;
constexpr uint8_t kAllEntitled = 1;
constexpr uint8_t kNotAllEntitled = 2;

uint8_t EntitledToRoute(const SourceSet& sources, const Route& route,
                        const tenant::Tenant& tenant, int npa) {
  for (const uint32_t s : route.sources) {
    if (!tenant.Entitled(sources.sources()[s].manifest().source, npa)) {
      return kNotAllEntitled;
    }
  }
  return kAllEntitled;
}

}  // namespace

absl::StatusOr<policy::Purpose> ResolvePurpose(int requested,
                                               const tenant::Tenant* tenant) {
  if (requested == 0) {
    const policy::Purpose fallback = tenant != nullptr
                                         ? tenant->default_purpose()
                                         : policy::Purpose::kCommercial;
    return fallback == policy::Purpose::kUnspecified
               ? policy::Purpose::kCommercial
               : fallback;
  }
  if (requested < 0 || requested > static_cast<int>(policy::Purpose::kSurvey)) {
    return absl::InvalidArgumentError(
        absl::StrCat("purpose ", requested,
                     " is not a known CallPurpose; use COMMERCIAL, CHARITY, "
                     "POLITICAL or SURVEY, or leave it unset for the "
                     "tenant's default"));
  }
  return static_cast<policy::Purpose>(requested);
}

size_t ApplyTenantPolicy(const SourceSet& sources,
                         absl::Span<const ParsedNumber> numbers,
                         const tenant::Tenant& tenant, policy::Purpose purpose,
                         DayNumber today, ScrubResult* result,
                         PolicyScratch* scratch) {
  const size_t n = numbers.size();
  PolicyScratch& s = *scratch;

  // Per batch: the internal list for every entry under one reader lock.
  s.opted_out_on.assign(n, std::nullopt);
  tenant.LookupOptOuts(result->e164, absl::MakeSpan(s.opted_out_on));
  s.entitled_by_npa.assign(1000, kUnknown);
  s.entitled_by_route.assign(sources.route_count(), kUnknown);
  const bool tenant_has_consents = tenant.consent_count() > 0;

  bool tables_ready = false;
  auto prepare_tables = [&] {
    // Per source: its snapshot index in this result and its freshness.
    s.snapshot_of_source.assign(sources.size(), kNoSnapshot);
    s.source_stale.assign(sources.size(), 0);
    const ServedSource* first =
        sources.empty() ? nullptr : &sources.sources()[0];
    for (size_t k = 0; k < result->snapshots.size(); ++k) {
      const size_t index = static_cast<size_t>(result->snapshots[k] - first);
      if (index < sources.size()) {
        s.snapshot_of_source[index] = static_cast<uint32_t>(k);
      }
    }
    for (size_t j = 0; j < sources.size(); ++j) {
      s.source_stale[j] =
          ComputeFreshness(sources.sources()[j].manifest(), today).stale ? 1
                                                                         : 0;
    }
    tables_ready = true;
  };

  // The engine's reasons are sorted by entry; `next` walks them while the
  // new list is assembled in entry order.
  const std::vector<Reason>& engine = result->reasons;
  s.reasons.clear();
  size_t next = 0;
  size_t decided = 0;

  for (size_t i = 0; i < n; ++i) {
    const ParsedNumber& number = numbers[i];
    if (!number.valid()) continue;
    const Disposition engine_disposition = result->dispositions[i];
    const bool opted_out = s.opted_out_on[i].has_value();
    const int npa = NanpAreaCode(number.e164);
    const uint32_t route_id = sources.RouteOf(number.e164);
    const Route& route = sources.route(route_id);
    uint8_t& cached =
        npa >= 0 ? s.entitled_by_npa[npa] : s.entitled_by_route[route_id];
    if (cached == kUnknown)
      cached = EntitledToRoute(sources, route, tenant, npa);
    const bool entitled = cached == kAllEntitled;
    // Fast paths: nothing for the tenant's rules to change. CALLABLE and
    // STALE (listed nowhere) stand unless the number is opted out or not
    // entitled; BLOCKED stands for a commercial call (no jurisdiction exempts
    // that purpose) when the seller holds no EBR or consent record for the
    // number. These are most numbers of a batch; Decide() allocates.
    bool consents_fetched = false;
    if (!opted_out && entitled) {
      if (engine_disposition == Disposition::kCallable ||
          engine_disposition == Disposition::kStale) {
        continue;
      }
      if (engine_disposition == Disposition::kBlocked &&
          purpose == policy::Purpose::kCommercial) {
        s.consents.clear();
        if (tenant_has_consents) tenant.ConsentsOf(number.e164, &s.consents);
        consents_fetched = true;
        if (s.consents.empty()) continue;
      }
    }

    if (!tables_ready) prepare_tables();
    // Copy the engine's reasons of earlier entries; find this entry's.
    while (next < engine.size() && engine[next].entry < i) {
      s.reasons.push_back(engine[next++]);
    }
    const size_t own_begin = next;
    while (next < engine.size() && engine[next].entry == i) ++next;
    const size_t own_end = next;

    s.findings.clear();
    bool listed_anywhere = false;
    for (const uint32_t src : route.sources) {
      const storage::Manifest& manifest = sources.sources()[src].manifest();
      policy::SourceFinding finding;
      finding.source = manifest.source;
      finding.jurisdiction = manifest.jurisdiction;
      finding.snapshot = s.snapshot_of_source[src];
      finding.stale = s.source_stale[src] != 0;
      finding.entitled = entitled || tenant.Entitled(manifest.source, npa);
      for (size_t r = own_begin; r < own_end; ++r) {
        if (engine[r].code == ReasonCode::kListed &&
            engine[r].snapshot == finding.snapshot) {
          finding.listed = true;
          finding.added = engine[r].added;
        }
      }
      listed_anywhere |= finding.listed;
      s.findings.push_back(finding);
    }
    if (!consents_fetched) {
      s.consents.clear();
      if (listed_anywhere && !opted_out && tenant_has_consents) {
        tenant.ConsentsOf(number.e164, &s.consents);
      }
    }
    policy::NumberFacts facts;
    facts.e164 = number.e164;
    facts.findings = s.findings;
    facts.no_source = !route.national;
    facts.opted_out = opted_out;
    facts.opted_out_on = s.opted_out_on[i].value_or(0);
    facts.consents = s.consents;
    facts.purpose = purpose;
    facts.today = today;
    policy::Decision decision = policy::Decide(facts);
    ++decided;

    result->dispositions[i] = static_cast<Disposition>(decision.outcome);
    const uint32_t entry = static_cast<uint32_t>(i);
    for (policy::DecisionReason& why : decision.reasons) {
      Reason reason;
      reason.entry = entry;
      reason.code = static_cast<ReasonCode>(why.why);
      reason.snapshot = why.snapshot;
      if (reason.code == ReasonCode::kListed ||
          reason.code == ReasonCode::kInternalList) {
        reason.added = why.date;
      }
      // The engine's stale and no-source texts are the precise ones.
      bool have_detail = false;
      if (reason.code == ReasonCode::kSourceStale ||
          reason.code == ReasonCode::kNoSource) {
        for (size_t r = own_begin; r < own_end; ++r) {
          if (engine[r].code == reason.code &&
              engine[r].snapshot == reason.snapshot) {
            reason.detail = engine[r].detail;
            have_detail = true;
            break;
          }
        }
      }
      if (!have_detail && reason.code == ReasonCode::kNoSource) {
        reason.detail = route.no_source_detail;
        have_detail = true;
      }
      if (!have_detail && !why.detail.empty()) {
        result->detail_storage.push_back(std::move(why.detail));
        reason.detail = result->detail_storage.back();
      }
      s.reasons.push_back(reason);
    }
  }
  if (decided == 0) return 0;
  while (next < engine.size()) s.reasons.push_back(engine[next++]);
  result->reasons.swap(s.reasons);
  return decided;
}

void WindowTable::Clear() {
  index.clear();
  windows.clear();
  positions.clear();
}

void AssignWindows(absl::Span<const uint64_t> e164, absl::Time now,
                   WindowTable* table) {
  table->Clear();
  table->windows.emplace_back();  // [0]: unknown, never open.
  table->index.resize(e164.size(), 0);
  // A batch has a few hundred distinct keys at most: a small direct-mapped
  // cache in front of the hash map keeps the per-number cost to one array
  // read (key 0 is never cached, so zeroed slots never match).
  struct CacheSlot {
    policy::WindowKey key = 0;
    uint32_t position = 0;
  };
  std::array<CacheSlot, 256> cache{};
  for (size_t i = 0; i < e164.size(); ++i) {
    if (e164[i] == 0) continue;
    const policy::WindowKey key = policy::WindowKeyOf(e164[i]);
    if (key == 0) continue;
    CacheSlot& slot = cache[(key * 2654435761u) >> 24];
    if (slot.key != key) {
      auto [it, inserted] = table->positions.try_emplace(key, 0);
      if (inserted) {
        policy::CallingWindow window = policy::EvaluateWindow(key, now);
        if (window.known) {
          it->second = static_cast<uint32_t>(table->windows.size());
          table->windows.push_back(std::move(window));
        }
      }
      slot = CacheSlot{key, it->second};
    }
    table->index[i] = slot.position;
  }
}

}  // namespace dnc::service
