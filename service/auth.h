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
// Fail closed on a shared tenant store: a replica whose view of the tenants
// has not been confirmed current (TenantStore::ConfirmedThrough) for longer
// than the grace cannot know whether a number was opted out or a key
// revoked on another replica, so every call with a key fails UNAVAILABLE
// (the client retries on another replica) until the view is confirmed
// again. The embedded store is always current.
//
// Ownership: borrows the TenantStore. Thread-safety: thread-safe.
#ifndef DNC_SERVICE_AUTH_H_
#define DNC_SERVICE_AUTH_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tenant/tenant_store.h"

namespace dnc::service {

enum class AuthMode { kApiKey, kNone };

// "api_key" / "none" and back; false if unknown.
const char* AuthModeName(AuthMode mode);
bool ParseAuthMode(std::string_view text, AuthMode* mode);

inline constexpr char kApiKeyMetadata[] = "x-api-key";

class Authenticator {
 public:
  // How long a replica answers after its tenant view was last confirmed
  // current (dnc-server --tenant_grace).
  static constexpr absl::Duration kDefaultGrace = absl::Seconds(5);

  // REQUIRES: store != nullptr when mode == kApiKey; store outlives this.
  Authenticator(AuthMode mode, tenant::TenantStore* store,
                absl::Duration grace = kDefaultGrace)
      : mode_(mode), store_(store), grace_(grace) {}

  AuthMode mode() const { return mode_; }
  bool required() const { return mode_ == AuthMode::kApiKey; }
  // The store (nullptr with kNone).
  tenant::TenantStore* store() const { return store_; }

  // The caller's tenant for the key it sent (nullptr: none sent), or
  // nullptr with kNone. Errors: Unauthenticated (see above), Unavailable
  // (the tenant view is older than the grace). gRPC calls go
  // through AuthenticateCall (service/call_gate.h), HTTP calls read the
  // `x-api-key` header (http/).
  absl::StatusOr<const tenant::Tenant*> AuthenticateKey(
      const std::string_view* api_key) const;

 private:
  const AuthMode mode_;
  tenant::TenantStore* const store_;
  const absl::Duration grace_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_AUTH_H_
