// The benchmarks' synthetic registry (bench/nanp_exchange_model.h, behind
// bench/loader_scale_gen.cc and dnc-bench gen): valid US numbers only, in
// the listed exchanges, exact counts without repeats, the same for a seed,
// skewed per exchange like a real registry, and change lists consistent with
// the full list.
#include "bench/nanp_exchange_model.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/nanp_regions.h"
#include "common/phone_number.h"
#include "gtest/gtest.h"

namespace dnc::bench::nanp_model {
namespace {

constexpr uint64_t kE164Base = 10'000'000'000ULL;

std::vector<Exchange> Listed() {
  std::vector<Exchange> exchanges;
  std::string error;
  EXPECT_TRUE(ReadExchanges(DNC_NANP_EXCHANGES_FILE, &exchanges, &error))
      << error;
  return exchanges;
}

Plan MakeTestPlan(uint64_t count, uint64_t seed) {
  Plan plan;
  std::string error;
  EXPECT_TRUE(MakePlan(Listed(), count, seed, &plan, &error)) << error;
  return plan;
}

std::vector<uint64_t> Numbers(const Plan& plan) {
  std::vector<uint64_t> numbers;
  ForEachNumber(plan, [&](uint64_t national) { numbers.push_back(national); });
  return numbers;
}

TEST(NanpExchangeModelTest, TheListIsUsExchangesOnly) {
  const std::vector<Exchange> exchanges = Listed();
  ASSERT_GT(exchanges.size(), 10000u);  // phonenumbers 8.12 lists ~35k.
  std::set<int> npas;
  for (const Exchange& e : exchanges) {
    npas.insert(e.npa);
    const NpaInfo& info = LookupNpa(e.npa);
    ASSERT_EQ(std::string(info.region), "US") << e.npa << "-" << e.nxx;
    ASSERT_TRUE(ClassifyE164(kE164Base + National(e, 2345)).valid())
        << e.npa << "-" << e.nxx;
  }
  EXPECT_GT(npas.size(), 200u);
}

TEST(NanpExchangeModelTest, NumbersAreValidUsAndInListedExchanges) {
  const std::vector<Exchange> exchanges = Listed();
  std::unordered_set<int> listed;
  for (const Exchange& e : exchanges) listed.insert(e.npa * 1000 + e.nxx);
  const Plan plan = MakeTestPlan(1'000'000, 20261122);
  const std::vector<uint64_t> numbers = Numbers(plan);
  ASSERT_EQ(numbers.size(), 1'000'000u);
  for (uint64_t national : numbers) {
    const uint64_t e164 = kE164Base + national;
    ASSERT_TRUE(ClassifyE164(e164).valid()) << e164;
    ASSERT_EQ(std::string(LookupNpa(NanpAreaCode(e164)).region), "US") << e164;
    ASSERT_EQ(listed.count(static_cast<int>(national / 10000)), 1u) << e164;
  }
  std::vector<uint64_t> sorted = numbers;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  // Not handed out sorted: the loader has to sort.
  EXPECT_NE(sorted, numbers);
}

TEST(NanpExchangeModelTest, TheSameSeedGivesTheSameRegistry) {
  const std::vector<uint64_t> a = Numbers(MakeTestPlan(200'000, 7));
  EXPECT_EQ(Numbers(MakeTestPlan(200'000, 7)), a);
  EXPECT_NE(Numbers(MakeTestPlan(200'000, 8)), a);
}

TEST(NanpExchangeModelTest, ExchangesAreSkewedLikeARealRegistry) {
  // ~5M numbers: whole area codes at close to the profile's densities.
  const Plan plan = MakeTestPlan(5'000'000, 20261122);
  std::map<uint64_t, uint32_t> per_exchange;
  ForEachNumber(plan,
                [&](uint64_t national) { ++per_exchange[national / 10000]; });
  size_t mature = 0, sparse = 0;
  for (const auto& [exchange, n] : per_exchange) {
    if (n >= 3500) ++mature;  // >= 35% listed.
    if (n <= 600) ++sparse;   // <= 6% listed.
  }
  ASSERT_GT(per_exchange.size(), 1000u);
  EXPECT_GT(mature, per_exchange.size() / 4);
  EXPECT_GT(sparse, per_exchange.size() / 8);
  // And the plan's counts are what came out.
  for (const Exchange& e : plan.exchanges) {
    const auto it = per_exchange.find(e.npa * 1000ULL + e.nxx);
    ASSERT_EQ(it == per_exchange.end() ? 0 : it->second, e.listed);
  }
}

TEST(NanpExchangeModelTest, NationalCountsFitAndTooLargeCountsFail) {
  Plan plan;
  std::string error;
  ASSERT_TRUE(MakePlan(Listed(), 300'000'000, 1, &plan, &error)) << error;
  uint64_t total = 0;
  for (const Exchange& e : plan.exchanges) {
    ASSERT_LE(e.listed, ValidLines(e.nxx));
    total += e.listed;
  }
  EXPECT_EQ(total, 300'000'000u);
  EXPECT_FALSE(MakePlan(Listed(), 1'000'000'000, 1, &plan, &error));
  EXPECT_NE(error.find("exceeds"), std::string::npos) << error;
}

TEST(NanpExchangeModelTest, ChangesDeleteListedAndAddUnlistedNumbers) {
  const Plan plan = MakeTestPlan(300'000, 5);
  const std::vector<uint64_t> full = Numbers(plan);
  const std::unordered_set<uint64_t> listed(full.begin(), full.end());
  std::unordered_set<uint64_t> exchanges;
  for (uint64_t national : full) exchanges.insert(national / 10000);
  std::vector<Change> changes;
  std::string error;
  ASSERT_TRUE(MakeChanges(plan, 30'001, 6, &changes, &error)) << error;
  ASSERT_EQ(changes.size(), 30'001u);
  size_t adds = 0;
  std::unordered_set<uint64_t> seen;
  for (const Change& change : changes) {
    ASSERT_TRUE(seen.insert(change.national).second) << change.national;
    ASSERT_TRUE(ClassifyE164(kE164Base + change.national).valid());
    if (change.add) {
      ++adds;
      ASSERT_EQ(listed.count(change.national), 0u) << change.national;
      ASSERT_EQ(exchanges.count(change.national / 10000), 1u);
    } else {
      ASSERT_EQ(listed.count(change.national), 1u) << change.national;
    }
  }
  EXPECT_EQ(adds, 15'001u);
  std::vector<Change> again;
  ASSERT_TRUE(MakeChanges(plan, 30'001, 6, &again, &error));
  ASSERT_EQ(again.size(), changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    ASSERT_EQ(again[i].national, changes[i].national);
    ASSERT_EQ(again[i].add, changes[i].add);
  }
}

}  // namespace
}  // namespace dnc::bench::nanp_model
