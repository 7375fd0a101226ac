#include "service/auth.h"

#include <grpcpp/grpcpp.h>

namespace dnc::service {

const char* AuthModeName(AuthMode mode) {
  return mode == AuthMode::kNone ? "none" : "api_key";
}

bool ParseAuthMode(std::string_view text, AuthMode* mode) {
  if (text == "api_key" || text == "api-key") {
    *mode = AuthMode::kApiKey;
    return true;
  }
  if (text == "none") {
    *mode = AuthMode::kNone;
    return true;
  }
  return false;
}

absl::StatusOr<const tenant::Tenant*> Authenticator::Authenticate(
    const grpc::CallbackServerContext& context) const {
  if (mode_ == AuthMode::kNone) return nullptr;
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kApiKeyMetadata);
  if (it == metadata.end()) return AuthenticateKey(nullptr);
  const std::string_view key(it->second.data(), it->second.size());
  return AuthenticateKey(&key);
}

absl::StatusOr<const tenant::Tenant*> Authenticator::AuthenticateKey(
    const std::string_view* api_key) const {
  if (mode_ == AuthMode::kNone) return nullptr;
  if (api_key == nullptr || api_key->empty()) {
    return absl::UnauthenticatedError("missing x-api-key metadata");
  }
  const tenant::Tenant* tenant = store_->Authenticate(*api_key);
  if (tenant == nullptr) {
    return absl::UnauthenticatedError("unknown or revoked API key");
  }
  return tenant;
}

}  // namespace dnc::service
