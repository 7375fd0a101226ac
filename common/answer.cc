#include "common/answer.h"

namespace dnc {

const char* DispositionName(Disposition disposition) {
  switch (disposition) {
    case Disposition::kUnspecified:
      return "DISPOSITION_UNSPECIFIED";
    case Disposition::kCallable:
      return "CALLABLE";
    case Disposition::kBlocked:
      return "BLOCKED";
    case Disposition::kExempt:
      return "EXEMPT";
    case Disposition::kInternal:
      return "INTERNAL";
    case Disposition::kNotSubscribed:
      return "NOT_SUBSCRIBED";
    case Disposition::kStale:
      return "STALE";
    case Disposition::kInvalid:
      return "INVALID";
    case Disposition::kMalformed:
      return "MALFORMED";
  }
  return "DISPOSITION_UNKNOWN";
}

const char* ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kUnspecified:
      return "REASON_UNSPECIFIED";
    case ReasonCode::kListed:
      return "LISTED";
    case ReasonCode::kSourceStale:
      return "SOURCE_STALE";
    case ReasonCode::kNoSource:
      return "NO_SOURCE";
    case ReasonCode::kInvalidNumber:
      return "INVALID_NUMBER";
    case ReasonCode::kMalformedNumber:
      return "MALFORMED_NUMBER";
    case ReasonCode::kInternalList:
      return "INTERNAL_LIST";
    case ReasonCode::kNotEntitled:
      return "NOT_ENTITLED";
    case ReasonCode::kEbrPurchase:
      return "EBR_PURCHASE";
    case ReasonCode::kEbrInquiry:
      return "EBR_INQUIRY";
    case ReasonCode::kWrittenConsent:
      return "WRITTEN_CONSENT";
    case ReasonCode::kPurposeExempt:
      return "PURPOSE_EXEMPT";
    case ReasonCode::kExemptionExpired:
      return "EXEMPTION_EXPIRED";
  }
  return "REASON_UNKNOWN";
}

}  // namespace dnc
