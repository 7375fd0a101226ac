// The dnc.v1.ScrubService handlers (gRPC callback API). Each handler
// validates the request, takes the registry's current SourceSet, calls the
// scrub engine, fills the response and finishes; nothing here decides a
// disposition. Storage errors fail the call (never "callable").
//
// Shutdown is graceful: StartDraining() turns new calls away with
// UNAVAILABLE, WaitUntilIdle() waits for the calls in flight, and then the
// grpc::Server can be shut down with an immediate deadline (which also drops
// idle client connections instead of waiting for clients to close them).
//
// Ownership: borrows the Registry, which must outlive the service.
// Thread-safety: thread-safe (handlers share only the Registry).
#ifndef DNC_SERVICE_SCRUB_SERVICE_H_
#define DNC_SERVICE_SCRUB_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"
#include "service/scrub_engine.h"
#include "service/source_set.h"

namespace dnc::service {

// The version reported by Status (the CMake project version).
const char* ServerVersion();

struct ScrubServiceOptions {
  // Most entries one Scrub request or one ScrubStream chunk may carry.
  uint32_t max_batch_entries = 100000;
  // The date freshness is judged against; TodayUtc when empty (tests set it).
  std::function<DayNumber()> today;
};

class ScrubServiceImpl final : public dnc::v1::ScrubService::CallbackService {
 public:
  // REQUIRES: registry outlives this object; options.max_batch_entries > 0.
  ScrubServiceImpl(const Registry* registry, ScrubServiceOptions options);

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const dnc::v1::CheckRequest* request,
                                  dnc::v1::CheckResponse* response) override;
  grpc::ServerUnaryReactor* Scrub(grpc::CallbackServerContext* context,
                                  const dnc::v1::ScrubRequest* request,
                                  dnc::v1::ScrubResponse* response) override;
  grpc::ServerBidiReactor<dnc::v1::ScrubRequest, dnc::v1::ScrubResponse>*
  ScrubStream(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const dnc::v1::StatusRequest* request,
                                   dnc::v1::StatusResponse* response) override;

  // Validates one Scrub request (or stream chunk) and answers it into
  // `*response` (cleared first), using `*scratch` as the engine's buffer.
  // Errors: InvalidArgument (too many entries; ids or string_ids not one per
  // entry), or the engine's storage error.
  absl::Status ScrubInto(const dnc::v1::ScrubRequest& request,
                         ScrubResult* scratch,
                         dnc::v1::ScrubResponse* response) const;

  uint32_t max_batch_entries() const { return options_.max_batch_entries; }

  // Graceful shutdown, step 1: from now on new calls fail at once with
  // UNAVAILABLE ("shutting down"); calls in flight continue.
  void StartDraining() ABSL_LOCKS_EXCLUDED(mu_);
  // Step 2: waits until no call is in flight (true) or `deadline` passes
  // (false). A call counts from its handler until the reactor's OnDone.
  bool WaitUntilIdle(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

  // Call accounting for the reactors (internal). Enter() returns false when
  // draining; the call still counts until Exit().
  bool EnterCall() ABSL_LOCKS_EXCLUDED(mu_);
  void ExitCall() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  DayNumber Today() const;

  const Registry* const registry_;
  const ScrubServiceOptions options_;
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_SCRUB_SERVICE_H_
