#include "dnccom/result_codes.h"

namespace dnc::dnccom {
namespace {

constexpr ResultCodeInfo kCodes[] = {
    {'X', "Industry Exemption", true, true},
    {'C', "Clean", true, true},
    {'O', "EBR Override", true, true},
    {'E', "EBR Valid", true, false},
    {'R', "EBR Expired", true, false},
    {'W', "Wireless", true, false},
    {'G', "EBR + Wireless/VoIP", true, false},
    {'H', "EBR Override + Wireless/VoIP", true, false},
    {'L', "Wireless Prohibited", false, false},
    {'F', "EBR + Wireless Restricted", false, false},
    {'V', "EBR Override + Wireless Restricted", false, false},
    {'I', "Invalid", false, true},
    {'M', "Malformed", false, true},
    {'B', "Blocked", false, true},
    {'P', "Project DNC", false, true},
    {'D', "Do Not Call", false, true},
    {'S', "Undocumented (S)", false, false},
    {'T', "Undocumented (T)", false, false},
    {'Y', "VoIP", true, false},
};

}  // namespace

absl::Span<const ResultCodeInfo> ResultCodeTable() { return kCodes; }

const ResultCodeInfo* FindResultCode(char code) {
  for (const ResultCodeInfo& info : kCodes) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

bool IsRecordExcuse(ReasonCode code) {
  return code == ReasonCode::kEbrPurchase || code == ReasonCode::kEbrInquiry ||
         code == ReasonCode::kWrittenConsent;
}

char ResultCodeOf(Disposition disposition, absl::Span<const Reason> reasons) {
  switch (disposition) {
    case Disposition::kCallable:
      return 'C';
    case Disposition::kExempt:
      for (const Reason& reason : reasons) {
        if (IsRecordExcuse(reason.code)) return 'O';
      }
      return 'X';
    case Disposition::kBlocked:
      return 'D';
    case Disposition::kInternal:
      return 'P';
    case Disposition::kInvalid:
      return 'I';
    case Disposition::kMalformed:
      return 'M';
    case Disposition::kNotSubscribed:
    case Disposition::kStale:
    case Disposition::kAttemptLimit:
    case Disposition::kUnspecified:
      break;
  }
  // Not subscribed, stale, the attempt cap reached (not callable now, but
  // not listed: D would mark the lead do-not-call for good), or a value this
  // build does not know.
  return 'B';
}

}  // namespace dnc::dnccom
