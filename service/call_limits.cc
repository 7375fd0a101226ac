#include "service/call_limits.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/thread_priority.h"
#include "service/retry_after.h"
#include "tenant/tenant.h"

namespace dnc::service {
namespace {

constexpr int64_t kSecondsPerDay = 24 * 60 * 60;

int64_t UtcDayOf(absl::Time now) {
  const int64_t seconds = absl::ToUnixSeconds(now);
  return seconds >= 0 ? seconds / kSecondsPerDay
                      : -((-seconds + kSecondsPerDay - 1) / kSecondsPerDay);
}

// Whole seconds, rounded up, at least 1 (what Retry-After can say).
int64_t CeilSeconds(absl::Duration d) {
  return std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(d))));
}

}  // namespace

absl::Duration TokenBucket::WaitFor(absl::Time now, uint32_t rate) {
  const double burst = rate;
  if (!started_) {
    started_ = true;
    tokens_ = burst;
    last_ = now;
  } else if (now > last_) {
    tokens_ += absl::ToDoubleSeconds(now - last_) * rate;
    last_ = now;
  }
  tokens_ = std::min(tokens_, burst);
  if (tokens_ >= 1) return absl::ZeroDuration();
  return absl::Seconds((1 - tokens_) / rate);
}

uint64_t DailyQuota::Remaining(absl::Time now, uint64_t limit) {
  const int64_t day = UtcDayOf(now);
  if (day != day_) {
    day_ = day;
    used_ = 0;
  }
  return used_ >= limit ? 0 : limit - used_;
}

void DailyQuota::Refund(absl::Time now, uint64_t numbers) {
  if (UtcDayOf(now) != day_) return;  // Yesterday's count is gone already.
  used_ -= std::min(used_, numbers);
}

absl::Duration UntilNextUtcDay(absl::Time now) {
  return absl::FromUnixSeconds((UtcDayOf(now) + 1) * kSecondsPerDay) - now;
}

// ------------------------------------------------------------- WorkSlots

WorkSlots::WorkSlots(uint32_t max_slots, uint32_t max_queued)
    : max_slots_(max_slots), max_queued_(max_queued) {
  for (uint32_t i = 0; i < max_slots_; ++i) {
    workers_.emplace_back([this] { Work(); });
    pthread_setname_np(workers_.back().native_handle(), "dnc-scrub");
  }
}

WorkSlots::~WorkSlots() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    ready_.SignalAll();
  }
  for (std::thread& worker : workers_) worker.join();
  // Works still queued (none once the servers have drained) fail.
  for (Queued& queued : queue_) queued.work(false);
}

WorkSlots::Slot& WorkSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void WorkSlots::Slot::Release() {
  if (owner_ == nullptr) return;
  absl::MutexLock lock(&owner_->mu_);
  --owner_->in_use_;
  // A queued work may take the slot now.
  if (!owner_->queue_.empty()) owner_->ready_.Signal();
  owner_ = nullptr;
}

WorkSlots::Slot WorkSlots::TryAcquire() {
  if (max_slots_ == 0) return Slot();  // Unbounded: nothing to hold.
  absl::MutexLock lock(&mu_);
  if (in_use_ >= max_slots_) return Slot();
  ++in_use_;
  return Slot(this);
}

bool WorkSlots::Submit(std::function<void(bool run)> work,
                       absl::Time deadline) {
  if (max_slots_ == 0) {
    work(true);
    return true;
  }
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= max_queued_) return false;
  queue_.push_back(Queued{std::move(work), deadline});
  ready_.Signal();
  return true;
}

void WorkSlots::Work() {
  // Bulk scrubs share the server's cores with the dialers' Checks: at a
  // background priority a Check that wakes preempts a running scrub batch at
  // once (measured in BENCHMARKS.md, "Limits and fairness").
  LowerThisThreadPriority();
  absl::MutexLock lock(&mu_);
  while (true) {
    // A condition variable, signalled when work is queued or a slot freed
    // with work waiting, rather than Mutex::Await: absl evaluates every
    // waiter's condition on each unlock, a cost TryAcquire would pay.
    while (!stopping_ && (queue_.empty() || in_use_ >= max_slots_)) {
      ready_.Wait(&mu_);
    }
    if (stopping_) return;
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    ++in_use_;
    mu_.Unlock();
    // Past its deadline: the call fails without the work (and its client
    // has most likely given up already).
    next.work(absl::Now() < next.deadline);
    next.work = nullptr;  // Whatever it holds goes before the slot.
    mu_.Lock();
    --in_use_;
  }
}

uint32_t WorkSlots::in_use() const {
  absl::MutexLock lock(&mu_);
  return in_use_;
}

size_t WorkSlots::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

// ------------------------------------------------------------- CallLimits

CallLimits::CallLimits(CallLimitsOptions options)
    : options_(std::move(options)),
      slots_(options_.max_concurrent_scrubs, options_.max_queued_scrubs) {}

CallLimits::~CallLimits() = default;

absl::Time CallLimits::Now() const {
  return options_.now ? options_.now() : absl::Now();
}

CallLimits::Shard& CallLimits::ShardOf(const tenant::Tenant& tenant) {
  // Handles are heap objects: drop the low bits every allocation shares.
  const uintptr_t p = reinterpret_cast<uintptr_t>(&tenant);
  return shards_[(p >> 6 ^ p >> 12) % kShards];
}

absl::Status CallLimits::Admit(const tenant::Tenant& tenant, uint64_t numbers) {
  const tenant::TenantLimits limits = tenant.limits();
  if (limits.requests_per_second == 0 && limits.numbers_per_day == 0) {
    return absl::OkStatus();
  }
  const absl::Time now = Now();
  Shard& shard = ShardOf(tenant);
  absl::MutexLock lock(&shard.mu);
  TenantState& state = shard.state[&tenant];
  if (limits.requests_per_second > 0) {
    const absl::Duration wait =
        state.requests.WaitFor(now, limits.requests_per_second);
    if (wait > absl::ZeroDuration()) {
      const int64_t seconds = CeilSeconds(wait);
      return RetryAfterError(
          absl::StrCat("over this tenant's limit of ",
                       limits.requests_per_second,
                       " requests per second (requests_per_second, burst ",
                       limits.requests_per_second, "); retry in ", seconds,
                       " s. Nothing was answered or audited."),
          seconds);
    }
  }
  if (limits.numbers_per_day > 0) {
    const uint64_t remaining =
        state.numbers.Remaining(now, limits.numbers_per_day);
    if (numbers > remaining) {
      if (numbers > limits.numbers_per_day) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "this call has ", numbers,
            " numbers, more than this tenant's whole daily limit of ",
            limits.numbers_per_day,
            " (numbers_per_day); split it into smaller calls. Nothing was "
            "answered or audited."));
      }
      const int64_t seconds = CeilSeconds(UntilNextUtcDay(now));
      return RetryAfterError(
          absl::StrCat("over this tenant's limit of ", limits.numbers_per_day,
                       " numbers per day (numbers_per_day, UTC): ", remaining,
                       " remain today and this call has ", numbers,
                       "; send at most ", remaining,
                       " or retry after 00:00 UTC (in ", seconds,
                       " s). Nothing was answered or audited."),
          seconds);
    }
    state.numbers.Use(numbers);
  }
  if (limits.requests_per_second > 0) state.requests.Take();
  return absl::OkStatus();
}

void CallLimits::Refund(const tenant::Tenant& tenant, uint64_t numbers) {
  if (numbers == 0) return;
  const absl::Time now = Now();
  Shard& shard = ShardOf(tenant);
  absl::MutexLock lock(&shard.mu);
  const auto it = shard.state.find(&tenant);
  if (it != shard.state.end()) it->second.numbers.Refund(now, numbers);
}

absl::StatusOr<WorkSlots::Slot> CallLimits::AcquireSlot() {
  WorkSlots::Slot slot = slots_.TryAcquire();
  if (slot.held() || slots_.max_slots() == 0) return slot;
  return RetryAfterError(
      absl::StrCat("the server is busy: ", slots_.max_slots(),
                   " scrubs are running (--max_concurrent_scrubs); retry in "
                   "1 s. Nothing was answered or audited."),
      1);
}

absl::Time CallLimits::CapDeadline(absl::Time now, absl::Time requested) const {
  if (options_.max_deadline <= absl::ZeroDuration()) return requested;
  return std::min(requested, now + options_.max_deadline);
}

uint32_t DefaultMaxConcurrentScrubs() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  int cores = 1;
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) cores = CPU_COUNT(&cpus);
  return static_cast<uint32_t>(std::max(1, cores - 1));
}

}  // namespace dnc::service
