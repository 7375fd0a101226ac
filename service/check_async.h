// CheckAsync serves the unary Check RPC through gRPC's completion-queue
// (async) API instead of the callback API: it adds N ServerCompletionQueues
// to the ServerBuilder, keeps `calls_per_queue` Check calls requested on each,
// and polls each queue with one thread that answers the call inline (no hop
// to another thread between the request arriving and the response being
// written). The other methods of the service stay on the callback API: the
// service only has to derive from CheckAsyncService (below) instead of
// ScrubService::CallbackService and drop its Check override.
//
// Why: with Debian 12's gRPC 1.51 a callback unary call costs two extra
// thread hops (the reactor's OnDone runs on gRPC's executor thread, and the
// callback queue's two "nexting" threads hand the poller role to each other),
// which is most of the server CPU a Check costs.
//
// dnc-server serves Check this way (ScrubServiceImpl::ServeCheck), on
// measurement (BENCHMARKS.md, "Check: where the CPU per call goes"): mixed
// with callback methods it saves little at 20k checks/s and keeps 40k/s
// pinned to one core where the callback API falls behind; the callback
// threads, health and reflection still take part in polling, so a server
// with every method async would save more. bench/check_server_proto.cc
// (dnc-check-proto) measures each way.
//
// The answer itself is a plain function, so the real handler logic (parse,
// SourceSet, Scrub, policy, audit) is shared with the callback path:
//   absl::Status AnswerCheck(grpc::ServerContextBase*, const CheckRequest&,
//                            CheckResponse*)
// A non-OK status fails the call with the same code and message (the
// response is then not sent).
//
// Lifecycle (REQUIRED order):
//   CheckAsync check(&service, answer, options, &builder);  // before Build
//   server = builder.BuildAndStart();
//   check.Start();                                          // after Build
//   ...
//   server->Shutdown(deadline);
//   check.Shutdown();      // after the server's Shutdown; joins the threads
//
// Ownership: borrows the service (must outlive this object and the server);
// owns its completion queues and threads.
// Thread-safety: thread-compatible for Start/Shutdown (call them from one
// thread); `answer` is called concurrently from the polling threads and must
// be thread-safe.
#ifndef DNC_SERVICE_CHECK_ASYNC_H_
#define DNC_SERVICE_CHECK_ASYNC_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"

namespace dnc::service {

// The service type CheckAsync serves Check for: Check and CheckStream async
// (CheckStream on the same queues: service/check_stream.h), every other
// method a callback method (override them as usual). The nesting order
// matters: gRPC 1.51 only drops a method's handler when it is marked async
// while still sync, so WithAsyncMethod_Check<CallbackService> would keep
// Check a callback method (and RequestCheck would crash). A new method in
// scrub.proto must be added here (WithCallbackMethod_<Name> outside the
// async ones).
using CheckAsyncService = dnc::v1::ScrubService::WithCallbackMethod_Scrub<
    dnc::v1::ScrubService::WithCallbackMethod_ScrubStream<
        dnc::v1::ScrubService::WithCallbackMethod_Status<
            dnc::v1::ScrubService::WithAsyncMethod_CheckStream<
                dnc::v1::ScrubService::WithAsyncMethod_Check<
                    dnc::v1::ScrubService::Service>>>>>;

// Answers one Check into `*response` (empty on entry). Called on a polling
// thread; must not block for long (it holds up the other calls of its
// queue). The context gives the client's metadata and peer.
using CheckAnswerFn = std::function<absl::Status(
    grpc::ServerContextBase* context, const dnc::v1::CheckRequest& request,
    dnc::v1::CheckResponse* response)>;

struct CheckAsyncOptions {
  // Completion queues, one polling thread each (the core count is a good
  // default; 1 gives the fewest thread hops per call).
  int completion_queues = 2;
  // Check calls kept requested on each queue: the most calls a queue can
  // start at once before new ones wait inside gRPC.
  int calls_per_queue = 64;
  // Called on the polling thread once gRPC is done with a call `answer` was
  // called for (its response sent, or the call cancelled); e.g. to count
  // the call in flight until then. May be empty.
  std::function<void()> on_done;
};

// What the polling threads take off the queues: every operation started on
// a CheckAsync queue (by CheckAsync, or by another method served on its
// queues, e.g. service/check_stream.h) passes a QueueTag* as its tag, and
// the queue's thread calls Proceed(ok) when it completes.
class QueueTag {
 public:
  virtual void Proceed(bool ok) = 0;
  void* tag() { return static_cast<QueueTag*>(this); }

 protected:
  ~QueueTag() = default;
};

class CheckAsync {
 public:
  // Adds the completion queues to `builder`. REQUIRES: called before
  // builder->BuildAndStart(); service registered with that builder;
  // options.completion_queues >= 1 and options.calls_per_queue >= 1.
  CheckAsync(CheckAsyncService* service, CheckAnswerFn answer,
             const CheckAsyncOptions& options, grpc::ServerBuilder* builder);

  // The same for any service type with an async Check (e.g. one whose every
  // method is async): `request_check` must call service->RequestCheck(
  // context, request, responder, queue, queue, tag).
  using RequestCheckFn = std::function<void(
      grpc::ServerContext* context, dnc::v1::CheckRequest* request,
      grpc::ServerAsyncResponseWriter<dnc::v1::CheckResponse>* responder,
      grpc::ServerCompletionQueue* queue, void* tag)>;
  CheckAsync(RequestCheckFn request_check, CheckAnswerFn answer,
             const CheckAsyncOptions& options, grpc::ServerBuilder* builder);

  CheckAsync(const CheckAsync&) = delete;
  CheckAsync& operator=(const CheckAsync&) = delete;
  // Shuts down (see Shutdown) if started and not yet shut down.
  ~CheckAsync();

  // Requests the first calls and starts one thread per queue. REQUIRES: the
  // server was built and started successfully; called once.
  void Start();

  // Stops requesting calls, shuts the queues down, drains them and joins the
  // threads. Idempotent. REQUIRES: the grpc::Server's Shutdown() has been
  // called (gRPC requires the server to shut down before its queues).
  void Shutdown();

  // For other methods served on these queues: the number of queues, and
  // `request(cq)` run on queue `index` unless it is shutting down (then
  // false, and `request` is not run). `request` must start exactly one
  // operation whose tag is a QueueTag. Thread-safe.
  size_t queue_count() const { return queues_.size(); }
  bool RequestOn(
      size_t index,
      const std::function<void(grpc::ServerCompletionQueue*)>& request);

 private:
  struct Queue;
  class Call;

  void Poll(Queue* queue);

  const RequestCheckFn request_check_;
  const CheckAnswerFn answer_;
  const CheckAsyncOptions options_;
  std::vector<std::unique_ptr<Queue>> queues_;
  bool shut_down_ = false;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_CHECK_ASYNC_H_
