// TenantStore::ListJobs on both backends (a real RocksDB in a temporary
// directory, a real PostgreSQL database): newest
// activity first, first/last time, requests, numbers and files per job,
// calls without a job id left out, the limit, tenant isolation, a reopened
// store, and a tenant with 100k audit records (one job among 100k unnamed
// Checks, and 1000 jobs of 100 records) answered from the newest records.
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tenant/tenant_store.h"
#include "tests/tenant/tenant_store_backends.h"

namespace dnc::tenant {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::unique_ptr<TenantStore> OpenOrDie(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<TenantStore>> store =
      TenantStore::Open(dir, /*create_if_missing=*/true);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

TenantConfig Config(const std::string& name) {
  TenantConfig config;
  config.name = name;
  config.entitlements = ParseEntitlements("us-ftc:all").value();
  return config;
}

absl::Time At(int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, day, hour, minute),
                         absl::UTCTimeZone());
}

// `job` empty: a call without a job id (its own job, stored inline).
AuditRecord Audit(const std::string& job, uint64_t sequence, absl::Time time,
                  uint64_t numbers) {
  AuditRecord record;
  record.job_id = job;
  record.method = job.empty() ? "Check" : "Scrub";
  record.sequence = sequence;
  record.time = time;
  record.numbers = numbers;
  record.counts.assign(9, 0);
  record.counts[1] = numbers;
  record.numbers_sha256 = std::string(64, 'a');
  record.answers_sha256 = std::string(64, 'b');
  record.entitlements = "us-ftc:all";
  return record;
}

std::vector<std::string> Ids(const std::vector<JobSummary>& jobs) {
  std::vector<std::string> ids;
  for (const JobSummary& job : jobs) ids.push_back(job.job_id);
  return ids;
}

class ListJobsTest : public ::testing::TestWithParam<Backend> {
 protected:
  ListJobsTest() : dir_(GetParam()) {}
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->CreateTenant(Config("acme")).ok());
    ASSERT_TRUE(store_->CreateTenant(Config("other")).ok());
    acme_ = store_->Find("acme");
    other_ = store_->Find("other");
  }

  void Append(const Tenant* tenant, const AuditRecord& record) {
    ASSERT_TRUE(store_->AppendAudit(*tenant, record, /*sync=*/false).ok());
  }

  StoreLocation dir_;
  std::unique_ptr<TenantStore> store_;
  const Tenant* acme_ = nullptr;
  const Tenant* other_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, ListJobsTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         BackendName);

TEST_P(ListJobsTest, NewestActivityFirstWithTotals) {
  // job-a: two batches on the 1st and one on the 5th (sent out of order);
  // job-b: one batch on the 3rd; unnamed Checks in between.
  Append(acme_, Audit("job-a", 0, At(1, 9), 100));
  Append(acme_, Audit("job-a", 2, At(5, 9), 7));
  Append(acme_, Audit("job-a", 1, At(1, 10), 50));
  Append(acme_, Audit("job-b", 0, At(3, 12), 3));
  Append(acme_, Audit("", 0, At(4, 8), 1));
  Append(acme_, Audit("", 0, At(6, 8), 1));
  Append(other_, Audit("job-z", 0, At(7, 8), 9));
  JobFiles files;
  files.input_name = "leads.csv";
  files.input_sha256 = std::string(64, 'c');
  files.output_name = "leads.scrubbed.csv";
  files.output_sha256 = std::string(64, 'd');
  ASSERT_TRUE(store_->RecordJobFiles(*acme_, "job-b", files).ok());

  absl::StatusOr<std::vector<JobSummary>> jobs = store_->ListJobs(*acme_, 50);
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_THAT(Ids(*jobs), ElementsAre("job-a", "job-b"));
  const JobSummary& a = (*jobs)[0];
  EXPECT_EQ(a.first_request, At(1, 9));
  EXPECT_EQ(a.last_request, At(5, 9));
  EXPECT_EQ(a.requests, 3u);
  EXPECT_EQ(a.numbers, 157u);
  EXPECT_FALSE(a.has_files);
  const JobSummary& b = (*jobs)[1];
  EXPECT_EQ(b.first_request, At(3, 12));
  EXPECT_EQ(b.last_request, At(3, 12));
  EXPECT_EQ(b.requests, 1u);
  EXPECT_EQ(b.numbers, 3u);
  EXPECT_TRUE(b.has_files);

  // The other tenant sees only its own job.
  jobs = store_->ListJobs(*other_, 50);
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_THAT(Ids(*jobs), ElementsAre("job-z"));

  // The limit keeps the newest; the store reopened answers the same.
  store_.reset();
  store_ = OpenOrDie(dir_.path());
  acme_ = store_->Find("acme");
  jobs = store_->ListJobs(*acme_, 1);
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_THAT(Ids(*jobs), ElementsAre("job-a"));
}

TEST_P(ListJobsTest, NoJobsAndBadLimits) {
  absl::StatusOr<std::vector<JobSummary>> jobs = store_->ListJobs(*acme_, 50);
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_THAT(*jobs, IsEmpty());
  for (size_t limit : {size_t{0}, TenantStore::kMaxListJobs + 1}) {
    jobs = store_->ListJobs(*acme_, limit);
    EXPECT_EQ(jobs.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(jobs.status().message(), HasSubstr("limit"));
  }
  EXPECT_TRUE(store_->ListJobs(*acme_, TenantStore::kMaxListJobs).ok());
}

TEST_P(ListJobsTest, HundredThousandRecords) {
  // One named job, then 100k unnamed Checks after it: found behind them.
  Append(acme_, Audit("campaign", 0, At(1, 0), 10));
  const absl::Time checks = At(2, 0);
  for (int i = 0; i < 100000; ++i) {
    Append(acme_, Audit("", 0, checks + absl::Milliseconds(i), 1));
  }
  absl::StatusOr<std::vector<JobSummary>> jobs = store_->ListJobs(*acme_, 50);
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_THAT(Ids(*jobs), ElementsAre("campaign"));

  // 1000 jobs of 100 records each (100k records): the newest 500.
  const absl::Time start = At(10, 0);
  for (int job = 0; job < 1000; ++job) {
    for (int batch = 0; batch < 100; ++batch) {
      Append(acme_, Audit(absl::StrCat("job-", job), batch,
                          start + absl::Seconds(job * 100 + batch), 2));
    }
  }
  jobs = store_->ListJobs(*acme_, TenantStore::kMaxListJobs);
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(jobs->size(), TenantStore::kMaxListJobs);
  EXPECT_EQ((*jobs)[0].job_id, "job-999");
  EXPECT_EQ((*jobs)[0].requests, 100u);
  EXPECT_EQ((*jobs)[0].numbers, 200u);
  EXPECT_EQ((*jobs)[0].first_request, start + absl::Seconds(99900));
  EXPECT_EQ((*jobs)[0].last_request, start + absl::Seconds(99999));
  EXPECT_EQ(jobs->back().job_id, "job-500");
}

}  // namespace
}  // namespace dnc::tenant
