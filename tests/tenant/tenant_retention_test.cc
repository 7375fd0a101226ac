// The tenant store's administration and retention features on a real
// RocksDB in a temporary directory: tenant limits (validated, durable,
// readable from a store written before they existed), DeleteTenant (keys
// fail at once, handles report deleted, audit kept, the name stays reserved
// while its audit is kept), ExportAudit (time window, order, tenant
// isolation) and PruneAudit (counts, removes only older records, job files
// of emptied jobs).
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "tenant/record_codec.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store.h"
#include "tests/tenant/tenant_store_backends.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::tenant {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr DayNumber kDay = 20600;  // 2026-05-28.

std::unique_ptr<TenantStore> OpenOrDie(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<TenantStore>> store =
      TenantStore::Open(dir, /*create_if_missing=*/true);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

TenantConfig Config(const std::string& name, TenantLimits limits = {}) {
  TenantConfig config;
  config.name = name;
  config.entitlements = ParseEntitlements("us-ftc:all").value();
  config.limits = limits;
  return config;
}

absl::Time Day(int y, int m, int d, int hour = 0) {
  return absl::FromCivil(absl::CivilHour(y, m, d, hour), absl::UTCTimeZone());
}

AuditRecord Audit(const std::string& job, uint64_t sequence, absl::Time time) {
  AuditRecord record;
  record.job_id = job;
  record.method = "Scrub";
  record.sequence = sequence;
  record.time = time;
  record.numbers = 1;
  record.counts.assign(9, 0);
  record.counts[1] = 1;
  record.numbers_sha256 = std::string(64, 'a');
  record.answers_sha256 = std::string(64, 'b');
  record.entitlements = "us-ftc:all";
  return record;
}

// The audit ids ExportAudit visits.
std::vector<std::string> Export(const TenantStore& store,
                                const std::string& name, absl::Time since,
                                absl::Time until) {
  std::vector<std::string> ids;
  absl::Status status =
      store.ExportAudit(name, since, until, [&](const AuditRecord& record) {
        ids.push_back(
            record.job_id + "@" +
            absl::FormatTime("%Y-%m-%d", record.time, absl::UTCTimeZone()));
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return ids;
}

class DeleteTenantTest : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, DeleteTenantTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         BackendName);

class ExportAuditTest : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, ExportAuditTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         BackendName);

class PruneAuditTest : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, PruneAuditTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         BackendName);

class TenantLimitsTest : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, TenantLimitsTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         BackendName);

// ---- Limits
// ------------------------------------------------------------------

TEST_P(TenantLimitsTest, LimitsAreValidatedStoredAndSurviveReopen) {
  StoreLocation dir(GetParam());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", {50, 1000000})).ok());
    ASSERT_TRUE(store->CreateTenant(Config("free")).ok());
    EXPECT_EQ(store->Find("acme")->limits().requests_per_second, 50u);
    EXPECT_EQ(store->Find("acme")->limits().numbers_per_day, 1000000u);

    absl::Status too_fast = store->UpdateTenant(Config("acme", {1000001, 0}));
    EXPECT_EQ(too_fast.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(too_fast.message(),
                HasSubstr("requests_per_second 1000001 is above 1000000"));
    absl::Status too_many =
        store->CreateTenant(Config("big", {0, 1000000000001ull}));
    EXPECT_EQ(too_many.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(too_many.message(),
                HasSubstr("numbers_per_day 1000000000001 is above"));
    EXPECT_EQ(store->Find("big"), nullptr);
    // A refused update changed nothing.
    EXPECT_EQ(store->Find("acme")->limits().requests_per_second, 50u);
    ASSERT_TRUE(store->UpdateTenant(Config("free", {1000000, 1})).ok());
  }
  auto store = OpenOrDie(dir.path());
  const TenantLimits acme = store->Find("acme")->limits();
  EXPECT_EQ(acme.requests_per_second, 50u);
  EXPECT_EQ(acme.numbers_per_day, 1000000u);
  const TenantLimits free = store->Find("free")->limits();
  EXPECT_EQ(free.requests_per_second, 1000000u);
  EXPECT_EQ(free.numbers_per_day, 1u);
  const std::vector<TenantConfig> listed = store->ListTenants();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].limits.requests_per_second, 50u);
}

// A store as the previous version wrote it (layout 1: config records v1
// without limits, no audit time index) opens, reads as no limits, and is
// given its index.
TEST(TenantLimitsTestOnRocksDb,
     AStoreWrittenBeforeLimitsOpensWithNoLimitsAndIndex) {
  test::ScratchDir dir;
  std::string key;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", {9, 9})).ok());
    key = store->CreateApiKey("acme", "").value();
    const Tenant* acme = store->Find("acme");
    ASSERT_TRUE(
        store->AppendAudit(*acme, Audit("j1", 0, Day(2024, 1, 2)), true).ok());
    ASSERT_TRUE(
        store->AppendAudit(*acme, Audit("j2", 0, Day(2023, 5, 6)), true).ok());
  }
  {
    // Rewrite it into layout 1 by hand.
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.path(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteBatch batch;
    batch.Put(kFormatKey, "dnc-tenant-store 1");
    // Config v1: b purpose (1, commercial), str entitlements, s created.
    const std::string text = "us-ftc:all";
    batch.Put(ConfigKey("acme"),
              std::string({1, 1, static_cast<char>(text.size())}) + text +
                  std::string(1, 2));
    const std::string index = AuditIndexPrefix("acme");
    batch.DeleteRange(index, EndOfPrefix(index));
    rocksdb::WriteOptions synced;
    synced.sync = true;
    ASSERT_TRUE(db->Write(synced, &batch).ok());
    std::string value;
    ASSERT_TRUE(
        db->Get(rocksdb::ReadOptions(), ConfigKey("acme"), &value).ok());
    ASSERT_EQ(value[0], 1);
    ASSERT_TRUE(db->Close().ok());
  }
  {
    auto store = OpenOrDie(dir.path());
    const Tenant* acme = store->Find("acme");
    ASSERT_NE(acme, nullptr);
    EXPECT_EQ(acme->limits().requests_per_second, 0u);
    EXPECT_EQ(acme->limits().numbers_per_day, 0u);
    EXPECT_EQ(store->Authenticate(key), acme);
    EXPECT_THAT(Export(*store, "acme", Day(2000, 1, 1), Day(2030, 1, 1)),
                ElementsAre("j2@2023-05-06", "j1@2024-01-02"));
  }
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.path(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string format;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), kFormatKey, &format).ok());
  EXPECT_EQ(format, kFormatValue);
  ASSERT_TRUE(db->Close().ok());
}

// ---- DeleteTenant
// ------------------------------------------------------------

TEST_P(DeleteTenantTest, KeysFailHandlesReportDeletedAndAuditIsKept) {
  StoreLocation dir(GetParam());
  std::string acme_key, other_key;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme", {5, 5})).ok());
    ASSERT_TRUE(store->CreateTenant(Config("other")).ok());
    acme_key = store->CreateApiKey("acme", "a").value();
    const std::string second = store->CreateApiKey("acme", "b").value();
    other_key = store->CreateApiKey("other", "").value();
    const Tenant* acme = store->Find("acme");
    ASSERT_TRUE(
        store->AddOptOuts(*acme, {12025550100}, kDay, "", nullptr).ok());
    StoredConsent consent;
    consent.e164 = 12025550101;
    consent.type = policy::ConsentType::kWritten;
    consent.date = kDay;
    ASSERT_TRUE(store->AddConsents(*acme, {consent}).ok());
    ASSERT_TRUE(
        store->AppendAudit(*acme, Audit("job", 0, Day(2026, 1, 1)), true).ok());
    JobFiles files;
    files.input_name = "leads.csv";
    ASSERT_TRUE(store->RecordJobFiles(*acme, "job", files).ok());

    ASSERT_TRUE(store->DeleteTenant("acme").ok());
    EXPECT_EQ(store->Authenticate(acme_key), nullptr);
    EXPECT_EQ(store->Authenticate(second), nullptr);
    EXPECT_EQ(store->Find("acme"), nullptr);
    EXPECT_NE(store->Authenticate(other_key), nullptr);
    // The handle is still readable, says it is deleted, and takes no writes.
    EXPECT_TRUE(acme->deleted());
    EXPECT_FALSE(store->Find("other")->deleted());
    EXPECT_EQ(acme->name(), "acme");
    EXPECT_EQ(acme->limits().requests_per_second, 5u);
    // Its lists are freed (no answer from them is sent: see AppendAudit).
    EXPECT_EQ(acme->opt_out_count(), 0u);
    EXPECT_EQ(acme->consent_count(), 0u);
    absl::Status write =
        store->AddOptOuts(*acme, {12025550102}, kDay, "", nullptr);
    EXPECT_EQ(write.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(write.message(), HasSubstr("acme was deleted"));
    EXPECT_FALSE(
        store->AppendAudit(*acme, Audit("x", 0, Day(2026, 1, 2)), true).ok());
    EXPECT_EQ(store->DeleteTenant("acme").code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(store->UpdateTenant(Config("acme")).code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(store->CreateApiKey("acme", "").status().code(),
              absl::StatusCode::kNotFound);
    ASSERT_EQ(store->ListTenants().size(), 1u);
    EXPECT_THAT(Export(*store, "acme", Day(2000, 1, 1), Day(2030, 1, 1)),
                ElementsAre("job@2026-01-01"));
    // The name is reserved while its audit is kept.
    absl::Status again = store->CreateTenant(Config("acme"));
    EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
    EXPECT_THAT(again.message(), HasSubstr("deleted tenant"));
  }
  auto store = OpenOrDie(dir.path());
  EXPECT_EQ(store->Find("acme"), nullptr);
  EXPECT_EQ(store->Authenticate(acme_key), nullptr);
  EXPECT_NE(store->Authenticate(other_key), nullptr);
  EXPECT_THAT(Export(*store, "acme", Day(2000, 1, 1), Day(2030, 1, 1)),
              ElementsAre("job@2026-01-01"));
  EXPECT_EQ(store->CreateTenant(Config("acme")).code(),
            absl::StatusCode::kAlreadyExists);
  // Once its last audit record is pruned (and its job files with it), the
  // name is free again, with nothing of the old tenant.
  EXPECT_EQ(store->PruneAudit(Day(2027, 1, 1)).value(), 1u);
  ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
  const Tenant* fresh = store->Find("acme");
  EXPECT_FALSE(fresh->deleted());
  EXPECT_EQ(fresh->opt_out_count(), 0u);
  EXPECT_EQ(fresh->consent_count(), 0u);
  EXPECT_EQ(fresh->limits().requests_per_second, 0u);
  EXPECT_THAT(store->ListApiKeys("acme").value(), IsEmpty());
  EXPECT_EQ(store->GetJobFiles(*fresh, "job").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(DeleteTenantTest, ATenantWithoutAuditCanBeCreatedAgainAtOnce) {
  StoreLocation dir(GetParam());
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
  const std::string key = store->CreateApiKey("acme", "").value();
  const Tenant* old = store->Find("acme");
  ASSERT_TRUE(store->DeleteTenant("acme").ok());
  ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
  EXPECT_NE(store->Find("acme"), old);
  EXPECT_TRUE(old->deleted());
  EXPECT_EQ(store->Authenticate(key), nullptr);
  EXPECT_EQ(store->DeleteTenant("nobody").code(), absl::StatusCode::kNotFound);
}

// Writers racing a deletion either commit before it or are refused; none
// leaves a record that would make the reopened store unreadable, and every
// audit record written is kept (and keeps the name reserved).
TEST_P(DeleteTenantTest, WritersRacingADeletionLeaveAReadableStore) {
  StoreLocation dir(GetParam());
  std::atomic<int> audits{0};
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
    const Tenant* acme = store->Find("acme");
    std::atomic<bool> go{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w) {
      writers.emplace_back([&, w] {
        while (!go.load()) std::this_thread::yield();
        for (uint64_t i = 0;; ++i) {
          const uint64_t number = 12025550000 + w * 100000 + i;
          absl::Status status =
              w == 0 ? store->AddOptOuts(*acme, {number}, kDay, "", nullptr)
              : w == 1
                  ? store->AppendAudit(*acme, Audit("j", i, absl::Now()), false)
                        .status()
                  : store->AddConsents(
                        *acme,
                        {StoredConsent{number, policy::ConsentType::kWritten,
                                       kDay, std::nullopt, ""}});
          if (!status.ok()) {
            EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition)
                << status;
            return;
          }
          if (w == 1) ++audits;
        }
      });
    }
    go = true;
    while (audits.load() < 20) std::this_thread::yield();
    ASSERT_TRUE(store->DeleteTenant("acme").ok());
    for (std::thread& writer : writers) writer.join();
    EXPECT_EQ(store->CreateTenant(Config("acme")).code(),
              absl::StatusCode::kAlreadyExists);
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Find("acme"), nullptr);
  EXPECT_EQ(Export(*store, "acme", Day(2000, 1, 1), Day(2100, 1, 1)).size(),
            static_cast<size_t>(audits.load()));
}

// ---- ExportAudit ---------------------------------------------------------

TEST_P(ExportAuditTest, VisitsOneTenantsRecordsInTheWindowOldestFirst) {
  StoreLocation dir(GetParam());
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
  ASSERT_TRUE(store->CreateTenant(Config("acme-2")).ok());
  ASSERT_TRUE(store->CreateTenant(Config("acm")).ok());
  const Tenant* acme = store->Find("acme");
  // Appended out of time order, in several jobs; the neighbours' names
  // sort right before and after "acme".
  for (const auto& [job, time] :
       std::vector<std::pair<std::string, absl::Time>>{
           {"b", Day(2026, 3, 1)},
           {"a", Day(2026, 1, 1)},
           {"c", Day(2026, 2, 1)},
           {"a", Day(2026, 4, 1)},
           {"z", Day(1969, 12, 31)}}) {
    ASSERT_TRUE(store->AppendAudit(*acme, Audit(job, 0, time), false).ok());
  }
  for (const char* other : {"acme-2", "acm"}) {
    ASSERT_TRUE(store
                    ->AppendAudit(*store->Find(other),
                                  Audit("other", 0, Day(2026, 2, 15)), false)
                    .ok());
  }
  EXPECT_THAT(Export(*store, "acme", Day(1900, 1, 1), Day(2100, 1, 1)),
              ElementsAre("z@1969-12-31", "a@2026-01-01", "c@2026-02-01",
                          "b@2026-03-01", "a@2026-04-01"));
  // since inclusive, until exclusive.
  EXPECT_THAT(Export(*store, "acme", Day(2026, 2, 1), Day(2026, 4, 1)),
              ElementsAre("c@2026-02-01", "b@2026-03-01"));
  EXPECT_THAT(Export(*store, "acme", Day(2026, 2, 1), Day(2026, 2, 1)),
              IsEmpty());
  EXPECT_THAT(Export(*store, "acme-2", Day(1900, 1, 1), Day(2100, 1, 1)),
              ElementsAre("other@2026-02-15"));
  EXPECT_THAT(Export(*store, "nobody", Day(1900, 1, 1), Day(2100, 1, 1)),
              IsEmpty());

  // Every field comes back, and visit's error stops the export.
  int visited = 0;
  absl::Status stopped = store->ExportAudit(
      "acme", Day(2026, 1, 1), Day(2100, 1, 1), [&](const AuditRecord& record) {
        ++visited;
        EXPECT_EQ(record.job_id, "a");
        EXPECT_EQ(record.counts[1], 1u);
        EXPECT_EQ(record.entitlements, "us-ftc:all");
        EXPECT_FALSE(record.audit_id.empty());
        return absl::CancelledError("enough");
      });
  EXPECT_EQ(stopped.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(visited, 1);

  auto visit = [](const AuditRecord&) { return absl::OkStatus(); };
  absl::Status backwards =
      store->ExportAudit("acme", Day(2026, 2, 1), Day(2026, 1, 1), visit);
  EXPECT_EQ(backwards.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(backwards.message(), HasSubstr("is after until"));
  absl::Status bad_name =
      store->ExportAudit("Acme/x", Day(2026, 1, 1), Day(2026, 2, 1), visit);
  EXPECT_EQ(bad_name.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_name.message(), HasSubstr("'Acme/x' is not a tenant name"));
}

// A call without a job id (a dialer's Check) is its own job: its record is
// stored once, as the value of its time-index entry, and every reader finds
// it there.
TEST(ExportAuditTestOnRocksDb,
     ARecordWithoutAJobIsStoredOnceAndFoundByItsAuditId) {
  test::ScratchDir dir;
  std::string audit_id;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
    const Tenant* acme = store->Find("acme");
    audit_id = store->AppendAudit(*acme, Audit("", 0, Day(2020, 3, 4, 5)), true)
                   .value();
    // A caller may later name that id as its job: both records are the job.
    ASSERT_TRUE(
        store->AppendAudit(*acme, Audit(audit_id, 1, Day(2020, 3, 5)), true)
            .ok());
    const std::vector<AuditRecord> job =
        store->JobAudit(*acme, audit_id).value();
    ASSERT_EQ(job.size(), 2u);
    EXPECT_EQ(job[0].audit_id, audit_id);
    EXPECT_EQ(job[0].job_id, audit_id);
    EXPECT_EQ(job[1].sequence, 1u);
    JobFiles files;
    files.input_name = "one.csv";
    ASSERT_TRUE(store->RecordJobFiles(*acme, audit_id, files).ok());
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.path(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    int primary = 0, inline_values = 0;
    for (it->Seek("t/acme/"); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      if (key.rfind("t/acme/a/", 0) == 0) ++primary;
      if (key.rfind("t/acme/i/", 0) == 0 && !it->value().empty()) {
        ++inline_values;
      }
    }
    EXPECT_EQ(primary, 1);  // Only the record with the caller's job id.
    EXPECT_EQ(inline_values, 1);
    it.reset();
    ASSERT_TRUE(db->Close().ok());
  }
  auto store = OpenOrDie(dir.path());
  const Tenant* acme = store->Find("acme");
  EXPECT_THAT(Export(*store, "acme", Day(2020, 3, 4), Day(2020, 3, 5)),
              ElementsAre(audit_id + "@2020-03-04"));
  EXPECT_EQ(store->JobAudit(*acme, audit_id).value().size(), 2u);
  // The first prune leaves the job one record (and its files); the second
  // removes both.
  EXPECT_EQ(store->PruneAudit(Day(2020, 3, 5)).value(), 1u);
  EXPECT_EQ(store->JobAudit(*acme, audit_id).value().size(), 1u);
  EXPECT_TRUE(store->GetJobFiles(*acme, audit_id).ok());
  EXPECT_EQ(store->PruneAudit(Day(2020, 3, 6)).value(), 1u);
  EXPECT_THAT(store->JobAudit(*acme, audit_id).value(), IsEmpty());
  EXPECT_EQ(store->GetJobFiles(*acme, audit_id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->RecordJobFiles(*acme, audit_id, JobFiles()).code(),
            absl::StatusCode::kNotFound);

  // Ids that only look like audit ids find nothing; far years still work
  // (stored under a job key then).
  for (const std::string id :
       {"20200304T050000.000000Z", "20200304T050000.000000Z-",
        "20201304T050000.000000Z-1", "2020030xT050000.000000Z-1"}) {
    EXPECT_THAT(store->JobAudit(*acme, id).value(), IsEmpty()) << id;
  }
  for (const absl::Time far :
       {absl::FromCivil(absl::CivilDay(999, 12, 31), absl::UTCTimeZone()),
        absl::FromCivil(absl::CivilDay(12000, 1, 1), absl::UTCTimeZone()),
        Day(1000, 1, 1), Day(9999, 12, 31, 23)}) {
    const std::string id =
        store->AppendAudit(*acme, Audit("", 0, far), false).value();
    EXPECT_EQ(store->JobAudit(*acme, id).value().size(), 1u) << id;
  }
}

TEST(ExportAuditTestOnRocksDb, AnUnreadableRecordIsDataLossNamingItsKey) {
  test::ScratchDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
    ASSERT_TRUE(store
                    ->AppendAudit(*store->Find("acme"),
                                  Audit("job", 0, Day(2026, 1, 1)), true)
                    .ok());
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.path(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    const std::string prefix = AuditPrefix("acme", "job");
    it->Seek(prefix);
    ASSERT_TRUE(it->Valid());
    const std::string key = it->key().ToString();
    it.reset();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, "\x09garbage").ok());
    ASSERT_TRUE(db->Close().ok());
  }
  auto store = OpenOrDie(dir.path());
  absl::Status status =
      store->ExportAudit("acme", Day(2000, 1, 1), Day(2100, 1, 1),
                         [](const AuditRecord&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("t/acme/a/"));
}

// ---- PruneAudit ----------------------------------------------------------

TEST_P(PruneAuditTest, RemovesOnlyOlderRecordsOfEveryTenantAndCountsThem) {
  StoreLocation dir(GetParam());
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
  ASSERT_TRUE(store->CreateTenant(Config("beta")).ok());
  const Tenant* acme = store->Find("acme");
  const Tenant* beta = store->Find("beta");
  // Job "old" loses every record (and its files); job "mixed" keeps one.
  ASSERT_TRUE(
      store->AppendAudit(*acme, Audit("old", 0, Day(2019, 1, 1)), true).ok());
  ASSERT_TRUE(
      store->AppendAudit(*acme, Audit("old", 1, Day(2019, 1, 2)), true).ok());
  ASSERT_TRUE(
      store->AppendAudit(*acme, Audit("mixed", 0, Day(2019, 6, 1)), true).ok());
  ASSERT_TRUE(
      store->AppendAudit(*acme, Audit("mixed", 1, Day(2021, 6, 1)), true).ok());
  ASSERT_TRUE(
      store->AppendAudit(*beta, Audit("b", 0, Day(2020, 12, 31, 23)), true)
          .ok());
  ASSERT_TRUE(
      store->AppendAudit(*beta, Audit("b", 1, Day(2021, 1, 1)), true).ok());
  JobFiles files;
  files.input_name = "leads.csv";
  ASSERT_TRUE(store->RecordJobFiles(*acme, "old", files).ok());
  ASSERT_TRUE(store->RecordJobFiles(*acme, "mixed", files).ok());

  EXPECT_EQ(store->PruneAudit(Day(2000, 1, 1)).value(), 0u);
  EXPECT_EQ(store->PruneAudit(Day(2021, 1, 1)).value(), 4u);
  // A record exactly at `before` is kept.
  EXPECT_THAT(Export(*store, "acme", Day(1900, 1, 1), Day(2100, 1, 1)),
              ElementsAre("mixed@2021-06-01"));
  EXPECT_THAT(Export(*store, "beta", Day(1900, 1, 1), Day(2100, 1, 1)),
              ElementsAre("b@2021-01-01"));
  EXPECT_THAT(store->JobAudit(*acme, "old").value(), IsEmpty());
  ASSERT_EQ(store->JobAudit(*acme, "mixed").value().size(), 1u);
  EXPECT_EQ(store->GetJobFiles(*acme, "old").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store->GetJobFiles(*acme, "mixed").ok());
  EXPECT_EQ(store->PruneAudit(Day(2021, 1, 1)).value(), 0u);

  // Across a reopen, nothing pruned comes back; tenants are untouched.
  store.reset();
  store = OpenOrDie(dir.path());
  EXPECT_THAT(Export(*store, "acme", Day(1900, 1, 1), Day(2100, 1, 1)),
              ElementsAre("mixed@2021-06-01"));
  EXPECT_EQ(store->ListTenants().size(), 2u);
}

TEST_P(PruneAuditTest, PrunesManyRecordsAcrossBatches) {
  StoreLocation dir(GetParam());
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->CreateTenant(Config("acme")).ok());
  const Tenant* acme = store->Find("acme");
  constexpr int kRecords = 25000;  // More than one 10,000-record batch.
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(
        store
            ->AppendAudit(*acme,
                          Audit("job", i, Day(2019, 1, 1) + absl::Seconds(i)),
                          false)
            .ok());
  }
  EXPECT_EQ(store->PruneAudit(Day(2019, 1, 1) + absl::Seconds(20000)).value(),
            20000u);
  EXPECT_EQ(store->JobAudit(*acme, "job").value().size(), 5000u);
}

}  // namespace
}  // namespace dnc::tenant
