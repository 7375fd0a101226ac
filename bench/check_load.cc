#include "bench/check_load.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace dnc::bench {

namespace v1 = ::dnc::v1;

struct CheckLoad::Call {
  Call* prev = nullptr;  // In live_ (guarded by mu_).
  Call* next = nullptr;
  grpc::ClientContext context;
  v1::CheckRequest request;  // Kept alive for the callback API.
  v1::CheckResponse response;
  grpc::Status status;  // Completion-queue mode.
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::CheckResponse>> reader;
  uint64_t index = 0;
  bool expect_hit = false;
};

CheckLoad::CheckLoad(const QueryList* list,
                     std::vector<std::shared_ptr<grpc::Channel>> channels,
                     CheckLoadOptions options)
    : list_(list), options_(std::move(options)), live_(new Call) {
  live_->next = live_->prev = live_;
  for (auto& channel : channels) {
    stubs_.push_back(v1::ScrubService::NewStub(channel));
  }
}

CheckLoad::~CheckLoad() { delete live_; }

CheckLoad::Outcome CheckLoad::Run(double rate, pid_t server_pid) {
  wrong_ = 0;
  first_error_.clear();
  std::vector<std::thread> pollers;
  if (!options_.callback_api) {
    for (int i = 0; i < std::max(1, options_.cq_threads); ++i) {
      cqs_.push_back(std::make_unique<grpc::CompletionQueue>());
      if (options_.cq_threads == 0) break;  // The sender polls it.
      pollers.emplace_back([this, cq = cqs_.back().get()] { Poll(cq); });
    }
  }
  const bool self_poll = !options_.callback_api && options_.cq_threads == 0;
  UseFineTimerSlack();
  const OpenLoopSchedule schedule(rate, options_.warmup_seconds,
                                  options_.seconds, NowNanos() + 2'000'000);
  OpenLoopTally tally(schedule);
  tally_ = &tally;
  Outcome outcome;
  double self0 = 0, server0 = 0;
  bool window_open = false;
  uint64_t next = 0;
  while (next < schedule.total()) {
    int64_t now = NowNanos();
    if (!window_open && now >= schedule.window_start()) {
      self0 = SelfCpuSeconds();
      server0 = ProcessTreeCpuSeconds(server_pid, false);
      window_open = true;
    }
    for (const uint64_t due = schedule.DueBy(now); next < due; ++next) {
      if (outstanding_.load(std::memory_order_relaxed) >=
          options_.max_outstanding) {
        tally.Skipped(next);
      } else {
        Send(next, &tally);
      }
    }
    if (self_poll) DrainReady();
    if (next >= schedule.total()) break;
    now = NowNanos();
    int64_t wake = std::max(schedule.Due(next), now + options_.send_tick_ns);
    if (self_poll && outstanding_.load() > 0) {
      wake = std::min(wake, now + options_.send_tick_ns);
    }
    if (!window_open) wake = std::min(wake, schedule.window_start());
    SleepUntilNanos(wake);
  }
  while (self_poll && NowNanos() < schedule.window_end()) {
    DrainReady();
    SleepUntilNanos(
        std::min(schedule.window_end(), NowNanos() + options_.send_tick_ns));
  }
  SleepUntilNanos(schedule.window_end());
  outcome.window_seconds = schedule.window_seconds();
  outcome.client_cpu_seconds = SelfCpuSeconds() - self0;
  outcome.server_cpu_seconds =
      ProcessTreeCpuSeconds(server_pid, false) - server0;
  DrainAndCancel(self_poll);
  for (auto& cq : cqs_) cq->Shutdown();
  for (auto& poller : pollers) poller.join();
  if (self_poll) Poll(cqs_[0].get());  // Until the queue reports shutdown.
  cqs_.clear();
  tally_ = nullptr;
  outcome.summary = tally.Summarize();
  outcome.wrong = wrong_.load();
  std::lock_guard<std::mutex> lock(mu_);
  outcome.first_error = first_error_;
  return outcome;
}

// Every call has a deadline or is cancelled 10 s after the run, so this ends
// (with self_poll, this thread takes the answers off the queue meanwhile).
void CheckLoad::DrainAndCancel(bool self_poll) {
  const int64_t cancel_at = NowNanos() + 10'000'000'000LL;
  bool cancelled = false;
  while (outstanding_.load() > 0) {
    if (!cancelled && NowNanos() >= cancel_at) {
      std::lock_guard<std::mutex> lock(mu_);
      for (Call* call = live_->next; call != live_; call = call->next) {
        call->context.TryCancel();
      }
      cancelled = true;
    }
    if (self_poll) {
      DrainReady();
      SleepUntilNanos(NowNanos() + options_.send_tick_ns);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

// cq_threads == 0: takes every answer that is ready off the one queue,
// without waiting.
void CheckLoad::DrainReady() {
  void* tag = nullptr;
  bool ok = false;
  while (cqs_[0]->AsyncNext(&tag, &ok, gpr_time_0(GPR_CLOCK_MONOTONIC)) ==
         grpc::CompletionQueue::GOT_EVENT) {
    Call* call = static_cast<Call*>(tag);
    Complete(call, ok ? call->status
                      : grpc::Status(grpc::StatusCode::INTERNAL,
                                     "completion queue op failed"));
  }
}

void CheckLoad::Send(uint64_t i, OpenLoopTally* tally) {
  auto* call = new Call;
  const size_t q = i % list_->keys.size();
  call->index = i;
  call->request.set_e164(list_->keys[q]);
  call->expect_hit = list_->hit[q] != 0;
  if (!options_.api_key.empty()) {
    call->context.AddMetadata("x-api-key", options_.api_key);
  }
  if (options_.deadline_ms > 0) {
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::milliseconds(options_.deadline_ms));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    call->next = live_->next;
    call->prev = live_;
    live_->next->prev = call;
    live_->next = call;
  }
  outstanding_.fetch_add(1, std::memory_order_relaxed);
  const size_t channel = i % stubs_.size();
  v1::ScrubService::Stub* stub = stubs_[channel].get();
  tally->Sent(i, NowNanos());
  if (!options_.callback_api) {
    grpc::CompletionQueue* cq = cqs_[channel % cqs_.size()].get();
    call->reader = stub->PrepareAsyncCheck(&call->context, call->request, cq);
    call->reader->StartCall();
    call->reader->Finish(&call->response, &call->status, call);
    return;
  }
  stub->async()->Check(
      &call->context, &call->request, &call->response,
      [this, call](grpc::Status status) { Complete(call, status); });
}

void CheckLoad::Poll(grpc::CompletionQueue* cq) {
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    Call* call = static_cast<Call*>(tag);
    Complete(call, ok ? call->status
                      : grpc::Status(grpc::StatusCode::INTERNAL,
                                     "completion queue op failed"));
  }
}

void CheckLoad::Complete(Call* call, const grpc::Status& status) {
  const int64_t now = NowNanos();
  bool ok = status.ok();
  if (ok) {
    const bool blocked = call->response.disposition() == v1::BLOCKED;
    const bool callable = call->response.disposition() == v1::CALLABLE;
    if (blocked != call->expect_hit || (!blocked && !callable)) {
      wrong_.fetch_add(1, std::memory_order_relaxed);
      ok = false;
    }
  }
  tally_->Answered(call->index, now, ok);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok() && first_error_.empty()) {
      first_error_ = status.error_message();
    }
    call->prev->next = call->next;
    call->next->prev = call->prev;
  }
  delete call;
  outstanding_.fetch_sub(1, std::memory_order_release);
}

}  // namespace dnc::bench
