// The limits of service/call_limits.h on an injected clock (no sleeps, no
// timing assertions): the token bucket, the daily quota, the bulk slots and
// their queue, and CallLimits over tenants of a real TenantStore whose
// limits change between calls.
#include "service/call_limits.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/retry_after.h"
#include "tenant/tenant_store.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::HasSubstr;

// 2026-02-06 15:00:00 UTC.
const absl::Time kStart = absl::FromUnixSeconds(1770390000);

TEST(TokenBucketTest, StartsFullWithABurstOfTheRateThenRefillsAtTheRate) {
  TokenBucket bucket;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(bucket.WaitFor(kStart, 5), absl::ZeroDuration()) << i;
    bucket.Take();
  }
  EXPECT_EQ(bucket.WaitFor(kStart, 5), absl::Milliseconds(200));
  EXPECT_EQ(bucket.WaitFor(kStart + absl::Milliseconds(100), 5),
            absl::Milliseconds(100));
  ASSERT_EQ(bucket.WaitFor(kStart + absl::Milliseconds(200), 5),
            absl::ZeroDuration());
  bucket.Take();
  EXPECT_GT(bucket.WaitFor(kStart + absl::Milliseconds(200), 5),
            absl::ZeroDuration());
}

TEST(TokenBucketTest, AnIdleBucketHoldsNoMoreThanOneBurst) {
  TokenBucket bucket;
  ASSERT_EQ(bucket.WaitFor(kStart, 3), absl::ZeroDuration());
  const absl::Time later = kStart + absl::Hours(1);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(bucket.WaitFor(later, 3), absl::ZeroDuration()) << i;
    bucket.Take();
  }
  EXPECT_GT(bucket.WaitFor(later, 3), absl::ZeroDuration());
}

TEST(TokenBucketTest, ALowerRateCutsTheTokensHeldToItsBurst) {
  TokenBucket bucket;
  ASSERT_EQ(bucket.WaitFor(kStart, 100), absl::ZeroDuration());
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(bucket.WaitFor(kStart, 2), absl::ZeroDuration()) << i;
    bucket.Take();
  }
  EXPECT_EQ(bucket.WaitFor(kStart, 2), absl::Milliseconds(500));
  // And a higher one refills at its own rate from then on.
  EXPECT_EQ(bucket.WaitFor(kStart + absl::Milliseconds(10), 100),
            absl::ZeroDuration());
}

TEST(DailyQuotaTest, CountsPerUtcDayAndGivesBackRefunds) {
  DailyQuota quota;
  EXPECT_EQ(quota.Remaining(kStart, 100), 100u);
  quota.Use(70);
  EXPECT_EQ(quota.Remaining(kStart + absl::Hours(8), 100), 30u);  // 23:00.
  quota.Refund(kStart + absl::Hours(8), 20);
  EXPECT_EQ(quota.Remaining(kStart + absl::Hours(8), 100), 50u);
  quota.Use(50);
  EXPECT_EQ(quota.Remaining(kStart + absl::Hours(8), 100), 0u);
  // 00:00 UTC the next day: a new count; yesterday's refund changes nothing.
  const absl::Time tomorrow = kStart + absl::Hours(9);
  EXPECT_EQ(quota.Remaining(tomorrow, 100), 100u);
  quota.Refund(kStart + absl::Hours(8), 50);
  EXPECT_EQ(quota.Remaining(tomorrow, 100), 100u);
}

TEST(DailyQuotaTest, TheNextDayStartsAtMidnightUtc) {
  EXPECT_EQ(UntilNextUtcDay(kStart), absl::Hours(9));
  EXPECT_EQ(UntilNextUtcDay(kStart + absl::Hours(9)), absl::Hours(24));
}

TEST(WorkSlotsTest, TryAcquireHoldsAtMostMaxSlots) {
  WorkSlots slots(2, 4);
  WorkSlots::Slot a = slots.TryAcquire();
  WorkSlots::Slot b = slots.TryAcquire();
  WorkSlots::Slot c = slots.TryAcquire();
  EXPECT_TRUE(a.held());
  EXPECT_TRUE(b.held());
  EXPECT_FALSE(c.held());
  EXPECT_EQ(slots.in_use(), 2u);
  a.Release();
  EXPECT_TRUE(slots.TryAcquire().held());
}

TEST(WorkSlotsTest, UnboundedRunsAtOnceOnTheCallersThread) {
  WorkSlots slots(0, 0);
  bool ran = false;
  EXPECT_TRUE(
      slots.Submit([&](bool run) { ran = run; }, absl::InfiniteFuture()));
  EXPECT_TRUE(ran);
  EXPECT_FALSE(slots.TryAcquire().held());  // Nothing to hold.
}

TEST(WorkSlotsTest, QueuedWorkRunsWhenASlotIsFreedAndTheQueueIsBounded) {
  WorkSlots slots(1, 1);
  WorkSlots::Slot held = slots.TryAcquire();
  ASSERT_TRUE(held.held());
  absl::Notification ran;
  bool in_time = false;
  ASSERT_TRUE(slots.Submit(
      [&](bool run) {
        in_time = run;
        ran.Notify();
      },
      absl::InfiniteFuture()));
  EXPECT_EQ(slots.queued(), 1u);
  // The queue is full: the next is refused and never called.
  bool refused_called = false;
  EXPECT_FALSE(slots.Submit([&](bool) { refused_called = true; },
                            absl::InfiniteFuture()));
  EXPECT_FALSE(ran.HasBeenNotified());
  held.Release();
  ran.WaitForNotification();
  EXPECT_TRUE(in_time);
  EXPECT_FALSE(refused_called);
}

TEST(WorkSlotsTest, WorkWhoseDeadlinePassedInTheQueueIsFailedNotRun) {
  WorkSlots slots(1, 4);
  WorkSlots::Slot held = slots.TryAcquire();
  absl::Notification called;
  std::optional<bool> run_arg;
  ASSERT_TRUE(slots.Submit(
      [&](bool run) {
        run_arg = run;
        called.Notify();
      },
      absl::InfinitePast()));
  held.Release();
  called.WaitForNotification();
  EXPECT_EQ(run_arg, false);
}

class CallLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = tenant::TenantStore::Open(dir_.Path("tenants"), true);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    CallLimitsOptions options;
    options.now = [this] { return now_; };
    limits_ = std::make_unique<CallLimits>(options);
  }

  const tenant::Tenant& MakeTenant(const std::string& name,
                                   tenant::TenantLimits limits) {
    tenant::TenantConfig config;
    config.name = name;
    config.limits = limits;
    const absl::Status created = store_->CreateTenant(config);
    EXPECT_TRUE(created.ok()) << created;
    return *store_->Find(name);
  }

  void SetLimits(const std::string& name, tenant::TenantLimits limits) {
    for (tenant::TenantConfig config : store_->ListTenants()) {
      if (config.name != name) continue;
      config.limits = limits;
      const absl::Status updated = store_->UpdateTenant(config);
      ASSERT_TRUE(updated.ok()) << updated;
    }
  }

  test::ScratchDir dir_;
  std::unique_ptr<tenant::TenantStore> store_;
  absl::Time now_ = kStart;
  std::unique_ptr<CallLimits> limits_;
};

TEST_F(CallLimitsTest, PastItsBurstATenantIsRefusedWithARetryTime) {
  const tenant::Tenant& a = MakeTenant("alpha", {5, 0});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limits_->Admit(a, 1).ok()) << i;
  const absl::Status refused = limits_->Admit(a, 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("requests_per_second"));
  EXPECT_EQ(RetryAfterSeconds(refused), 1);
  now_ += absl::Milliseconds(200);
  EXPECT_TRUE(limits_->Admit(a, 1).ok());
}

TEST_F(CallLimitsTest, ATenantWithoutLimitsIsNeverRefused) {
  const tenant::Tenant& a = MakeTenant("alpha", {1, 1});
  const tenant::Tenant& b = MakeTenant("beta", {});
  ASSERT_TRUE(limits_->Admit(a, 1).ok());
  EXPECT_FALSE(limits_->Admit(a, 1).ok());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limits_->Admit(b, 10000).ok());
}

TEST_F(CallLimitsTest, ABatchOverTheDaysRemainderIsRefusedWholeUntilMidnight) {
  const tenant::Tenant& a = MakeTenant("alpha", {0, 100});
  ASSERT_TRUE(limits_->Admit(a, 70).ok());
  const absl::Status refused = limits_->Admit(a, 40);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("30 remain today"));
  EXPECT_THAT(refused.message(), HasSubstr("numbers_per_day"));
  EXPECT_EQ(RetryAfterSeconds(refused), 9 * 3600);  // To 00:00 UTC.
  // The refusal used nothing: the remainder still fits.
  ASSERT_TRUE(limits_->Admit(a, 30).ok());
  EXPECT_FALSE(limits_->Admit(a, 1).ok());
  now_ += absl::Hours(9);  // 00:00 UTC.
  EXPECT_TRUE(limits_->Admit(a, 100).ok());
}

TEST_F(CallLimitsTest, ABatchLargerThanTheWholeDayIsToldToSplit) {
  const tenant::Tenant& a = MakeTenant("alpha", {0, 100});
  const absl::Status refused = limits_->Admit(a, 101);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("split it"));
  EXPECT_EQ(RetryAfterSeconds(refused), std::nullopt);
}

TEST_F(CallLimitsTest, RefundedNumbersCanBeUsedAgain) {
  const tenant::Tenant& a = MakeTenant("alpha", {0, 10});
  ASSERT_TRUE(limits_->Admit(a, 10).ok());
  EXPECT_FALSE(limits_->Admit(a, 1).ok());
  limits_->Refund(a, 4);
  EXPECT_TRUE(limits_->Admit(a, 4).ok());
}

TEST_F(CallLimitsTest, ALimitChangedOnTheStoreAppliesToTheNextCall) {
  const tenant::Tenant& a = MakeTenant("alpha", {1, 0});
  ASSERT_TRUE(limits_->Admit(a, 1).ok());
  ASSERT_FALSE(limits_->Admit(a, 1).ok());
  SetLimits("alpha", {3, 0});
  // The bucket holds what a rate of 3 refilled since (nothing yet) but is no
  // longer refused by the old rate's wait of 1 s: 1/3 s later one goes.
  now_ += absl::Milliseconds(340);
  EXPECT_TRUE(limits_->Admit(a, 1).ok());
  SetLimits("alpha", {0, 0});
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limits_->Admit(a, 1).ok());
  SetLimits("alpha", {0, 5});
  ASSERT_TRUE(limits_->Admit(a, 5).ok());
  EXPECT_FALSE(limits_->Admit(a, 1).ok());
}

TEST_F(CallLimitsTest, NoSlotFreeIsABusyRefusalWithARetryTime) {
  CallLimitsOptions options;
  options.max_concurrent_scrubs = 1;
  CallLimits limits(options);
  absl::StatusOr<WorkSlots::Slot> first = limits.AcquireSlot();
  ASSERT_TRUE(first.ok());
  const absl::StatusOr<WorkSlots::Slot> second = limits.AcquireSlot();
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(second.status().message(), HasSubstr("--max_concurrent_scrubs"));
  EXPECT_EQ(RetryAfterSeconds(second.status()), 1);
  first->Release();
  EXPECT_TRUE(limits.AcquireSlot().ok());
}

TEST_F(CallLimitsTest, DeadlinesAreCappedByMaxDeadline) {
  CallLimitsOptions options;
  options.max_deadline = absl::Seconds(30);
  CallLimits limits(options);
  EXPECT_EQ(limits.CapDeadline(kStart, absl::InfiniteFuture()),
            kStart + absl::Seconds(30));
  EXPECT_EQ(limits.CapDeadline(kStart, kStart + absl::Seconds(5)),
            kStart + absl::Seconds(5));
  EXPECT_EQ(limits_->CapDeadline(kStart, absl::InfiniteFuture()),
            absl::InfiniteFuture());  // No cap configured.
}

TEST(RetryAfterTest, TheRetryTimeTravelsInTheStatus) {
  const absl::Status status = RetryAfterError("slow down", 0);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryAfterSeconds(status), 1);  // At least one second.
  EXPECT_EQ(RetryAfterSeconds(RetryAfterError("x", 42)), 42);
  EXPECT_EQ(RetryAfterSeconds(absl::ResourceExhaustedError("x")), std::nullopt);
}

}  // namespace
}  // namespace dnc::service
