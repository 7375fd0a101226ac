#include "tenant/tenant_store.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tenant/tenant_store_backends.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc::tenant {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr DayNumber kDay = 20600;  // 2026-05-28.

std::unique_ptr<TenantStore> OpenOrDie(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<TenantStore>> store =
      TenantStore::Open(dir, /*create_if_missing=*/true);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

TenantConfig Config(const std::string& name, const std::string& entitlements,
                    policy::Purpose purpose = policy::Purpose::kCommercial) {
  TenantConfig config;
  config.name = name;
  config.default_purpose = purpose;
  config.entitlements = ParseEntitlements(entitlements).value();
  return config;
}

std::vector<std::optional<DayNumber>> Lookup(
    const Tenant& tenant, const std::vector<uint64_t>& numbers) {
  std::vector<std::optional<DayNumber>> days(numbers.size());
  tenant.LookupOptOuts(numbers, absl::MakeSpan(days));
  return days;
}

AuditRecord Audit(const std::string& job, uint64_t sequence, uint64_t numbers) {
  AuditRecord record;
  record.job_id = job;
  record.request_id = "req-" + std::to_string(sequence);
  record.method = "Scrub";
  record.sequence = sequence;
  record.purpose = policy::Purpose::kSurvey;
  record.numbers = numbers;
  record.counts.assign(9, 0);
  record.counts[1] = numbers;
  record.snapshots = {"us-ftc 7 2026-05-01 US"};
  record.numbers_sha256 = std::string(64, 'a');
  record.answers_sha256 = std::string(64, 'b');
  record.entitlements = "us-ftc:all";
  return record;
}

class TenantStoreTest : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, TenantStoreTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         BackendName);

// ---- Entitlements
// ------------------------------------------------------------

TEST(EntitlementsTest, FormatAndParseRoundTrip) {
  absl::StatusOr<std::vector<Entitlement>> parsed =
      ParseEntitlements(" us-ftc:all ;ca-dncl: 647, 416,416 ; ");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].source, "us-ftc");
  EXPECT_TRUE((*parsed)[0].all_area_codes);
  EXPECT_EQ((*parsed)[1].source, "ca-dncl");
  EXPECT_FALSE((*parsed)[1].all_area_codes);
  EXPECT_THAT((*parsed)[1].area_codes, ElementsAre(416, 647));
  EXPECT_EQ(FormatEntitlements(*parsed), "us-ftc:all; ca-dncl:416,647");
  EXPECT_EQ(FormatEntitlements(
                ParseEntitlements(FormatEntitlements(*parsed)).value()),
            "us-ftc:all; ca-dncl:416,647");
  EXPECT_THAT(ParseEntitlements("").value(), IsEmpty());
  EXPECT_EQ(FormatEntitlements({}), "");
}

TEST(EntitlementsTest, ParseErrorsNameTheBadPart) {
  for (const char* bad : {"us-ftc", "us-ftc:", "us-ftc:12", "us-ftc:199",
                          "us-ftc:1000", "us-ftc:abc", "US-FTC:all", ":all",
                          "us-ftc:all; us-ftc:212", "us-ftc:212,,646"}) {
    absl::StatusOr<std::vector<Entitlement>> parsed = ParseEntitlements(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_THAT(ParseEntitlements("us-ftc:all; ca-dncl:41").status().message(),
              HasSubstr("'41'"));
  EXPECT_THAT(ParseEntitlements("us-ftc all").status().message(),
              HasSubstr("us-ftc all"));
}

TEST(TenantNameTest, AcceptsOnlyTheDocumentedAlphabet) {
  EXPECT_TRUE(IsValidTenantName("acme"));
  EXPECT_TRUE(IsValidTenantName("0acme.sales_east-2"));
  EXPECT_TRUE(IsValidTenantName(std::string(64, 'a')));
  EXPECT_FALSE(IsValidTenantName(""));
  EXPECT_FALSE(IsValidTenantName(std::string(65, 'a')));
  EXPECT_FALSE(IsValidTenantName("Acme"));
  EXPECT_FALSE(IsValidTenantName("-acme"));
  EXPECT_FALSE(IsValidTenantName("ac/me"));
  EXPECT_FALSE(IsValidTenantName("ac me"));
}

// ---- Tenants and keys
// -----------------------------------------------------------

TEST_P(TenantStoreTest, TenantsAndEntitlementsSurviveReopen) {
  StoreLocation dir(GetParam());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(
        store->CreateTenant(Config("acme", "us-ftc:212,646; uk-tps:all")).ok());
    ASSERT_TRUE(store
                    ->CreateTenant(Config("beta", "ca-dncl:416",
                                          policy::Purpose::kCharity))
                    .ok());
    EXPECT_EQ(store->CreateTenant(Config("acme", "")).code(),
              absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(store->CreateTenant(Config("Bad Name", "")).code(),
              absl::StatusCode::kInvalidArgument);
    ASSERT_TRUE(store
                    ->UpdateTenant(Config("beta", "ca-dncl:all; us-ftc:905",
                                          policy::Purpose::kSurvey))
                    .ok());
    EXPECT_EQ(store->UpdateTenant(Config("nobody", "")).code(),
              absl::StatusCode::kNotFound);
  }
  auto store = OpenOrDie(dir.path());
  std::vector<TenantConfig> tenants = store->ListTenants();
  ASSERT_EQ(tenants.size(), 2u);
  EXPECT_EQ(tenants[0].name, "acme");
  EXPECT_EQ(tenants[0].default_purpose, policy::Purpose::kCommercial);
  EXPECT_EQ(FormatEntitlements(tenants[0].entitlements),
            "us-ftc:212,646; uk-tps:all");
  EXPECT_EQ(tenants[1].name, "beta");
  EXPECT_EQ(tenants[1].default_purpose, policy::Purpose::kSurvey);
  EXPECT_EQ(FormatEntitlements(tenants[1].entitlements),
            "ca-dncl:all; us-ftc:905");

  const Tenant* acme = store->Find("acme");
  ASSERT_NE(acme, nullptr);
  EXPECT_TRUE(acme->Entitled("us-ftc", 212));
  EXPECT_TRUE(acme->Entitled("us-ftc", 646));
  EXPECT_FALSE(acme->Entitled("us-ftc", 213));
  EXPECT_FALSE(acme->Entitled("ca-dncl", 416));
  EXPECT_TRUE(acme->Entitled("uk-tps", -1));
  EXPECT_FALSE(acme->Entitled("in-ncpr", -1));
  EXPECT_EQ(store->Find("nobody"), nullptr);
}

TEST_P(TenantStoreTest, ApiKeysAuthenticateUntilRevokedAcrossReopen) {
  StoreLocation dir(GetParam());
  std::string first, second;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    first = store->CreateApiKey("acme", "").value();
    second = store->CreateApiKey("acme", "dialer").value();
    EXPECT_EQ(store->CreateApiKey("acme", "dialer").status().code(),
              absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(store->CreateApiKey("acme", std::string(65, 'x')).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(store->CreateApiKey("nobody", "x").status().code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(store->Authenticate(first), store->Find("acme"));
    ASSERT_TRUE(store->RevokeApiKey("acme", "key-1").ok());
    EXPECT_EQ(store->Authenticate(first), nullptr);
    EXPECT_EQ(store->RevokeApiKey("acme", "key-1").code(),
              absl::StatusCode::kNotFound);
  }
  ASSERT_EQ(first.size(), 44u);
  EXPECT_EQ(first.substr(0, 4), "dnc_");
  for (char c : first.substr(4)) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << first;
  }
  EXPECT_NE(first, second);

  auto store = OpenOrDie(dir.path());
  EXPECT_EQ(store->Authenticate(first), nullptr);
  EXPECT_EQ(store->Authenticate(second), store->Find("acme"));
  std::vector<ApiKeyInfo> keys = store->ListApiKeys("acme").value();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].label, "key-1");
  EXPECT_TRUE(keys[0].revoked);
  EXPECT_EQ(keys[1].label, "dialer");
  EXPECT_FALSE(keys[1].revoked);
  // A revoked label may be used again.
  std::string third = store->CreateApiKey("acme", "key-1").value();
  EXPECT_EQ(store->Authenticate(third), store->Find("acme"));
}

TEST_P(TenantStoreTest, AuthenticateRefusesWrongRevokedAndEmptyKeys) {
  StoreLocation dir(GetParam());
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
  ASSERT_TRUE(store->CreateTenant(Config("beta", "us-ftc:all")).ok());
  const std::string key = store->CreateApiKey("acme", "main").value();
  const std::string beta_key = store->CreateApiKey("beta", "main").value();
  EXPECT_EQ(store->Authenticate(key), store->Find("acme"));
  EXPECT_EQ(store->Authenticate(beta_key), store->Find("beta"));
  EXPECT_EQ(store->Authenticate(""), nullptr);
  EXPECT_EQ(store->Authenticate("dnc_"), nullptr);
  std::string wrong = key;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(store->Authenticate(wrong), nullptr);
  EXPECT_EQ(store->Authenticate(key + " "), nullptr);
  EXPECT_EQ(store->Authenticate(key.substr(0, 43)), nullptr);
  ASSERT_TRUE(store->RevokeApiKey("acme", "main").ok());
  EXPECT_EQ(store->Authenticate(key), nullptr);
  EXPECT_EQ(store->Authenticate(beta_key), store->Find("beta"));
}

TEST(TenantStoreTestOnRocksDb, KeyPlaintextNeverReachesTheStoreFiles) {
  test::ScratchDir dir;
  std::vector<std::string> keys;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    for (int i = 0; i < 5; ++i) {
      keys.push_back(store->CreateApiKey("acme", "").value());
    }
    ASSERT_TRUE(store->RevokeApiKey("acme", "key-2").ok());
  }
  {
    // Reopen (replays and flushes the WAL into an SST) and close again.
    auto store = OpenOrDie(dir.path());
    EXPECT_EQ(store->Authenticate(keys[0]), store->Find("acme"));
  }
  std::string bytes;
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file()) continue;
    bytes += test::ReadWholeFile(entry.path().string());
    ++files;
  }
  EXPECT_GT(files, 3);
  ASSERT_NE(bytes.find("acme"), std::string::npos);  // The scan sees data.
  for (const std::string& key : keys) {
    EXPECT_EQ(bytes.find(key), std::string::npos) << key;
    EXPECT_EQ(bytes.find(key.substr(4)), std::string::npos) << key;
  }
}

// ---- Internal list, consents
// -------------------------------------------------

TEST_P(TenantStoreTest, OptOutsRoundTripAcrossReopen) {
  StoreLocation dir(GetParam());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    const Tenant& acme = *store->Find("acme");
    std::vector<bool> changed;
    ASSERT_TRUE(store
                    ->AddOptOuts(acme, {12025550100, 12025550101, 12025550100},
                                 kDay, "call 2026-05-28", &changed)
                    .ok());
    EXPECT_THAT(changed, ElementsAre(true, true, false));
    ASSERT_TRUE(store
                    ->AddOptOuts(acme, {12025550101, 442071234567}, kDay + 5,
                                 "", &changed)
                    .ok());
    EXPECT_THAT(changed, ElementsAre(false, true));
    ASSERT_TRUE(
        store->RemoveOptOuts(acme, {12025550100, 19999999999}, &changed).ok());
    EXPECT_THAT(changed, ElementsAre(true, false));
    EXPECT_EQ(acme.opt_out_count(), 2u);
    EXPECT_EQ(store->AddOptOuts(acme, {0}, kDay, "", nullptr).code(),
              absl::StatusCode::kInvalidArgument);
  }
  auto store = OpenOrDie(dir.path());
  const Tenant& acme = *store->Find("acme");
  EXPECT_EQ(acme.opt_out_count(), 2u);
  // The first add's date is kept when a number is added again.
  EXPECT_THAT(Lookup(acme, {12025550100, 12025550101, 442071234567, 1}),
              ElementsAre(std::nullopt, kDay, kDay + 5, std::nullopt));
}

TEST_P(TenantStoreTest, OptOutsMatchAnOracleOverRandomOperations) {
  StoreLocation dir(GetParam());
  std::mt19937_64 rng(42);
  std::map<uint64_t, DayNumber> oracle;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    const Tenant& acme = *store->Find("acme");
    for (int round = 0; round < 40; ++round) {
      std::vector<uint64_t> batch;
      for (int i = 0; i < 50; ++i) batch.push_back(12025550000 + rng() % 300);
      std::vector<bool> changed;
      if (rng() % 3 == 0) {
        ASSERT_TRUE(store->RemoveOptOuts(acme, batch, &changed).ok());
        for (size_t i = 0; i < batch.size(); ++i) {
          EXPECT_EQ(changed[i], oracle.erase(batch[i]) == 1);
        }
      } else {
        ASSERT_TRUE(
            store->AddOptOuts(acme, batch, kDay + round, "", &changed).ok());
        for (size_t i = 0; i < batch.size(); ++i) {
          EXPECT_EQ(changed[i], oracle.emplace(batch[i], kDay + round).second);
        }
      }
    }
  }
  auto store = OpenOrDie(dir.path());
  const Tenant& acme = *store->Find("acme");
  EXPECT_EQ(acme.opt_out_count(), oracle.size());
  std::vector<uint64_t> all;
  for (uint64_t n = 12025550000; n < 12025550300; ++n) all.push_back(n);
  std::vector<std::optional<DayNumber>> days = Lookup(acme, all);
  for (size_t i = 0; i < all.size(); ++i) {
    auto it = oracle.find(all[i]);
    const std::optional<DayNumber> expected =
        it == oracle.end() ? std::nullopt
                           : std::optional<DayNumber>(it->second);
    EXPECT_EQ(days[i], expected) << all[i];
  }
}

TEST_P(TenantStoreTest, ConsentsRoundTripWithRevocation) {
  StoreLocation dir(GetParam());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    const Tenant& acme = *store->Find("acme");
    ASSERT_TRUE(
        store
            ->AddConsents(acme, {{12025550100, policy::ConsentType::kPurchase,
                                  kDay, std::nullopt, "order 1"},
                                 {12025550100, policy::ConsentType::kWritten,
                                  kDay + 1, std::nullopt, "form"},
                                 {12025550101, policy::ConsentType::kInquiry,
                                  kDay + 2, std::nullopt, ""}})
            .ok());
    EXPECT_EQ(acme.consent_count(), 3u);
    EXPECT_EQ(
        store->RevokeConsents(acme, {12025550100, 12025550100, 1}, kDay + 10)
            .value(),
        2u);
    EXPECT_EQ(store->RevokeConsents(acme, {12025550100}, kDay + 11).value(),
              0u);
    ASSERT_TRUE(
        store
            ->AddConsents(acme, {{12025550100, policy::ConsentType::kPurchase,
                                  kDay + 20, std::nullopt, "order 2"}})
            .ok());
    EXPECT_EQ(store
                  ->AddConsents(
                      acme, {{12025550100, policy::ConsentType::kUnspecified,
                              kDay, std::nullopt, ""}})
                  .code(),
              absl::StatusCode::kInvalidArgument);
  }
  auto store = OpenOrDie(dir.path());
  const Tenant& acme = *store->Find("acme");
  EXPECT_EQ(acme.consent_count(), 2u);
  std::vector<policy::ConsentRecord> in_force;
  acme.ConsentsOf(12025550100, &in_force);
  ASSERT_EQ(in_force.size(), 1u);
  EXPECT_EQ(in_force[0].type, policy::ConsentType::kPurchase);
  EXPECT_EQ(in_force[0].date, kDay + 20);
  in_force.clear();
  acme.ConsentsOf(12025550101, &in_force);
  ASSERT_EQ(in_force.size(), 1u);
  EXPECT_EQ(in_force[0].type, policy::ConsentType::kInquiry);

  std::vector<StoredConsent> listed =
      store->ListConsents(acme, {12025550100, 12025550102});
  ASSERT_EQ(listed.size(), 3u);  // Oldest first, revoked ones included.
  EXPECT_EQ(listed[0].note, "order 1");
  EXPECT_EQ(listed[0].revoked, kDay + 10);
  EXPECT_EQ(listed[1].type, policy::ConsentType::kWritten);
  EXPECT_EQ(listed[1].revoked, kDay + 10);
  EXPECT_EQ(listed[2].note, "order 2");
  EXPECT_EQ(listed[2].revoked, std::nullopt);
  for (const StoredConsent& consent : listed) {
    EXPECT_EQ(consent.e164, 12025550100u);
  }
}

TEST_P(TenantStoreTest, AnOptOutEndsTheNumbersConsentsInTheSameWrite) {
  StoreLocation dir(GetParam());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    const Tenant& acme = *store->Find("acme");
    ASSERT_TRUE(
        store
            ->AddConsents(acme, {{12025550100, policy::ConsentType::kWritten,
                                  kDay, std::nullopt, "form"},
                                 {12025550101, policy::ConsentType::kPurchase,
                                  kDay, std::nullopt, "order"}})
            .ok());
    std::vector<bool> changed;
    ASSERT_TRUE(
        store->AddOptOuts(acme, {12025550100}, kDay + 3, "call", &changed)
            .ok());
    EXPECT_THAT(changed, ElementsAre(true));
    EXPECT_EQ(acme.consent_count(), 1u);
  }
  auto store = OpenOrDie(dir.path());
  const Tenant& acme = *store->Find("acme");
  EXPECT_EQ(acme.consent_count(), 1u);
  std::vector<policy::ConsentRecord> in_force;
  acme.ConsentsOf(12025550100, &in_force);
  EXPECT_THAT(in_force, IsEmpty());
  acme.ConsentsOf(12025550101, &in_force);
  EXPECT_EQ(in_force.size(), 1u);
  std::vector<StoredConsent> listed = store->ListConsents(acme, {12025550100});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].revoked, kDay + 3);
  EXPECT_EQ(listed[0].note, "form");
}

// ---- Audit
// -------------------------------------------------------------------------

TEST_P(TenantStoreTest, AuditRecordsAndJobFilesRoundTripInSequenceOrder) {
  StoreLocation dir(GetParam());
  std::vector<std::string> ids;
  const absl::Time t0 = absl::FromUnixSeconds(1790000000);
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    const Tenant& acme = *store->Find("acme");
    // Appended out of order; the same sequence twice sorts by time.
    for (uint64_t seq : {3, 1, 2, 300, 2}) {
      AuditRecord record = Audit("job/1", seq, seq * 10);
      record.time = t0 + absl::Seconds(ids.size());
      ids.push_back(store->AppendAudit(acme, record, /*sync=*/seq % 2).value());
    }
    EXPECT_EQ(store->GetJobFiles(acme, "job/1").status().code(),
              absl::StatusCode::kNotFound);
    JobFiles files{"leads.csv",
                   std::string(64, 'c'),
                   "leads.clean.csv",
                   std::string(64, 'd'),
                   1000,
                   990};
    ASSERT_TRUE(store->RecordJobFiles(acme, "job/1", files).ok());
    EXPECT_EQ(store->RecordJobFiles(acme, "job/2", files).code(),
              absl::StatusCode::kNotFound);
    files.input_sha256 = "not hex";
    EXPECT_EQ(store->RecordJobFiles(acme, "job/1", files).code(),
              absl::StatusCode::kInvalidArgument);
    // No job id: the record is its own job.
    AuditRecord single = Audit("", 0, 1);
    single.method = "Check";
    const std::string id = store->AppendAudit(acme, single, false).value();
    std::vector<AuditRecord> own = store->JobAudit(acme, id).value();
    ASSERT_EQ(own.size(), 1u);
    EXPECT_EQ(own[0].job_id, id);
    EXPECT_EQ(own[0].method, "Check");
    EXPECT_GT(own[0].time, t0);  // Stamped now.
  }
  auto store = OpenOrDie(dir.path());
  const Tenant& acme = *store->Find("acme");
  std::vector<AuditRecord> records = store->JobAudit(acme, "job/1").value();
  ASSERT_EQ(records.size(), 5u);
  std::vector<uint64_t> sequences;
  for (const AuditRecord& r : records) sequences.push_back(r.sequence);
  EXPECT_THAT(sequences, ElementsAre(1, 2, 2, 3, 300));
  EXPECT_EQ(records[1].audit_id, ids[2]);
  EXPECT_EQ(records[2].audit_id, ids[4]);
  EXPECT_EQ(records[1].time, t0 + absl::Seconds(2));
  const AuditRecord& last = records[4];
  EXPECT_EQ(last.job_id, "job/1");
  EXPECT_EQ(last.request_id, "req-300");
  EXPECT_EQ(last.method, "Scrub");
  EXPECT_EQ(last.purpose, policy::Purpose::kSurvey);
  EXPECT_EQ(last.numbers, 3000u);
  ASSERT_EQ(last.counts.size(), 9u);
  EXPECT_EQ(last.counts[1], 3000u);
  EXPECT_THAT(last.snapshots, ElementsAre("us-ftc 7 2026-05-01 US"));
  EXPECT_EQ(last.numbers_sha256, std::string(64, 'a'));
  EXPECT_EQ(last.answers_sha256, std::string(64, 'b'));
  EXPECT_EQ(last.entitlements, "us-ftc:all");
  std::set<std::string> unique_ids(ids.begin(), ids.end());
  EXPECT_EQ(unique_ids.size(), ids.size());

  JobFiles files = store->GetJobFiles(acme, "job/1").value();
  EXPECT_EQ(files.input_name, "leads.csv");
  EXPECT_EQ(files.output_sha256, std::string(64, 'd'));
  EXPECT_EQ(files.input_rows, 1000u);
  EXPECT_EQ(files.output_rows, 990u);
  EXPECT_THAT(store->JobAudit(acme, "job/none").value(), IsEmpty());
  // A job id that is a prefix of another does not see the other's records.
  EXPECT_THAT(store->JobAudit(acme, "job/").value(), IsEmpty());
}

// ---- Isolation
// -----------------------------------------------------------------

TEST_P(TenantStoreTest, OneTenantsHandleNeverSeesOrChangesAnothersData) {
  StoreLocation dir(GetParam());
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
  // "acme" is a prefix of "acme2": keys must not leak across that either.
  ASSERT_TRUE(store->CreateTenant(Config("acme2", "us-ftc:all")).ok());
  const Tenant& a = *store->Find("acme");
  const Tenant& b = *store->Find("acme2");

  ASSERT_TRUE(
      store->AddOptOuts(b, {12025550100, 12025550101}, kDay, "b", nullptr)
          .ok());
  ASSERT_TRUE(store
                  ->AddConsents(b, {{12025550100, policy::ConsentType::kWritten,
                                     kDay, std::nullopt, "b"}})
                  .ok());
  ASSERT_TRUE(store->AppendAudit(b, Audit("shared-job", 1, 5), true).ok());
  ASSERT_TRUE(store->AppendAudit(b, Audit("b-only", 1, 5), true).ok());
  ASSERT_TRUE(
      store->RecordJobFiles(b, "shared-job", {"b.csv", "", "b.out", "", 5, 5})
          .ok());

  // A sees nothing of B's.
  EXPECT_THAT(Lookup(a, {12025550100, 12025550101}),
              ElementsAre(std::nullopt, std::nullopt));
  EXPECT_EQ(a.opt_out_count(), 0u);
  std::vector<policy::ConsentRecord> consents;
  a.ConsentsOf(12025550100, &consents);
  EXPECT_THAT(consents, IsEmpty());
  EXPECT_THAT(store->ListConsents(a, {12025550100}), IsEmpty());
  EXPECT_THAT(store->JobAudit(a, "shared-job").value(), IsEmpty());
  EXPECT_THAT(store->JobAudit(a, "b-only").value(), IsEmpty());
  EXPECT_EQ(store->GetJobFiles(a, "shared-job").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->RecordJobFiles(a, "b-only", {"x", "", "y", "", 1, 1}).code(),
            absl::StatusCode::kNotFound);

  // A's changes do not touch B's.
  std::vector<bool> changed;
  ASSERT_TRUE(store->RemoveOptOuts(a, {12025550100}, &changed).ok());
  EXPECT_THAT(changed, ElementsAre(false));
  EXPECT_EQ(store->RevokeConsents(a, {12025550100}, kDay).value(), 0u);
  ASSERT_TRUE(store->AppendAudit(a, Audit("shared-job", 2, 7), true).ok());
  ASSERT_TRUE(
      store->RecordJobFiles(a, "shared-job", {"a.csv", "", "a.out", "", 7, 7})
          .ok());
  ASSERT_TRUE(
      store->AddOptOuts(a, {12025550101}, kDay + 1, "a", &changed).ok());
  EXPECT_THAT(changed, ElementsAre(true));  // New for A though B has it.

  EXPECT_THAT(Lookup(b, {12025550100, 12025550101}), ElementsAre(kDay, kDay));
  EXPECT_EQ(b.consent_count(), 1u);
  std::vector<AuditRecord> b_job = store->JobAudit(b, "shared-job").value();
  ASSERT_EQ(b_job.size(), 1u);
  EXPECT_EQ(b_job[0].numbers, 5u);
  std::vector<AuditRecord> a_job = store->JobAudit(a, "shared-job").value();
  ASSERT_EQ(a_job.size(), 1u);
  EXPECT_EQ(a_job[0].numbers, 7u);
  EXPECT_EQ(store->GetJobFiles(b, "shared-job").value().input_name, "b.csv");
  EXPECT_EQ(store->GetJobFiles(a, "shared-job").value().input_name, "a.csv");

  // A handle from another store (same tenant name) reaches nothing here.
  test::ScratchDir other_dir;
  auto other = OpenOrDie(other_dir.path());
  ASSERT_TRUE(other->CreateTenant(Config("acme2", "us-ftc:all")).ok());
  const Tenant& foreign = *other->Find("acme2");
  EXPECT_EQ(store->AddOptOuts(foreign, {12025550199}, kDay, "", nullptr).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->JobAudit(foreign, "shared-job").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store->ListConsents(foreign, {12025550100}), IsEmpty());
}

TEST_P(TenantStoreTest, ConcurrentWritersAndReadersSeeConsistentData) {
  StoreLocation dir(GetParam());
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
  ASSERT_TRUE(store->CreateTenant(Config("beta", "us-ftc:all")).ok());
  const Tenant* tenants[] = {store->Find("acme"), store->Find("beta")};
  constexpr int kRounds = 30;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      const Tenant& tenant = *tenants[w];
      for (int i = 0; i < kRounds; ++i) {
        std::vector<uint64_t> batch;
        for (int j = 0; j < 20; ++j) batch.push_back(12025550000 + i * 20 + j);
        if (!store->AddOptOuts(tenant, batch, kDay, "", nullptr).ok() ||
            !store->AppendAudit(tenant, Audit("job", i, 20), i % 2 == 0).ok()) {
          ++failures;
        }
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      std::vector<uint64_t> numbers;
      for (int i = 0; i < kRounds * 20; ++i) numbers.push_back(12025550000 + i);
      std::vector<std::optional<DayNumber>> days(numbers.size());
      while (!stop) {
        for (const Tenant* tenant : tenants) {
          tenant->LookupOptOuts(numbers, absl::MakeSpan(days));
          // Batches land whole and in order: a prefix of the numbers.
          size_t listed = 0;
          while (listed < days.size() && days[listed] == kDay) ++listed;
          for (size_t i = listed; i < days.size(); ++i) {
            if (days[i].has_value()) ++failures;
          }
          if (listed % 20 != 0) ++failures;
        }
      }
    });
  }
  threads[0].join();
  threads[1].join();
  stop = true;
  threads[2].join();
  threads[3].join();
  EXPECT_EQ(failures.load(), 0);
  for (const Tenant* tenant : tenants) {
    EXPECT_EQ(tenant->opt_out_count(), 20u * kRounds);
    EXPECT_EQ(store->JobAudit(*tenant, "job").value().size(),
              static_cast<size_t>(kRounds));
  }
}

// ---- Opening
// --------------------------------------------------------------------

TEST(TenantStoreTestOnRocksDb, SecondOpenOfTheSameDirectoryFailsNamingIt) {
  test::ScratchDir dir;
  auto store = OpenOrDie(dir.path());
  absl::StatusOr<std::unique_ptr<TenantStore>> second =
      TenantStore::Open(dir.path(), true);
  ASSERT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr(dir.path()));
  EXPECT_THAT(second.status().message(),
              HasSubstr("dnc-server may be running"));
}

// Waits until the helper's stdout has a line `line` (or it exits).
bool WaitForLine(test::BackgroundProcess& process, const std::string& line) {
  for (int i = 0; i < 3000; ++i) {
    if (("\n" + process.Stdout()).find("\n" + line + "\n") !=
        std::string::npos) {
      return true;
    }
    if (!process.running()) return false;
    usleep(10000);
  }
  return false;
}

TEST(TenantStoreTestOnRocksDb, OpenOfAStoreHeldByAnotherProcessFailsNamingIt) {
  test::ScratchDir dir;
  const std::string store_dir = dir.Path("tenants");
  {
    test::BackgroundProcess holder({DNC_TENANT_WRITER, store_dir, "hold"},
                                   dir.Path("holder"));
    ASSERT_TRUE(WaitForLine(holder, "ready")) << holder.Stderr();
    absl::StatusOr<std::unique_ptr<TenantStore>> second =
        TenantStore::Open(store_dir, true);
    ASSERT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition)
        << second.status();
    EXPECT_THAT(second.status().message(), HasSubstr(store_dir));
    EXPECT_THAT(second.status().message(),
                HasSubstr("dnc-server may be running"));
  }  // SIGKILLs the holder.
  // Once the holder is gone, the store opens.
  EXPECT_TRUE(TenantStore::Open(store_dir, true).ok());
}

TEST(TenantStoreTestOnRocksDb, OpenWithoutCreateOfAMissingStoreIsNotFound) {
  test::ScratchDir dir;
  absl::StatusOr<std::unique_ptr<TenantStore>> store =
      TenantStore::Open(dir.Path("absent"), false);
  ASSERT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr(dir.Path("absent")));
}

// ---- Durability
// --------------------------------------------------------------------

// A separate process adds opt-outs (and an unsynced audit record) and
// acknowledges each call on stdout, then is SIGKILLed: everything it
// acknowledged is there when the store is reopened. (A process kill, not a
// power cut: that the opt-outs are also fsynced is WriteOptions::sync.)
TEST_P(TenantStoreTest, AcknowledgedWritesSurviveTheProcessBeingKilled) {
  StoreLocation dir(GetParam());
  const std::string store_dir = dir.path();
  {
    auto store = OpenOrDie(store_dir);
    ASSERT_TRUE(store->CreateTenant(Config("acme", "us-ftc:all")).ok());
    ASSERT_TRUE(store->CreateTenant(Config("beta", "us-ftc:all")).ok());
  }
  constexpr int kBatches = 20;
  {
    test::BackgroundProcess writer(
        {DNC_TENANT_WRITER, store_dir, "add", "acme", std::to_string(kBatches)},
        dir.Path("writer"));
    ASSERT_TRUE(WaitForLine(writer, "ack " + std::to_string(kBatches - 1)))
        << writer.Stderr();
    EXPECT_EQ(writer.Stop(SIGKILL), 128 + SIGKILL);
  }
  auto store = OpenOrDie(store_dir);
  const Tenant& acme = *store->Find("acme");
  EXPECT_EQ(acme.opt_out_count(), 10u * kBatches);
  std::vector<uint64_t> all;
  for (int i = 0; i < 10 * kBatches; ++i) all.push_back(12025550000 + i);
  for (const std::optional<DayNumber>& day : Lookup(acme, all)) {
    EXPECT_EQ(day, kDay);
  }
  std::vector<AuditRecord> job = store->JobAudit(acme, "job").value();
  ASSERT_EQ(job.size(), static_cast<size_t>(kBatches));
  for (int i = 0; i < kBatches; ++i) EXPECT_EQ(job[i].sequence, uint64_t(i));
  EXPECT_EQ(store->Find("beta")->opt_out_count(), 0u);
}

}  // namespace
}  // namespace dnc::tenant
