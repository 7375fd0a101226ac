// Who is calling: the API-key check every ScrubService and TenantService
// call and every HTTP API call makes (not the health and reflection
// services). No gRPC here.
//
// With AuthMode::kApiKey a call carries its tenant's key in the metadata
// entry `x-api-key`; a missing key fails with UNAUTHENTICATED "missing
// x-api-key metadata", an unknown or revoked one with UNAUTHENTICATED
// "unknown or revoked API key" (the same answer whatever tenants exist).
// With AuthMode::kNone there are no tenants: every call is anonymous
// (registry-only answers) and TenantService fails with FAILED_PRECONDITION.
//
// Ownership: borrows the TenantStore. Thread-safety: thread-safe.
#ifndef DNC_SERVICE_AUTH_H_
#define DNC_SERVICE_AUTH_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tenant/tenant_store.h"

namespace dnc::service {

enum class AuthMode { kApiKey, kNone };

// "api_key" / "none" and back; false if unknown.
const char* AuthModeName(AuthMode mode);
bool ParseAuthMode(std::string_view text, AuthMode* mode);

inline constexpr char kApiKeyMetadata[] = "x-api-key";

class Authenticator {
 public:
  // REQUIRES: store != nullptr when mode == kApiKey; store outlives this.
  Authenticator(AuthMode mode, tenant::TenantStore* store)
      : mode_(mode), store_(store) {}

  AuthMode mode() const { return mode_; }
  bool required() const { return mode_ == AuthMode::kApiKey; }
  // The store (nullptr with kNone).
  tenant::TenantStore* store() const { return store_; }

  // The caller's tenant for the key it sent (nullptr: none sent), or
  // nullptr with kNone. Errors: Unauthenticated (see above). gRPC calls go
  // through AuthenticateCall (service/call_gate.h), HTTP calls read the
  // `x-api-key` header (http/).
  absl::StatusOr<const tenant::Tenant*> AuthenticateKey(
      const std::string_view* api_key) const;

 private:
  const AuthMode mode_;
  tenant::TenantStore* const store_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_AUTH_H_
