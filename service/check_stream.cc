#include "service/check_stream.h"

#include <grpc/support/time.h>
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"
#include "service/call_gate.h"
#include "service/check_async.h"
#include "service/field_rules.h"
#include "service/grpc_status.h"
#include "service/scrub_service.h"

namespace dnc::service {

namespace v1 = ::dnc::v1;

// One stream, driven by its queue's thread (every operation's tag is one of
// the OpTags below). The answers wait in a ring of kMaxQueuedAnswers
// responses: a read is answered into the slot after the last one waiting,
// writes send slots_[head_]. The stream deletes itself once gRPC is done
// with it and no operation of it is outstanding.
class CheckStreams::Stream {
 public:
  Stream(CheckStreams* owner, size_t queue) : owner_(owner), queue_(queue) {}

  // Asks for the next call on the queue; false (nothing started) when the
  // queue is shutting down.
  bool Request() {
    return owner_->queues_->RequestOn(
        queue_, [this](grpc::ServerCompletionQueue* cq) {
          cq_ = cq;
          owner_->service_->RequestCheckStream(&context_, &rw_, cq, cq,
                                               new_tag_.tag());
        });
  }

  // Called with owner_->mu_ held (Drain): posts a drain notice to the
  // stream's own queue.
  void PostDrain() {
    drain_pending_ = true;
    alarm_.Set(cq_, gpr_now(GPR_CLOCK_MONOTONIC), drain_tag_.tag());
  }
  bool drain_pending() const { return drain_pending_; }

 private:
  struct OpTag final : QueueTag {
    OpTag(Stream* s, void (Stream::*f)(bool)) : stream(s), fn(f) {}
    void Proceed(bool ok) override { (stream->*fn)(ok); }
    Stream* const stream;
    void (Stream::*const fn)(bool);
  };

  void OnNew(bool ok) {
    if (!ok) {  // Shutting down: the call never came.
      delete this;
      return;
    }
    owner_->Accept(queue_);
    const CallClock::time_point start = StartTimer(metrics_);
    // Counted until deleted, whether or not it is let in.
    counted_ = true;
    const bool entered = owner_->service_->gate().Enter();
    registered_ = owner_->Register(this);
    if (!entered || !registered_) {
      Count(ShuttingDown().error_code(), start);
      return FinishWith(ShuttingDown());
    }
    const absl::StatusOr<const tenant::Tenant*> tenant =
        AuthenticateCall(owner_->service_->auth(), context_);
    if (!tenant.ok()) {
      Count(static_cast<int>(tenant.status().code()), start);
      return FinishWith(ToGrpcStatus(tenant.status()));
    }
    tenant_ = *tenant;
    StartRead();
  }

  void OnRead(bool ok) {
    read_outstanding_ = false;
    if (finish_started_) return MaybeDelete();
    if (!ok) {  // The client half-closed (or the call broke).
      read_done_ = true;
      return MaybeFinish();
    }
    v1::CheckResponse* answer = &slots_[(head_ + count_) % kMaxQueuedAnswers];
    answer->Clear();
    const CallClock::time_point start = StartTimer(metrics_);
    const absl::Status status =
        owner_->service_->CheckInto(request_, tenant_, "CheckStream", answer);
    Count(static_cast<int>(status.code()), start);
    ++requests_;
    if (!status.ok()) {
      stop_reading_ = true;
      if (final_status_.ok()) final_status_ = RequestError(status);
    } else {
      ++count_;
      if (!writing_) WriteHead();
    }
    MaybeRead();
    MaybeFinish();
  }

  void OnWrite(bool ok) {
    writing_ = false;
    if (finish_started_) return MaybeDelete();
    if (!ok) {  // The client went away (cancelled, or the call broke).
      broken_ = true;
      if (final_status_.ok()) {
        final_status_ = grpc::Status(
            grpc::StatusCode::CANCELLED,
            "CheckStream: an answer could not be written (the client is "
            "gone)");
      }
      return MaybeFinish();
    }
    head_ = (head_ + 1) % kMaxQueuedAnswers;
    --count_;
    if (count_ > 0) WriteHead();
    MaybeRead();
    MaybeFinish();
  }

  void OnFinish(bool /*ok*/) {
    finish_done_ = true;
    MaybeDelete();
  }

  void OnDrain(bool /*ok*/) {
    {
      absl::MutexLock lock(&owner_->mu_);
      drain_pending_ = false;
    }
    if (!finish_started_) {
      stop_reading_ = true;
      if (final_status_.ok()) final_status_ = ShuttingDown();
      // A read may be outstanding: it completes not ok once finished.
      if (!writing_ && count_ == 0) FinishWith(final_status_);
    }
    MaybeDelete();
  }

  // Each request counts as one CheckStream call (a refused stream as one).
  void Count(int code, CallClock::time_point start) {
    if (metrics_ != nullptr) metrics_->Record(code, start);
  }

  // The error that ends the stream at request number requests_ (1-based),
  // with its retry time (a limit's) as trailing metadata.
  grpc::Status RequestError(const absl::Status& status) {
    absl::Status error(
        status.code(),
        absl::StrCat("CheckStream request ", requests_, " (id \"",
                     EchoValue(request_.id()),
                     "\"): ", std::string(status.message()),
                     "; answers before it stand, nothing after it was read"));
    status.ForEachPayload(
        [&error](absl::string_view type_url, const absl::Cord& payload) {
          error.SetPayload(type_url, payload);
        });
    return ToGrpcStatus(error, &context_);
  }

  void StartRead() {
    read_outstanding_ = true;
    rw_.Read(&request_, read_tag_.tag());
  }

  void WriteHead() {
    writing_ = true;
    grpc::WriteOptions options;
    // More answers are waiting: let gRPC send them with this one.
    if (count_ > 1) options.set_buffer_hint();
    rw_.Write(slots_[head_], options, write_tag_.tag());
  }

  void MaybeRead() {
    if (finish_started_ || stop_reading_ || broken_ || read_done_ ||
        read_outstanding_ || count_ >= kMaxQueuedAnswers) {
      return;
    }
    StartRead();
  }

  void MaybeFinish() {
    if (finish_started_ || writing_) return;
    if (broken_ || (count_ == 0 && (read_done_ || stop_reading_))) {
      FinishWith(final_status_);
    }
  }

  void FinishWith(const grpc::Status& status) {
    finish_started_ = true;
    rw_.Finish(status, finish_tag_.tag());
  }

  void MaybeDelete() {
    if (!finish_done_ || read_outstanding_ || writing_) return;
    // A drain notice still queued: deleted when it arrives.
    if (registered_ && !owner_->Unregister(this)) return;
    if (counted_) owner_->service_->gate().Exit();
    delete this;
  }

  CheckStreams* const owner_;
  const size_t queue_;
  CallMetrics* const metrics_ = owner_->service_->method_metrics().check_stream;
  grpc::ServerCompletionQueue* cq_ = nullptr;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<v1::CheckResponse, v1::CheckRequest> rw_{
      &context_};
  OpTag new_tag_{this, &Stream::OnNew};
  OpTag read_tag_{this, &Stream::OnRead};
  OpTag write_tag_{this, &Stream::OnWrite};
  OpTag finish_tag_{this, &Stream::OnFinish};
  OpTag drain_tag_{this, &Stream::OnDrain};
  grpc::Alarm alarm_;
  bool drain_pending_ = false;  // Guarded by owner_->mu_.

  // The rest is the queue thread's.
  bool counted_ = false, registered_ = false;
  const tenant::Tenant* tenant_ = nullptr;
  v1::CheckRequest request_;
  uint64_t requests_ = 0;
  std::array<v1::CheckResponse, kMaxQueuedAnswers> slots_;
  size_t head_ = 0;
  size_t count_ = 0;  // Answers in the ring.
  bool read_outstanding_ = false, writing_ = false;
  bool read_done_ = false;     // The client half-closed.
  bool stop_reading_ = false;  // A request failed, or draining.
  bool broken_ = false;        // A write failed.
  bool finish_started_ = false, finish_done_ = false;
  grpc::Status final_status_;
};

void CheckStreams::Start(CheckAsync* queues) {
  queues_ = queues;
  for (size_t i = 0; i < queues_->queue_count(); ++i) Accept(i);
}

void CheckStreams::Accept(size_t index) {
  auto* stream = new Stream(this, index);
  if (!stream->Request()) delete stream;
}

bool CheckStreams::Register(Stream* stream) {
  absl::MutexLock lock(&mu_);
  if (draining_) return false;
  open_.insert(stream);
  return true;
}

bool CheckStreams::Unregister(Stream* stream) {
  absl::MutexLock lock(&mu_);
  if (stream->drain_pending()) return false;
  open_.erase(stream);
  return true;
}

void CheckStreams::Drain() {
  absl::MutexLock lock(&mu_);
  if (draining_) return;
  draining_ = true;
  for (Stream* stream : open_) stream->PostDrain();
}

size_t CheckStreams::open_streams() const {
  absl::MutexLock lock(&mu_);
  return open_.size();
}

}  // namespace dnc::service
