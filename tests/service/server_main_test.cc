// Runs the real dnc-server binary (through tests/testing/subprocess.h):
// flags, errors, serving, and shutdown.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/tenant.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using ::testing::HasSubstr;

// A dnc-server child process with stdout and stderr going to files.
std::unique_ptr<test::BackgroundProcess> StartServer(
    const test::ScratchDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), DNC_SERVER_PATH);
  return std::make_unique<test::BackgroundProcess>(args, dir.Path("server"));
}

TEST(ServerMainTest, HelpExitsZeroAndDescribesTheFlags) {
  test::ScratchDir dir;
  auto server = StartServer(dir, {"--help"});
  ASSERT_TRUE(server->started());
  EXPECT_EQ(server->Wait(), 0);
  EXPECT_THAT(server->Stdout(), HasSubstr("--data"));
  EXPECT_THAT(server->Stdout(), HasSubstr("--listen"));
  EXPECT_THAT(server->Stdout(), HasSubstr("--port_file"));
}

TEST(ServerMainTest, MissingDataDirIsAClearError) {
  test::ScratchDir dir;
  const std::string missing = dir.Path("no-such-dir");
  auto server = StartServer(
      dir, {"--auth=none", "--data", missing, "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(server->started());
  EXPECT_NE(server->Wait(), 0);
  EXPECT_THAT(server->Stderr(),
              HasSubstr(absl::StrCat("--data ", missing, " does not exist")));
}

TEST(ServerMainTest, MissingDataFlagIsAClearError) {
  test::ScratchDir dir;
  auto server = StartServer(dir, {"--listen", "127.0.0.1:0"});
  ASSERT_TRUE(server->started());
  EXPECT_NE(server->Wait(), 0);
  EXPECT_THAT(server->Stderr(), HasSubstr("--data is required"));
}

TEST(ServerMainTest, ServesOnPortZeroAndExitsZeroOnSigterm) {
  test::ScratchDir dir;
  const std::string data = dir.Path("data");
  test::FixtureSource source;
  source.source = "us-test";
  source.as_of = TodayUtc();
  source.keys = {12022345678};
  ASSERT_TRUE(test::PublishFixtureSource(data, source).ok());

  const std::string port_file = dir.Path("port");
  auto server = StartServer(
      dir, {"--auth=none", "--data", data, "--listen", "127.0.0.1:0",
            "--port_file", port_file, "--reload_interval_seconds", "1"});
  ASSERT_TRUE(server->started());
  const int port = test::WaitForPort(port_file);
  ASSERT_GT(port, 0) << server->Stderr();
  EXPECT_THAT(server->Stdout(),
              HasSubstr(absl::StrCat("dnc-server listening on 127.0.0.1:", port,
                                     " with 1 source")));
  EXPECT_THAT(server->Stderr(), HasSubstr("us-test"));

  auto stub = v1::ScrubService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  v1::CheckRequest request;
  request.set_raw("+1 (202) 234-5678");
  v1::CheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.disposition(), v1::BLOCKED);

  v1::StatusResponse status;
  grpc::ClientContext status_context;
  ASSERT_TRUE(stub->Status(&status_context, v1::StatusRequest(), &status).ok());
  ASSERT_EQ(status.sources_size(), 1);
  EXPECT_EQ(status.sources(0).snapshot().source(), "us-test");
  EXPECT_FALSE(status.sources(0).stale());

  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

TEST(ServerMainTest, SighupServesANewlyPublishedGenerationWithoutARestart) {
  test::ScratchDir dir;
  const std::string data = dir.Path("data");
  test::FixtureSource source;
  source.source = "us-test";
  source.as_of = TodayUtc();
  source.keys = {12022345678};
  ASSERT_TRUE(test::PublishFixtureSource(data, source).ok());

  // Polling off: only SIGHUP can make the server look again.
  const std::string port_file = dir.Path("port");
  auto server = StartServer(
      dir, {"--auth=none", "--data", data, "--listen", "127.0.0.1:0",
            "--port_file", port_file, "--reload_interval_seconds", "0"});
  ASSERT_TRUE(server->started());
  const int port = test::WaitForPort(port_file);
  ASSERT_GT(port, 0) << server->Stderr();
  auto stub = v1::ScrubService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  auto check = [&](uint64_t e164) {
    v1::CheckRequest request;
    request.set_e164(e164);
    v1::CheckResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(stub->Check(&context, request, &response).ok());
    return response;
  };
  EXPECT_EQ(check(13032345678).disposition(), v1::CALLABLE);

  source.keys = {13032345678};
  ASSERT_TRUE(test::PublishFixtureSource(data, source).ok());
  server->Signal(SIGHUP);
  // Bounded wait for the reload; no timing is asserted.
  v1::CheckResponse response;
  for (int i = 0; i < 500; ++i) {
    response = check(13032345678);
    if (response.disposition() == v1::BLOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(response.disposition(), v1::BLOCKED) << server->Stderr();
  ASSERT_EQ(response.snapshots_size(), 1);
  EXPECT_EQ(response.snapshots(0).generation(), "g000002");
  EXPECT_EQ(check(12022345678).disposition(), v1::CALLABLE);
  EXPECT_THAT(server->Stderr(), HasSubstr("SIGHUP: reload"));

  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

TEST(ServerMainTest, EmptyDataDirStartsAndAnswersStale) {
  test::ScratchDir dir;
  const std::string port_file = dir.Path("port");
  auto server =
      StartServer(dir, {"--auth=none", "--data", dir.path(), "--listen",
                        "127.0.0.1:0", "--port_file", port_file});
  ASSERT_TRUE(server->started());
  const int port = test::WaitForPort(port_file);
  ASSERT_GT(port, 0) << server->Stderr();
  EXPECT_THAT(server->Stderr(), HasSubstr("STALE"));

  auto stub = v1::ScrubService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  v1::CheckRequest request;
  request.set_e164(12022345678);
  v1::CheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.disposition(), v1::STALE);
  EXPECT_FALSE(response.callable());

  server->Signal(SIGINT);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

TEST(ServerMainTest, ApiKeyAuthWithoutATenantStoreIsAUsageError) {
  test::ScratchDir dir;
  auto server =
      StartServer(dir, {"--data", dir.path(), "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(server->started());
  EXPECT_EQ(server->Wait(), 2);
  EXPECT_THAT(server->Stderr(), HasSubstr("needs --tenants DIR"));
  EXPECT_THAT(server->Stderr(), HasSubstr("dnc-tenant"));
  EXPECT_THAT(server->Stderr(), HasSubstr("--auth=none"));
}

TEST(ServerMainTest, UnknownAuthModeIsAUsageError) {
  test::ScratchDir dir;
  auto server = StartServer(dir, {"--data", dir.path(), "--auth", "password"});
  ASSERT_TRUE(server->started());
  EXPECT_EQ(server->Wait(), 2);
  EXPECT_THAT(server->Stderr(), HasSubstr("--auth must be api_key or none"));
}

TEST(ServerMainTest, AuthNoneWarnsAndSaysNoAuthIsRequired) {
  test::ScratchDir dir;
  const std::string port_file = dir.Path("port");
  auto server =
      StartServer(dir, {"--auth=none", "--data", dir.path(), "--listen",
                        "127.0.0.1:0", "--port_file", port_file});
  ASSERT_TRUE(server->started());
  const int port = test::WaitForPort(port_file);
  ASSERT_GT(port, 0) << server->Stderr();
  EXPECT_THAT(server->Stderr(), HasSubstr("AUTHENTICATION IS OFF"));
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::ScrubService::NewStub(channel);
  v1::StatusResponse status;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Status(&context, v1::StatusRequest(), &status).ok());
  EXPECT_FALSE(status.auth_required());
  auto tenants = v1::TenantService::NewStub(channel);
  v1::TenantInfo info;
  grpc::ClientContext who_context;
  EXPECT_EQ(
      tenants->WhoAmI(&who_context, v1::WhoAmIRequest(), &info).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

TEST(ServerMainTest, ServesTenantsFromTheTenantStoreAndRequiresTheirKeys) {
  test::ScratchDir dir;
  const std::string data = dir.Path("data");
  test::FixtureSource source;
  source.source = "us-ftc";
  source.as_of = TodayUtc();
  source.keys = {12022345678};
  ASSERT_TRUE(test::PublishFixtureSource(data, source).ok());
  const std::string tenants_dir = dir.Path("tenants");
  std::string key;
  {
    auto store = tenant::TenantStore::Open(tenants_dir, true);
    ASSERT_TRUE(store.ok()) << store.status();
    tenant::TenantConfig config;
    config.name = "acme";
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    config.entitlements = {all};
    ASSERT_TRUE((*store)->CreateTenant(config).ok());
    auto created = (*store)->CreateApiKey("acme", "ops");
    ASSERT_TRUE(created.ok()) << created.status();
    key = *created;
  }

  const std::string port_file = dir.Path("port");
  auto server =
      StartServer(dir, {"--data", data, "--tenants", tenants_dir, "--listen",
                        "127.0.0.1:0", "--port_file", port_file});
  ASSERT_TRUE(server->started());
  const int port = test::WaitForPort(port_file);
  ASSERT_GT(port, 0) << server->Stderr();
  auto stub = v1::ScrubService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  v1::CheckRequest request;
  request.set_e164(12022345678);
  v1::CheckResponse response;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub->Check(&anonymous, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext with_key;
  with_key.AddMetadata("x-api-key", key);
  ASSERT_TRUE(stub->Check(&with_key, request, &response).ok());
  EXPECT_EQ(response.disposition(), v1::BLOCKED);
  EXPECT_FALSE(response.audit_id().empty());

  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
  // The store was closed cleanly: it opens again (the server's lock is gone)
  // and holds the Check's audit record.
  auto reopened = tenant::TenantStore::Open(tenants_dir, false);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto records =
      (*reopened)->JobAudit(*(*reopened)->Find("acme"), response.audit_id());
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->size(), 1u);
}

TEST(ServerMainTest, BusyPortIsAClearError) {
  test::ScratchDir dir;
  const std::string port_file = dir.Path("port");
  auto first =
      StartServer(dir, {"--auth=none", "--data", dir.path(), "--listen",
                        "127.0.0.1:0", "--port_file", port_file});
  ASSERT_TRUE(first->started());
  const int port = test::WaitForPort(port_file);
  ASSERT_GT(port, 0);

  test::ScratchDir dir2;
  const std::string address = absl::StrCat("127.0.0.1:", port);
  auto second = StartServer(
      dir2, {"--auth=none", "--data", dir.path(), "--listen", address});
  ASSERT_TRUE(second->started());
  EXPECT_NE(second->Wait(), 0);
  EXPECT_THAT(second->Stderr(),
              HasSubstr(absl::StrCat("cannot listen on ", address,
                                     ": Address already in use")));
  first->Signal(SIGTERM);
  EXPECT_EQ(first->Wait(), 0);
}

TEST(ServerMainTest, PlaintextOffLoopbackIsRefusedUnlessAllowed) {
  test::ScratchDir dir;
  for (const std::vector<std::string>& listen :
       {std::vector<std::string>{"--listen", "0.0.0.0:0"},
        std::vector<std::string>{"--listen", "[::]:0"},
        std::vector<std::string>{"--listen", ":0"},
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--http_listen",
                                 "0.0.0.0:0"}}) {
    std::vector<std::string> args = {"--auth=none", "--data", dir.path()};
    args.insert(args.end(), listen.begin(), listen.end());
    auto server = StartServer(dir, args);
    ASSERT_TRUE(server->started());
    EXPECT_EQ(server->Wait(), 2) << listen[1];
    EXPECT_THAT(server->Stderr(), HasSubstr("refusing to serve plaintext on"));
    EXPECT_THAT(server->Stderr(), HasSubstr("--allow_insecure"));
    EXPECT_THAT(server->Stderr(), HasSubstr(listen.back()));
  }
  // Loopback serves (and stops cleanly); [::1] is loopback too, but not
  // every CI machine has IPv6.
  for (const std::string listen :
       {"127.0.0.1:0", "127.0.0.2:0", "localhost:0"}) {
    const std::string port_file = dir.Path("port");
    std::remove(port_file.c_str());
    auto server =
        StartServer(dir, {"--auth=none", "--data", dir.path(), "--listen",
                          listen, "--port_file", port_file});
    ASSERT_TRUE(server->started());
    ASSERT_GT(test::WaitForPort(port_file), 0) << listen << server->Stderr();
    server->Signal(SIGTERM);
    EXPECT_EQ(server->Wait(), 0) << server->Stderr();
  }
}

}  // namespace
}  // namespace dnc
