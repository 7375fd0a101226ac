// The real dnc-server binary with --http_listen: both front ends serve the
// same data with the same answers, the HTTP flags' errors, and shutdown.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/service/registry_fixture.h"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<test::BackgroundProcess> StartServer(
    const test::ScratchDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), DNC_SERVER_PATH);
  return std::make_unique<test::BackgroundProcess>(args, dir.Path("server"));
}

// A registry with one listed number, served over gRPC and HTTP.
class HttpServerMainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.Path("data");
    test::FixtureSource source;
    source.source = "us-test";
    source.as_of = TodayUtc();
    source.keys = {kListed};
    ASSERT_TRUE(test::PublishFixtureSource(data_, source).ok());
  }

  // Starts the server and returns {grpc port, http port}.
  std::pair<int, int> Serve() {
    server_ = StartServer(
        dir_, {"--auth=none", "--data", data_, "--listen", "127.0.0.1:0",
               "--port_file", dir_.Path("grpc_port"), "--http_listen",
               "127.0.0.1:0", "--http_port_file", dir_.Path("http_port"),
               "--http_threads", "1", "--reload_interval_seconds", "0"});
    EXPECT_TRUE(server_->started());
    const int grpc_port = test::WaitForPort(dir_.Path("grpc_port"));
    const int http_port = test::WaitForPort(dir_.Path("http_port"));
    return {grpc_port, http_port};
  }

  static constexpr uint64_t kListed = 12022345678;
  test::ScratchDir dir_;
  std::string data_;
  std::unique_ptr<test::BackgroundProcess> server_;
};

TEST_F(HttpServerMainTest, HttpAndGrpcGiveTheSameAnswers) {
  const auto [grpc_port, http_port] = Serve();
  ASSERT_GT(grpc_port, 0) << server_->Stderr();
  ASSERT_GT(http_port, 0) << server_->Stderr();
  EXPECT_THAT(server_->Stdout(),
              HasSubstr(absl::StrCat("HTTP API on 127.0.0.1:", http_port)));

  auto stub = v1::ScrubService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                          grpc::InsecureChannelCredentials()));
  auto http = test::HttpClient::Connect(http_port);
  ASSERT_TRUE(http.ok()) << http.status();
  // Listed, callable, invalid and malformed numbers.
  for (const std::string phone :
       {"2022345678", "3032345678", "2025550123", "12345"}) {
    v1::CheckRequest request;
    request.set_raw(phone);
    v1::CheckResponse grpc_answer;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Check(&context, request, &grpc_answer).ok());

    absl::StatusOr<test::HttpReply> reply =
        (*http)->Get(absl::StrCat("/v1/check?phone=", phone));
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_EQ(reply->status, 200) << reply->body;
    const nlohmann::json answer = nlohmann::json::parse(reply->body);
    EXPECT_EQ(answer["disposition"],
              v1::Disposition_Name(grpc_answer.disposition()))
        << phone;
    EXPECT_EQ(answer["callable"], grpc_answer.callable()) << phone;

    absl::StatusOr<test::HttpReply> text =
        (*http)->Get(absl::StrCat("/v1/check.txt?phone=", phone));
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_EQ(absl::StripAsciiWhitespace(text->body),
              grpc_answer.callable() ? "0" : "1")
        << phone;
  }
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(HttpServerMainTest, SighupReloadIsServedOverHttpToo) {
  const auto [grpc_port, http_port] = Serve();
  ASSERT_GT(http_port, 0) << server_->Stderr();
  auto http = test::HttpClient::Connect(http_port);
  ASSERT_TRUE(http.ok()) << http.status();
  auto disposition = [&] {
    absl::StatusOr<test::HttpReply> reply =
        (*http)->Get("/v1/check?phone=%2B1%20303%20234%205678");
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? nlohmann::json::parse(reply->body)["disposition"]
                      : nlohmann::json();
  };
  EXPECT_EQ(disposition(), "CALLABLE");
  test::FixtureSource source;
  source.source = "us-test";
  source.as_of = TodayUtc();
  source.keys = {13032345678};
  ASSERT_TRUE(test::PublishFixtureSource(data_, source).ok());
  server_->Signal(SIGHUP);
  nlohmann::json seen;
  for (int i = 0; i < 500 && seen != "BLOCKED"; ++i) {  // Bounded wait.
    seen = disposition();
    if (seen != "BLOCKED") {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_EQ(seen, "BLOCKED") << server_->Stderr();
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(HttpServerMainTest, ShutdownClosesKeptAliveHttpConnections) {
  const auto [grpc_port, http_port] = Serve();
  ASSERT_GT(http_port, 0) << server_->Stderr();
  auto http = test::HttpClient::Connect(http_port);
  ASSERT_TRUE(http.ok()) << http.status();
  ASSERT_TRUE((*http)->Get("/v1/status").ok());
  server_->Signal(SIGTERM);
  EXPECT_TRUE((*http)->ServerClosesConnection());
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(HttpServerMainTest, BadHttpListenIsAClearError) {
  auto server = StartServer(dir_, {"--auth=none", "--data", data_, "--listen",
                                   "127.0.0.1:0", "--http_listen", "nonsense"});
  ASSERT_TRUE(server->started());
  EXPECT_NE(server->Wait(), 0);
  EXPECT_THAT(server->Stderr(), HasSubstr("--http_listen"));
  EXPECT_THAT(server->Stderr(), HasSubstr("expected HOST:PORT"));
}

TEST_F(HttpServerMainTest, HttpPortFileWithoutHttpListenIsAUsageError) {
  auto server =
      StartServer(dir_, {"--auth=none", "--data", data_, "--listen",
                         "127.0.0.1:0", "--http_port_file", dir_.Path("p")});
  ASSERT_TRUE(server->started());
  EXPECT_EQ(server->Wait(), 2);
  EXPECT_THAT(server->Stderr(), HasSubstr("--http_port_file needs"));
}

TEST_F(HttpServerMainTest, HelpDescribesTheHttpFlags) {
  auto server = StartServer(dir_, {"--help"});
  ASSERT_TRUE(server->started());
  EXPECT_EQ(server->Wait(), 0);
  EXPECT_THAT(server->Stdout(), HasSubstr("--http_listen"));
  EXPECT_THAT(server->Stdout(), HasSubstr("--http_port_file"));
}

}  // namespace
}  // namespace dnc
