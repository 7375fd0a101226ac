#include "service/scrub_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/tenant.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/registry.h"
#include "service/server.h"
#include "service/source_set.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/health_check.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
const DayNumber kToday = kAsOf + 5;
constexpr uint32_t kMaxBatch = 1000;

// Listed in us-test (+1): these three. Everything else in +1 is callable.
constexpr uint64_t kListedA = 12022345678;  // Added kAsOf - 10.
constexpr uint64_t kListedB = 13032345678;
constexpr uint64_t kListedC = 14152345678;
constexpr uint64_t kUnlisted = 16172345678;

// One in-process server on 127.0.0.1:0 over a small fixture registry, with
// a real client channel.
class ScrubServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    test::FixtureSource us;
    us.source = "us-test";
    us.jurisdiction = "US";
    us.country_codes = {1};
    us.as_of = kAsOf;
    us.max_age_days = 31;
    us.keys = {kListedA, kListedB, kListedC};
    us.added = {kAsOf - 10, 0, 0};
    ASSERT_TRUE(test::PublishFixtureSource(dir_->path(), us).ok());
    test::FixtureSource uk;
    uk.source = "uk-test";
    uk.jurisdiction = "GB";
    uk.country_codes = {44};
    uk.as_of = kAsOf - 40;  // Past its 28-day window.
    uk.max_age_days = 28;
    uk.keys = {442071234567};
    ASSERT_TRUE(test::PublishFixtureSource(dir_->path(), uk).ok());

    RegistryOptions registry_options;
    registry_options.data_dir = dir_->path();
    auto registry = Registry::Open(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();

    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.max_batch_entries = kMaxBatch;
    options.today = [] { return kToday; };
    options.auth = AuthMode::kNone;
    auto server = ScrubServer::Start(registry_, nullptr, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }

  static void TearDownTestSuite() {
    delete channel_;
    delete server_;
    delete registry_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    stub_ = v1::ScrubService::NewStub(*channel_);
  }

  static test::ScratchDir* dir_;
  static Registry* registry_;
  static ScrubServer* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  std::unique_ptr<v1::ScrubService::Stub> stub_;
};

test::ScratchDir* ScrubServiceTest::dir_ = nullptr;
Registry* ScrubServiceTest::registry_ = nullptr;
ScrubServer* ScrubServiceTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* ScrubServiceTest::channel_ = nullptr;

TEST_F(ScrubServiceTest, CheckRawListedNumberIsBlockedWithEvidence) {
  v1::CheckRequest request;
  request.set_raw("(202) 234-5678");
  request.set_id("crm-42");
  v1::CheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->Check(&context, request, &response).ok());
  EXPECT_EQ(response.disposition(), v1::BLOCKED);
  EXPECT_FALSE(response.callable());
  EXPECT_EQ(response.e164(), kListedA);
  EXPECT_EQ(response.id(), "crm-42");
  ASSERT_EQ(response.reasons_size(), 1);
  EXPECT_EQ(response.reasons(0).code(), v1::LISTED);
  EXPECT_EQ(response.reasons(0).entry(), 0u);
  EXPECT_EQ(response.reasons(0).added_date(), FormatIsoDate(kAsOf - 10));
  ASSERT_EQ(response.snapshots_size(), 1);
  EXPECT_EQ(response.snapshots(0).source(), "us-test");
  EXPECT_EQ(response.snapshots(0).jurisdiction(), "US");
  EXPECT_EQ(response.snapshots(0).as_of(), "2026-02-01");
  EXPECT_FALSE(response.snapshots(0).generation().empty());
}

TEST_F(ScrubServiceTest, CheckE164UnlistedNumberIsCallable) {
  v1::CheckRequest request;
  request.set_e164(kUnlisted);
  v1::CheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->Check(&context, request, &response).ok());
  EXPECT_EQ(response.disposition(), v1::CALLABLE);
  EXPECT_TRUE(response.callable());
  EXPECT_EQ(response.e164(), kUnlisted);
  EXPECT_EQ(response.reasons_size(), 0);
  EXPECT_EQ(response.snapshots_size(), 1);
}

TEST_F(ScrubServiceTest, CheckNumberInAStaleSourceIsNotCallable) {
  v1::CheckRequest request;
  request.set_raw("+44 20 7123 9999");
  v1::CheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->Check(&context, request, &response).ok());
  EXPECT_EQ(response.disposition(), v1::STALE);
  EXPECT_FALSE(response.callable());
  ASSERT_EQ(response.reasons_size(), 1);
  EXPECT_EQ(response.reasons(0).code(), v1::SOURCE_STALE);
  EXPECT_THAT(response.reasons(0).detail(), HasSubstr("uk-test"));
}

TEST_F(ScrubServiceTest, CheckWithoutANumberIsInvalidArgument) {
  v1::CheckRequest request;
  v1::CheckResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub_->Check(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ScrubServiceTest, ScrubMixesE164AndRawAndEchoesIds) {
  v1::ScrubRequest request;
  request.add_e164(kUnlisted);
  request.add_e164(kListedB);
  request.add_raw("1-415-234-5678");  // kListedC
  request.add_raw("call me maybe");   // Malformed.
  request.add_raw("+49 30 1234567");  // No source covers +49.
  request.add_raw("(911) 234-5678");  // Invalid.
  for (uint64_t id : {101, 102, 103, 104, 105, 106}) request.add_ids(id);
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) {
    request.add_string_ids(id);
  }
  v1::ScrubResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub_->Scrub(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.dispositions(),
              ElementsAre(v1::CALLABLE, v1::BLOCKED, v1::BLOCKED, v1::MALFORMED,
                          v1::STALE, v1::INVALID));
  ASSERT_EQ(response.e164_size(), 6);
  EXPECT_EQ(response.e164(0), kUnlisted);
  EXPECT_EQ(response.e164(1), kListedB);
  EXPECT_EQ(response.e164(2), kListedC);
  EXPECT_EQ(response.e164(3), 0u);
  EXPECT_EQ(response.e164(5), 19112345678u);
  EXPECT_THAT(response.ids(), ElementsAre(101, 102, 103, 104, 105, 106));
  EXPECT_THAT(response.string_ids(), ElementsAre("a", "b", "c", "d", "e", "f"));
  // Reasons only for entries that are not callable, sorted by entry.
  ASSERT_EQ(response.reasons_size(), 5);
  std::vector<uint32_t> entries;
  for (const v1::Reason& r : response.reasons()) entries.push_back(r.entry());
  EXPECT_THAT(entries, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_EQ(response.reasons(0).code(), v1::LISTED);
  EXPECT_EQ(response.reasons(2).code(), v1::MALFORMED_NUMBER);
  EXPECT_FALSE(response.reasons(2).detail().empty());
  EXPECT_EQ(response.reasons(3).code(), v1::NO_SOURCE);
  EXPECT_THAT(response.reasons(3).detail(), HasSubstr("+49"));
  EXPECT_EQ(response.reasons(4).code(), v1::INVALID_NUMBER);
  ASSERT_EQ(response.snapshots_size(), 1);
  EXPECT_EQ(response.snapshots(response.reasons(0).snapshot()).source(),
            "us-test");
}

TEST_F(ScrubServiceTest, MalformedEntriesAreMarkedWithoutFailingTheBatch) {
  v1::ScrubRequest request;
  for (int i = 0; i < 50; ++i) {
    request.add_raw(i % 2 == 0 ? "garbage!" : "(303) 234-5678");
  }
  v1::ScrubResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->Scrub(&context, request, &response).ok());
  ASSERT_EQ(response.dispositions_size(), 50);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(response.dispositions(i),
              i % 2 == 0 ? v1::MALFORMED : v1::BLOCKED);
  }
  EXPECT_EQ(response.reasons_size(), 50);
}

TEST_F(ScrubServiceTest, OversizedBatchIsInvalidArgumentNamingTheLimit) {
  v1::ScrubRequest request;
  for (uint32_t i = 0; i <= kMaxBatch; ++i) request.add_e164(kUnlisted);
  v1::ScrubResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub_->Scrub(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("1001 entries"));
  EXPECT_THAT(status.error_message(), HasSubstr("limit of 1000"));
  EXPECT_THAT(status.error_message(), HasSubstr("ScrubStream"));
}

TEST_F(ScrubServiceTest, BatchAtTheLimitIsAnswered) {
  v1::ScrubRequest request;
  for (uint32_t i = 0; i < kMaxBatch; ++i) request.add_e164(kUnlisted);
  v1::ScrubResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->Scrub(&context, request, &response).ok());
  EXPECT_EQ(response.dispositions_size(), static_cast<int>(kMaxBatch));
}

TEST_F(ScrubServiceTest, IdsCountMismatchIsInvalidArgument) {
  v1::ScrubRequest request;
  request.add_e164(kUnlisted);
  request.add_raw("202-234-5678");
  request.add_ids(1);
  v1::ScrubResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub_->Scrub(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("ids has 1 values for 2 entries"));

  request.clear_ids();
  request.add_string_ids("a");
  request.add_string_ids("b");
  request.add_string_ids("c");
  grpc::ClientContext context2;
  const grpc::Status status2 = stub_->Scrub(&context2, request, &response);
  EXPECT_EQ(status2.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status2.error_message(), HasSubstr("string_ids"));
}

TEST_F(ScrubServiceTest, ScrubStreamAnswersEveryChunkInOrderWithItsSequence) {
  grpc::ClientContext context;
  auto stream = stub_->ScrubStream(&context);
  const std::vector<uint64_t> numbers = {kListedA, kUnlisted, kListedB,
                                         kListedC, 12125550199};
  // Write a few chunks ahead, then alternate, then read the rest.
  constexpr int kChunks = 6;
  int read = 0;
  auto read_one = [&] {
    v1::ScrubResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.sequence(), 1000u + read);
    ASSERT_EQ(response.dispositions_size(), read + 1);
    for (int i = 0; i <= read; ++i) {
      const uint64_t n = numbers[(read + i) % numbers.size()];
      const bool listed = n == kListedA || n == kListedB || n == kListedC;
      EXPECT_EQ(response.e164(i), n);
      if (ClassifyE164(n).valid()) {
        EXPECT_EQ(response.dispositions(i),
                  listed ? v1::BLOCKED : v1::CALLABLE);
      }
      EXPECT_EQ(response.ids(i), 1000u * read + i);
    }
    ++read;
  };
  for (int chunk = 0; chunk < kChunks; ++chunk) {
    v1::ScrubRequest request;
    request.set_sequence(1000 + chunk);
    for (int i = 0; i <= chunk; ++i) {
      request.add_e164(numbers[(chunk + i) % numbers.size()]);
      request.add_ids(1000u * chunk + i);
    }
    ASSERT_TRUE(stream->Write(request));
    if (chunk >= 2) read_one();
  }
  ASSERT_TRUE(stream->WritesDone());
  while (read < kChunks) read_one();
  v1::ScrubResponse extra;
  EXPECT_FALSE(stream->Read(&extra));
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ScrubServiceTest, ScrubStreamEndsOnAnInvalidChunkNamingItsSequence) {
  grpc::ClientContext context;
  auto stream = stub_->ScrubStream(&context);
  v1::ScrubRequest good;
  good.set_sequence(1);
  good.add_e164(kUnlisted);
  ASSERT_TRUE(stream->Write(good));
  v1::ScrubResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.sequence(), 1u);

  v1::ScrubRequest too_big;
  too_big.set_sequence(2);
  for (uint32_t i = 0; i <= kMaxBatch; ++i) too_big.add_e164(kUnlisted);
  stream->Write(too_big);  // May fail once the server has finished.
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("chunk sequence 2"));
  EXPECT_THAT(status.error_message(), HasSubstr("limit of 1000"));
}

TEST_F(ScrubServiceTest, StatusReportsEverySourceAndItsFreshness) {
  v1::StatusRequest request;
  v1::StatusResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->Status(&context, request, &response).ok());
  EXPECT_EQ(response.max_batch_entries(), kMaxBatch);
  EXPECT_FALSE(response.server_version().empty());
  EXPECT_EQ(response.today(), FormatIsoDate(kToday));
  ASSERT_EQ(response.sources_size(), 2);
  const v1::SourceStatus& uk = response.sources(0);  // Sorted by id.
  const v1::SourceStatus& us = response.sources(1);
  EXPECT_EQ(uk.snapshot().source(), "uk-test");
  EXPECT_EQ(us.snapshot().source(), "us-test");
  EXPECT_THAT(us.country_codes(), ElementsAre(1));
  EXPECT_THAT(uk.country_codes(), ElementsAre(44));
  EXPECT_EQ(us.number_count(), 3u);
  EXPECT_EQ(us.age_days(), 5);
  EXPECT_EQ(us.max_age_days(), 31);
  EXPECT_EQ(us.deadline(), "2026-03-04");
  EXPECT_FALSE(us.stale());
  EXPECT_EQ(uk.age_days(), 45);
  EXPECT_TRUE(uk.stale());
  EXPECT_FALSE(us.loaded_at().empty());
  EXPECT_FALSE(response.auth_required());
  EXPECT_EQ(response.tenant(), "");
}

TEST_F(ScrubServiceTest,
       WithoutAuthAnswersAreRegistryOnlyWithWindowsAndNoAudit) {
  v1::ScrubRequest request;
  request.add_e164(kListedA);
  request.add_e164(kUnlisted);
  request.add_raw("not a number");
  request.set_now_unix_seconds(1770390000);  // 2026-02-06 15:00 UTC.
  v1::ScrubResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->Scrub(&context, request, &response).ok());
  EXPECT_THAT(response.dispositions(),
              ElementsAre(v1::BLOCKED, v1::CALLABLE, v1::MALFORMED));
  ASSERT_EQ(response.window_size(), 3);
  ASSERT_GE(response.windows_size(), 1);
  EXPECT_FALSE(response.windows(0).known());
  EXPECT_EQ(response.window(2), 0u);  // MALFORMED: the unknown window.
  for (uint32_t index : response.window()) {
    EXPECT_LT(static_cast<int>(index), response.windows_size());
  }
  EXPECT_EQ(response.audit_id(), "");
  EXPECT_EQ(response.job_id(), "");
}

TEST_F(ScrubServiceTest, WithoutAuthTenantServiceIsFailedPrecondition) {
  auto tenant_stub = v1::TenantService::NewStub(*channel_);
  v1::WhoAmIRequest request;
  v1::TenantInfo response;
  grpc::ClientContext context;
  const grpc::Status status = tenant_stub->WhoAmI(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("--auth=none"));
}

TEST_F(ScrubServiceTest, HealthCheckAnswersServing) {
  std::string serving;
  const grpc::Status status = test::HealthCheck(*channel_, "", &serving);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(serving, "SERVING");
}

TEST(ScrubServerShutdownTest, DrainsCallsInFlightAndTurnsNewCallsAway) {
  test::ScratchDir dir;
  test::FixtureSource us;
  us.as_of = kAsOf;
  us.keys = {kListedA};
  ASSERT_TRUE(test::PublishFixtureSource(dir.path(), us).ok());
  RegistryOptions registry_options;
  registry_options.data_dir = dir.path();
  auto registry = Registry::Open(registry_options);
  ASSERT_TRUE(registry.ok()) << registry.status();
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.today = [] { return kToday; };
  options.auth = AuthMode::kNone;
  auto server = ScrubServer::Start(registry->get(), nullptr, options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::ScrubService::NewStub(grpc::CreateChannel(
      (*server)->address(), grpc::InsecureChannelCredentials()));

  // A stream in flight when shutdown starts.
  grpc::ClientContext stream_context;
  auto stream = stub->ScrubStream(&stream_context);
  v1::ScrubRequest chunk;
  chunk.add_e164(kListedA);
  v1::ScrubResponse answer;
  ASSERT_TRUE(stream->Write(chunk));
  ASSERT_TRUE(stream->Read(&answer));

  absl::Notification shut_down;
  std::thread shutdown([&] {
    (*server)->Shutdown(absl::Seconds(60));
    shut_down.Notify();
  });

  // New calls are turned away (once draining has begun)...
  grpc::Status status;
  for (int i = 0; i < 500; ++i) {
    v1::CheckRequest request;
    request.set_e164(kUnlisted);
    v1::CheckResponse response;
    grpc::ClientContext context;
    status = stub->Check(&context, request, &response);
    if (!status.ok()) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("shutting down"));
  // ...while the stream in flight is still answered, and shutdown waits.
  chunk.set_sequence(2);
  ASSERT_TRUE(stream->Write(chunk));
  ASSERT_TRUE(stream->Read(&answer));
  EXPECT_EQ(answer.sequence(), 2u);
  EXPECT_THAT(answer.dispositions(), ElementsAre(v1::BLOCKED));
  EXPECT_FALSE(shut_down.HasBeenNotified());
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_TRUE(stream->Finish().ok());
  shutdown.join();
  EXPECT_TRUE(shut_down.HasBeenNotified());
}

}  // namespace
}  // namespace dnc::service
