#include "service/auth.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

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
  const absl::Time confirmed = store_->ConfirmedThrough();
  if (confirmed != absl::InfiniteFuture()) {
    const absl::Duration age = absl::Now() - confirmed;
    if (age > grace_) {
      return absl::UnavailableError(absl::StrCat(
          "this replica's tenant data (keys, internal lists, consents) was "
          "last confirmed current ",
          absl::ToInt64Milliseconds(age), " ms ago, more than the grace of ",
          absl::ToInt64Milliseconds(grace_),
          " ms: the shared tenant store cannot be reached; retry on another "
          "replica"));
    }
  }
  const tenant::Tenant* tenant = store_->Authenticate(*api_key);
  if (tenant == nullptr) {
    return absl::UnauthenticatedError("unknown or revoked API key");
  }
  return tenant;
}

}  // namespace dnc::service
