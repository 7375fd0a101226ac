// Online administration through the real binaries on 127.0.0.1: dnc-load
// publishes a small registry, dnc-tenant --tenants makes two tenants while
// the server is stopped, dnc-server runs with --admin_key_file, and
// dnc-tenant --server changes tenants while it serves.
//   - Under a bounded Scrub load from the two tenants (a few threads, each
//     on its own channel, for about 2.5 s), a tenant is created online and
//     its new key is answered on the very next call, on a channel opened
//     before it existed, on a new one and on an HTTP keep-alive connection
//     opened before; a key is revoked and the next call with it fails
//     UNAUTHENTICATED (HTTP 401) on every one of those connections; the
//     load's calls all succeed.
//   - Over mutual TLS (certificates made by openssl): dnc-tenant --server
//     with --ca_cert and a client certificate administers; without the
//     client certificate it is refused.
//   - The audit export online (server running) is byte for byte the export
//     offline (server stopped); prune online keeps the retention unless
//     forced, and a forced prune empties the export.
// No timing is asserted; every process is bounded in time.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "demo/sample_data.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_certs.h"

namespace dnc {
namespace {

using test::BackgroundProcess;
using test::RunProcess;
using test::RunResult;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr auto kCliTimeout = std::chrono::seconds(60);
constexpr int kLoadThreads = 3;
constexpr auto kLoadDuration = std::chrono::milliseconds(2500);

std::string DayText(std::time_t when) {
  std::tm tm_utc;
  gmtime_r(&when, &tm_utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm_utc);
  return text;
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

class OnlineAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    demo::SampleOptions options;
    options.registry_numbers = 5'000;
    registry_ = demo::GenerateRegistry(options);
    const std::string zip = dir_.Path("ftc-flat.zip");
    ASSERT_TRUE(demo::WriteFtcFlatZip(registry_, zip).ok());
    data_ = dir_.Path("data");
    tenants_ = dir_.Path("tenants");
    const RunResult load =
        RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "us-ftc",
                    "--as_of", DayText(std::time(nullptr)), zip},
                   dir_.path(), std::chrono::seconds(120));
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    admin_key_file_ = dir_.Path("admin.key");
    std::ofstream(admin_key_file_)
        << "7b3c9e1f04a2d8b6c5e7f9a1b3d5c7e9f0a2b4c6d8e0f1a3\n";
    ASSERT_EQ(chmod(admin_key_file_.c_str(), 0600), 0);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Stop(SIGTERM);
  }

  RunResult Offline(std::vector<std::string> args) {
    args.insert(args.begin(), {DNC_TENANT_BIN, "--tenants", tenants_});
    return RunProcess(args, dir_.path(), kCliTimeout);
  }
  RunResult Online(std::vector<std::string> args) {
    args.insert(args.begin(), {DNC_TENANT_BIN, "--server", address_,
                               "--admin_key_file", admin_key_file_});
    return RunProcess(args, dir_.path(), kCliTimeout);
  }
  static std::string KeyOf(const RunResult& created) {
    EXPECT_EQ(created.exit_code, 0) << created.err;
    const std::string key = Trim(created.out);
    EXPECT_THAT(key, StartsWith("dnc_"));
    return key;
  }

  // `extra_flags` (e.g. TLS) are added to the command line.
  void StartServer(const std::vector<std::string>& extra_flags = {}) {
    const std::string port_file = dir_.Path("server.port");
    const std::string http_port_file = dir_.Path("http.port");
    std::filesystem::remove(port_file);
    std::filesystem::remove(http_port_file);
    std::vector<std::string> argv = {
        DNC_SERVER_BIN, "--data",           data_,           "--tenants",
        tenants_,       "--listen",         "127.0.0.1:0",   "--port_file",
        port_file,      "--admin_key_file", admin_key_file_, "--http_listen",
        "127.0.0.1:0",  "--http_port_file", http_port_file};
    argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
    server_ = std::make_unique<BackgroundProcess>(
        argv, dir_.Path(absl::StrCat("server", ++server_starts_)));
    const int port = test::WaitForPort(port_file);
    ASSERT_GT(port, 0) << "dnc-server did not start: " << server_->Stderr();
    address_ = absl::StrCat("127.0.0.1:", port);
    http_port_ = test::WaitForPort(http_port_file);
    ASSERT_GT(http_port_, 0) << server_->Stderr();
  }

  void StopServer() {
    ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
    server_.reset();
  }

  std::shared_ptr<grpc::Channel> NewChannel() const {
    return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  }

  // One Scrub of `numbers` registry numbers (from `offset`) with `key`.
  grpc::Status Scrub(grpc::Channel* channel, const std::string& key,
                     size_t offset = 0, size_t numbers = 20) const {
    auto stub = v1::ScrubService::NewStub(
        std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    context.AddMetadata("x-api-key", key);
    v1::ScrubRequest request;
    for (size_t i = 0; i < numbers; ++i) {
      request.add_e164(
          registry_.numbers[(offset + i) % registry_.numbers.size()]);
    }
    v1::ScrubResponse response;
    return stub->Scrub(&context, request, &response);
  }

  test::ScratchDir dir_;
  demo::SampleRegistry registry_;
  std::string data_, tenants_, admin_key_file_, address_;
  int http_port_ = 0;
  std::unique_ptr<BackgroundProcess> server_;
  int server_starts_ = 0;
};

TEST_F(OnlineAdminTest, KeysMadeAndRevokedOnlineApplyOnTheNextCallUnderLoad) {
  const std::vector<std::string> load_keys = {
      KeyOf(Offline({"create", "load-a", "--entitle", "us-ftc:all"})),
      KeyOf(Offline({"create", "load-b", "--entitle", "us-ftc:all"}))};
  ASSERT_NO_FATAL_FAILURE(StartServer());

  // A channel and an HTTP connection opened before the new tenant exists.
  const std::shared_ptr<grpc::Channel> early = NewChannel();
  ASSERT_TRUE(Scrub(early.get(), load_keys[0]).ok());
  absl::StatusOr<std::unique_ptr<test::HttpClient>> http =
      test::HttpClient::Connect(http_port_);
  ASSERT_TRUE(http.ok()) << http.status();
  const std::string check =
      absl::StrCat("/v1/check?phone=%2B", registry_.numbers[0]);
  auto http_check = [&](const std::string& key) {
    absl::StatusOr<test::HttpReply> reply =
        (*http)->Get(check, {{"x-api-key", key}});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->status : 0;
  };
  ASSERT_EQ(http_check(load_keys[1]), 200);

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::vector<std::string> first_failure(kLoadThreads);
  // The load runs until the admin steps below are done and for at least
  // kLoadDuration (bounded: the steps are bounded), so they overlap.
  const auto load_start = std::chrono::steady_clock::now();
  std::vector<std::thread> load;
  for (int t = 0; t < kLoadThreads; ++t) {
    load.emplace_back([&, t] {
      const std::shared_ptr<grpc::Channel> channel = NewChannel();
      for (size_t i = 0; !stop; ++i) {
        const grpc::Status status = Scrub(
            channel.get(), load_keys[(t + i) % load_keys.size()], i * 20, 50);
        ++calls;
        if (!status.ok()) {
          ++failures;
          if (first_failure[t].empty()) {
            first_failure[t] = status.error_message();
          }
        }
      }
    });
  }

  const int calls_before_admin = calls.load();
  // Created online: the key is answered on the next call, on the channel
  // opened before and on a new one.
  const RunResult created =
      Online({"create", "newco", "--entitle", "us-ftc:all"});
  const std::string key = KeyOf(created);
  EXPECT_THAT(created.err, HasSubstr("dnc-server at " + address_));
  EXPECT_TRUE(Scrub(early.get(), key).ok());
  const std::shared_ptr<grpc::Channel> later = NewChannel();
  EXPECT_TRUE(Scrub(later.get(), key).ok());
  EXPECT_EQ(http_check(key), 200);

  // A second key, then the first revoked: refused on the next call on every
  // connection, the second still answered.
  const std::string second =
      KeyOf(Online({"key-create", "newco", "--label", "second"}));
  EXPECT_TRUE(Scrub(later.get(), second).ok());
  const RunResult revoked = Online({"key-revoke", "newco", "--label", "key-1"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  const std::shared_ptr<grpc::Channel> fresh = NewChannel();
  for (grpc::Channel* channel : {early.get(), later.get(), fresh.get()}) {
    EXPECT_EQ(Scrub(channel, key).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(Scrub(channel, second).ok());
  }
  EXPECT_EQ(http_check(key), 401);

  const int calls_during_admin = calls.load() - calls_before_admin;
  std::this_thread::sleep_until(load_start + kLoadDuration);
  stop = true;
  for (std::thread& thread : load) thread.join();
  RecordProperty("load_calls", calls.load());
  RecordProperty("load_calls_during_admin", calls_during_admin);
  EXPECT_GT(calls_during_admin, 0);
  EXPECT_EQ(failures.load(), 0)
      << "of " << calls.load() << " calls; first: " << first_failure[0]
      << first_failure[1] << first_failure[2];

  // The list online shows the new tenant, its revoked and live labels.
  const RunResult list = Online({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("newco\n"));
  EXPECT_THAT(list.out, HasSubstr("key-1 (revoked"));
  EXPECT_THAT(list.out, HasSubstr("second (created"));
  EXPECT_THAT(list.out, testing::Not(HasSubstr(key)));
  EXPECT_THAT(
      server_->Stderr(),
      HasSubstr("event=admin action=CreateTenant tenant=newco outcome=OK"));
  EXPECT_THAT(server_->Stderr(), testing::Not(HasSubstr(key)));
  EXPECT_THAT(server_->Stderr(), testing::Not(HasSubstr(second)));
}

TEST_F(OnlineAdminTest,
       AuditExportOnlineIsTheOfflineExportAndPruneKeepsRetention) {
  const std::string key =
      KeyOf(Offline({"create", "acme", "--entitle", "us-ftc:all"}));
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::shared_ptr<grpc::Channel> channel = NewChannel();
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Scrub(channel.get(), key, i * 10).ok());
  }
  const std::string tomorrow = DayText(std::time(nullptr) + 86400);
  const std::vector<std::string> export_args = {
      "audit",   "export",     "--tenant", "acme",
      "--since", "2020-01-01", "--until",  tomorrow};
  const RunResult online = Online(export_args);
  ASSERT_EQ(online.exit_code, 0) << online.err;
  const std::vector<std::string> lines = absl::StrSplit(Trim(online.out), '\n');
  EXPECT_EQ(lines.size(), 7u);
  for (const std::string& line : lines) {
    EXPECT_THAT(line, StartsWith("{"));
    EXPECT_THAT(line, HasSubstr("\"tenant\":\"acme\""));
  }
  // A wrong admin key is refused, and says so.
  const std::string wrong = dir_.Path("wrong.key");
  std::ofstream(wrong) << "ffffffffffffffffffffffffffffffffffffffff\n";
  ASSERT_EQ(chmod(wrong.c_str(), 0600), 0);
  const RunResult refused = RunProcess(
      {DNC_TENANT_BIN, "--server", address_, "--admin_key_file", wrong, "list"},
      dir_.path(), kCliTimeout);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("refused the admin key"));

  ASSERT_NO_FATAL_FAILURE(StopServer());
  const RunResult offline = Offline(export_args);
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(offline.out, online.out);

  // Prune online: within the retention refused (exit 1, nothing deleted),
  // forced deletes every record.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const RunResult kept = Online({"audit", "prune", "--before", tomorrow});
  EXPECT_EQ(kept.exit_code, 1);
  EXPECT_THAT(kept.err, HasSubstr("retention"));
  EXPECT_EQ(Online(export_args).out, online.out);
  const RunResult forced =
      Online({"audit", "prune", "--before", tomorrow, "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(forced.err, HasSubstr("deleted 7 audit records"));
  EXPECT_EQ(Online(export_args).out, "");
  ASSERT_NO_FATAL_FAILURE(StopServer());
  EXPECT_EQ(Offline(export_args).out, "");
}

TEST_F(OnlineAdminTest,
       AdministersOverMutualTlsAndNotWithoutAClientCertificate) {
  ASSERT_EQ(test::MakeCa(dir_, "ca"), "");
  ASSERT_EQ(test::MakeLeaf(dir_, "ca", "server", "dnc-server", "101", true),
            "");
  ASSERT_EQ(test::MakeLeaf(dir_, "ca", "operator", "dnc-admin", "201", false),
            "");
  ASSERT_NO_FATAL_FAILURE(StartServer(
      {"--tls_cert", dir_.Path("server.pem"), "--tls_key",
       dir_.Path("server.key"), "--tls_client_ca", dir_.Path("ca.pem")}));
  // The certificate names localhost and 127.0.0.1.
  const std::vector<std::string> tls = {
      DNC_TENANT_BIN,      "--server",         address_,       "--ca_cert",
      dir_.Path("ca.pem"), "--admin_key_file", admin_key_file_};
  std::vector<std::string> create = tls;
  create.insert(create.end(), {"--client_cert", dir_.Path("operator.pem"),
                               "--client_key", dir_.Path("operator.key"),
                               "create", "secure", "--entitle", "us-ftc:all"});
  const RunResult created = RunProcess(create, dir_.path(), kCliTimeout);
  EXPECT_THAT(KeyOf(created), StartsWith("dnc_"));

  std::vector<std::string> list = tls;
  list.push_back("list");
  const RunResult refused = RunProcess(list, dir_.path(), kCliTimeout);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_THAT(refused.out, testing::Not(HasSubstr("secure")));
  ASSERT_NO_FATAL_FAILURE(StopServer());
  const RunResult offline = Offline({"list"});
  EXPECT_THAT(offline.out, HasSubstr("secure\n"));
}

}  // namespace
}  // namespace dnc
