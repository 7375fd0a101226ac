// The dnc.v1.ScrubService handlers: Check and CheckStream on completion
// queues (service/check_async.h: ServeCheck; service/check_stream.h), every
// other method on the gRPC callback API. Each decodes its
// request into the proto-free call layer (service/scrub_call.h), which
// validates, scrubs, decides, windows and audits, and encodes the answer.
// Nothing here decides a disposition. Storage or audit errors fail the call
// (never "callable", never an unaudited answer).
//
// Shutdown is graceful (see CallGate in service/call_gate.h): new calls are
// turned away with UNAVAILABLE while the calls in flight finish; open
// CheckStreams (service/check_stream.h) end at their next request boundary.
//
// Ownership: borrows the Registry, the Authenticator and the CallGate, which
// must outlive the service.
// Thread-safety: thread-safe (handlers share only what they borrow).
#ifndef DNC_SERVICE_SCRUB_SERVICE_H_
#define DNC_SERVICE_SCRUB_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/civil_date.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"
#include "service/arena_message_allocator.h"
#include "service/auth.h"
#include "service/call_gate.h"
#include "service/check_async.h"
#include "service/check_stream.h"
#include "service/field_rules.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "service/server_metrics.h"
#include "service/source_set.h"

namespace dnc::service {

// The version reported by Status (the CMake project version).
const char* ServerVersion();

struct ScrubServiceOptions {
  // Most entries one Scrub request or one ScrubStream chunk may carry.
  uint32_t max_batch_entries = kDefaultMaxBatchEntries;
  // Largest Scrub answer (one ScrubStream response) the server sends; a
  // larger one fails with RESOURCE_EXHAUSTED saying how many entries fit.
  size_t max_answer_bytes = kDefaultMaxAnswerBytes;
  // The date freshness is judged against; TodayUtc when empty (tests set it).
  std::function<DayNumber()> today;
  // Counts and times every call by method and status, and what the call
  // layer counts (service/server_metrics.h); nullptr = no metrics.
  ServerMetrics* metrics = nullptr;
  // The server's limits (service/call_limits.h); nullptr = none. With them,
  // every Scrub request and ScrubStream chunk waits for a bulk slot in
  // limits->slots() (no thread waits) and runs on a slot's thread.
  CallLimits* limits = nullptr;
};

// Buffers one call (or one stream, chunk after chunk) reuses.
struct BatchScratch {
  CallScratch call;
  // The request's raw entries and string ids as views.
  std::vector<std::string_view> raw;
  std::vector<std::string_view> string_ids;
};

class ScrubServiceImpl final : public CheckAsyncService {
 public:
  // REQUIRES: registry, auth and gate outlive this object;
  // options.max_batch_entries > 0.
  ScrubServiceImpl(const Registry* registry, const Authenticator* auth,
                   CallGate* gate, ScrubServiceOptions options);

  // Serves Check on `options.completion_queues` queues of `builder` (see
  // CheckAsync for the order of Start and Shutdown; options.on_done is
  // replaced). Every server this service is registered with needs one, or
  // Check calls are never answered. REQUIRES: called before
  // builder->BuildAndStart(), after builder->RegisterService(this).
  std::unique_ptr<CheckAsync> ServeCheck(grpc::ServerBuilder* builder,
                                         CheckAsyncOptions options);
  // Serves CheckStream on the same queues (service/check_stream.h).
  // REQUIRES: queues->Start() was called; called once.
  void StartCheckStreams(CheckAsync* queues) { check_streams_.Start(queues); }
  // One Check call as ServeCheck answers it: counted by the gate until gRPC
  // is done with it, authenticated, answered by CheckInto. Errors:
  // Unavailable (shutting down), Unauthenticated, CheckInto's.
  absl::Status AnswerCheck(grpc::ServerContextBase* context,
                           const dnc::v1::CheckRequest& request,
                           dnc::v1::CheckResponse* response) const;
  grpc::ServerUnaryReactor* Scrub(grpc::CallbackServerContext* context,
                                  const dnc::v1::ScrubRequest* request,
                                  dnc::v1::ScrubResponse* response) override;
  grpc::ServerBidiReactor<dnc::v1::ScrubRequest, dnc::v1::ScrubResponse>*
  ScrubStream(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const dnc::v1::StatusRequest* request,
                                   dnc::v1::StatusResponse* response) override;

  // Answers one Scrub request (or stream chunk, `method` "ScrubStream") for
  // `tenant` (nullptr: no tenant, registry-only answers, no audit) into
  // `*response` (cleared first), using `*scratch` as the buffers. Errors: as
  // ScrubCalls::Scrub, and ResourceExhausted (the answer would exceed
  // options.max_answer_bytes; nothing is audited then).
  absl::Status ScrubInto(const dnc::v1::ScrubRequest& request,
                         const tenant::Tenant* tenant, const char* method,
                         BatchScratch* scratch,
                         dnc::v1::ScrubResponse* response) const;

  // Answers one Check for `tenant` (see ScrubInto) into `*response`
  // (empty on entry); `method` ("Check" or "CheckStream") is the audit
  // record's. Errors: InvalidArgument (no number), as ScrubCalls::Check.
  absl::Status CheckInto(const dnc::v1::CheckRequest& request,
                         const tenant::Tenant* tenant, const char* method,
                         dnc::v1::CheckResponse* response) const;
  absl::Status CheckInto(const dnc::v1::CheckRequest& request,
                         const tenant::Tenant* tenant,
                         dnc::v1::CheckResponse* response) const {
    return CheckInto(request, tenant, "Check", response);
  }

  // Runs `work` (one Scrub request or ScrubStream chunk of `entries`
  // numbers) holding a bulk slot: at once without limits or when it is
  // small enough to need none (CallLimits::NeedsSlot), else when
  // limits_->slots() has one for it, on that slot's thread. `finish` is
  // called instead, with the error, when the queue is full or the call's
  // deadline (capped by --max_deadline_seconds) passes while it waits.
  void RunBulk(grpc::ServerContextBase* context, size_t entries,
               std::function<void()> work,
               std::function<void(const grpc::Status&)> finish);

  // Ends the open CheckStreams (CheckStreams::Drain). REQUIRES: the gate is
  // draining.
  void DrainStreams() { check_streams_.Drain(); }
  const CheckStreams& check_streams() const { return check_streams_; }

  // Each method's metrics (all nullptr without ScrubServiceOptions::metrics).
  struct MethodMetrics {
    CallMetrics* check = nullptr;
    CallMetrics* check_stream = nullptr;  // Per request of a stream.
    CallMetrics* scrub = nullptr;
    CallMetrics* scrub_stream = nullptr;  // Per chunk of a stream.
    CallMetrics* status = nullptr;
  };
  const MethodMetrics& method_metrics() const { return method_metrics_; }

  uint32_t max_batch_entries() const { return calls_.max_batch_entries(); }
  const Authenticator& auth() const { return *auth_; }
  CallGate& gate() const { return *gate_; }

 private:
  // OK when `response` (to `entries` entries of `request`) fits
  // options_.max_answer_bytes. Errors: ResourceExhausted naming the size,
  // the limit and how many entries would fit.
  absl::Status CheckAnswerSize(const dnc::v1::ScrubResponse& response,
                               size_t entries,
                               const dnc::v1::ScrubRequest& request) const;
  void FillStatus(const tenant::Tenant* tenant,
                  dnc::v1::StatusResponse* response) const;

  const Authenticator* const auth_;
  CallGate* const gate_;
  const size_t max_answer_bytes_;
  const MethodMetrics method_metrics_;
  CallLimits* const limits_;
  const ScrubCalls calls_;
  // Scrub's request and response live on a per-call arena with a reused
  // first block (see arena_message_allocator.h).
  ArenaMessageAllocator<dnc::v1::ScrubRequest, dnc::v1::ScrubResponse>
      scrub_allocator_;
  CheckStreams check_streams_{this};
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_SCRUB_SERVICE_H_
