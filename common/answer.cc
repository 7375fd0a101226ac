#include "common/answer.h"

#include <iterator>

#include "common/enum_names.h"

namespace dnc {

const char* DispositionName(Disposition disposition) {
  static constexpr const char* kNames[] = {"DISPOSITION_UNSPECIFIED",
                                           "CALLABLE",
                                           "BLOCKED",
                                           "EXEMPT",
                                           "INTERNAL",
                                           "NOT_SUBSCRIBED",
                                           "STALE",
                                           "INVALID",
                                           "MALFORMED",
                                           "ATTEMPT_LIMIT"};
  static_assert(std::size(kNames) ==
                static_cast<size_t>(Disposition::kAttemptLimit) + 1);
  return NameOf(disposition, kNames, "DISPOSITION_UNKNOWN");
}

const char* ReasonCodeName(ReasonCode code) {
  static constexpr const char* kNames[] = {
      "REASON_UNSPECIFIED", "LISTED",          "SOURCE_STALE",
      "NO_SOURCE",          "INVALID_NUMBER",  "MALFORMED_NUMBER",
      "INTERNAL_LIST",      "NOT_ENTITLED",    "EBR_PURCHASE",
      "EBR_INQUIRY",        "WRITTEN_CONSENT", "PURPOSE_EXEMPT",
      "EXEMPTION_EXPIRED",  "FREQUENCY_CAP"};
  static_assert(std::size(kNames) ==
                static_cast<size_t>(ReasonCode::kFrequencyCap) + 1);
  return NameOf(code, kNames, "REASON_UNKNOWN");
}

}  // namespace dnc
