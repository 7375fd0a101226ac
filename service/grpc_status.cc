#include "service/grpc_status.h"

#include <grpcpp/server_context.h>

#include <optional>
#include <string>

#include "service/retry_after.h"

namespace dnc::service {

static_assert(static_cast<int>(absl::StatusCode::kInvalidArgument) ==
                  static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT),
              "absl and gRPC status codes must match");
static_assert(static_cast<int>(absl::StatusCode::kUnauthenticated) ==
                  static_cast<int>(grpc::StatusCode::UNAUTHENTICATED),
              "absl and gRPC status codes must match");
static_assert(static_cast<int>(absl::StatusCode::kDataLoss) ==
                  static_cast<int>(grpc::StatusCode::DATA_LOSS),
              "absl and gRPC status codes must match");

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const int code = static_cast<int>(status.code());
  // Codes outside gRPC's range (none today) become UNKNOWN, never OK.
  const grpc::StatusCode grpc_code =
      code > 0 && code <= static_cast<int>(grpc::StatusCode::UNAUTHENTICATED)
          ? static_cast<grpc::StatusCode>(code)
          : grpc::StatusCode::UNKNOWN;
  return grpc::Status(grpc_code, std::string(status.message()));
}

grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context) {
  if (const std::optional<int64_t> seconds = RetryAfterSeconds(status)) {
    context->AddTrailingMetadata(kRetryAfterMetadata, std::to_string(*seconds));
  }
  return ToGrpcStatus(status);
}

}  // namespace dnc::service
