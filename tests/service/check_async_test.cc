#include "service/check_async.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"
#include "gtest/gtest.h"

namespace dnc::service {
namespace {

namespace v1 = ::dnc::v1;

// Check async (through CheckAsync), Status a callback method: the mix the
// real ScrubServiceImpl would use.
class MixedService final : public CheckAsyncService {
 public:
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const v1::StatusRequest* request,
                                   v1::StatusResponse* response) override {
    response->set_server_version("mixed-test");
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// An answer anyone can predict: BLOCKED for even numbers, CALLABLE for odd
// ones, the number and id echoed back; the call's "x-tenant" metadata comes
// back as one reason's detail (so tests see the context); e164 0 fails.
absl::Status Answer(grpc::ServerContextBase* context,
                    const v1::CheckRequest& request,
                    v1::CheckResponse* response) {
  if (request.e164() == 0) {
    return absl::InvalidArgumentError("CheckRequest has no number");
  }
  response->set_e164(request.e164());
  response->set_id(request.id());
  const bool even = request.e164() % 2 == 0;
  response->set_disposition(even ? v1::BLOCKED : v1::CALLABLE);
  response->set_callable(!even);
  const auto& metadata = context->client_metadata();
  auto tenant = metadata.find("x-tenant");
  if (tenant != metadata.end()) {
    response->add_reasons()->set_detail(
        std::string(tenant->second.data(), tenant->second.size()));
  }
  return absl::OkStatus();
}

class CheckAsyncTest : public ::testing::TestWithParam<int> {
 protected:
  void StartServer(int queues, int calls_per_queue) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    CheckAsyncOptions options;
    options.completion_queues = queues;
    options.calls_per_queue = calls_per_queue;
    check_ = std::make_unique<CheckAsync>(&service_, Answer, options, &builder);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
    check_->Start();
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::ScrubService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) {
      server_->Shutdown(std::chrono::system_clock::now() +
                        std::chrono::seconds(1));
      check_->Shutdown();
      server_->Wait();
    }
    server_.reset();
    check_.reset();
  }

  grpc::Status Check(uint64_t e164, v1::CheckResponse* response,
                     const std::string& tenant = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    if (!tenant.empty()) context.AddMetadata("x-tenant", tenant);
    v1::CheckRequest request;
    request.set_e164(e164);
    request.set_id(absl::StrCat("id-", e164));
    return stub_->Check(&context, request, response);
  }

  MixedService service_;
  std::unique_ptr<CheckAsync> check_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ScrubService::Stub> stub_;
};

TEST_P(CheckAsyncTest, AnswersCheckThroughTheQueuesWithTheAnswerFunction) {
  StartServer(GetParam(), 4);
  for (uint64_t e164 : {12025550100ULL, 12025550101ULL}) {
    v1::CheckResponse response;
    const grpc::Status status = Check(e164, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.e164(), e164);
    EXPECT_EQ(response.id(), absl::StrCat("id-", e164));
    EXPECT_EQ(response.disposition(),
              e164 % 2 == 0 ? v1::BLOCKED : v1::CALLABLE);
    EXPECT_TRUE(response.reasons().empty());
  }
}

TEST_P(CheckAsyncTest, CallbackMethodsOfTheSameServiceKeepWorking) {
  StartServer(GetParam(), 4);
  grpc::ClientContext context;
  v1::StatusResponse response;
  const grpc::Status status =
      stub_->Status(&context, v1::StatusRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.server_version(), "mixed-test");
  v1::CheckResponse check;
  EXPECT_TRUE(Check(12025550102ULL, &check).ok());
}

TEST_P(CheckAsyncTest, AnErrorFromTheAnswerFailsTheCallWithItsCodeAndMessage) {
  StartServer(GetParam(), 4);
  v1::CheckResponse response;
  const grpc::Status status = Check(0, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "CheckRequest has no number");
  // The call object is reused for the next call, which succeeds.
  EXPECT_TRUE(Check(12025550103ULL, &response).ok());
  EXPECT_EQ(response.e164(), 12025550103ULL);
}

TEST_P(CheckAsyncTest, TheAnswerSeesTheClientMetadataOfItsOwnCall) {
  StartServer(GetParam(), 2);
  for (int i = 0; i < 6; ++i) {  // More calls than requested slots.
    const std::string tenant = absl::StrCat("tenant-", i);
    v1::CheckResponse response;
    ASSERT_TRUE(Check(12025550100ULL + i, &response, tenant).ok());
    ASSERT_EQ(response.reasons_size(), 1);
    EXPECT_EQ(response.reasons(0).detail(), tenant);
  }
}

TEST_P(CheckAsyncTest, ManyConcurrentCallsEachGetTheirOwnAnswer) {
  StartServer(GetParam(), 2);  // Fewer requested calls than callers.
  constexpr int kThreads = 8;
  constexpr int kCallsEach = 50;
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsEach; ++i) {
        const uint64_t e164 = 12025550000ULL + t * 1000 + i;
        v1::CheckResponse response;
        if (!Check(e164, &response).ok()) {
          ++failed;
        } else if (response.e164() != e164 ||
                   response.id() != absl::StrCat("id-", e164)) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(CheckAsyncTest, ShutdownIsCleanAndIdempotentWithCallsStillRequested) {
  StartServer(GetParam(), 16);
  v1::CheckResponse response;
  ASSERT_TRUE(Check(12025550104ULL, &response).ok());
  server_->Shutdown(std::chrono::system_clock::now());
  check_->Shutdown();
  check_->Shutdown();
  server_->Wait();
  server_.reset();
}

INSTANTIATE_TEST_SUITE_P(Queues, CheckAsyncTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return absl::StrCat(param.param, "Queues");
                         });

TEST(CheckAsyncNeverStartedTest, ShutsDownCleanlyWithoutStart) {
  MixedService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  CheckAsync check(&service, Answer, CheckAsyncOptions(), &builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  server->Shutdown(std::chrono::system_clock::now());
  check.Shutdown();
  server->Wait();
}

}  // namespace
}  // namespace dnc::service
