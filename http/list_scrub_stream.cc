#include "http/list_scrub_stream.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "service/proto_mapping.h"
#include "service/retry_after.h"

namespace dnc::http {
namespace {

// How long a queued chunk may wait for its slot before it queues again (a
// deadline the queue needs; the upload itself has no deadline).
constexpr absl::Duration kSlotWait = absl::Seconds(30);

// `status` with `prefix` before its message, payloads (a retry time) kept.
absl::Status Prefixed(const absl::Status& status, const std::string& prefix) {
  absl::Status out(status.code(),
                   absl::StrCat(prefix, std::string(status.message())));
  status.ForEachPayload(
      [&out](absl::string_view type_url, const absl::Cord& payload) {
        out.SetPayload(type_url, payload);
      });
  return out;
}

}  // namespace

CallLayerStream::CallLayerStream(
    const service::ScrubCalls* calls, service::CallLimits* limits,
    const tenant::Tenant* tenant,
    std::function<void(uint64_t entries)> on_answered)
    : calls_(calls),
      limits_(limits),
      tenant_(tenant),
      on_answered_(std::move(on_answered)) {}

bool CallLayerStream::Write(const v1::ScrubRequest& request) {
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_ || !error_.ok() || writes_done_) return false;
  }
  v1::ScrubResponse response;
  const absl::Status answered = Answer(request, &response);
  ++chunks_;
  if (!answered.ok()) {
    Fail(Prefixed(answered, absl::StrCat("batch ", chunks_, " (sequence ",
                                         request.sequence(), "): ")));
    return false;
  }
  if (on_answered_) {
    on_answered_(static_cast<uint64_t>(request.e164_size()) +
                 static_cast<uint64_t>(request.raw_size()));
  }
  absl::MutexLock lock(&mu_);
  if (cancelled_) return false;
  answers_.push_back(std::move(response));
  changed_.SignalAll();
  return true;
}

bool CallLayerStream::WritesDone() {
  absl::MutexLock lock(&mu_);
  writes_done_ = true;
  changed_.SignalAll();
  return !cancelled_ && error_.ok();
}

bool CallLayerStream::Read(v1::ScrubResponse* response) {
  absl::MutexLock lock(&mu_);
  while (answers_.empty() && !writes_done_ && !cancelled_ && error_.ok()) {
    changed_.Wait(&mu_);
  }
  if (answers_.empty() || cancelled_) return false;
  *response = std::move(answers_.front());
  answers_.pop_front();
  return true;
}

absl::Status CallLayerStream::Finish() {
  absl::MutexLock lock(&mu_);
  if (!error_.ok()) return error_;
  if (cancelled_) return absl::CancelledError("the upload was cancelled");
  return absl::OkStatus();
}

void CallLayerStream::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  changed_.SignalAll();
}

void CallLayerStream::Fail(absl::Status status) {
  absl::MutexLock lock(&mu_);
  if (error_.ok()) error_ = std::move(status);
  changed_.SignalAll();
}

bool CallLayerStream::SleepUnlessCancelled(absl::Duration duration) {
  const absl::Time until = absl::Now() + duration;
  absl::MutexLock lock(&mu_);
  while (!cancelled_ && absl::Now() < until) {
    changed_.WaitWithDeadline(&mu_, until);
  }
  return !cancelled_;
}

absl::Status CallLayerStream::Answer(const v1::ScrubRequest& request,
                                     v1::ScrubResponse* response) {
  while (true) {
    const absl::Status status = AnswerOnSlot(request, response);
    if (!absl::IsResourceExhausted(status)) return status;
    // A requests-per-second refusal says when the next token is due; a
    // daily quota's (hours away) or none fails the upload.
    const std::optional<int64_t> retry = service::RetryAfterSeconds(status);
    if (!retry.has_value() || *retry > kMaxRetrySeconds) return status;
    if (!SleepUnlessCancelled(absl::Seconds(*retry))) {
      return absl::CancelledError("the upload was cancelled");
    }
  }
}

absl::Status CallLayerStream::AnswerOnSlot(const v1::ScrubRequest& request,
                                           v1::ScrubResponse* response) {
  const uint64_t entries = static_cast<uint64_t>(request.e164_size()) +
                           static_cast<uint64_t>(request.raw_size());
  if (limits_ == nullptr || !service::CallLimits::NeedsSlot(entries)) {
    return Call(request, response);
  }
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_) return absl::CancelledError("the upload was cancelled");
    }
    absl::Notification done;
    bool ran = false;
    absl::Status status;
    const bool queued = limits_->slots().Submit(
        [&](bool run) {
          ran = run;
          if (run) status = Call(request, response);
          done.Notify();
        },
        absl::Now() + kSlotWait);
    if (queued) {
      // The work borrows this frame: wait for it even when cancelled (it
      // runs, or is told its turn came too late, within kSlotWait).
      done.WaitForNotification();
      if (ran) return status;
      continue;
    }
    // The queue is full: as a gRPC client told "retry in 1 s".
    if (!SleepUnlessCancelled(absl::Seconds(1))) {
      return absl::CancelledError("the upload was cancelled");
    }
  }
}

absl::Status CallLayerStream::Call(const v1::ScrubRequest& request,
                                   v1::ScrubResponse* response) {
  response->Clear();
  service::ScrubCall call =
      service::ScrubCallOf(request, "ScrubStream", &raw_views_, &id_views_);
  call.holds_slot = true;  // AnswerOnSlot holds it when one is needed.
  const absl::Status status = calls_->Scrub(
      call, tenant_, &scratch_, [&](const service::ScrubAnswer& answer) {
        service::FillScrubAnswer(answer, request, response);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  service::SetScrubAuditIds(request, scratch_.answer.audit_id, response);
  return absl::OkStatus();
}

}  // namespace dnc::http
