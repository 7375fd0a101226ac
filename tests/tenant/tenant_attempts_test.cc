// Call attempts in the tenant store, on both backends: what a cap check
// tallies (per subject, to the microsecond at the window's edge), what
// survives a reopen, listing by number, refused input storing nothing,
// deletion with the tenant, and (shared store) a second replica hearing of
// another's attempts.
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tenant/tenant_store.h"
#include "tests/tenant/tenant_store_backends.h"

namespace dnc::tenant {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kMiami = 13055550100;
constexpr uint64_t kTampa = 18135550111;
constexpr absl::Duration kWindow = absl::Hours(24);

std::unique_ptr<TenantStore> OpenOrDie(const std::string& location) {
  absl::StatusOr<std::unique_ptr<TenantStore>> store =
      TenantStore::Open(location, /*create_if_missing=*/true);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

const Tenant* MakeTenant(TenantStore* store, const std::string& name) {
  TenantConfig config;
  config.name = name;
  EXPECT_TRUE(store->CreateTenant(config).ok());
  return store->Find(name);
}

StoredAttempt At(uint64_t e164, absl::Time time, std::string subject) {
  StoredAttempt attempt;
  attempt.e164 = e164;
  attempt.time = time;
  attempt.subject = std::move(subject);
  return attempt;
}

// The tally of one number at `now` under a cap of `max_calls` per 24 h.
AttemptTally TallyAt(const Tenant& tenant, uint64_t e164,
                     std::string_view subject, absl::Time now,
                     uint32_t max_calls = 3) {
  const AttemptQuery query{e164, absl::ToUnixMicros(now - kWindow), max_calls};
  AttemptTally tally;
  tenant.TallyAttempts(subject, absl::MakeConstSpan(&query, 1),
                       absl::MakeSpan(&tally, 1));
  return tally;
}

class TenantAttemptsTest : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, TenantAttemptsTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         BackendName);

TEST_P(TenantAttemptsTest, TalliesPerSubjectToTheEdgeOfTheWindow) {
  StoreLocation location(GetParam());
  auto store = OpenOrDie(location.path());
  ASSERT_NE(store, nullptr);
  const Tenant* acme = MakeTenant(store.get(), "acme");
  const absl::Time now =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  const absl::Time t0 = now - absl::Hours(20);
  ASSERT_TRUE(store
                  ->RecordAttempts(*acme,
                                   {At(kMiami, t0, "solar"),
                                    At(kMiami, t0 + absl::Hours(1), "solar"),
                                    At(kMiami, t0 + absl::Hours(2), "roofs"),
                                    At(kMiami, t0 + absl::Hours(3), "")},
                                   now)
                  .ok());
  // "solar": its two, plus the one without a subject (counts for every
  // subject) = 3 = the cap; "roofs": 2; no subject: all 4.
  AttemptTally solar = TallyAt(*acme, kMiami, "solar", now);
  EXPECT_EQ(solar.count, 3u);
  EXPECT_EQ(solar.blocking_micros, absl::ToUnixMicros(t0));
  EXPECT_EQ(TallyAt(*acme, kMiami, "roofs", now).count, 2u);
  EXPECT_EQ(TallyAt(*acme, kMiami, "never-called", now).count, 1u);
  AttemptTally every = TallyAt(*acme, kMiami, "", now);
  EXPECT_EQ(every.count, 4u);
  // Two over the cap of 3: the second oldest must leave first.
  EXPECT_EQ(every.blocking_micros, absl::ToUnixMicros(t0 + absl::Hours(1)));
  EXPECT_EQ(TallyAt(*acme, kTampa, "", now).count, 0u);

  // The oldest stops counting at exactly t0 + 24 h, not a microsecond
  // before.
  const absl::Time edge = t0 + kWindow;
  EXPECT_EQ(TallyAt(*acme, kMiami, "solar", edge - absl::Microseconds(1)).count,
            3u);
  EXPECT_EQ(TallyAt(*acme, kMiami, "solar", edge).count, 2u);
  EXPECT_EQ(acme->recent_attempt_count(), 4u);
}

TEST_P(TenantAttemptsTest, SurviveReopenAndListByNumberOldestFirst) {
  StoreLocation location(GetParam());
  // Whole microseconds: what the store keeps.
  const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  {
    auto store = OpenOrDie(location.path());
    ASSERT_NE(store, nullptr);
    const Tenant* acme = MakeTenant(store.get(), "acme");
    ASSERT_TRUE(
        store
            ->RecordAttempts(*acme,
                             {At(kMiami, now - absl::Hours(2), "solar"),
                              At(kTampa, now - absl::Hours(1), "solar"),
                              At(kMiami, now - absl::Hours(1), "roofs"),
                              // Evidence only: too old to count, not in memory.
                              At(kMiami, now - absl::Hours(24 * 30), "solar")},
                             now)
            .ok());
  }
  auto store = OpenOrDie(location.path());
  ASSERT_NE(store, nullptr);
  const Tenant* acme = store->Find("acme");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->recent_attempt_count(), 3u);
  EXPECT_EQ(TallyAt(*acme, kMiami, "solar", now).count, 1u);
  EXPECT_EQ(TallyAt(*acme, kMiami, "", now).count, 2u);

  bool more = true;
  absl::StatusOr<std::vector<StoredAttempt>> listed = store->ListAttempts(
      *acme, {kMiami, kTampa, kMiami}, absl::InfinitePast(), 100, &more);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_FALSE(more);
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].e164, kMiami);
  EXPECT_EQ((*listed)[0].time, now - absl::Hours(24 * 30));
  EXPECT_EQ((*listed)[1].subject, "solar");
  EXPECT_EQ((*listed)[2].subject, "roofs");
  EXPECT_EQ((*listed)[3].e164, kTampa);

  listed = store->ListAttempts(*acme, {kMiami}, now - absl::Hours(3), 1, &more);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(more);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].time, now - absl::Hours(2));
}

TEST_P(TenantAttemptsTest, RefusedInputStoresNothingAndNamesTheValue) {
  StoreLocation location(GetParam());
  auto store = OpenOrDie(location.path());
  ASSERT_NE(store, nullptr);
  const Tenant* acme = MakeTenant(store.get(), "acme");
  const absl::Time now = absl::Now();
  struct Bad {
    StoredAttempt attempt;
    const char* says;
  };
  const Bad cases[] = {
      {At(kMiami, now + absl::Minutes(6), "solar"), "attempt time"},
      {At(kMiami, absl::FromUnixSeconds(900000000), "solar"), "2000-01-01"},
      {At(kMiami, now, std::string(65, 'x')), "subject of 65 bytes"},
      {At(kMiami, now, "tab\there"), "not printable"},
      {At(0, now, "solar"), "0"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.says);
    const absl::Status status =
        store->RecordAttempts(*acme, {At(kTampa, now, "ok"), bad.attempt}, now);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr(bad.says));
  }
  EXPECT_EQ(acme->recent_attempt_count(), 0u);
  bool more = false;
  EXPECT_TRUE(
      store->ListAttempts(*acme, {kTampa}, absl::InfinitePast(), 10, &more)
          ->empty());
  // Five minutes ahead is a clock's skew, and is taken.
  EXPECT_TRUE(store
                  ->RecordAttempts(
                      *acme, {At(kTampa, now + absl::Minutes(5), "ok")}, now)
                  .ok());
}

TEST_P(TenantAttemptsTest, OneTenantsAttemptsAreNotAnothersAndGoWithIt) {
  StoreLocation location(GetParam());
  auto store = OpenOrDie(location.path());
  ASSERT_NE(store, nullptr);
  const Tenant* acme = MakeTenant(store.get(), "acme");
  const Tenant* beta = MakeTenant(store.get(), "beta");
  const absl::Time now = absl::Now();
  ASSERT_TRUE(
      store->RecordAttempts(*acme, {At(kMiami, now, "solar")}, now).ok());
  EXPECT_EQ(TallyAt(*beta, kMiami, "", now).count, 0u);
  bool more = false;
  EXPECT_TRUE(
      store->ListAttempts(*beta, {kMiami}, absl::InfinitePast(), 10, &more)
          ->empty());
  ASSERT_TRUE(store->DeleteTenant("acme").ok());
  EXPECT_EQ(
      store->RecordAttempts(*acme, {At(kMiami, now, "solar")}, now).code(),
      absl::StatusCode::kFailedPrecondition);
  TenantConfig config;
  config.name = "acme";
  ASSERT_TRUE(store->CreateTenant(config).ok());
  const Tenant* again = store->Find("acme");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(TallyAt(*again, kMiami, "", now).count, 0u);
  EXPECT_TRUE(
      store->ListAttempts(*again, {kMiami}, absl::InfinitePast(), 10, &more)
          ->empty());
}

TEST(TenantAttemptsOnPostgres, AReplicaHearsOfAnothersAttempts) {
  StoreLocation location(Backend::kPostgres);
  ASSERT_FALSE(location.path().empty());
  auto first = OpenOrDie(location.path());
  auto second = OpenOrDie(location.path());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const Tenant* acme = MakeTenant(first.get(), "acme");
  const absl::Time now = absl::Now();
  ASSERT_TRUE(
      first
          ->RecordAttempts(
              *acme, {At(kMiami, now, "solar"), At(kMiami, now, "solar")}, now)
          .ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  const Tenant* seen = nullptr;
  while (absl::Now() < deadline) {
    seen = second->Find("acme");
    if (seen != nullptr && seen->recent_attempt_count() == 2) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(TallyAt(*seen, kMiami, "solar", now).count, 2u);
  // The writer hears of its own records too, and counts each once.
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(TallyAt(*acme, kMiami, "solar", now).count, 2u);
}

}  // namespace
}  // namespace dnc::tenant
