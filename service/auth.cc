#include "service/auth.h"

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
