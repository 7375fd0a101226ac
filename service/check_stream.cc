#include "service/check_stream.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/call_gate.h"
#include "service/field_rules.h"
#include "service/grpc_status.h"
#include "service/scrub_service.h"

namespace dnc::service {

namespace v1 = ::dnc::v1;

// One stream. The answers wait in a ring of kMaxQueuedAnswers responses:
// the read side answers into slots_[tail_] (the one slot nobody else
// touches while a read is answered), the write side sends slots_[head_].
// Reactions may run concurrently (a read and a write completing at once),
// so the state is guarded by mu_; gRPC runs reactions started from inside a
// reaction after it returns, so Start* may be called with mu_ held. Finish
// from outside a reaction (Drain) is called without it.
class CheckStreams::Reactor final
    : public grpc::ServerBidiReactor<v1::CheckRequest, v1::CheckResponse> {
 public:
  Reactor(CheckStreams* owner, grpc::CallbackServerContext* context)
      : owner_(owner), gate_(&owner->service_->gate()) {
    const bool entered = gate_->Enter();
    const bool registered = owner_->Register(this);
    absl::MutexLock lock(&mu_);
    registered_ = registered;
    if (finished_) return;  // Drained between Register and here.
    if (!entered || !registered) {
      FinishLocked(ShuttingDown());
      return;
    }
    const absl::StatusOr<const tenant::Tenant*> tenant =
        AuthenticateCall(owner_->service_->auth(), *context);
    if (!tenant.ok()) {
      FinishLocked(ToGrpcStatus(tenant.status()));
      return;
    }
    tenant_ = *tenant;
    read_outstanding_ = true;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      read_outstanding_ = false;
      if (finished_ || broken_) return;
      if (!ok) {  // The client half-closed (or the call broke).
        read_done_ = true;
        MaybeFinishLocked();
        return;
      }
      answering_ = true;
    }
    // Outside the lock: slots_[tail_] is not in the ring yet.
    v1::CheckResponse* answer = &slots_[tail_];
    answer->Clear();
    const absl::Status status =
        owner_->service_->CheckInto(request_, tenant_, "CheckStream", answer);
    ++requests_;
    absl::MutexLock lock(&mu_);
    answering_ = false;
    if (!status.ok()) {
      stop_reading_ = true;
      if (final_status_.ok()) final_status_ = RequestError(status);
    } else if (!broken_) {
      tail_ = (tail_ + 1) % kMaxQueuedAnswers;
      ++count_;
      if (!writing_) WriteHeadLocked();
    }
    MaybeReadLocked();
    MaybeFinishLocked();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {  // The client went away (cancelled, or the call broke).
      broken_ = true;
      stop_reading_ = true;
      if (final_status_.ok()) {
        final_status_ = grpc::Status(
            grpc::StatusCode::CANCELLED,
            "CheckStream: an answer could not be written (the client is "
            "gone)");
      }
      MaybeFinishLocked();
      return;
    }
    head_ = (head_ + 1) % kMaxQueuedAnswers;
    --count_;
    if (count_ > 0) WriteHeadLocked();
    MaybeReadLocked();
    MaybeFinishLocked();
  }

  void OnDone() override {
    if (registered_) owner_->Unregister(this);
    gate_->Exit();
    delete this;
  }

  // Stops reading; true when the stream is idle and the caller must now call
  // Finish(ShuttingDown()) (outside any lock), else it finishes by itself
  // once its answers are written.
  bool RequestDrain() {
    absl::MutexLock lock(&mu_);
    stop_reading_ = true;
    if (final_status_.ok()) final_status_ = ShuttingDown();
    if (finished_ || answering_ || writing_ || count_ > 0) return false;
    finished_ = true;  // A read may be outstanding: it completes not ok.
    return true;
  }

 private:
  // The error that ends the stream at request number requests_ (1-based).
  grpc::Status RequestError(const absl::Status& status) const {
    return ToGrpcStatus(absl::Status(
        status.code(),
        absl::StrCat("CheckStream request ", requests_, " (id \"",
                     EchoValue(request_.id()),
                     "\"): ", std::string(status.message()),
                     "; answers before it stand, nothing after it was read")));
  }

  void WriteHeadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    writing_ = true;
    grpc::WriteOptions options;
    // More answers are waiting: let gRPC send them with this one.
    if (count_ > 1) options.set_buffer_hint();
    StartWrite(&slots_[head_], options);
  }

  void MaybeReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || stop_reading_ || read_done_ || read_outstanding_ ||
        answering_ || count_ >= kMaxQueuedAnswers) {
      return;
    }
    read_outstanding_ = true;
    StartRead(&request_);
  }

  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || answering_ || writing_) return;
    if (broken_ || (count_ == 0 && (read_done_ || stop_reading_))) {
      FinishLocked(final_status_);
    }
  }

  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    finished_ = true;
    Finish(status);
  }

  CheckStreams* const owner_;
  CallGate* const gate_;
  bool registered_ = false;                 // Set once in the constructor.
  const tenant::Tenant* tenant_ = nullptr;  // Set once in the constructor.
  // The read side's (one read at a time).
  v1::CheckRequest request_;
  uint64_t requests_ = 0;
  size_t tail_ = 0;
  std::array<v1::CheckResponse, kMaxQueuedAnswers> slots_;

  absl::Mutex mu_;
  size_t head_ ABSL_GUARDED_BY(mu_) = 0;
  size_t count_ ABSL_GUARDED_BY(mu_) = 0;  // Answers in the ring.
  bool read_outstanding_ ABSL_GUARDED_BY(mu_) = false;
  bool answering_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool read_done_ ABSL_GUARDED_BY(mu_) = false;     // Client half-closed.
  bool stop_reading_ ABSL_GUARDED_BY(mu_) = false;  // Error or draining.
  bool broken_ ABSL_GUARDED_BY(mu_) = false;        // A write failed.
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mu_);
};

grpc::ServerBidiReactor<v1::CheckRequest, v1::CheckResponse>*
CheckStreams::Open(grpc::CallbackServerContext* context) {
  return new Reactor(this, context);
}

bool CheckStreams::Register(Reactor* reactor) {
  absl::MutexLock lock(&mu_);
  if (draining_) return false;
  open_.insert(reactor);
  return true;
}

void CheckStreams::Unregister(Reactor* reactor) {
  absl::MutexLock lock(&mu_);
  open_.erase(reactor);
}

void CheckStreams::Drain() {
  std::vector<Reactor*> idle;
  {
    absl::MutexLock lock(&mu_);
    draining_ = true;
    for (Reactor* reactor : open_) {
      // An idle reactor is not done (and so not deleted) before Finish.
      if (reactor->RequestDrain()) idle.push_back(reactor);
    }
  }
  for (Reactor* reactor : idle) reactor->Finish(ShuttingDown());
}

size_t CheckStreams::open_streams() const {
  absl::MutexLock lock(&mu_);
  return open_.size();
}

}  // namespace dnc::service
