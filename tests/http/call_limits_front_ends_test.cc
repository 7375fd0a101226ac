// Per-tenant limits over both front ends at once, on real sockets: an
// in-process gRPC ScrubServer and HttpFrontEnd (with the DNC.com endpoint) on
// 127.0.0.1 port 0 share one CallLimits on an injected clock, over a real
// registry and a real TenantStore. A tenant past its requests per second is
// refused RESOURCE_EXHAUSTED with trailing metadata retry-after over gRPC and
// 429 with Retry-After over HTTP, unaudited, while a tenant without limits is
// answered throughout; numbers per day refuse a batch over the remainder
// whole and start again the next (injected) day; a limit changed on the
// store applies to the next call. No sleeps: time moves by the clock.
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnccom/dnccom_scrub.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/http_front_end.h"
#include "nlohmann/json.hpp"
#include "service/auth.h"
#include "service/call_limits.h"
#include "service/grpc_status.h"
#include "service/registry.h"
#include "service/server.h"
#include "tenant/tenant_store.h"
#include "tests/http/audit_counting_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::http {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
const DayNumber kToday = kAsOf + 5;  // 2026-02-06.
// 2026-02-06 15:00 UTC.
constexpr int64_t kStartUnix = 1770390000;
constexpr uint64_t kListed = 12122345601;
constexpr uint64_t kClean = 16172345678;

class CallLimitsFrontEndsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    test::FixtureSource us;
    us.source = "us-ftc";
    us.jurisdiction = "US";
    us.country_codes = {1};
    us.as_of = kAsOf;
    us.keys = {kListed};
    us.added = {kAsOf - 100};
    ASSERT_TRUE(test::PublishFixtureSource(dir_->Path("data"), us).ok());
    service::RegistryOptions registry_options;
    registry_options.data_dir = dir_->Path("data");
    auto registry = service::Registry::Open(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
    auto store = tenant::TenantStore::Open(dir_->Path("tenants"), true);
    ASSERT_TRUE(store.ok()) << store.status();
    real_store_ = store->release();
    store_ = new test::AuditCountingStore(real_store_);
    keys_ = new std::map<std::string, std::string>();
    MakeTenant("alpha", {5, 0});    // The runaway job's tenant.
    MakeTenant("beta", {0, 0});     // A dialer with no limits.
    MakeTenant("gamma", {0, 15});   // 15 numbers a day.
    MakeTenant("delta", {1, 0});    // Its limit changes online.
    MakeTenant("epsilon", {0, 6});  // DNC.com forms.

    service::CallLimitsOptions limits;
    limits.max_concurrent_scrubs = 2;
    limits.now = [] {
      absl::MutexLock lock(&clock_mu_);
      return now_;
    };
    limits_ = new service::CallLimits(limits);

    service::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.today = [] { return kToday; };
    options.limits = limits_;
    auto server = service::ScrubServer::Start(registry_, store_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    stub_ = v1::ScrubService::NewStub(
                grpc::CreateChannel(server_->address(),
                                    grpc::InsecureChannelCredentials()))
                .release();

    HttpFrontEndOptions http;
    http.server.listen = "127.0.0.1:0";
    http.today = [] { return kToday; };
    http.limits = limits_;
    http.add_routes = [](HttpRoutes* routes) {
      routes->Add("POST", "/app/main/rpc/scrub", &dnccom::ServeScrub);
    };
    auto front_end = HttpFrontEnd::Start(registry_, store_, http);
    ASSERT_TRUE(front_end.ok()) << front_end.status();
    http_ = front_end->release();
  }

  static void TearDownTestSuite() {
    http_->Shutdown(absl::Seconds(1));
    delete http_;
    delete stub_;
    delete server_;
    delete limits_;
    delete keys_;
    delete store_;
    delete real_store_;
    delete registry_;
    delete dir_;
  }

  static void MakeTenant(const std::string& name, tenant::TenantLimits limits) {
    tenant::TenantConfig config;
    config.name = name;
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    config.entitlements = {all};
    config.limits = limits;
    ASSERT_TRUE(store_->CreateTenant(config).ok());
    auto key = store_->CreateApiKey(name, "test");
    ASSERT_TRUE(key.ok()) << key.status();
    (*keys_)[name] = *key;
  }

  static void SetLimits(const std::string& name, tenant::TenantLimits limits) {
    for (tenant::TenantConfig config : store_->ListTenants()) {
      if (config.name != name) continue;
      config.limits = limits;
      ASSERT_TRUE(store_->UpdateTenant(config).ok());
    }
  }

  static void Advance(absl::Duration d) {
    absl::MutexLock lock(&clock_mu_);
    now_ += d;
  }

  struct GrpcAnswer {
    grpc::Status status;
    std::string retry_after;  // The trailing metadata entry, if any.
  };
  static GrpcAnswer Check(const std::string& tenant, uint64_t e164) {
    grpc::ClientContext context;
    context.AddMetadata(service::kApiKeyMetadata, keys_->at(tenant));
    v1::CheckRequest request;
    request.set_e164(e164);
    v1::CheckResponse response;
    GrpcAnswer answer;
    answer.status = stub_->Check(&context, request, &response);
    answer.retry_after = RetryAfterOf(context);
    return answer;
  }
  static GrpcAnswer Scrub(const std::string& tenant, int numbers) {
    grpc::ClientContext context;
    context.AddMetadata(service::kApiKeyMetadata, keys_->at(tenant));
    v1::ScrubRequest request;
    for (int i = 0; i < numbers; ++i) {
      request.add_e164(i % 2 == 0 ? kListed : kClean);
    }
    v1::ScrubResponse response;
    GrpcAnswer answer;
    answer.status = stub_->Scrub(&context, request, &response);
    answer.retry_after = RetryAfterOf(context);
    if (answer.status.ok()) {
      EXPECT_EQ(response.dispositions_size(), numbers);
    }
    return answer;
  }
  static std::string RetryAfterOf(const grpc::ClientContext& context) {
    const auto& trailers = context.GetServerTrailingMetadata();
    const auto it = trailers.find(service::kRetryAfterMetadata);
    return it == trailers.end()
               ? ""
               : std::string(it->second.data(), it->second.size());
  }

  static test::HttpReply HttpCheck(const std::string& tenant, uint64_t e164) {
    auto client = test::HttpClient::Connect(http_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    auto reply = (*client)->Get(absl::StrCat("/v1/check?e164=", e164),
                                {{"x-api-key", keys_->at(tenant)}});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : test::HttpReply();
  }
  static test::HttpReply HttpScrub(const std::string& tenant, int numbers) {
    Json request;
    request["numbers"] = std::vector<uint64_t>(numbers, kClean);
    auto client = test::HttpClient::Connect(http_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    auto reply =
        (*client)->Post("/v1/scrub", "application/json", request.dump(),
                        {{"x-api-key", keys_->at(tenant)}});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : test::HttpReply();
  }
  static test::HttpReply DncComScrub(const std::string& tenant, int numbers) {
    std::string list;
    for (int i = 0; i < numbers; ++i) {
      absl::StrAppend(&list, i == 0 ? "" : ",", 6172345600 + i);
    }
    auto client = test::HttpClient::Connect(http_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    auto reply = (*client)->Post(
        "/app/main/rpc/scrub", "application/x-www-form-urlencoded",
        absl::StrCat("loginId=", keys_->at(tenant), "&phoneList=", list));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : test::HttpReply();
  }

  static void ExpectHttpRefusal(const test::HttpReply& reply,
                                const std::string& limit,
                                const std::string& retry_after) {
    EXPECT_EQ(reply.status, 429) << reply.body;
    const std::string* header = reply.Header("retry-after");
    ASSERT_NE(header, nullptr) << reply.body;
    EXPECT_EQ(*header, retry_after);
    const Json body = Json::parse(reply.body, nullptr, false);
    EXPECT_EQ(body["error"].value("code", ""), "RESOURCE_EXHAUSTED");
    EXPECT_EQ(body["error"].value("status", 0), 429);
    EXPECT_THAT(body["error"].value("message", ""), HasSubstr(limit));
  }

  static inline test::ScratchDir* dir_ = nullptr;
  static inline service::Registry* registry_ = nullptr;
  static inline tenant::TenantStore* real_store_ = nullptr;
  static inline test::AuditCountingStore* store_ = nullptr;
  static inline std::map<std::string, std::string>* keys_ = nullptr;
  static inline service::CallLimits* limits_ = nullptr;
  static inline service::ScrubServer* server_ = nullptr;
  static inline v1::ScrubService::Stub* stub_ = nullptr;
  static inline HttpFrontEnd* http_ = nullptr;
  static inline absl::Mutex clock_mu_;
  static inline absl::Time now_ = absl::FromUnixSeconds(kStartUnix);
};

TEST_F(CallLimitsFrontEndsTest,
       PastItsBurstATenantIsRefusedOnBothFrontEndsWhileAnotherIsAnswered) {
  // Alpha's burst of 5 is one budget over gRPC and HTTP.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Check("alpha", kListed).status.ok()) << i;
    ASSERT_TRUE(Check("beta", kListed).status.ok()) << i;
  }
  ASSERT_EQ(HttpCheck("alpha", kClean).status, 200);
  ASSERT_TRUE(Scrub("alpha", 10).status.ok());

  const uint64_t audits = store_->audits();
  const GrpcAnswer refused = Check("alpha", kListed);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.status.error_message(), HasSubstr("requests_per_second"));
  EXPECT_EQ(refused.retry_after, "1");
  const GrpcAnswer refused_scrub = Scrub("alpha", 10);
  EXPECT_EQ(refused_scrub.status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused_scrub.retry_after, "1");
  ExpectHttpRefusal(HttpCheck("alpha", kClean), "requests_per_second", "1");
  ExpectHttpRefusal(HttpScrub("alpha", 3), "requests_per_second", "1");
  EXPECT_EQ(store_->audits(), audits);  // Nothing refused was audited.

  // Beta is answered throughout, on both front ends.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Check("beta", kClean).status.ok()) << i;
    ASSERT_EQ(HttpCheck("beta", kListed).status, 200) << i;
  }
  ASSERT_TRUE(Scrub("beta", 100).status.ok());
  ASSERT_EQ(HttpScrub("beta", 100).status, 200);

  // A second later alpha has 5 again.
  Advance(absl::Seconds(1));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Check("alpha", kClean).status.ok()) << i;
  }
  EXPECT_FALSE(Check("alpha", kClean).status.ok());
}

TEST_F(CallLimitsFrontEndsTest,
       NumbersPerDayRefuseABatchOverTheRemainderWholeUntilTheNextDay) {
  ASSERT_TRUE(Scrub("gamma", 10).status.ok());
  const uint64_t audits = store_->audits();
  const GrpcAnswer refused = Scrub("gamma", 10);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.status.error_message(), HasSubstr("5 remain today"));
  EXPECT_THAT(refused.status.error_message(), HasSubstr("numbers_per_day"));
  EXPECT_FALSE(refused.retry_after.empty());
  ExpectHttpRefusal(HttpScrub("gamma", 6), "5 remain today",
                    refused.retry_after);
  EXPECT_EQ(store_->audits(), audits);
  // What remains can be used, by either front end; then nothing.
  ASSERT_TRUE(Scrub("gamma", 3).status.ok());
  ASSERT_EQ(HttpScrub("gamma", 2).status, 200);
  EXPECT_EQ(Check("gamma", kClean).status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // The next UTC day starts a new count.
  Advance(absl::Hours(24));
  EXPECT_TRUE(Scrub("gamma", 15).status.ok());
}

TEST_F(CallLimitsFrontEndsTest, ADncComFormOverTheDaysRemainderIsRefusedWhole) {
  ASSERT_EQ(DncComScrub("epsilon", 4).status, 200);
  const uint64_t audits = store_->audits();
  const test::HttpReply refused = DncComScrub("epsilon", 3);
  EXPECT_EQ(refused.status, 429) << refused.body;
  ASSERT_NE(refused.Header("retry-after"), nullptr);
  EXPECT_THAT(refused.body, HasSubstr("2 remain today"));
  EXPECT_EQ(store_->audits(), audits);
  EXPECT_EQ(DncComScrub("epsilon", 2).status, 200);
  EXPECT_EQ(DncComScrub("epsilon", 1).status, 429);
  // More than the whole day: told to split it, with no retry time.
  const test::HttpReply too_big = DncComScrub("epsilon", 7);
  EXPECT_EQ(too_big.status, 429);
  EXPECT_THAT(too_big.body, HasSubstr("split it"));
  EXPECT_EQ(too_big.Header("retry-after"), nullptr);
}

// While every bulk slot is held, an HTTP bulk scrub is refused at once (an
// io thread never waits for a slot), but a dialer's DNC.com form of a few
// numbers needs no slot and is answered.
TEST_F(CallLimitsFrontEndsTest,
       WhileEverySlotIsHeldADialersFewNumbersAreStillAnswered) {
  service::WorkSlots::Slot first = limits_->slots().TryAcquire();
  service::WorkSlots::Slot second = limits_->slots().TryAcquire();
  ASSERT_TRUE(first.held() && second.held());
  EXPECT_EQ(DncComScrub("beta", 1).status, 200);
  const int bulk =
      static_cast<int>(service::CallLimits::kMaxUnslottedNumbers) + 1;
  const uint64_t audits = store_->audits();
  ExpectHttpRefusal(DncComScrub("beta", bulk), "--max_concurrent_scrubs", "1");
  EXPECT_EQ(store_->audits(), audits);
  first.Release();
  EXPECT_EQ(DncComScrub("beta", bulk).status, 200);
}

TEST_F(CallLimitsFrontEndsTest, ALimitChangedOnTheStoreAppliesToTheNextCall) {
  ASSERT_TRUE(Check("delta", kClean).status.ok());
  ASSERT_EQ(Check("delta", kClean).status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  SetLimits("delta", {0, 0});  // Unlimited from the next call on.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Check("delta", kClean).status.ok()) << i;
  }
  SetLimits("delta", {0, 3});
  ASSERT_TRUE(Scrub("delta", 3).status.ok());
  EXPECT_EQ(HttpCheck("delta", kClean).status, 429);
}

// The bulk slots over gRPC, on a server of its own: while every slot is
// held, a Scrub waits in the queue (no thread waits with it), one more than
// the queue holds is refused with retry-after, a Check and a Scrub of one
// number are answered at once (they take no slot), and a queued Scrub whose
// deadline (capped by max_deadline) passed before its turn ends
// DEADLINE_EXCEEDED unanswered.
TEST_F(CallLimitsFrontEndsTest, BulkWorkQueuesForASlotWhileChecksAreAnswered) {
  service::CallLimitsOptions bounds;
  bounds.max_concurrent_scrubs = 1;
  bounds.max_queued_scrubs = 1;
  bounds.max_deadline = absl::Nanoseconds(1);  // Nothing queued is in time.
  service::CallLimits limits(bounds);
  service::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.today = [] { return kToday; };
  options.limits = &limits;
  auto server = service::ScrubServer::Start(registry_, store_, options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::ScrubService::NewStub(grpc::CreateChannel(
      (*server)->address(), grpc::InsecureChannelCredentials()));
  const auto context_for = [](grpc::ClientContext* context) {
    context->AddMetadata(service::kApiKeyMetadata, keys_->at("beta"));
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(60));
  };
  // Large enough to need a slot (a dialer's few numbers need none).
  v1::ScrubRequest request;
  for (uint64_t i = 0; i <= service::CallLimits::kMaxUnslottedNumbers; ++i) {
    request.add_e164(kListed);
  }
  ASSERT_TRUE(service::CallLimits::NeedsSlot(request.e164_size()));

  service::WorkSlots::Slot held = limits.slots().TryAcquire();
  ASSERT_TRUE(held.held());
  grpc::ClientContext queued_context;
  context_for(&queued_context);
  v1::ScrubResponse queued_response;
  absl::Notification queued_done;
  grpc::Status queued_status;
  stub->async()->Scrub(&queued_context, &request, &queued_response,
                       [&](grpc::Status status) {
                         queued_status = std::move(status);
                         queued_done.Notify();
                       });
  while (limits.slots().queued() == 0) std::this_thread::yield();

  grpc::ClientContext refused_context;
  context_for(&refused_context);
  v1::ScrubResponse refused_response;
  const grpc::Status refused =
      stub->Scrub(&refused_context, request, &refused_response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("--max_concurrent_scrubs"));
  EXPECT_EQ(RetryAfterOf(refused_context), "1");

  grpc::ClientContext check_context;
  context_for(&check_context);
  v1::CheckRequest check;
  check.set_e164(kListed);
  v1::CheckResponse check_response;
  EXPECT_TRUE(stub->Check(&check_context, check, &check_response).ok());
  // A Scrub of a dialer's few numbers takes no slot either: answered now.
  grpc::ClientContext small_context;
  context_for(&small_context);
  v1::ScrubRequest small;
  small.add_e164(kListed);
  v1::ScrubResponse small_response;
  const grpc::Status small_status =
      stub->Scrub(&small_context, small, &small_response);
  EXPECT_TRUE(small_status.ok()) << small_status.error_message();
  EXPECT_EQ(small_response.dispositions_size(), 1);
  EXPECT_FALSE(queued_done.HasBeenNotified());

  held.Release();
  queued_done.WaitForNotification();
  EXPECT_EQ(queued_status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(queued_status.error_message(), HasSubstr("scrub slot"));
  (*server)->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace dnc::http
