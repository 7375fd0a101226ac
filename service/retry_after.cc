#include "service/retry_after.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/types/optional.h"

namespace dnc::service {

absl::Status RetryAfterError(const std::string& message, int64_t seconds) {
  absl::Status status = absl::ResourceExhaustedError(message);
  status.SetPayload(kRetryAfterTypeUrl,
                    absl::Cord(std::to_string(std::max<int64_t>(1, seconds))));
  return status;
}

std::optional<int64_t> RetryAfterSeconds(const absl::Status& status) {
  const absl::optional<absl::Cord> payload =
      status.GetPayload(kRetryAfterTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &seconds) || seconds < 1) {
    return std::nullopt;
  }
  return seconds;
}

}  // namespace dnc::service
