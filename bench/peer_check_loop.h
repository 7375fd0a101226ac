// dnc-peer-bench's Check load generator: the open-loop schedule and
// accounting of bench/open_loop.h (the same as dnc-bench's for dnc-server),
// driven by one event loop over several pipelined, non-blocking connections
// (Redis, PostgreSQL: bench/peer_pipelined.h).
//
// The loop wakes at most once per send tick, queues every call that has come
// due on the connections round-robin and writes them (several calls per
// write at high rates), and reads answers as they arrive (epoll, nanosecond
// timeouts). Each connection answers in order, so a FIFO of call indices per
// connection matches answers to calls. A call sent late is measured from its
// due time.
//
// Thread-safety: thread-compatible (a function of its arguments, running on
// the calling thread).
#ifndef DNC_BENCH_PEER_CHECK_LOOP_H_
#define DNC_BENCH_PEER_CHECK_LOOP_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/load_gen.h"
#include "bench/open_loop.h"

namespace dnc::bench {

// One pipelined, non-blocking connection that answers checks in the order
// they were queued.
class PipelinedCheck {
 public:
  virtual ~PipelinedCheck() = default;
  // The socket to wait on.
  virtual int fd() const = 0;
  // Queues a check of `e164`; Flush sends it.
  virtual void Queue(uint64_t e164) = 0;
  // Writes what is queued. Returns true while some is left (wait until the
  // socket is writable and call again). Errors: Unavailable (the
  // connection failed).
  virtual absl::StatusOr<bool> Flush() = 0;
  // Reads what has arrived and appends one answer per check answered, in
  // order: 1 listed, 0 not listed, -1 an error answer. Errors: Unavailable
  // (closed or failed).
  virtual absl::Status Read(std::vector<int>* answers) = 0;
};

struct PipelinedCheckOptions {
  double warmup_seconds = 2;
  double seconds = 5;
  int64_t send_tick_ns = 100'000;
  uint32_t max_outstanding = 20000;
};

struct PipelinedCheckOutcome {
  OpenLoopSummary summary;
  double window_seconds = 0;
  double client_cpu_seconds = 0, server_cpu_seconds = 0;
  uint64_t wrong = 0;  // Answers that disagree with the query list.
};

// One open-loop run at `rate` checks/s over `connections` (borrowed; at
// least one). CPU of `server_pid` (with its direct children if
// `server_children`: PostgreSQL's backends). Errors: the first connection
// failure (the run is then abandoned).
absl::StatusOr<PipelinedCheckOutcome> RunPipelinedChecks(
    const QueryList& list, const std::vector<PipelinedCheck*>& connections,
    double rate, const PipelinedCheckOptions& options, pid_t server_pid,
    bool server_children);

}  // namespace dnc::bench

#endif  // DNC_BENCH_PEER_CHECK_LOOP_H_
