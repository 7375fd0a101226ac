// Who is calling: the API-key check every ScrubService and TenantService
// call makes (not the health and reflection services), and the count of
// calls in flight that graceful shutdown waits for.
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

#include <grpcpp/support/server_callback.h>

#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tenant/tenant_store.h"

namespace grpc {
class CallbackServerContext;
}  // namespace grpc

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

  // The caller's tenant, or nullptr with kNone. Errors: Unauthenticated (see
  // above).
  absl::StatusOr<const tenant::Tenant*> Authenticate(
      const grpc::CallbackServerContext& context) const;
  // The same for a key already read from metadata (nullptr: none sent).
  absl::StatusOr<const tenant::Tenant*> AuthenticateKey(
      const std::string_view* api_key) const;

 private:
  const AuthMode mode_;
  tenant::TenantStore* const store_;
};

// Counts calls in flight, for graceful shutdown; shared by the services.
class CallGate {
 public:
  // False when draining (the caller fails the call with ShuttingDown());
  // the call counts until Exit() either way.
  bool Enter() ABSL_LOCKS_EXCLUDED(mu_);
  void Exit() ABSL_LOCKS_EXCLUDED(mu_);
  // New calls fail from now on.
  void StartDraining() ABSL_LOCKS_EXCLUDED(mu_);
  // True once no call is in flight; false if `deadline` passes first.
  bool WaitUntilIdle(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

// The reactor of every unary method: counts as in flight (CallGate) until
// gRPC is done with the call (the response sent or the call cancelled).
class GatedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit GatedUnaryReactor(CallGate* gate) : gate_(gate) {}
  void OnDone() override {
    gate_->Exit();
    delete this;
  }
  // OnDone only leaves the gate and deletes: gRPC may run it on the thread
  // that finished the call instead of handing it to its executor thread (one
  // thread hop per call less; measured 4-14% less server CPU per Check with
  // the next line's change in server_main.cc, BENCHMARKS.md). gRPC 1.51 marks
  // this hook "not API": if a later gRPC drops it, `override` fails loudly.
  bool InternalInlineable() override { return true; }

 private:
  CallGate* const gate_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_AUTH_H_
