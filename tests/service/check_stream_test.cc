// CheckStream end to end over gRPC: a real server on 127.0.0.1:0 (the
// ScrubServiceImpl with Check on its completion queues, its CallGate and
// API-key Authenticator, as ScrubServer builds them, so the tests can see the
// gate and the open streams) over a real registry (registry_fixture.h) and a
// real TenantStore. Covers answers matched by id, equality with unary Check,
// audit records, authentication, a bad request's error, the client cancelling
// mid-stream, 100,000 checks on one stream, and shutdown (through ScrubServer).
#include "service/check_stream.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/civil_date.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/auth.h"
#include "service/call_gate.h"
#include "service/check_async.h"
#include "service/registry.h"
#include "service/scrub_service.h"
#include "service/server.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

namespace v1 = ::dnc::v1;
using ::testing::HasSubstr;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
const DayNumber kToday = kAsOf + 5;
const std::vector<uint64_t> kListed = {12022345601, 12022345602, 12122345601,
                                       13032345678};
constexpr uint64_t kUnlisted = 16172345678;
constexpr uint64_t kInvalid = 12021234567;  // Exchange 123: cannot exist.

// What every answer must be: the oracle the tests compare with.
struct Expected {
  v1::Disposition disposition;
  uint64_t e164;
};

// The requests the tests send, and what each must be answered.
struct Case {
  v1::CheckRequest request;
  Expected expected;
};

std::vector<Case> Cases(int count, uint32_t seed) {
  std::vector<Case> cases;
  std::mt19937 rng(seed);
  for (int i = 0; i < count; ++i) {
    Case c;
    c.request.set_id(absl::StrCat("id-", i));
    switch (rng() % 6) {
      case 0:
      case 1: {
        const uint64_t n = kListed[rng() % kListed.size()];
        c.request.set_e164(n);
        c.expected = {v1::BLOCKED, n};
        break;
      }
      case 2:
        c.request.set_e164(kUnlisted + rng() % 1000);
        c.expected = {v1::CALLABLE, c.request.e164()};
        break;
      case 3:
        c.request.set_raw("(202) 234-5602");
        c.expected = {v1::BLOCKED, 12022345602};
        break;
      case 4:
        c.request.set_raw("not a number");
        c.expected = {v1::MALFORMED, 0};
        break;
      default:
        c.request.set_e164(kInvalid);
        c.expected = {v1::INVALID, kInvalid};
        break;
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

class CheckStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    test::FixtureSource us;
    us.source = "us-ftc";
    us.as_of = kAsOf;
    us.keys = kListed;
    ASSERT_TRUE(test::PublishFixtureSource(dir_->Path("data"), us).ok());
    RegistryOptions registry_options;
    registry_options.data_dir = dir_->Path("data");
    auto registry = Registry::Open(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
    auto store = tenant::TenantStore::Open(dir_->Path("tenants"), true);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = store->release();
    tenant::TenantConfig config;
    config.name = "acme";
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    config.entitlements = {all};
    ASSERT_TRUE(store_->CreateTenant(config).ok());
    auto key = store_->CreateApiKey("acme", "test");
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = new std::string(*key);
  }

  static void TearDownTestSuite() {
    delete key_;
    delete store_;
    delete registry_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    auth_ = std::make_unique<Authenticator>(AuthMode::kApiKey, store_);
    ScrubServiceOptions options;
    options.today = [] { return kToday; };
    service_ = std::make_unique<ScrubServiceImpl>(registry_, auth_.get(),
                                                  &gate_, options);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service_.get());
    check_async_ = service_->ServeCheck(&builder, CheckAsyncOptions());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    check_async_->Start();
    service_->StartCheckStreams(check_async_.get());
    stub_ = v1::ScrubService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    gate_.StartDraining();
    service_->DrainStreams();
    EXPECT_TRUE(gate_.WaitUntilIdle(absl::Now() + absl::Seconds(30)));
    server_->Shutdown(std::chrono::system_clock::now());
    check_async_->Shutdown();
    server_->Wait();
  }

  static std::unique_ptr<grpc::ClientContext> WithKey(const std::string& key) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!key.empty()) context->AddMetadata(kApiKeyMetadata, key);
    return context;
  }

  static void ExpectAnswered(const v1::CheckResponse& response,
                             const Expected& expected) {
    EXPECT_EQ(response.disposition(), expected.disposition) << response.id();
    EXPECT_EQ(response.e164(), expected.e164) << response.id();
    EXPECT_EQ(response.callable(), expected.disposition == v1::CALLABLE);
    EXPECT_FALSE(response.audit_id().empty());
  }

  static test::ScratchDir* dir_;
  static Registry* registry_;
  static tenant::TenantStore* store_;
  static std::string* key_;
  std::unique_ptr<Authenticator> auth_;
  CallGate gate_;
  std::unique_ptr<ScrubServiceImpl> service_;
  std::unique_ptr<CheckAsync> check_async_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ScrubService::Stub> stub_;
};

test::ScratchDir* CheckStreamTest::dir_ = nullptr;
Registry* CheckStreamTest::registry_ = nullptr;
tenant::TenantStore* CheckStreamTest::store_ = nullptr;
std::string* CheckStreamTest::key_ = nullptr;

TEST_F(CheckStreamTest, AnswersAreMatchedByIdWhateverTheOrder) {
  const std::vector<Case> cases = Cases(400, 7);
  auto context = WithKey(*key_);
  auto stream = stub_->CheckStream(context.get());
  std::map<std::string, v1::CheckResponse> answers;
  auto read = [&](int n) {
    for (int i = 0; i < n; ++i) {
      v1::CheckResponse response;
      ASSERT_TRUE(stream->Read(&response));
      EXPECT_TRUE(answers.emplace(response.id(), response).second)
          << "answered twice: " << response.id();
    }
  };
  // Bursts of different sizes, one larger than the server's queue, each
  // read only partly before the next is written.
  size_t sent = 0;
  int unread = 0;
  for (size_t burst : {1, 3, 100, 7, 150, 2, 137}) {
    for (size_t i = 0; i < burst && sent < cases.size(); ++i, ++sent) {
      ASSERT_TRUE(stream->Write(cases[sent].request));
      ++unread;
    }
    read(unread / 2);
    unread -= unread / 2;
  }
  ASSERT_EQ(sent, cases.size());
  ASSERT_TRUE(stream->WritesDone());
  read(unread);
  v1::CheckResponse extra;
  EXPECT_FALSE(stream->Read(&extra));
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(answers.size(), cases.size());
  for (const Case& c : cases) {
    ExpectAnswered(answers[c.request.id()], c.expected);
  }
}

TEST_F(CheckStreamTest, AnswersEqualUnaryCheckAndAreAuditedPerCheck) {
  v1::CheckRequest request;
  request.set_raw("(212) 234-5601");
  request.set_id("dial-7");
  request.set_request_id("req-7");
  request.set_now_unix_seconds(1770390000);
  request.set_purpose(v1::COMMERCIAL);
  auto unary_context = WithKey(*key_);
  v1::CheckResponse unary;
  ASSERT_TRUE(stub_->Check(unary_context.get(), request, &unary).ok());

  auto context = WithKey(*key_);
  auto stream = stub_->CheckStream(context.get());
  std::vector<v1::CheckResponse> streamed(3);
  for (v1::CheckResponse& response : streamed) {
    ASSERT_TRUE(stream->Write(request));
    ASSERT_TRUE(stream->Read(&response));
  }
  ASSERT_TRUE(stream->WritesDone());
  ASSERT_TRUE(stream->Finish().ok());

  auto unary_records =
      store_->JobAudit(*store_->Find("acme"), unary.audit_id());
  ASSERT_TRUE(unary_records.ok());
  ASSERT_EQ(unary_records->size(), 1u);
  EXPECT_EQ((*unary_records)[0].method, "Check");
  for (v1::CheckResponse& response : streamed) {
    ASSERT_FALSE(response.audit_id().empty());
    EXPECT_NE(response.audit_id(), unary.audit_id());
    auto records = store_->JobAudit(*store_->Find("acme"), response.audit_id());
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 1u);
    const tenant::AuditRecord& record = (*records)[0];
    EXPECT_EQ(record.method, "CheckStream");
    EXPECT_EQ(record.request_id, "req-7");
    EXPECT_EQ(record.numbers_sha256, (*unary_records)[0].numbers_sha256);
    EXPECT_EQ(record.answers_sha256, (*unary_records)[0].answers_sha256);
    response.clear_audit_id();
  }
  unary.clear_audit_id();
  for (const v1::CheckResponse& response : streamed) {
    EXPECT_EQ(response.SerializeAsString(), unary.SerializeAsString());
  }
  EXPECT_EQ(streamed[0].disposition(), v1::BLOCKED);
}

TEST_F(CheckStreamTest, AMissingOrWrongKeyEndsTheStreamUnauthenticated) {
  for (const std::string& key : {std::string(), std::string("dnc_wrong")}) {
    auto context = WithKey(key);
    auto stream = stub_->CheckStream(context.get());
    v1::CheckRequest request;
    request.set_e164(kListed[0]);
    stream->Write(request);  // May fail once the server has finished.
    v1::CheckResponse response;
    EXPECT_FALSE(stream->Read(&response));
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(status.error_message(),
                HasSubstr(key.empty() ? "missing x-api-key" : "unknown"));
  }
}

TEST_F(CheckStreamTest, ABadRequestEndsTheStreamWithItsErrorAfterTheOthers) {
  struct Bad {
    v1::CheckRequest request;
    std::string message;
  };
  std::vector<Bad> bad(3);
  bad[0].request.set_id("no-number");
  bad[0].message = "has no number";
  bad[1].request.set_id("bad-purpose");
  bad[1].request.set_e164(kUnlisted);
  bad[1].request.set_purpose(static_cast<v1::CallPurpose>(99));
  bad[1].message = "purpose";
  bad[2].request.set_id("bad-now");
  bad[2].request.set_e164(kUnlisted);
  bad[2].request.set_now_unix_seconds(12);
  bad[2].message = "now_unix_seconds";
  for (const Bad& b : bad) {
    auto context = WithKey(*key_);
    auto stream = stub_->CheckStream(context.get());
    const std::vector<Case> good = Cases(3, 11);
    for (const Case& c : good) ASSERT_TRUE(stream->Write(c.request));
    ASSERT_TRUE(stream->Write(b.request));
    stream->Write(good[0].request);  // After the bad one: never answered.
    stream->WritesDone();
    for (const Case& c : good) {
      v1::CheckResponse response;
      ASSERT_TRUE(stream->Read(&response));
      EXPECT_EQ(response.id(), c.request.id());
      ExpectAnswered(response, c.expected);
    }
    v1::CheckResponse response;
    EXPECT_FALSE(stream->Read(&response));
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                HasSubstr(absl::StrCat("CheckStream request 4 (id \"",
                                       b.request.id(), "\")")));
    EXPECT_THAT(status.error_message(), HasSubstr(b.message));
  }
}

TEST_F(CheckStreamTest, ClientCancellingMidStreamLeavesNothingOpen) {
  auto context = WithKey(*key_);
  auto stream = stub_->CheckStream(context.get());
  const std::vector<Case> cases = Cases(500, 13);
  // More than the server queues: it stops reading until answers are taken.
  for (const Case& c : cases) ASSERT_TRUE(stream->Write(c.request));
  v1::CheckResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.id(), cases[0].request.id());
  context->TryCancel();
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  gate_.StartDraining();
  EXPECT_TRUE(gate_.WaitUntilIdle(absl::Now() + absl::Seconds(30)));
  EXPECT_EQ(service_->check_streams().open_streams(), 0u);
}

TEST_F(CheckStreamTest, OneHundredThousandChecksOnOneStream) {
  constexpr int kChecks = 100'000;
  const std::vector<Case> cases = Cases(kChecks, 17);
  auto context = WithKey(*key_);
  auto stream = stub_->CheckStream(context.get());
  std::thread writer([&] {
    for (const Case& c : cases) {
      if (!stream->Write(c.request)) break;
    }
    stream->WritesDone();
  });
  std::vector<bool> seen(kChecks, false);
  int answered = 0;
  v1::CheckResponse response;
  while (stream->Read(&response)) {
    const int index = std::stoi(response.id().substr(3));
    ASSERT_GE(index, 0);
    ASSERT_LT(index, kChecks);
    EXPECT_FALSE(seen[index]) << response.id();
    seen[index] = true;
    const Expected& expected = cases[index].expected;
    if (response.disposition() != expected.disposition ||
        response.e164() != expected.e164) {
      ADD_FAILURE() << response.id() << " answered " << response.disposition();
    }
    ++answered;
  }
  writer.join();
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answered, kChecks);
}

TEST_F(CheckStreamTest, AStreamOpenedWhileDrainingFailsUnavailable) {
  gate_.StartDraining();
  service_->DrainStreams();
  auto context = WithKey(*key_);
  auto stream = stub_->CheckStream(context.get());
  v1::CheckResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("shutting down"));
}

// Through ScrubServer, as dnc-server runs it: Shutdown ends an open stream
// with UNAVAILABLE after its answers, without waiting out the grace period
// (it would end CANCELLED if it did).
TEST_F(CheckStreamTest, ShutdownEndsAnOpenStreamUnavailable) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.today = [] { return kToday; };
  auto server = ScrubServer::Start(registry_, store_, options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::ScrubService::NewStub(grpc::CreateChannel(
      (*server)->address(), grpc::InsecureChannelCredentials()));
  auto context = WithKey(*key_);
  auto stream = stub->CheckStream(context.get());
  const std::vector<Case> cases = Cases(5, 19);
  for (const Case& c : cases) {
    ASSERT_TRUE(stream->Write(c.request));
    v1::CheckResponse response;
    ASSERT_TRUE(stream->Read(&response));
    ExpectAnswered(response, c.expected);
  }
  std::thread stopper([&] { (*server)->Shutdown(absl::Seconds(600)); });
  v1::CheckResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  stopper.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("shutting down"));
  (*server)->Wait();
}

}  // namespace
}  // namespace dnc::service
