// How every gRPC client of this project (dnc, dnc-tenant, dnc-bench) reaches
// one server or several replicas: the --server value as a gRPC channel
// target, and the service config its channels use (round-robin over every
// address the target names; calls that are safe to repeat are retried on
// UNAVAILABLE, which round-robin sends to the next replica). No gRPC here:
// strings only.
//
// --server takes HOST:PORT (DNS may return several addresses),
// dns:///NAME:PORT (e.g. a Kubernetes headless Service), any other gRPC
// target with a scheme, or a comma-separated list of IP:PORT
// (127.0.0.1:50051,127.0.0.1:50052).
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_COMMON_GRPC_TARGET_H_
#define DNC_COMMON_GRPC_TARGET_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dnc {

// The channel target for `server`. Errors: InvalidArgument for an empty
// value or a list with an entry that is not an IP:PORT literal (name it).
absl::StatusOr<std::string> ChannelTarget(std::string_view server);

// The JSON service config (round_robin; retries of the idempotent methods:
// every ScrubService call, and TenantService's opt-out calls, reads and job
// files; never AddConsents or the AdminService).
const std::string& ClientServiceConfig();

}  // namespace dnc

#endif  // DNC_COMMON_GRPC_TARGET_H_
