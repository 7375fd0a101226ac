// The scrub decision for a batch of parsed numbers against a SourceSet,
// independent of gRPC: one disposition per number, reasons for every number
// that is not callable, and the snapshots consulted (the evidence).
//
// Rules (fail closed: nothing unknown is ever CALLABLE):
//   - MALFORMED / INVALID come from the parser (reason detail = its problem).
//   - A valid number's applicable sources are its route's (SourceSet::RouteOf;
//     see Route in source_set.h): a NANP number's are chosen by its area
//     code and their jurisdictions (federal + the state's list, or CRTC, ...),
//     any other number's by its country code.
//   - BLOCKED if any applicable source lists it (one LISTED reason per source,
//     with the date added when known), even when that source is stale;
//   - else STALE if no national registry applies (NO_SOURCE: none loaded for
//     the region, or an area code not in the numbering table) or any
//     applicable source is past its window (one SOURCE_STALE reason per stale
//     source, then the NO_SOURCE reason if any);
//   - else CALLABLE.
// Each source is probed once per batch (SourceSnapshot::Lookup on the keys
// that apply to it): exact, from the generation's in-memory key index
// (keys.bin); RocksDB is read only for the details of hits that may have any.
// Work per number is a route lookup and a few appends, with no allocation;
// per batch it allocates a few arrays per consulted source.
//
// Thread-safety: thread-safe (Scrub has no shared mutable state); a
// ScrubResult is thread-compatible.
#ifndef DNC_SERVICE_SCRUB_ENGINE_H_
#define DNC_SERVICE_SCRUB_ENGINE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "service/source_set.h"

namespace dnc::service {

// Mirrors dnc.v1.Disposition (same numeric values).
enum class Disposition : uint8_t {
  kUnspecified = 0,
  kCallable = 1,
  kBlocked = 2,
  kExempt = 3,
  kInternal = 4,
  kNotSubscribed = 5,
  kStale = 6,
  kInvalid = 7,
  kMalformed = 8,
};

// Mirrors dnc.v1.ReasonCode (same numeric values).
enum class ReasonCode : uint8_t {
  kUnspecified = 0,
  kListed = 1,
  kSourceStale = 2,
  kNoSource = 3,
  kInvalidNumber = 4,
  kMalformedNumber = 5,
  // Set by the tenant policy pass (service/policy_pass.h), never by Scrub().
  kInternalList = 6,
  kNotEntitled = 7,
  kEbrPurchase = 8,
  kEbrInquiry = 9,
  kWrittenConsent = 10,
  kPurposeExempt = 11,
  kExemptionExpired = 12,
};

// True only for kCallable and kExempt; anything else (including values this
// build does not know) is not callable.
inline bool IsCallable(Disposition disposition) {
  return disposition == Disposition::kCallable ||
         disposition == Disposition::kExempt;
}

// "CALLABLE", "BLOCKED", ... as in the proto.
const char* DispositionName(Disposition disposition);
const char* ReasonCodeName(ReasonCode code);

// Reason::snapshot for reasons that name no snapshot.
inline constexpr uint32_t kNoSnapshot = 0xffffffffu;

struct Reason {
  uint32_t entry = 0;  // Index of the number in the batch.
  ReasonCode code = ReasonCode::kUnspecified;
  // Index into ScrubResult::snapshots for kListed and kSourceStale; else
  // kNoSnapshot.
  uint32_t snapshot = kNoSnapshot;
  // Human-readable specifics; empty for kListed (the snapshot says it all,
  // and a batch with many hits should not repeat it per number). Points at
  // static text, into the ScrubResult that holds this reason, or into the
  // SourceSet passed to Scrub() (NO_SOURCE texts); valid while both live
  // unchanged.
  absl::string_view detail;
  // kListed: the day the number was listed; kInternalList: the day it was
  // added to the internal list; 0 = unknown.
  DayNumber added = 0;
};

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
  // Only for numbers that are not callable; sorted by entry (then snapshot).
  std::vector<Reason> reasons;
  // Every source consulted by at least one number of the batch, in source id
  // order. Borrowed from the SourceSet passed to Scrub(), which must outlive
  // any use of these pointers.
  std::vector<const ServedSource*> snapshots;
  // Backing store for the non-static Reason::detail texts.
  std::deque<std::string> detail_storage;
};

// Decides every number of `numbers` against `sources` as of `today` and
// writes the answer to `*result` (cleared first). Errors: the storage error
// of a source lookup, with the source and generation named (DataLoss,
// Internal); on error *result is unspecified and must not be used as an
// answer. REQUIRES: result != nullptr.
absl::Status Scrub(const SourceSet& sources,
                   absl::Span<const ParsedNumber> numbers, DayNumber today,
                   ScrubResult* result);

// CountryCodeOf() is declared in source_set.h.

}  // namespace dnc::service

#endif  // DNC_SERVICE_SCRUB_ENGINE_H_
