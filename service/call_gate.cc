#include "service/call_gate.h"

namespace dnc::service {

const grpc::Status& ShuttingDown() {
  static const grpc::Status* status = new grpc::Status(
      grpc::StatusCode::UNAVAILABLE,
      "dnc-server is shutting down; retry (on another server)");
  return *status;
}

absl::StatusOr<const tenant::Tenant*> AuthenticateCall(
    const Authenticator& auth, const grpc::ServerContextBase& context) {
  if (!auth.required()) return nullptr;
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kApiKeyMetadata);
  if (it == metadata.end()) return auth.AuthenticateKey(nullptr);
  const std::string_view key(it->second.data(), it->second.size());
  return auth.AuthenticateKey(&key);
}

bool CallGate::Enter() {
  absl::MutexLock lock(&mu_);
  ++in_flight_;
  return !draining_;
}

void CallGate::Exit() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

void CallGate::StartDraining() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
}

bool CallGate::WaitUntilIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return in_flight_ == 0;
  };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

}  // namespace dnc::service
