// The tenant's rules on top of the registry decision: after the scrub engine
// has answered a batch from the registries alone (service/scrub_engine.h),
// ApplyTenantPolicy() applies the calling tenant's internal list, area-code
// entitlements, EBR and consent records and the call's purpose through
// policy::Decide(); AssignWindows() gives every number its calling window.
// No gRPC here: the handlers (scrub_service.cc) call these.
//
// Cost. Per number, on the common path (the engine said CALLABLE, the number
// is not on the internal list, the tenant is entitled to its area code): one
// hash lookup in the tenant's in-memory opt-out map (batched under one
// reader lock), one byte read from a per-batch entitlement cache (filled once
// per area code per batch), and for windows one table lookup plus a
// last-key compare or a flat-hash lookup; no allocation. Only the exceptional
// numbers (listed, stale, opted out, not entitled) get policy::NumberFacts
// built and Decide() called, which allocates their reasons.
//
// Thread-safety: thread-compatible (the scratch structs); the functions share
// no state.
#ifndef DNC_SERVICE_POLICY_PASS_H_
#define DNC_SERVICE_POLICY_PASS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "policy/policy.h"
#include "service/scrub_engine.h"
#include "service/source_set.h"
#include "tenant/tenant_store.h"

namespace dnc::service {

// Buffers ApplyTenantPolicy() reuses from batch to batch (keep one per
// stream or per call).
struct PolicyScratch {
  std::vector<std::optional<DayNumber>> opted_out_on;  // Empty: not on it.
  std::vector<uint32_t> snapshot_of_source;  // SourceSet index -> snapshot.
  std::vector<uint8_t> source_stale;         // SourceSet index -> stale.
  std::vector<uint8_t> entitled_by_npa;      // 0 unknown, 1 all, 2 not all.
  std::vector<uint8_t> entitled_by_route;    // Same, for non-NANP routes.
  std::vector<policy::SourceFinding> findings;
  std::vector<policy::ConsentRecord> consents;
  std::vector<Reason> reasons;
};

// The purpose a call is judged under: `requested` (a dnc.v1.CallPurpose
// value) unless it is 0 (unspecified), then the tenant's default (commercial
// without a tenant or default). Errors: InvalidArgument for a value that is
// not a known purpose.
absl::StatusOr<policy::Purpose> ResolvePurpose(int requested,
                                               const tenant::Tenant* tenant);

// Rewrites `*result`, the engine's answer for `numbers` against `sources`
// (the same set, the same `today`), for `tenant` calling with `purpose`:
//   - a number on the tenant's internal list -> INTERNAL (INTERNAL_LIST);
//   - a valid number whose applicable sources the tenant is not entitled to
//     for its area code -> NOT_SUBSCRIBED, with NOT_ENTITLED reasons only
//     (nothing about whether any registry lists it);
//   - a listed number -> EXEMPT when every listing is excused by the purpose
//     or an unexpired EBR / consent record, else BLOCKED (plus
//     EXEMPTION_EXPIRED where a record no longer excuses it);
//   - STALE stays STALE; CALLABLE, INVALID and MALFORMED stay as they are.
// Reasons stay sorted by entry. Returns how many numbers went through
// policy::Decide(). REQUIRES: purpose != kUnspecified; scratch != nullptr.
size_t ApplyTenantPolicy(const SourceSet& sources,
                         absl::Span<const ParsedNumber> numbers,
                         const tenant::Tenant& tenant, policy::Purpose purpose,
                         DayNumber today, ScrubResult* result,
                         PolicyScratch* scratch);

// The calling windows of one batch: one index per number into `windows`,
// whose entry 0 is the unknown window (known = false), used for 0 (a
// MALFORMED entry) and numbers with no zone or no hours rule. Each distinct
// window is evaluated once.
struct WindowTable {
  std::vector<uint32_t> index;
  std::vector<policy::CallingWindow> windows;
  // Internal: WindowKey -> position in `windows`.
  absl::flat_hash_map<policy::WindowKey, uint32_t> positions;

  // Empties the table, keeping capacity.
  void Clear();
};

// Fills `*table` (cleared first) for `e164` (0 = malformed) at `now`.
void AssignWindows(absl::Span<const uint64_t> e164, absl::Time now,
                   WindowTable* table);

}  // namespace dnc::service

#endif  // DNC_SERVICE_POLICY_PASS_H_
