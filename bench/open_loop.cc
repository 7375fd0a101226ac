#include "bench/open_loop.h"

#include <algorithm>
#include <cmath>

namespace dnc::bench {

OpenLoopSchedule::OpenLoopSchedule(double rate, double warmup_seconds,
                                   double seconds, int64_t t0_ns)
    : t0_(t0_ns),
      interval_ns_(1e9 / rate),
      first_(static_cast<uint64_t>(std::ceil(warmup_seconds * rate))),
      measured_(std::max<uint64_t>(1, static_cast<uint64_t>(seconds * rate))) {}

uint64_t OpenLoopSchedule::DueBy(int64_t now_ns) const {
  if (now_ns < t0_) return 0;
  // Call i is due iff i * interval <= now - t0; guard the float rounding.
  uint64_t n =
      static_cast<uint64_t>(static_cast<double>(now_ns - t0_) / interval_ns_) +
      1;
  while (n > 0 && Due(n - 1) > now_ns) --n;
  while (n < total() && Due(n) <= now_ns) ++n;
  return std::min(n, total());
}

OpenLoopTally::OpenLoopTally(const OpenLoopSchedule& schedule)
    : schedule_(schedule),
      latency_(schedule.measured(), kUnansweredNanos),
      send_lag_(schedule.measured(), -1),
      state_(new std::atomic<int8_t>[schedule.measured()]) {
  for (uint64_t i = 0; i < schedule.measured(); ++i) {
    state_[i].store(kPending, std::memory_order_relaxed);
  }
}

void OpenLoopTally::Sent(uint64_t i, int64_t sent_ns) {
  const int64_t slot = schedule_.Slot(i);
  if (slot < 0) return;
  send_lag_[slot] = sent_ns - schedule_.Due(i);
  state_[slot].store(kSent, std::memory_order_relaxed);
}

void OpenLoopTally::Skipped(uint64_t i) {
  const int64_t slot = schedule_.Slot(i);
  if (slot >= 0) state_[slot].store(kSkipped, std::memory_order_relaxed);
}

void OpenLoopTally::Answered(uint64_t i, int64_t now_ns, bool ok) {
  if (now_ns >= schedule_.window_start() && now_ns <= schedule_.window_end()) {
    answered_in_window_.fetch_add(1, std::memory_order_relaxed);
  }
  const int64_t slot = schedule_.Slot(i);
  if (slot < 0) return;
  if (ok) latency_[slot] = now_ns - schedule_.Due(i);
  // Release: Summarize (after the threads are joined) sees the latency.
  state_[slot].store(ok ? kOk : kFailed, std::memory_order_release);
}

OpenLoopSummary OpenLoopTally::Summarize() const {
  OpenLoopSummary summary;
  summary.measured = schedule_.measured();
  summary.answered_in_window = answered_in_window_.load();
  std::vector<int64_t> latencies;
  std::vector<int64_t> lags;
  latencies.reserve(latency_.size());
  lags.reserve(latency_.size());
  const int64_t end = schedule_.window_end();
  for (uint64_t slot = 0; slot < latency_.size(); ++slot) {
    const int8_t state = state_[slot].load(std::memory_order_acquire);
    int64_t latency = kUnansweredNanos;
    switch (state) {
      case kOk:
        latency = latency_[slot];
        if (schedule_.Due(schedule_.first_measured() + slot) + latency <= end) {
          ++summary.achieved;
        } else {
          ++summary.late;
        }
        break;
      case kFailed:
        ++summary.failed;
        break;
      case kSkipped:
        ++summary.skipped;
        break;
      default:  // Pending (the run ended first) or sent, never answered.
        ++summary.unanswered;
        break;
    }
    latencies.push_back(std::min(latency, kUnansweredNanos));
    if (send_lag_[slot] >= 0) lags.push_back(send_lag_[slot]);
  }
  summary.latency = bench::Summarize(&latencies);
  summary.send_lag = bench::Summarize(&lags);
  return summary;
}

bool Overloaded(const OpenLoopSummary& summary) {
  return summary.skipped > 0 || summary.failed > 0 || summary.unanswered > 0 ||
         static_cast<double>(summary.achieved) <
             0.99 * static_cast<double>(summary.measured);
}

void SetOpenLoopFields(const OpenLoopSummary& summary, double window_seconds,
                       double client_cpu_seconds, double server_cpu_seconds,
                       ResultLine* line) {
  const double calls = static_cast<double>(summary.answered_in_window);
  const bool overloaded = Overloaded(summary);
  line->Set("seconds", window_seconds)
      .Set("achieved_per_s",
           static_cast<double>(summary.achieved) / window_seconds)
      .Set("late", summary.late)
      .Set("failed", summary.failed)
      .Set("skipped", summary.skipped)
      .Set("unanswered", summary.unanswered)
      .Set("p50_us", summary.latency.p50_us)
      .Set("p90_us", summary.latency.p90_us)
      .Set("p99_us", summary.latency.p99_us)
      .Set("p999_us", summary.latency.p999_us)
      .Set("max_us", summary.latency.max_us)
      .Set("send_lag_p99_us", summary.send_lag.p99_us)
      .Set("overloaded", overloaded ? 1 : 0)
      .Set("client_cpu", client_cpu_seconds / window_seconds)
      .Set("server_cpu", server_cpu_seconds / window_seconds)
      .Set("client_us_per_call",
           calls > 0 ? 1e6 * client_cpu_seconds / calls : 0.0)
      .Set("server_us_per_call",
           calls > 0 ? 1e6 * server_cpu_seconds / calls : 0.0)
      .Set("calls_per_server_cpu_s",
           server_cpu_seconds > 0 ? calls / server_cpu_seconds : 0.0);
}

}  // namespace dnc::bench
