// CallLayerStream: the ScrubStream session (leadlist/scrub_stream_session.h)
// of a list upload, in process: each chunk the scrubber writes is one
// ScrubCall of the call layer (service/scrub_call.h) for the upload's
// tenant, decoded and answered with the same functions as a gRPC
// ScrubStream chunk (service/proto_mapping.h) and audited as one
// ("ScrubStream"), with the tenant's admission and limits. No network, no
// loopback gRPC: the same answers and audit, without the copies.
//
// Write answers its chunk before it returns, holding a bulk slot of the
// server's WorkSlots (service/call_limits.h) when the chunk needs one: it
// queues for one as gRPC chunks do, and queues again while the queue is full
// or its turn came too late. A refusal for the tenant's requests per
// second with a retry time of at most kMaxRetrySeconds is waited out and
// retried; any other error fails the stream (Finish says why). Read hands
// the answers out in order. Cancel ends waits at once (a chunk already
// running on a slot finishes first).
//
// Ownership: borrows the ScrubCalls, the CallLimits and the tenant, which
// must outlive it.
// Thread-safety: as ScrubStreamSession: one thread Writes, another Reads,
// Cancel from any.
#ifndef DNC_HTTP_LIST_SCRUB_STREAM_H_
#define DNC_HTTP_LIST_SCRUB_STREAM_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dnc/v1/scrub.pb.h"
#include "leadlist/scrub_stream_session.h"
#include "service/call_limits.h"
#include "service/scrub_call.h"

namespace dnc::http {

class CallLayerStream final : public leadlist::ScrubStreamSession {
 public:
  static constexpr int64_t kMaxRetrySeconds = 10;

  // `limits` may be null (no limits); `tenant` null only with --auth=none.
  // `on_answered(entries)` is called after each chunk is answered, before
  // its answer can be Read.
  CallLayerStream(const service::ScrubCalls* calls, service::CallLimits* limits,
                  const tenant::Tenant* tenant,
                  std::function<void(uint64_t entries)> on_answered);

  bool Write(const v1::ScrubRequest& request) override ABSL_LOCKS_EXCLUDED(mu_);
  bool WritesDone() override ABSL_LOCKS_EXCLUDED(mu_);
  bool Read(v1::ScrubResponse* response) override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Finish() override ABSL_LOCKS_EXCLUDED(mu_);
  void Cancel() override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // One chunk, retried as the file comment says.
  absl::Status Answer(const v1::ScrubRequest& request,
                      v1::ScrubResponse* response) ABSL_LOCKS_EXCLUDED(mu_);
  // One attempt on a bulk slot (at once when none is needed).
  absl::Status AnswerOnSlot(const v1::ScrubRequest& request,
                            v1::ScrubResponse* response)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The call itself. REQUIRES: the slot is held if one is needed.
  absl::Status Call(const v1::ScrubRequest& request,
                    v1::ScrubResponse* response);
  // Sleeps for `duration`; false (at once) if cancelled meanwhile.
  bool SleepUnlessCancelled(absl::Duration duration) ABSL_LOCKS_EXCLUDED(mu_);
  void Fail(absl::Status status) ABSL_LOCKS_EXCLUDED(mu_);

  const service::ScrubCalls* const calls_;
  service::CallLimits* const limits_;
  const tenant::Tenant* const tenant_;
  const std::function<void(uint64_t)> on_answered_;
  // The writing thread's (or its slot thread's, while it waits).
  service::CallScratch scratch_;
  std::vector<std::string_view> raw_views_;
  std::vector<std::string_view> id_views_;
  uint64_t chunks_ = 0;

  absl::Mutex mu_;
  absl::CondVar changed_;  // An answer queued, writes done, failed, cancelled.
  std::deque<v1::ScrubResponse> answers_ ABSL_GUARDED_BY(mu_);
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dnc::http

#endif  // DNC_HTTP_LIST_SCRUB_STREAM_H_
