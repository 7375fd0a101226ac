// The real dnc-server with --log_format json, called over gRPC and HTTP with
// good and bad API keys and good and bad numbers, reloaded and stopped:
// every stderr line is one JSON object with the fixed keys, the events of a
// server's life are there, and no line holds a phone number or an API key.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dnc/v1/admin.grpc.pb.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/tenant.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using ::testing::IsSupersetOf;

// Every form of every number the calls below send, and the digits a log
// line could carry them as.
const std::vector<std::string>& SecretNumbers() {
  static const auto* numbers = new std::vector<std::string>{
      "2022345678", "202-234-5678", "(202) 234",    "234-5678",
      "2345678",    "3032345678",   "303-234-5678", "2025550123",
      "5550123",    "6172345611",   "2345611"};
  return *numbers;
}

class ServerLogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.Path("data");
    source_.source = "us-ftc";
    source_.as_of = TodayUtc();
    source_.keys = {12022345678};
    ASSERT_TRUE(test::PublishFixtureSource(data_, source_).ok());
    tenants_ = dir_.Path("tenants");
    auto store = tenant::TenantStore::Open(tenants_, true);
    ASSERT_TRUE(store.ok()) << store.status();
    tenant::TenantConfig config;
    config.name = "acme";
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    config.entitlements = {all};
    ASSERT_TRUE((*store)->CreateTenant(config).ok());
    for (const char* label : {"dialer", "ops"}) {
      auto key = (*store)->CreateApiKey("acme", label);
      ASSERT_TRUE(key.ok()) << key.status();
      keys_.push_back(*key);
    }
    // Well-formed but unknown, and plain garbage.
    keys_.push_back("dnc_aaaabbbbccccddddeeeeffffgggghhhhiiiijjjj");
    keys_.push_back("not-a-key-at-all-0123456789");
    admin_key_file_ = dir_.Path("admin.key");
    std::ofstream(admin_key_file_) << kAdminSecret << "\n";
    ASSERT_EQ(chmod(admin_key_file_.c_str(), 0600), 0);
  }

  static constexpr char kAdminSecret[] =
      "5f0c1e9a7b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e";
  std::string admin_key_file_;

  test::ScratchDir dir_;
  std::string data_;
  std::string tenants_;
  test::FixtureSource source_;
  std::vector<std::string> keys_;  // Two real ones, then two bad ones.
};

TEST_F(ServerLogsTest, JsonLogsAreOneObjectPerLineWithoutNumbersOrKeys) {
  auto server = std::make_unique<test::BackgroundProcess>(
      std::vector<std::string>{DNC_SERVER_PATH,
                               "--log_format=json",
                               "--data",
                               data_,
                               "--tenants",
                               tenants_,
                               "--admin_key_file",
                               admin_key_file_,
                               "--listen",
                               "127.0.0.1:0",
                               "--port_file",
                               dir_.Path("grpc_port"),
                               "--http_listen",
                               "127.0.0.1:0",
                               "--http_port_file",
                               dir_.Path("http_port"),
                               "--http_threads",
                               "1",
                               "--reload_interval_seconds",
                               "0"},
      dir_.Path("server"));
  ASSERT_TRUE(server->started());
  const int grpc_port = test::WaitForPort(dir_.Path("grpc_port"));
  const int http_port = test::WaitForPort(dir_.Path("http_port"));
  ASSERT_GT(grpc_port, 0) << server->Stderr();
  ASSERT_GT(http_port, 0) << server->Stderr();

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  auto scrub = v1::ScrubService::NewStub(channel);
  auto tenants = v1::TenantService::NewStub(channel);
  int answered = 0;
  for (size_t k = 0; k < keys_.size(); ++k) {
    const std::string& key = keys_[k];
    const bool good = k < 2;
    const grpc::StatusCode expected =
        good ? grpc::StatusCode::OK : grpc::StatusCode::UNAUTHENTICATED;
    for (const std::string raw :
         {"+1 (202) 234-5678", "303-234-5678", "2025550123", "hello"}) {
      v1::CheckRequest request;
      request.set_raw(raw);
      v1::CheckResponse response;
      grpc::ClientContext context;
      context.AddMetadata("x-api-key", key);
      EXPECT_EQ(scrub->Check(&context, request, &response).error_code(),
                expected)
          << raw;
      answered += good;
    }
    v1::ScrubRequest batch;
    batch.add_e164(12022345678);
    batch.add_e164(13032345678);
    batch.add_e164(99);
    batch.add_raw("202-234-5678");
    batch.add_raw("not a number");
    v1::ScrubResponse scrubbed;
    grpc::ClientContext scrub_context;
    scrub_context.AddMetadata("x-api-key", key);
    EXPECT_EQ(scrub->Scrub(&scrub_context, batch, &scrubbed).error_code(),
              expected);
    // A request error: ids do not match the entries.
    v1::ScrubRequest mismatched = batch;
    mismatched.add_ids(1);
    grpc::ClientContext bad_context;
    bad_context.AddMetadata("x-api-key", key);
    EXPECT_EQ(scrub->Scrub(&bad_context, mismatched, &scrubbed).error_code(),
              good ? grpc::StatusCode::INVALID_ARGUMENT
                   : grpc::StatusCode::UNAUTHENTICATED);
    v1::OptOutRequest opt_out;
    opt_out.add_raw("617-234-5611");
    opt_out.set_note("call 2026-12-02");
    v1::OptOutResponse opted;
    grpc::ClientContext opt_context;
    opt_context.AddMetadata("x-api-key", key);
    EXPECT_EQ(tenants->AddOptOuts(&opt_context, opt_out, &opted).error_code(),
              expected);
  }
  // No key at all.
  v1::CheckRequest anonymous_request;
  anonymous_request.set_e164(12022345678);
  v1::CheckResponse anonymous_response;
  grpc::ClientContext anonymous;
  EXPECT_EQ(scrub->Check(&anonymous, anonymous_request, &anonymous_response)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  auto http = test::HttpClient::Connect(http_port);
  ASSERT_TRUE(http.ok()) << http.status();
  for (const std::string& key : keys_) {
    for (const std::string query :
         {"/v1/check?phone=202-234-5678", "/v1/check?e164=13032345678",
          "/v1/check?phone=2025550123", "/v1/check?phone=hello",
          "/v1/check?phone=2022345678&purpose=bogus"}) {
      auto reply = (*http)->Get(query, {{"x-api-key", key}});
      ASSERT_TRUE(reply.ok()) << reply.status();
    }
    auto text = (*http)->Get(
        absl::StrCat("/v1/check.txt?phone=3032345678&api_key=", key));
    ASSERT_TRUE(text.ok()) << text.status();
    auto scrubbed = (*http)->Post(
        "/v1/scrub", "application/json",
        R"({"numbers": ["202-234-5678", "3032345678", "2025550123", "x"]})",
        {{"x-api-key", key}});
    ASSERT_TRUE(scrubbed.ok()) << scrubbed.status();
    auto broken = (*http)->Post("/v1/scrub", "application/json",
                                R"({"numbers": ["202-234-5678",]})",
                                {{"x-api-key", key}});
    ASSERT_TRUE(broken.ok()) << broken.status();
    auto dnccom = (*http)->Post(
        "/app/main/rpc/scrub", "application/x-www-form-urlencoded",
        absl::StrCat("loginId=", key, "&phoneList=2022345678,3032345678"));
    ASSERT_TRUE(dnccom.ok()) << dnccom.status();
  }
  auto no_key = (*http)->Get("/v1/check?phone=2022345678");
  ASSERT_TRUE(no_key.ok()) << no_key.status();
  EXPECT_EQ(no_key->status, 401);

  // Online administration: a key made and one revoked (admin_action lines),
  // and a call with a wrong admin key.
  auto admin = v1::AdminService::NewStub(channel);
  v1::CreateApiKeyRequest create;
  create.set_tenant("acme");
  create.set_label("made-online");
  v1::CreateApiKeyResponse created;
  grpc::ClientContext create_context;
  create_context.AddMetadata("x-admin-key", kAdminSecret);
  ASSERT_TRUE(admin->CreateApiKey(&create_context, create, &created).ok());
  keys_.push_back(created.api_key());
  v1::CheckRequest with_new_key;
  with_new_key.set_raw("202-234-5678");
  v1::CheckResponse new_key_answer;
  grpc::ClientContext new_key_context;
  new_key_context.AddMetadata("x-api-key", created.api_key());
  EXPECT_TRUE(
      scrub->Check(&new_key_context, with_new_key, &new_key_answer).ok());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_tenant("acme");
  revoke.set_label("ops");
  v1::RevokeApiKeyResponse revoked;
  grpc::ClientContext revoke_context;
  revoke_context.AddMetadata("x-admin-key", kAdminSecret);
  EXPECT_TRUE(admin->RevokeApiKey(&revoke_context, revoke, &revoked).ok());
  grpc::ClientContext wrong_admin;
  wrong_admin.AddMetadata("x-admin-key", keys_[0]);
  EXPECT_EQ(admin->CreateApiKey(&wrong_admin, create, &created).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A reload that opens a new generation, then a clean stop.
  source_.keys = {13032345678};
  ASSERT_TRUE(test::PublishFixtureSource(data_, source_).ok());
  server->Signal(SIGHUP);
  for (int i = 0; i < 500; ++i) {  // Bounded wait for the reload's line.
    if (server->Stderr().find("\"event\":\"reload\"") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server->Signal(SIGTERM);
  ASSERT_EQ(server->Wait(), 0) << server->Stderr();
  EXPECT_EQ(answered, 8);

  const std::string err = server->Stderr();
  ASSERT_FALSE(err.empty());
  ASSERT_EQ(err.back(), '\n');
  std::set<std::string> events;
  std::map<std::string, nlohmann::json> first_of;
  std::vector<nlohmann::json> admin_lines;
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    const std::string text(line);
    nlohmann::json object;
    ASSERT_NO_THROW(object = nlohmann::json::parse(text)) << text;
    ASSERT_TRUE(object.is_object()) << text;
    for (const char* key : {"time", "level", "event", "message", "caller"}) {
      ASSERT_TRUE(object.contains(key)) << key << " missing: " << text;
      EXPECT_TRUE(object[key].is_string()) << text;
    }
    const std::string event = object["event"];
    events.insert(event);
    first_of.emplace(event, object);
    if (event == "admin" && object.contains("action")) {
      admin_lines.push_back(object);
    }
    for (const std::string& number : SecretNumbers()) {
      EXPECT_EQ(text.find(number), std::string::npos)
          << "a number (" << number << ") in a log line: " << text;
    }
    EXPECT_EQ(text.find(std::string(kAdminSecret).substr(8, 24)),
              std::string::npos)
        << "the admin key in a log line: " << text;
    for (const std::string& key : keys_) {
      EXPECT_EQ(text.find(key), std::string::npos)
          << "an API key in a log line: " << text;
      // Not even a recognisable part of one.
      EXPECT_EQ(text.find(key.substr(4, 12)), std::string::npos) << text;
    }
  }
  EXPECT_THAT(events, IsSupersetOf({"start", "numbering_table", "source_loaded",
                                    "tenants", "listen", "admin", "reload",
                                    "shutdown", "stopped"}))
      << err;
  EXPECT_EQ(first_of["start"]["data"], data_);
  EXPECT_EQ(first_of["source_loaded"]["source"], "us-ftc");
  EXPECT_EQ(first_of["tenants"]["tenants"], 1);
  // One line per admin call: made, revoked, refused.
  ASSERT_EQ(admin_lines.size(), 3u) << err;
  EXPECT_EQ(admin_lines[0]["action"], "CreateApiKey");
  EXPECT_EQ(admin_lines[0]["tenant"], "acme");
  EXPECT_EQ(admin_lines[0]["outcome"], "OK");
  EXPECT_EQ(admin_lines[1]["action"], "RevokeApiKey");
  EXPECT_EQ(admin_lines[2]["outcome"], "UNAUTHENTICATED");
  EXPECT_EQ(first_of["reload"]["trigger"], "sighup");
  EXPECT_EQ(first_of["reload"]["opened"], 1);
  EXPECT_EQ(first_of["reload"]["ok"], true);
  EXPECT_TRUE(first_of["reload"]["duration_ms"].is_number());
  EXPECT_EQ(first_of["shutdown"]["signal"], "TERM");
  EXPECT_EQ(first_of["stopped"]["exit_code"], 0);
  std::set<std::string> front_ends;
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    const nlohmann::json object = nlohmann::json::parse(std::string(line));
    if (object["event"] == "listen") {
      front_ends.insert(object["front_end"].get<std::string>());
      EXPECT_TRUE(object["address"].is_string());
    }
  }
  EXPECT_EQ(front_ends, (std::set<std::string>{"grpc", "http"}));
}

TEST_F(ServerLogsTest, ARefusalIsAJsonLineToo) {
  auto server = std::make_unique<test::BackgroundProcess>(
      std::vector<std::string>{DNC_SERVER_PATH, "--log_format", "json",
                               "--data", data_, "--auth=none", "--listen",
                               "0.0.0.0:0"},
      dir_.Path("refused"));
  ASSERT_TRUE(server->started());
  EXPECT_EQ(server->Wait(), 2);
  const std::string err = server->Stderr();
  const std::vector<std::string> lines =
      absl::StrSplit(err, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1u) << err;
  const nlohmann::json object = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(object["level"], "error");
  EXPECT_EQ(object["event"], "usage_error");
  EXPECT_EQ(object["program"], "dnc-server");
  EXPECT_THAT(object["message"].get<std::string>(),
              ::testing::HasSubstr("refusing to serve plaintext on --listen "
                                   "0.0.0.0:0"));
}

TEST_F(ServerLogsTest, GrpcsOwnLinesAndAStartFailureAreJsonLinesToo) {
  test::BackgroundProcess first(
      {DNC_SERVER_PATH, "--data", data_, "--auth=none", "--listen",
       "127.0.0.1:0", "--port_file", dir_.Path("first_port")},
      dir_.Path("first"));
  ASSERT_TRUE(first.started());
  const int port = test::WaitForPort(dir_.Path("first_port"));
  ASSERT_GT(port, 0) << first.Stderr();
  // The same port again: gRPC logs why it cannot bind, then we fail.
  test::BackgroundProcess second(
      {DNC_SERVER_PATH, "--log_format=json", "--data", data_, "--auth=none",
       "--listen", absl::StrCat("127.0.0.1:", port)},
      dir_.Path("second"));
  ASSERT_TRUE(second.started());
  EXPECT_EQ(second.Wait(), 1);
  const std::string err = second.Stderr();
  std::set<std::string> events;
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    nlohmann::json object;
    ASSERT_NO_THROW(object = nlohmann::json::parse(std::string(line))) << line;
    events.insert(object["event"].get<std::string>());
    if (object["event"] == "error") {
      EXPECT_THAT(object["message"].get<std::string>(),
                  ::testing::HasSubstr("Address already in use"));
    }
  }
  EXPECT_THAT(events, IsSupersetOf({"start", "grpc", "error"})) << err;
  first.Signal(SIGTERM);
  EXPECT_EQ(first.Wait(), 0);
}

TEST_F(ServerLogsTest, TextLogsKeepTheirLookAndAddTheFields) {
  auto server = std::make_unique<test::BackgroundProcess>(
      std::vector<std::string>{DNC_SERVER_PATH, "--data", data_, "--auth=none",
                               "--listen", "127.0.0.1:0", "--port_file",
                               dir_.Path("port")},
      dir_.Path("text"));
  ASSERT_TRUE(server->started());
  ASSERT_GT(test::WaitForPort(dir_.Path("port")), 0) << server->Stderr();
  server->Signal(SIGTERM);
  ASSERT_EQ(server->Wait(), 0) << server->Stderr();
  EXPECT_THAT(server->Stderr(),
              ::testing::ContainsRegex(
                  "I [0-9-]+T[0-9:]+Z server_main.cc:[0-9]+\\] dnc-server .* "
                  "serving 1 source\\(s\\) .* \\| event=listen front_end=grpc "
                  "address=127.0.0.1:[0-9]+"));
  EXPECT_THAT(server->Stderr(),
              ::testing::HasSubstr("| event=stopped exit_code=0\n"));
}

}  // namespace
}  // namespace dnc
