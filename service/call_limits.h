// The server's limits on what callers may use (docs/api-limits.md,
// "Per-tenant limits and server bounds"):
//
//  - per tenant, read from the tenant's handle on every call
//    (tenant::Tenant::limits(), so a limit changed online applies to the
//    next call): requests per second, a token bucket whose burst is the rate
//    (TokenBucket), and numbers per UTC day (DailyQuota);
//  - for the whole server, a bound on concurrent bulk work (WorkSlots):
//    Scrub requests and ScrubStream chunks, over every front end, so that
//    bulk batches never hold every thread and a dialer's Check (which takes
//    no slot) is answered beside them. gRPC queues bulk work that finds no
//    free slot (WorkSlots::Submit: no thread waits; the queue is bounded and
//    a queued call gives up at its deadline); HTTP, whose handlers run on
//    the connection's io thread, is refused at once (TryAcquire).
//
// A call refused by a limit is RESOURCE_EXHAUSTED with a retry time
// (service/retry_after.h), is not audited and uses no quota.
//
// Ownership: CallLimits owns its per-tenant state, keyed by the Tenant
// handle (the tenant store keeps handles valid while it lives, deleted
// tenants included); it must not outlive the store.
// Thread-safety: CallLimits and WorkSlots are thread-safe (the per-tenant
// state is spread over kShards mutexes, one taken per call, never a global
// one); TokenBucket and DailyQuota are thread-compatible.
#ifndef DNC_SERVICE_CALL_LIMITS_H_
#define DNC_SERVICE_CALL_LIMITS_H_

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tenant/records.h"

namespace dnc::tenant {
class Tenant;
}  // namespace dnc::tenant

namespace dnc::service {

// Requests per second with a burst of the same size: full when first used,
// refilled continuously. A changed rate applies at once (the tokens held are
// cut to the new burst).
class TokenBucket {
 public:
  // Zero when one request may go now at `rate` (> 0) per second, else how
  // long until one may. Takes nothing.
  absl::Duration WaitFor(absl::Time now, uint32_t rate);
  // Takes one request's token. REQUIRES: WaitFor(now, rate) was zero.
  void Take() { tokens_ -= 1; }

 private:
  bool started_ = false;
  double tokens_ = 0;
  absl::Time last_;
};

// Numbers answered per UTC day, counted from 00:00 UTC.
class DailyQuota {
 public:
  // Numbers still allowed today out of `limit` (> 0).
  uint64_t Remaining(absl::Time now, uint64_t limit);
  void Use(uint64_t numbers) { used_ += numbers; }
  // Gives back numbers that were admitted but not answered (the same day).
  void Refund(absl::Time now, uint64_t numbers);

 private:
  int64_t day_ = -1;  // Days since 1970-01-01 (UTC) of used_.
  uint64_t used_ = 0;
};

// The time from `now` to the next 00:00 UTC.
absl::Duration UntilNextUtcDay(absl::Time now);

// The bound on concurrent bulk work (see the file comment): max_slots slots,
// taken by HTTP calls inline (TryAcquire) and by gRPC calls through the
// queue (Submit), whose works run on max_slots threads of their own
// ("dnc-scrub"), so a queued call holds no gRPC thread while it waits.
class WorkSlots {
 public:
  // max_slots 0: unbounded (TryAcquire always succeeds, Submit runs the
  // work at once on the caller's thread, no threads are started).
  WorkSlots(uint32_t max_slots, uint32_t max_queued);
  WorkSlots(const WorkSlots&) = delete;
  WorkSlots& operator=(const WorkSlots&) = delete;
  // Joins the threads; works still queued are called with false.
  ~WorkSlots();

  // A slot held until destroyed or Release()d.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : owner_(other.owner_) {
      other.owner_ = nullptr;
    }
    Slot& operator=(Slot&& other) noexcept;
    ~Slot() { Release(); }
    bool held() const { return owner_ != nullptr; }
    void Release();

   private:
    friend class WorkSlots;
    explicit Slot(WorkSlots* owner) : owner_(owner) {}
    WorkSlots* owner_ = nullptr;
  };

  // A slot now, or an empty Slot when all are taken (or when unbounded).
  Slot TryAcquire() ABSL_LOCKS_EXCLUDED(mu_);

  // Queues `work` (FIFO); a slot's thread calls work(true) holding the
  // slot, or work(false) if `deadline` has passed when its turn comes (the
  // work must then only fail its call). False, and `work` is not called,
  // when max_queued works already wait. Unbounded: runs work(true) now.
  bool Submit(std::function<void(bool run)> work, absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  uint32_t max_slots() const { return max_slots_; }
  uint32_t max_queued() const { return max_queued_; }
  // Slots held and works queued now (tests, metrics).
  uint32_t in_use() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t queued() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Queued {
    std::function<void(bool run)> work;
    absl::Time deadline;
  };
  // One slot thread: runs queued works while a slot is free.
  void Work() ABSL_LOCKS_EXCLUDED(mu_);

  const uint32_t max_slots_;
  const uint32_t max_queued_;
  mutable absl::Mutex mu_;
  uint32_t in_use_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar ready_;  // Work queued, or a slot freed with work queued.
  std::vector<std::thread> workers_;
};

struct CallLimitsOptions {
  // Bulk calls (Scrub requests, ScrubStream chunks, HTTP scrubs) running at
  // once over every front end; 0 = unbounded.
  uint32_t max_concurrent_scrubs = 0;
  // gRPC bulk calls waiting for a slot beyond those; more are refused.
  uint32_t max_queued_scrubs = 128;
  // The longest a gRPC call may take, whatever deadline its client asks
  // for (a queued call gives up then); per message for streams. 0 = none.
  absl::Duration max_deadline = absl::ZeroDuration();
  // The clock the per-tenant limits count by; absl::Now when empty (tests
  // inject one).
  std::function<absl::Time()> now;
};

class CallLimits {
 public:
  explicit CallLimits(CallLimitsOptions options);
  CallLimits(const CallLimits&) = delete;
  CallLimits& operator=(const CallLimits&) = delete;
  ~CallLimits();

  // Admits one call of `numbers` numbers for `tenant` under its current
  // limits(): takes a request token and adds the numbers to today's count.
  // Errors (nothing is taken then): ResourceExhausted with a retry time
  // (service/retry_after.h), naming the limit: requests_per_second (retry
  // when the next token is due), numbers_per_day (how many remain today;
  // retry at 00:00 UTC; a call larger than the whole daily limit gets no
  // retry time, only the advice to split it).
  absl::Status Admit(const tenant::Tenant& tenant, uint64_t numbers);
  // Gives back `numbers` admitted today but not answered (the call failed
  // after Admit).
  void Refund(const tenant::Tenant& tenant, uint64_t numbers);

  // A bulk call's slot now, or ResourceExhausted (retry after 1 s) naming
  // --max_concurrent_scrubs.
  absl::StatusOr<WorkSlots::Slot> AcquireSlot();
  // Whether a scrub of `numbers` numbers needs a bulk slot. One of at most
  // kMaxUnslottedNumbers does not: it costs about as much as that many
  // Checks, and it is what a dialer sends before it dials (VICIdial's
  // DNC.com filter posts one number per lead), so it must not queue behind,
  // or be refused because of, another tenant's bulk job.
  static constexpr uint64_t kMaxUnslottedNumbers = 64;
  static bool NeedsSlot(uint64_t numbers) {
    return numbers > kMaxUnslottedNumbers;
  }
  WorkSlots& slots() { return slots_; }
  // The deadline a call arriving at `now` with the client's `requested`
  // deadline has: the earlier of the two and now + max_deadline.
  absl::Time CapDeadline(absl::Time now, absl::Time requested) const;
  absl::Duration max_deadline() const { return options_.max_deadline; }

  absl::Time Now() const;

 private:
  struct TenantState {
    TokenBucket requests;
    DailyQuota numbers;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<const tenant::Tenant*, TenantState> state
        ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 64;
  Shard& ShardOf(const tenant::Tenant& tenant);

  const CallLimitsOptions options_;
  WorkSlots slots_;
  std::array<Shard, kShards> shards_;
};

// The default --max_concurrent_scrubs: one less than the cores this process
// may run on (sched_getaffinity), at least 1, so a core's worth of CPU is
// left for Checks.
uint32_t DefaultMaxConcurrentScrubs();

}  // namespace dnc::service

#endif  // DNC_SERVICE_CALL_LIMITS_H_
