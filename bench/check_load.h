// dnc-bench's unary Check load generator: offers calls to dnc-server on the
// open-loop schedule of bench/open_loop.h, event-driven, so that it can offer
// more than the server can take and the server, not the client, is measured.
//
//  - One sender thread wakes at most once per --send_tick_us and sends every
//    call that has come due since its last wake-up (several calls per
//    wake-up at high rates; a call sent late is still measured from its due
//    time, and the send lag is reported).
//  - Calls go round-robin over several channels (TCP connections); answers
//    are taken off `cq_threads` completion queues, one thread each, which
//    get several answers per wake-up when they arrive together; or, with
//    cq_threads = 0, the sender itself takes every answer that is ready
//    each time it wakes (one thread, at most one wake-up per tick while
//    calls are in flight; answers are timed when taken, up to a tick late).
//    (The callback API is kept for comparison: gRPC's own threads.)
//  - Every answer is checked (BLOCKED exactly for the listed numbers).
//
// Thread-safety: thread-compatible (one Run at a time).
#ifndef DNC_BENCH_CHECK_LOAD_H_
#define DNC_BENCH_CHECK_LOAD_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench/load_gen.h"
#include "bench/open_loop.h"
#include "dnc/v1/scrub.grpc.pb.h"

namespace dnc::bench {

struct CheckLoadOptions {
  double warmup_seconds = 2;
  double seconds = 5;
  bool callback_api = false;  // Else completion queues.
  // Completion queues, one thread each; 0: one queue that the sender drains
  // on each wake-up (one thread in all, one wake-up per tick at most).
  int cq_threads = 1;                // Completion queues (one thread each).
  int64_t send_tick_ns = 100'000;    // Least time between two sender wake-ups.
  uint32_t max_outstanding = 20000;  // Beyond it, due calls are skipped.
  uint32_t deadline_ms = 10000;      // 0: no per-call deadline.
  std::string api_key;               // Sent as x-api-key when not empty.
};

class CheckLoad {
 public:
  // `list` must outlive this object. REQUIRES: !channels.empty(),
  // !list->keys.empty(), options.cq_threads >= 0.
  CheckLoad(const QueryList* list,
            std::vector<std::shared_ptr<grpc::Channel>> channels,
            CheckLoadOptions options);
  ~CheckLoad();
  CheckLoad(const CheckLoad&) = delete;
  CheckLoad& operator=(const CheckLoad&) = delete;

  struct Outcome {
    OpenLoopSummary summary;
    double window_seconds = 0;
    double client_cpu_seconds = 0, server_cpu_seconds = 0;
    uint64_t wrong = 0;  // Answers that disagree with the query list.
    std::string first_error;
  };

  // One open-loop run at `rate` checks/s; blocks until every call has been
  // answered or cancelled. `server_pid` (0: none) for the server's CPU.
  Outcome Run(double rate, pid_t server_pid);

 private:
  struct Call;
  void Send(uint64_t i, OpenLoopTally* tally);
  void Poll(grpc::CompletionQueue* cq);
  void Complete(Call* call, const grpc::Status& status);
  void DrainAndCancel(bool self_poll);
  void DrainReady();

  const QueryList* const list_;
  const CheckLoadOptions options_;
  std::vector<std::unique_ptr<v1::ScrubService::Stub>> stubs_;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> cqs_;
  OpenLoopTally* tally_ = nullptr;  // During Run.
  std::atomic<uint64_t> outstanding_{0};
  std::atomic<uint64_t> wrong_{0};
  std::mutex mu_;
  Call* live_ = nullptr;  // Sentinel of the calls in flight (guarded by mu_).
  std::string first_error_;  // Guarded by mu_.
};

}  // namespace dnc::bench

#endif  // DNC_BENCH_CHECK_LOAD_H_
