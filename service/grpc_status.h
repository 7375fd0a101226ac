// The one conversion from absl::Status to grpc::Status. The numeric codes of
// the two are the same (both follow google.rpc.Code), so the code carries
// over unchanged and the message is copied.
// Thread-safety: thread-safe (pure function).
#ifndef DNC_SERVICE_GRPC_STATUS_H_
#define DNC_SERVICE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace dnc::service {

// OK maps to grpc::Status::OK; any other code keeps its number and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace dnc::service

#endif  // DNC_SERVICE_GRPC_STATUS_H_
