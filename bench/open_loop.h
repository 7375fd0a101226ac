// The open-loop schedule and the accounting every Check load generator
// shares (dnc-bench for dnc-server, dnc-peer-bench for Redis and
// PostgreSQL), so that every system is measured by the same rules:
//
//  - call i is due at t0 + i / rate whatever the answers do; the first
//    ceil(warmup * rate) calls warm up, the next seconds * rate are measured,
//    and the window runs from the first measured call's due time to the due
//    time of the call after the last one;
//  - a call's latency runs from its due time (not from when it was sent) to
//    its answer, so a stall of the client or the server is charged to every
//    call it delays (no coordinated omission);
//  - a measured call is *achieved* only if it was answered, without error,
//    inside the window; answered after the window end it is *late*; a call
//    that failed, was never sent (too many in flight) or was never answered
//    is counted as such and enters the percentiles as kUnansweredNanos, so
//    that missing answers can only make the figures worse.
//
// No gRPC, Redis or PostgreSQL here. Thread-safety: OpenLoopSchedule is
// immutable; OpenLoopTally is thread-safe for distinct call indices (each
// measured call is recorded once, by any thread) and Summarize is called
// once every recording thread has stopped.
#ifndef DNC_BENCH_OPEN_LOOP_H_
#define DNC_BENCH_OPEN_LOOP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench/load_gen.h"

namespace dnc::bench {

// A call that failed, was skipped or was never answered, in the
// percentiles (the report prints it as "≥ 10 s").
constexpr int64_t kUnansweredNanos = 10'000'000'000LL;

class OpenLoopSchedule {
 public:
  // REQUIRES: rate > 0, warmup_seconds >= 0, seconds > 0.
  OpenLoopSchedule(double rate, double warmup_seconds, double seconds,
                   int64_t t0_ns);

  uint64_t first_measured() const { return first_; }
  uint64_t measured() const { return measured_; }
  uint64_t total() const { return first_ + measured_; }
  int64_t Due(uint64_t i) const {
    return t0_ + static_cast<int64_t>(static_cast<double>(i) * interval_ns_);
  }
  // The number of calls due at or before `now_ns` (at most total()).
  uint64_t DueBy(int64_t now_ns) const;
  int64_t window_start() const { return Due(first_); }
  int64_t window_end() const { return Due(total()); }
  double window_seconds() const {
    return static_cast<double>(window_end() - window_start()) / 1e9;
  }
  // Index among the measured calls, or -1 for a warm-up call.
  int64_t Slot(uint64_t i) const {
    return i >= first_ && i < total() ? static_cast<int64_t>(i - first_) : -1;
  }

 private:
  int64_t t0_;
  double interval_ns_;
  uint64_t first_;
  uint64_t measured_;
};

struct OpenLoopSummary {
  uint64_t measured = 0;    // Calls due inside the window.
  uint64_t achieved = 0;    // ... answered without error inside it.
  uint64_t late = 0;        // ... answered without error after its end.
  uint64_t failed = 0;      // ... answered with an error.
  uint64_t skipped = 0;     // ... never sent (too many calls in flight).
  uint64_t unanswered = 0;  // ... sent, never answered (cancelled at the end).
  // Every answer (warm-up calls too) that arrived inside the window: the
  // divisor of CPU per call.
  uint64_t answered_in_window = 0;
  LatencySummary latency;   // Over `measured`, unanswered ones as 10 s.
  LatencySummary send_lag;  // Send time - due time of the measured calls sent.
};

class OpenLoopTally {
 public:
  explicit OpenLoopTally(const OpenLoopSchedule& schedule);
  OpenLoopTally(const OpenLoopTally&) = delete;
  OpenLoopTally& operator=(const OpenLoopTally&) = delete;

  // Call i left at `sent_ns`.
  void Sent(uint64_t i, int64_t sent_ns);
  // Call i was not sent.
  void Skipped(uint64_t i);
  // Call i was answered at `now_ns` (ok: without error). Each call once.
  void Answered(uint64_t i, int64_t now_ns, bool ok);

  OpenLoopSummary Summarize() const;

 private:
  enum : int8_t { kPending = 0, kSent, kSkipped, kOk, kFailed };
  const OpenLoopSchedule schedule_;
  std::vector<int64_t> latency_;   // Per measured call.
  std::vector<int64_t> send_lag_;  // Per measured call.
  std::unique_ptr<std::atomic<int8_t>[]> state_;
  std::atomic<uint64_t> answered_in_window_{0};
};

// True if calls failed, were skipped or never answered, or more than 1% of
// the measured calls were not achieved. (The calls due in the window's last
// latency are answered just after it even when the server keeps up.)
bool Overloaded(const OpenLoopSummary& summary);

// One "RESULT" line's open-loop fields, the same for every system:
// achieved_per_s, late, failed, skipped, unanswered, p50/p90/p99/p999/max_us,
// send_lag_p99_us, overloaded, client_cpu, server_cpu, client_us_per_call,
// server_us_per_call, calls_per_server_cpu_s. CPU figures are the CPU seconds
// used during the window.
void SetOpenLoopFields(const OpenLoopSummary& summary, double window_seconds,
                       double client_cpu_seconds, double server_cpu_seconds,
                       ResultLine* line);

}  // namespace dnc::bench

#endif  // DNC_BENCH_OPEN_LOOP_H_
