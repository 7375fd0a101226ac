#include "service/check_async.h"

#include <pthread.h>

#include <mutex>
#include <optional>
#include <utility>

#include "service/grpc_status.h"

namespace dnc::service {

struct CheckAsync::Queue {
  std::unique_ptr<grpc::ServerCompletionQueue> cq;
  std::thread thread;
  std::vector<std::unique_ptr<Call>> calls;
  // Orders RequestCheck against cq->Shutdown(): gRPC forbids starting an
  // operation on a queue that is shut down. Uncontended except at shutdown.
  std::mutex mu;
  bool shutting_down = false;  // Guarded by mu.
};

// One requested-or-running Check call. Its objects are reused call after
// call: the request and response are cleared (keeping their memory), the
// context and responder are constructed afresh in place.
class CheckAsync::Call final : public QueueTag {
 public:
  Call(CheckAsync* owner, Queue* queue) : owner_(owner), queue_(queue) {}

  // Asks gRPC for the next Check call on this queue (unless shutting down).
  void Request() {
    context_.emplace();
    responder_.emplace(&*context_);
    request_.Clear();
    response_.Clear();
    finishing_ = false;
    std::lock_guard<std::mutex> lock(queue_->mu);
    if (queue_->shutting_down) return;
    owner_->request_check_(&*context_, &request_, &*responder_,
                           queue_->cq.get(), tag());
  }

  // The queue's event for this call: a call arrived, or its answer was
  // sent (or failed to be).
  void Proceed(bool ok) override {
    if (!finishing_) {
      // Not ok: the server is shutting down and cancelled the request.
      if (!ok) return;
      const absl::Status status =
          owner_->answer_(&*context_, request_, &response_);
      finishing_ = true;
      if (status.ok()) {
        responder_->Finish(response_, grpc::Status::OK, tag());
      } else {
        responder_->FinishWithError(ToGrpcStatus(status, &*context_), tag());
      }
      return;
    }
    if (owner_->options_.on_done) owner_->options_.on_done();
    Request();
  }

 private:
  CheckAsync* const owner_;
  Queue* const queue_;
  std::optional<grpc::ServerContext> context_;
  std::optional<grpc::ServerAsyncResponseWriter<dnc::v1::CheckResponse>>
      responder_;
  dnc::v1::CheckRequest request_;
  dnc::v1::CheckResponse response_;
  bool finishing_ = false;
};

CheckAsync::CheckAsync(CheckAsyncService* service, CheckAnswerFn answer,
                       const CheckAsyncOptions& options,
                       grpc::ServerBuilder* builder)
    : CheckAsync(
          [service](grpc::ServerContext* context,
                    dnc::v1::CheckRequest* request,
                    grpc::ServerAsyncResponseWriter<dnc::v1::CheckResponse>*
                        responder,
                    grpc::ServerCompletionQueue* queue, void* tag) {
            service->RequestCheck(context, request, responder, queue, queue,
                                  tag);
          },
          std::move(answer), options, builder) {}

CheckAsync::CheckAsync(RequestCheckFn request_check, CheckAnswerFn answer,
                       const CheckAsyncOptions& options,
                       grpc::ServerBuilder* builder)
    : request_check_(std::move(request_check)),
      answer_(std::move(answer)),
      options_(options) {
  for (int i = 0; i < options_.completion_queues; ++i) {
    auto queue = std::make_unique<Queue>();
    queue->cq = builder->AddCompletionQueue();
    queues_.push_back(std::move(queue));
  }
}

CheckAsync::~CheckAsync() { Shutdown(); }

void CheckAsync::Start() {
  for (auto& queue : queues_) {
    for (int i = 0; i < options_.calls_per_queue; ++i) {
      queue->calls.push_back(std::make_unique<Call>(this, queue.get()));
      queue->calls.back()->Request();
    }
  }
  for (auto& queue : queues_) {
    Queue* q = queue.get();
    q->thread = std::thread([this, q] { Poll(q); });
    pthread_setname_np(q->thread.native_handle(), "dnc-check-cq");
  }
}

void CheckAsync::Poll(Queue* queue) {
  void* tag = nullptr;
  bool ok = false;
  while (queue->cq->Next(&tag, &ok)) {
    static_cast<QueueTag*>(tag)->Proceed(ok);
  }
}

bool CheckAsync::RequestOn(
    size_t index,
    const std::function<void(grpc::ServerCompletionQueue*)>& request) {
  Queue* queue = queues_[index].get();
  std::lock_guard<std::mutex> lock(queue->mu);
  if (queue->shutting_down) return false;
  request(queue->cq.get());
  return true;
}

void CheckAsync::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& queue : queues_) {
    {
      std::lock_guard<std::mutex> lock(queue->mu);
      queue->shutting_down = true;
    }
    queue->cq->Shutdown();
  }
  for (auto& queue : queues_) {
    if (queue->thread.joinable()) {
      queue->thread.join();
    } else {  // Never started: drain here (gRPC requires an empty queue).
      Poll(queue.get());
    }
  }
}

}  // namespace dnc::service
