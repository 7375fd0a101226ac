// The call-frequency caps against an oracle: many numbers (capped states and
// others, listed and not), three tenants, subjects and no subject, attempts
// recorded and Check / Scrub answered in one interleaved timeline of about
// 46 hours that keeps landing on the 24-hour edges (one second before, at,
// one second after an attempt leaves the window), with the store reopened
// halfway. The oracle counts by the rule in tenant/recent_attempts.h with
// its own cap table; every answer must match it, and no number is ever
// callable past its cap. Runs on both tenant backends.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "gtest/gtest.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/tenant/tenant_store_backends.h"

namespace dnc::service {
namespace {

using tenant::Backend;

constexpr int64_t kWindow = 24 * 60 * 60;

// The oracle's caps, written out from the laws' summaries (not from
// policy/frequency_caps.cc): Florida, Oklahoma, Maryland: 3 per 24 hours.
int OracleCap(int npa) {
  switch (npa) {
    case 305:  // Miami, FL
    case 813:  // Tampa, FL
    case 405:  // Oklahoma City, OK
    case 410:  // Baltimore, MD
      return 3;
    default:  // 512 Austin TX, 212 New York: no cap.
      return 0;
  }
}

struct OracleAttempt {
  int64_t second;
  std::string subject;
};

// Attempts per (tenant, number), and the expected answer at a time.
class Oracle {
 public:
  void Record(const std::string& tenant, uint64_t e164, int64_t second,
              const std::string& subject) {
    attempts_[{tenant, e164}].push_back({second, subject});
  }
  // 0 if the next call is within the cap (or none applies), else the second
  // it is callable again.
  int64_t CappedUntil(const std::string& tenant, uint64_t e164, int64_t now,
                      const std::string& subject) const {
    const int cap = OracleCap(static_cast<int>((e164 / 10000000) % 1000));
    if (cap == 0) return 0;
    auto it = attempts_.find({tenant, e164});
    if (it == attempts_.end()) return 0;
    std::vector<int64_t> counted;
    for (const OracleAttempt& a : it->second) {
      const bool same_subject =
          subject.empty() || a.subject.empty() || a.subject == subject;
      if (same_subject && a.second > now - kWindow) counted.push_back(a.second);
    }
    if (static_cast<int>(counted.size()) < cap) return 0;
    std::sort(counted.begin(), counted.end());
    return counted[counted.size() - cap] + kWindow;
  }

 private:
  std::map<std::pair<std::string, uint64_t>, std::vector<OracleAttempt>>
      attempts_;
};

class AttemptCapsTest : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, AttemptCapsTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         tenant::BackendName);

TEST_P(AttemptCapsTest, NeverCallablePastTheCapAndAgreesWithAnOracle) {
  tenant::StoreLocation location(GetParam());
  ASSERT_FALSE(location.path().empty());
  const DayNumber today = TodayUtc();

  // The registry: a few numbers of each area code listed (BLOCKED beats the
  // cap), the rest not.
  std::mt19937_64 rng(20261203);
  const int kNpas[] = {305, 813, 405, 410, 512, 212};
  std::vector<uint64_t> numbers;
  for (int npa : kNpas) {
    for (int i = 0; i < 6; ++i) {
      numbers.push_back(test::RandomValidInAreaCode(rng, npa));
    }
  }
  std::set<uint64_t> listed;
  test::FixtureSource us;
  us.source = "us-ftc";
  us.as_of = today;
  for (size_t i = 0; i < numbers.size(); i += 5) {
    us.keys.push_back(numbers[i]);
    listed.insert(numbers[i]);
  }
  const std::string data = location.Path("data");
  ASSERT_TRUE(test::PublishFixtureSource(data, us).ok());
  RegistryOptions registry_options;
  registry_options.data_dir = data;
  auto registry = Registry::Open(registry_options);
  ASSERT_TRUE(registry.ok()) << registry.status();

  const std::vector<std::string> tenants = {"acme", "beta", "gamma"};
  const std::vector<std::string> subjects = {"", "solar", "roofs"};
  std::unique_ptr<tenant::TenantStore> store;
  auto open = [&] {
    store.reset();
    auto opened = tenant::TenantStore::Open(location.path(), true);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store = *std::move(opened);
  };
  open();
  for (const std::string& name : tenants) {
    tenant::TenantConfig config;
    config.name = name;
    config.entitlements = tenant::ParseEntitlements("us-ftc:all").value();
    ASSERT_TRUE(store->CreateTenant(config).ok());
  }

  // The timeline: whole seconds from 46 hours ago to now.
  const int64_t real_now = absl::ToUnixSeconds(absl::Now());
  int64_t now = real_now - 46 * 3600;
  ScrubCallsOptions options;
  options.today = [today] { return today; };
  options.clock = [&now] { return absl::FromUnixSeconds(now); };
  Oracle oracle;
  std::vector<int64_t> recorded_seconds;   // Edges to land on...
  std::vector<uint64_t> recorded_numbers;  // ...and whose they are.
  // Set on landing on an edge: the next step checks that number.
  uint64_t edge_number = 0;
  std::vector<size_t> recorded_tenants;
  size_t edge_tenant = 0;
  std::uniform_int_distribution<size_t> pick_number(0, numbers.size() - 1);
  std::uniform_int_distribution<size_t> pick_tenant(0, tenants.size() - 1);
  std::uniform_int_distribution<size_t> pick_subject(0, subjects.size() - 1);
  std::uniform_int_distribution<int> op(0, 99);
  std::uniform_int_distribution<int64_t> step(1, 240);
  int capped_answers = 0, checked = 0;
  bool reopened = false;

  auto expect = [&](const std::string& tenant, uint64_t e164,
                    const std::string& subject, Disposition got,
                    int64_t callable_at, const std::string& where) {
    ++checked;
    const int64_t until = oracle.CappedUntil(tenant, e164, now, subject);
    const Disposition want = listed.count(e164) != 0 ? Disposition::kBlocked
                             : until != 0 ? Disposition::kAttemptLimit
                                          : Disposition::kCallable;
    ASSERT_EQ(static_cast<int>(got), static_cast<int>(want))
        << where << " " << tenant << " " << e164 << " subject '" << subject
        << "' at " << now - real_now << " s from now";
    if (until != 0 && listed.count(e164) == 0) {
      ++capped_answers;
      ASSERT_FALSE(IsCallable(got));
      ASSERT_EQ(callable_at, until) << where << " " << e164;
    }
  };

  while (now < real_now) {
    const int what = edge_number != 0 ? 40 : op(rng);
    const size_t tenant_index =
        edge_number != 0 ? edge_tenant : pick_tenant(rng);
    const std::string& name = tenants[tenant_index];
    const tenant::Tenant* tenant = store->Find(name);
    ASSERT_NE(tenant, nullptr);
    const std::string& subject = subjects[pick_subject(rng)];
    if (what < 6) {  // Record one or two attempts now (about 3 a day per
                     // tenant and number: counts hover around the cap).
      std::vector<tenant::StoredAttempt> attempts(1 + what % 2);
      for (tenant::StoredAttempt& attempt : attempts) {
        // Mostly four unlisted Miami numbers, so caps are reached often.
        attempt.e164 = numbers[1 + pick_number(rng) % 4];
        if (what % 4 == 0) attempt.e164 = numbers[pick_number(rng)];
        attempt.time = absl::FromUnixSeconds(now);
        attempt.subject = subject;
        oracle.Record(name, attempt.e164, now, subject);
        recorded_seconds.push_back(now);
        recorded_numbers.push_back(attempt.e164);
        recorded_tenants.push_back(tenant_index);
      }
      ASSERT_TRUE(store->RecordAttempts(*tenant, attempts, absl::Now()).ok());
    } else if (what < 70) {  // Check one number.
      ScrubCalls calls(registry->get(), store.get(), options);
      CallScratch scratch;
      CheckCall call;
      call.has_e164 = true;
      call.e164 = edge_number != 0 ? edge_number
                  : what % 2 == 0  ? numbers[1 + pick_number(rng) % 4]
                                   : numbers[pick_number(rng)];
      call.subject = subject;
      ASSERT_TRUE(calls
                      .Check(call, tenant, &scratch,
                             [&](const ScrubAnswer& answer) {
                               int64_t at = 0;
                               for (const Reason& r : answer.result.reasons) {
                                 if (r.code == ReasonCode::kFrequencyCap) {
                                   at = r.callable_at;
                                 }
                               }
                               expect(name, call.e164, subject,
                                      answer.result.dispositions[0], at,
                                      "Check");
                               return absl::OkStatus();
                             })
                      .ok());
    } else if (what < 90) {  // Scrub a few.
      ScrubCalls calls(registry->get(), store.get(), options);
      CallScratch scratch;
      std::vector<uint64_t> batch(8);
      for (uint64_t& e164 : batch) e164 = numbers[pick_number(rng)];
      ScrubCall call;
      call.e164 = batch;
      call.subject = subject;
      ASSERT_TRUE(calls
                      .Scrub(call, tenant, &scratch,
                             [&](const ScrubAnswer& answer) {
                               for (size_t i = 0; i < batch.size(); ++i) {
                                 int64_t at = 0;
                                 for (const Reason& r : answer.result.reasons) {
                                   if (r.entry == i &&
                                       r.code == ReasonCode::kFrequencyCap) {
                                     at = r.callable_at;
                                   }
                                 }
                                 expect(name, batch[i], subject,
                                        answer.result.dispositions[i], at,
                                        "Scrub");
                               }
                               return absl::OkStatus();
                             })
                      .ok());
    }
    // Next: a random step, or (often) exactly onto a 24-hour edge of an
    // attempt already made (a second before, at, a second after) within the
    // next three hours. recorded_seconds is ascending (time only advances).
    const auto first = std::upper_bound(recorded_seconds.begin(),
                                        recorded_seconds.end(), now - kWindow);
    const auto last = std::upper_bound(first, recorded_seconds.end(),
                                       now - kWindow + 3 * 3600);
    edge_number = 0;
    if (first != last && op(rng) < 50) {
      std::uniform_int_distribution<size_t> pick(
          0, static_cast<size_t>(last - first) - 1);
      const size_t k =
          static_cast<size_t>(first - recorded_seconds.begin()) + pick(rng);
      const int64_t edge = recorded_seconds[k] + kWindow + (op(rng) % 3) - 1;
      now = std::min(std::max(edge, now + 1), real_now);
      edge_number = recorded_numbers[k];
      edge_tenant = recorded_tenants[k];
    } else {
      now = std::min(now + step(rng), real_now);
    }
    if (!reopened && now > real_now - 20 * 3600) {
      // Acknowledged attempts survive a reopen and still count.
      reopened = true;
      open();
    }
  }
  EXPECT_TRUE(reopened);
  RecordProperty("checked", checked);
  RecordProperty("capped", capped_answers);
  EXPECT_GT(checked, 1000);
  EXPECT_GT(capped_answers, 50) << "the timeline should often reach a cap";
}

}  // namespace
}  // namespace dnc::service
