// The scrub of one batch of parsed numbers against a SourceSet, independent
// of gRPC: it gathers the findings (how each number parsed, which sources
// its route consults, what each says about it, which are stale, whether any
// national registry covers it), adds the calling tenant's records
// (service/tenant_facts.h) and has policy::Decide() (policy/policy.h) rule
// on each number. Most numbers need no findings built: one that
// policy::NothingToDecide() lets through (on no list, nothing stale or
// unentitled) is CALLABLE, and a listed one with nothing else to weigh goes
// through policy::DecidePlainListing(). Nothing here decides a disposition
// itself.
//
// Routing: a valid number's sources are its route's (SourceSet::RouteOf;
// see Route in source_set.h): a NANP number's are chosen by its area code
// and their jurisdictions (federal + the state's list, or CRTC, ...), any
// other number's by its country code. A route that is not `national` gives
// the NO_SOURCE finding.
//
// Cost. Each source is probed once per batch (SourceSnapshot::Lookup on the
// keys that apply to it): exact, from the generation's in-memory key index
// (keys.bin); RocksDB is read only for the details of hits that may have
// any. Per number: a route lookup, a few appends and Decide(), which
// allocates only for reasons it writes a text for (tenant records); with a
// tenant, one hash lookup in its opt-out map (batched under one reader lock)
// and one byte of a per-batch entitlement cache. Per batch it allocates a
// few arrays per consulted source.
//
// Thread-safety: thread-safe (Scrub has no shared mutable state); a
// ScrubResult and a ScrubScratch are thread-compatible.
#ifndef DNC_SERVICE_SCRUB_ENGINE_H_
#define DNC_SERVICE_SCRUB_ENGINE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/answer.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "policy/jurisdiction_rules.h"
#include "policy/policy.h"
#include "service/source_set.h"
#include "service/tenant_facts.h"

namespace dnc::tenant {
class Tenant;
}  // namespace dnc::tenant

namespace dnc::service {

// The answer for one batch. Move-only (reasons point into it).
struct ScrubResult {
  ScrubResult() = default;
  ScrubResult(ScrubResult&&) = default;
  ScrubResult& operator=(ScrubResult&&) = default;
  ScrubResult(const ScrubResult&) = delete;
  ScrubResult& operator=(const ScrubResult&) = delete;

  // Empties the result, keeping capacity for reuse.
  void Clear();

  // One per number, in batch order.
  std::vector<Disposition> dispositions;
  // The number as parsed: set for valid and invalid numbers, 0 if malformed.
  std::vector<uint64_t> e164;
  // Sorted by entry (then in the rule order of policy::Decide). A reason's
  // snapshot indexes `snapshots`.
  std::vector<Reason> reasons;
  // Every source consulted by at least one number of the batch, in source id
  // order. Borrowed from the SourceSet passed to Scrub(), which must outlive
  // any use of these pointers.
  std::vector<const ServedSource*> snapshots;
  // Backing store for the reasons' non-static detail texts (NO_SOURCE texts
  // point into the SourceSet instead).
  std::deque<std::string> detail_storage;
};

// Who calls, why and when: what the batch is judged under.
struct ScrubContext {
  DayNumber today = 0;  // Freshness and record windows are judged on it.
  policy::Purpose purpose = policy::Purpose::kCommercial;  // Never unspecified.
  // The calling tenant (internal list, entitlements, EBR and consent, call
  // attempts); nullptr: no tenant (registry-only answers).
  const tenant::Tenant* tenant = nullptr;
  // The call-frequency caps are counted in the window that ends here (the
  // server's clock: no request field moves it)...
  absl::Time now = absl::UnixEpoch();
  // ...for this subject (the campaign; empty = any: every attempt counts).
  std::string_view subject;
};

// Buffers Scrub() reuses from batch to batch (keep one per stream or per
// thread).
struct ScrubScratch {
  std::vector<uint32_t> routes;
  std::vector<uint8_t> route_plain;  // By route: all its sources fresh?
  std::vector<policy::SourceFinding> findings;
  std::vector<policy::JurisdictionRules> rules;  // By source index.
  std::vector<uint8_t> applies;  // By source: SourceApplies for the purpose.
  TenantFacts tenant;
};

// Decides every number of `numbers` against `sources` under `context` and
// writes the answer to `*result` (cleared first). Errors: the storage error
// of a source lookup, with the source and generation named (DataLoss,
// Internal); on error *result is unspecified and must not be used as an
// answer. REQUIRES: result != nullptr; context.purpose != kUnspecified.
absl::Status Scrub(const SourceSet& sources,
                   absl::Span<const ParsedNumber> numbers,
                   const ScrubContext& context, ScrubResult* result,
                   ScrubScratch* scratch);

// The same without a tenant, for a commercial call on `today`.
absl::Status Scrub(const SourceSet& sources,
                   absl::Span<const ParsedNumber> numbers, DayNumber today,
                   ScrubResult* result);

}  // namespace dnc::service

#endif  // DNC_SERVICE_SCRUB_ENGINE_H_
