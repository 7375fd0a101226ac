// "Come back in N seconds", carried inside an absl::Status so that the call
// layer can say it once and each front end converts it once: the gRPC side
// (service/grpc_status.cc) sends it as the trailing metadata entry
// `retry-after`, the HTTP side (http/error_response.cc) as the `Retry-After`
// header of its 429. The seconds travel as a status payload under
// kRetryAfterTypeUrl, in decimal.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_SERVICE_RETRY_AFTER_H_
#define DNC_SERVICE_RETRY_AFTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"

namespace dnc::service {

inline constexpr char kRetryAfterTypeUrl[] = "type.dnc/retry-after";

// RESOURCE_EXHAUSTED with `message` and a retry time of `seconds` (at least
// 1: both headers count whole seconds, and 0 would invite a retry storm).
absl::Status RetryAfterError(const std::string& message, int64_t seconds);

// The retry time `status` carries, if any.
std::optional<int64_t> RetryAfterSeconds(const absl::Status& status);

}  // namespace dnc::service

#endif  // DNC_SERVICE_RETRY_AFTER_H_
