// The answer types every layer shares: what a number's disposition is, why
// (reason codes), and which snapshot a reason cites. The scrub engine's
// findings, policy::Decide() and the front ends (gRPC, later HTTP) all speak
// these; service/proto_mapping.cc is the one place that maps them to the
// dnc.v1 enums (same numeric values, checked there at compile time).
//
// Thread-safety: plain values and pure functions.
#ifndef DNC_COMMON_ANSWER_H_
#define DNC_COMMON_ANSWER_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "common/civil_date.h"

namespace dnc {

// dnc.v1.Disposition.
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
  kAttemptLimit = 9,
};

// dnc.v1.ReasonCode.
enum class ReasonCode : uint8_t {
  kUnspecified = 0,
  kListed = 1,
  kSourceStale = 2,
  kNoSource = 3,
  kInvalidNumber = 4,
  kMalformedNumber = 5,
  kInternalList = 6,
  kNotEntitled = 7,
  kEbrPurchase = 8,
  kEbrInquiry = 9,
  kWrittenConsent = 10,
  kPurposeExempt = 11,
  kExemptionExpired = 12,
  kFrequencyCap = 13,
};

// True only for kCallable and kExempt; anything else (including values this
// build does not know) is not callable.
inline bool IsCallable(Disposition disposition) {
  return disposition == Disposition::kCallable ||
         disposition == Disposition::kExempt;
}

// "CALLABLE", "BLOCKED", ...; "LISTED", ... as in the proto.
const char* DispositionName(Disposition disposition);
const char* ReasonCodeName(ReasonCode code);

// Reason::snapshot for reasons that name no snapshot.
inline constexpr uint32_t kNoSnapshot = 0xffffffffu;

// One reason of an answer.
struct Reason {
  uint32_t entry = 0;  // Index of the number in the batch.
  ReasonCode code = ReasonCode::kUnspecified;
  // The snapshot the reason cites: an index into the batch's table of
  // consulted snapshots, or kNoSnapshot.
  uint32_t snapshot = kNoSnapshot;
  // Human-readable specifics. Points at static text or into storage owned
  // by whatever holds the reason (e.g. ScrubResult::detail_storage).
  absl::string_view detail;
  // kListed: the day the number was listed; kInternalList: the day it was
  // added to the internal list; excuses and kExemptionExpired: the record's
  // date. 0 = none or unknown.
  DayNumber date = 0;
  // kFrequencyCap: the first second (Unix) at which the next call is within
  // the cap. 0 = none.
  int64_t callable_at = 0;
};

}  // namespace dnc

#endif  // DNC_COMMON_ANSWER_H_
