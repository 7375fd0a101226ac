// What the limits cost a call (service/call_limits.h): CallLimits::Admit for
// a tenant without limits (one limits() read), with a rate and a daily
// quota (plus one shard lock and the arithmetic), from 1 and 2 threads on
// distinct tenants and on one tenant; and WorkSlots::TryAcquire/Release, the
// HTTP scrub's slot.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "service/call_limits.h"
#include "tenant/tenant.h"

namespace dnc::service {
namespace {

// A tenant handle with fixed limits: only limits() matters to CallLimits.
class LimitsOnlyTenant final : public tenant::Tenant {
 public:
  explicit LimitsOnlyTenant(tenant::TenantLimits limits) : limits_(limits) {}
  const std::string& name() const override { return name_; }
  policy::Purpose default_purpose() const override {
    return policy::Purpose::kCommercial;
  }
  bool Entitled(std::string_view, int) const override { return true; }
  std::vector<tenant::Entitlement> entitlements() const override { return {}; }
  tenant::TenantLimits limits() const override { return limits_; }
  bool deleted() const override { return false; }
  void LookupOptOuts(absl::Span<const uint64_t>,
                     absl::Span<std::optional<DayNumber>>) const override {}
  void ConsentsOf(uint64_t,
                  std::vector<policy::ConsentRecord>*) const override {}
  void TallyAttempts(std::string_view, absl::Span<const tenant::AttemptQuery>,
                     absl::Span<tenant::AttemptTally> tallies) const override {
    for (tenant::AttemptTally& tally : tallies) tally = {};
  }
  uint64_t recent_attempt_count() const override { return 0; }
  uint64_t opt_out_count() const override { return 0; }
  uint64_t consent_count() const override { return 0; }

 private:
  const std::string name_ = "bench";
  const tenant::TenantLimits limits_;
};

CallLimits& Limits() {
  static CallLimits* limits = new CallLimits(CallLimitsOptions());
  return *limits;
}

// One tenant per thread (state in different shards, most likely) or one
// shared by all threads (arg 1).
void BM_Admit(benchmark::State& state, tenant::TenantLimits limits) {
  static std::vector<std::unique_ptr<LimitsOnlyTenant>>* tenants = [] {
    auto* made = new std::vector<std::unique_ptr<LimitsOnlyTenant>>();
    return made;
  }();
  static LimitsOnlyTenant* shared = nullptr;
  if (state.thread_index() == 0) {
    tenants->clear();
    for (int i = 0; i < state.threads(); ++i) {
      tenants->push_back(std::make_unique<LimitsOnlyTenant>(limits));
    }
    shared = (*tenants)[0].get();
  }
  // The benchmark library starts every thread's loop together.
  uint64_t refused = 0;
  for (auto _ : state) {
    const LimitsOnlyTenant& tenant =
        state.range(0) == 1 ? *shared : *(*tenants)[state.thread_index()];
    refused += !Limits().Admit(tenant, 1).ok();
  }
  state.counters["refused"] = static_cast<double>(refused);
}
BENCHMARK_CAPTURE(BM_Admit, no_limits, tenant::TenantLimits{0, 0})
    ->Arg(0)
    ->Threads(1)
    ->Threads(2);
// Limits high enough never to refuse: the cost of an admitted call.
BENCHMARK_CAPTURE(BM_Admit, rate_and_day, tenant::TenantLimits{4000000000u, 0})
    ->Arg(0)
    ->Arg(1)
    ->Threads(1)
    ->Threads(2);
BENCHMARK_CAPTURE(BM_Admit, rate_and_day_quota,
                  tenant::TenantLimits{4000000000u, uint64_t{1} << 60})
    ->Arg(0)
    ->Threads(1);

void BM_SlotAcquireRelease(benchmark::State& state) {
  static WorkSlots* slots = new WorkSlots(4, 0);
  for (auto _ : state) {
    WorkSlots::Slot slot = slots->TryAcquire();
    benchmark::DoNotOptimize(slot.held());
  }
}
BENCHMARK(BM_SlotAcquireRelease)->Threads(1)->Threads(2);

}  // namespace
}  // namespace dnc::service

BENCHMARK_MAIN();
