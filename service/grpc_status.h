// The one conversion from absl::Status to grpc::Status. The numeric codes of
// the two are the same (both follow google.rpc.Code), so the code carries
// over unchanged and the message is copied. A retry time the status carries
// (service/retry_after.h) becomes the trailing metadata entry `retry-after`
// (whole seconds, as HTTP's Retry-After header) when the call's context is
// given.
// Thread-safety: thread-safe (pure function).
#ifndef DNC_SERVICE_GRPC_STATUS_H_
#define DNC_SERVICE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace grpc {
class ServerContextBase;
}  // namespace grpc

namespace dnc::service {

// The trailing metadata key of a retry time, in whole seconds.
inline constexpr char kRetryAfterMetadata[] = "retry-after";

// OK maps to grpc::Status::OK; any other code keeps its number and message.
grpc::Status ToGrpcStatus(const absl::Status& status);
// The same, and `retry-after` added to `context`'s trailing metadata when
// `status` carries a retry time. REQUIRES: the call is not finished yet.
grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context);

}  // namespace dnc::service

#endif  // DNC_SERVICE_GRPC_STATUS_H_
