// Calls in flight, for graceful shutdown, and the way every unary gRPC
// method starts: count the call (CallGate), authenticate the caller
// (service/auth.h), run the method's body, finish with its status.
//
// Shutdown: StartDraining() turns new calls away with ShuttingDown()
// (UNAVAILABLE) while the calls in flight finish; WaitUntilIdle() waits for
// them.
//
// Thread-safety: thread-safe.
#ifndef DNC_SERVICE_CALL_GATE_H_
#define DNC_SERVICE_CALL_GATE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/auth.h"
#include "service/grpc_status.h"
#include "service/server_metrics.h"

namespace dnc::service {

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

// The canonical "shutting down" status of calls turned away while draining.
const grpc::Status& ShuttingDown();

// The caller's tenant for the `x-api-key` metadata entry of `context` (see
// Authenticator::AuthenticateKey).
absl::StatusOr<const tenant::Tenant*> AuthenticateCall(
    const Authenticator& auth, const grpc::ServerContextBase& context);

// The reactor of every unary method: counts as in flight (CallGate) until
// gRPC is done with the call (the response sent or the call cancelled).
// With `metrics` (the method's, service/server_metrics.h; nullptr: none)
// the call is counted by its status code and timed from the reactor's
// making to its Finish.
class GatedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit GatedUnaryReactor(CallGate* gate, CallMetrics* metrics = nullptr)
      : gate_(gate), metrics_(metrics), start_(StartTimer(metrics)) {}
  // Hides ServerUnaryReactor::Finish (not virtual) to count the call first:
  // every unary method finishes through a GatedUnaryReactor*.
  void Finish(grpc::Status status) {
    if (metrics_ != nullptr) metrics_->Record(status.error_code(), start_);
    grpc::ServerUnaryReactor::Finish(std::move(status));
  }
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
  CallMetrics* const metrics_;
  const CallClock::time_point start_;
};

// Runs one unary method: enters `gate` (or finishes with ShuttingDown()),
// authenticates the caller (or finishes with its error), then finishes with
// the status of `body(tenant)` (tenant: the caller's, nullptr without
// tenants). `body` fills the response before it returns. `metrics`: see
// GatedUnaryReactor.
template <typename Body>
grpc::ServerUnaryReactor* RunUnary(CallGate* gate, const Authenticator& auth,
                                   grpc::CallbackServerContext* context,
                                   Body&& body,
                                   CallMetrics* metrics = nullptr) {
  auto* reactor = new GatedUnaryReactor(gate, metrics);
  if (!gate->Enter()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  const absl::StatusOr<const tenant::Tenant*> tenant =
      AuthenticateCall(auth, *context);
  reactor->Finish(
      ToGrpcStatus(tenant.ok() ? body(*tenant) : tenant.status(), context));
  return reactor;
}

}  // namespace dnc::service

#endif  // DNC_SERVICE_CALL_GATE_H_
