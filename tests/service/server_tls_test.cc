// TLS on the real dnc-server binary: a CA, server and client certificates
// made by `openssl` in a scratch directory; gRPC and HTTP over TLS, mutual
// TLS, the flags' errors, and a certificate swapped on disk served after
// SIGHUP while a stream opened before it keeps working. Also the `dnc` CLI
// with --ca_cert and a client certificate.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dnc/v1/admin.grpc.pb.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_certs.h"

namespace dnc {
namespace {

using test::kOpenssl;
using test::MakeCa;
using test::MakeLeaf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCurl[] = "/usr/bin/curl";
constexpr uint64_t kListed = 12022345678;

// Replaces `to` with `from` the way an operator should: a rename.
void SwapFile(const std::string& from, const std::string& to) {
  const std::string tmp = to + ".new";
  ASSERT_EQ(std::rename(from.c_str(), tmp.c_str()), 0) << from;
  ASSERT_EQ(std::rename(tmp.c_str(), to.c_str()), 0) << to;
}

std::string Pem(const test::ScratchDir& dir, const std::string& name) {
  return test::ReadWholeFile(dir.Path(name));
}

class ServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(MakeCa(dir_, "ca"), "");
    ASSERT_EQ(MakeLeaf(dir_, "ca", "server", "dnc-server-1", "101", true), "");
    ASSERT_EQ(MakeLeaf(dir_, "ca", "client", "dialer-1", "201", false), "");
    test::FixtureSource source;
    source.source = "us-test";
    source.as_of = TodayUtc();
    source.keys = {kListed};
    ASSERT_TRUE(test::PublishFixtureSource(dir_.Path("data"), source).ok());
  }

  // Starts dnc-server with TLS (plus `extra`), gRPC and HTTP on port 0,
  // --auth=none unless `extra` names --tenants; false if it did not come up.
  bool Start(std::vector<std::string> extra) {
    bool tenants = false;
    for (const std::string& flag : extra) tenants |= flag == "--tenants";
    std::vector<std::string> args = {DNC_SERVER_PATH,
                                     tenants ? "--auth=api_key" : "--auth=none",
                                     "--data",
                                     dir_.Path("data"),
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--port_file",
                                     dir_.Path("port"),
                                     "--http_listen",
                                     "127.0.0.1:0",
                                     "--http_port_file",
                                     dir_.Path("http_port"),
                                     "--reload_interval_seconds",
                                     "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ =
        std::make_unique<test::BackgroundProcess>(args, dir_.Path("server"));
    port_ = test::WaitForPort(dir_.Path("port"));
    http_port_ = test::WaitForPort(dir_.Path("http_port"));
    return port_ > 0 && http_port_ > 0;
  }
  std::vector<std::string> TlsFlags(bool mutual) const {
    std::vector<std::string> flags = {"--tls_cert", dir_.Path("server.pem"),
                                      "--tls_key", dir_.Path("server.key")};
    if (mutual) {
      flags.push_back("--tls_client_ca");
      flags.push_back(dir_.Path("ca.pem"));
    }
    return flags;
  }

  // A channel trusting our CA, presenting `client` (NAME.pem/.key) if set,
  // to HOST:port; `args` may override the name checked.
  std::shared_ptr<grpc::Channel> TlsChannel(
      const std::string& host, const std::string& client = "",
      grpc::ChannelArguments args = {}) const {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Pem(dir_, "ca.pem");
    if (!client.empty()) {
      ssl.pem_cert_chain = Pem(dir_, client + ".pem");
      ssl.pem_private_key = Pem(dir_, client + ".key");
    }
    // Its own connection, not one shared with an earlier channel.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(absl::StrCat(host, ":", port_),
                                     grpc::SslCredentials(ssl), args);
  }

  // A Check of the listed number on `channel`: its status, and the
  // server certificate's subject CN as the client saw it.
  grpc::Status Check(const std::shared_ptr<grpc::Channel>& channel,
                     std::string* server_cn = nullptr) const {
    auto stub = v1::ScrubService::NewStub(channel);
    v1::CheckRequest request;
    request.set_e164(kListed);
    v1::CheckResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::Status status = stub->Check(&context, request, &response);
    if (status.ok() && response.disposition() != v1::BLOCKED) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "wrong answer");
    }
    if (status.ok() && server_cn != nullptr) {
      const auto cn =
          context.auth_context()->FindPropertyValues("x509_common_name");
      *server_cn = cn.empty() ? "" : std::string(cn[0].data(), cn[0].size());
    }
    return status;
  }

  // curl on the HTTP listener's /v1/status with `flags`: its exit code,
  // body on stdout.
  test::RunResult Curl(const std::string& scheme,
                       std::vector<std::string> flags) const {
    std::vector<std::string> args = {kCurl, "-sS", "--max-time", "20"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(
        absl::StrCat(scheme, "://127.0.0.1:", http_port_, "/v1/status"));
    return test::RunProcess(args, dir_.path(), std::chrono::seconds(60));
  }

  // The serial (hex, "SERIAL=..") of the certificate served on `port`.
  std::string ServedSerial(int port) const {
    std::vector<std::string> args = {
        kOpenssl,      "s_client",
        "-connect",    absl::StrCat("127.0.0.1:", port),
        "-servername", "localhost",
        "-CAfile",     dir_.Path("ca.pem"),
        "-cert",       dir_.Path("client.pem"),
        "-key",        dir_.Path("client.key")};
    const test::RunResult handshake =
        test::RunProcess(args, dir_.path(), std::chrono::seconds(60));
    const std::string served = dir_.Path("served.txt");
    FILE* out = std::fopen(served.c_str(), "w");
    if (out == nullptr) return "";
    std::fputs(handshake.out.c_str(), out);
    std::fclose(out);
    const test::RunResult serial =
        test::RunProcess({kOpenssl, "x509", "-noout", "-serial", "-in", served},
                         dir_.path(), std::chrono::seconds(60));
    return serial.exit_code == 0 ? serial.out : "";
  }

  test::ScratchDir dir_;
  std::unique_ptr<test::BackgroundProcess> server_;
  int port_ = 0;
  int http_port_ = 0;
};

TEST_F(ServerTlsTest, TlsClientsAreAnsweredAndPlaintextOnesRefused) {
  ASSERT_TRUE(Start(TlsFlags(/*mutual=*/false))) << server_->Stderr();
  EXPECT_THAT(server_->Stderr(), HasSubstr("TLS on gRPC and HTTP"));
  EXPECT_THAT(server_->Stderr(), HasSubstr("CN=dnc-server-1"));

  // gRPC: both names in the certificate are accepted...
  std::string cn;
  grpc::Status status = Check(TlsChannel("localhost"), &cn);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cn, "dnc-server-1");
  status = Check(TlsChannel("127.0.0.1"));
  EXPECT_TRUE(status.ok()) << status.error_message();
  // ...a name it does not hold is not (the hostname is checked)...
  grpc::ChannelArguments other_name;
  other_name.SetSslTargetNameOverride("dnc.example.com");
  EXPECT_EQ(Check(TlsChannel("127.0.0.1", "", other_name)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // ...and a plaintext client gets nothing.
  EXPECT_EQ(Check(grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                      grpc::InsecureChannelCredentials()))
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);

  // HTTP: TLS answered, plaintext refused.
  test::RunResult https = Curl("https", {"--cacert", dir_.Path("ca.pem")});
  EXPECT_EQ(https.exit_code, 0) << https.err;
  EXPECT_THAT(https.out, HasSubstr("\"server_version\""));
  test::RunResult http = Curl("http", {});
  EXPECT_NE(http.exit_code, 0) << http.out;
  EXPECT_THAT(http.out, Not(HasSubstr("server_version")));

  // Still serving after the refusals.
  EXPECT_TRUE(Check(TlsChannel("localhost")).ok());
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(ServerTlsTest, MutualTlsRefusesClientsWithoutATrustedCertificate) {
  ASSERT_EQ(MakeCa(dir_, "other-ca"), "");
  ASSERT_EQ(MakeLeaf(dir_, "other-ca", "stranger", "stranger", "301", false),
            "");
  ASSERT_TRUE(Start(TlsFlags(/*mutual=*/true))) << server_->Stderr();
  EXPECT_THAT(server_->Stderr(), HasSubstr("client certificates required"));

  grpc::Status status = Check(TlsChannel("localhost", "client"));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Check(TlsChannel("localhost")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(TlsChannel("localhost", "stranger")).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  test::RunResult with_cert = Curl(
      "https", {"--cacert", dir_.Path("ca.pem"), "--cert",
                dir_.Path("client.pem"), "--key", dir_.Path("client.key")});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.err;
  EXPECT_THAT(with_cert.out, HasSubstr("\"server_version\""));
  test::RunResult without = Curl("https", {"--cacert", dir_.Path("ca.pem")});
  EXPECT_NE(without.exit_code, 0);
  EXPECT_THAT(without.out, Not(HasSubstr("server_version")));

  // The dnc CLI: --ca_cert with a client certificate works; without one
  // the server refuses it.
  const std::string server = absl::StrCat("127.0.0.1:", port_);
  test::RunResult cli = test::RunProcess(
      {DNC_CLI_PATH, "status", "--server", server, "--ca_cert",
       dir_.Path("ca.pem"), "--client_cert", dir_.Path("client.pem"),
       "--client_key", dir_.Path("client.key")},
      dir_.path(), std::chrono::seconds(60));
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("us-test"));
  cli = test::RunProcess(
      {DNC_CLI_PATH, "check", "--server", server, "--ca_cert",
       dir_.Path("ca.pem"), "--client_cert", dir_.Path("client.pem"),
       "--client_key", dir_.Path("client.key"), "+1 202 234 5678"},
      dir_.path(), std::chrono::seconds(60));
  EXPECT_EQ(cli.exit_code, 3) << cli.out << cli.err;  // Not callable.
  cli =
      test::RunProcess({DNC_CLI_PATH, "status", "--server", server, "--ca_cert",
                        dir_.Path("ca.pem"), "--timeout_seconds", "5"},
                       dir_.path(), std::chrono::seconds(60));
  EXPECT_EQ(cli.exit_code, 1);
  // A client key that is not the certificate's is said before connecting.
  cli = test::RunProcess(
      {DNC_CLI_PATH, "status", "--server", server, "--ca_cert",
       dir_.Path("ca.pem"), "--client_cert", dir_.Path("client.pem"),
       "--client_key", dir_.Path("stranger.key")},
      dir_.path(), std::chrono::seconds(60));
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_THAT(cli.err, HasSubstr("does not belong to the certificate"));

  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(ServerTlsTest, SighupServesASwappedCertificateWhileAStreamStaysOpen) {
  ASSERT_TRUE(Start(TlsFlags(/*mutual=*/true))) << server_->Stderr();
  EXPECT_EQ(ServedSerial(port_), "serial=65\n");  // 101
  EXPECT_EQ(ServedSerial(http_port_), "serial=65\n");

  // A CheckStream opened on the first certificate, answered once.
  std::shared_ptr<grpc::Channel> first = TlsChannel("localhost", "client");
  auto stub = v1::ScrubService::NewStub(first);
  grpc::ClientContext stream_context;
  auto stream = stub->CheckStream(&stream_context);
  v1::CheckRequest request;
  request.set_e164(kListed);
  v1::CheckResponse response;
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.disposition(), v1::BLOCKED);

  // A new certificate from the same CA, swapped in on disk, then SIGHUP.
  ASSERT_EQ(MakeLeaf(dir_, "ca", "server2", "dnc-server-2", "102", true), "");
  SwapFile(dir_.Path("server2.key"), dir_.Path("server.key"));
  SwapFile(dir_.Path("server2.pem"), dir_.Path("server.pem"));
  server_->Signal(SIGHUP);
  // Bounded wait for the signal to be handled; no timing is asserted.
  for (int i = 0; i < 500; ++i) {
    if (server_->Stderr().find("TLS certificate reloaded") !=
        std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_THAT(server_->Stderr(), HasSubstr("CN=dnc-server-2, serial 66"));

  // New handshakes get the new certificate, on gRPC and HTTP...
  EXPECT_EQ(ServedSerial(port_), "serial=66\n");
  EXPECT_EQ(ServedSerial(http_port_), "serial=66\n");
  std::string cn;
  grpc::Status status = Check(TlsChannel("localhost", "client"), &cn);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cn, "dnc-server-2");
  test::RunResult https = Curl(
      "https", {"--cacert", dir_.Path("ca.pem"), "--cert",
                dir_.Path("client.pem"), "--key", dir_.Path("client.key")});
  EXPECT_EQ(https.exit_code, 0) << https.err;

  // ...while the stream opened before keeps working on its connection.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(stream->Write(request));
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.disposition(), v1::BLOCKED);
  }
  EXPECT_TRUE(Check(first).ok());
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());

  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(ServerTlsTest, ABrokenCertificateOnSighupKeepsTheOldOneServing) {
  ASSERT_TRUE(Start(TlsFlags(/*mutual=*/false))) << server_->Stderr();
  // A new certificate whose key was not swapped with it.
  ASSERT_EQ(MakeLeaf(dir_, "ca", "server2", "dnc-server-2", "102", true), "");
  SwapFile(dir_.Path("server2.pem"), dir_.Path("server.pem"));
  server_->Signal(SIGHUP);
  for (int i = 0; i < 500; ++i) {
    if (server_->Stderr().find("NOT reloaded") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_THAT(server_->Stderr(),
              HasSubstr("TLS certificate NOT reloaded, still serving the "
                        "previous one"));
  EXPECT_THAT(server_->Stderr(), HasSubstr("does not belong to the "
                                           "certificate"));
  std::string cn;
  grpc::Status status = Check(TlsChannel("localhost"), &cn);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cn, "dnc-server-1");
  EXPECT_EQ(ServedSerial(http_port_), "serial=65\n");
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(ServerTlsTest, WithTlsAnAddressOffLoopbackIsServed) {
  const std::string port_file = dir_.Path("any_port");
  test::BackgroundProcess server(
      {DNC_SERVER_PATH, "--auth=none", "--data", dir_.Path("data"), "--listen",
       "0.0.0.0:0", "--port_file", port_file, "--tls_cert",
       dir_.Path("server.pem"), "--tls_key", dir_.Path("server.key")},
      dir_.Path("any"));
  port_ = test::WaitForPort(port_file);
  ASSERT_GT(port_, 0) << server.Stderr();
  EXPECT_THAT(server.Stderr(), Not(HasSubstr("refusing")));
  EXPECT_TRUE(Check(TlsChannel("localhost")).ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Stderr();
}

// ListTenants on the AdminService over `channel`, with `admin_key` if set.
grpc::Status ListTenants(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& admin_key = "") {
  auto stub = v1::AdminService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  if (!admin_key.empty()) context.AddMetadata("x-admin-key", admin_key);
  v1::ListTenantsResponse response;
  return stub->ListTenants(&context, v1::ListTenantsRequest(), &response);
}

TEST_F(ServerTlsTest, TheClientCertificateAdminCertCnNamesIsAnAdministrator) {
  ASSERT_EQ(MakeLeaf(dir_, "ca", "admin", "admin-1", "401", false), "");
  std::vector<std::string> flags = TlsFlags(/*mutual=*/true);
  flags.insert(flags.end(), {"--tenants", dir_.Path("tenants"),
                             "--admin_cert_cn", "admin-1"});
  ASSERT_TRUE(Start(flags)) << server_->Stderr();
  EXPECT_THAT(server_->Stderr(), HasSubstr("client certificate CN=admin-1"));

  EXPECT_TRUE(ListTenants(TlsChannel("localhost", "admin")).ok());
  // A dialer's certificate (same CA, another CN) is not the admin's, and
  // without --admin_key_file no secret is accepted instead.
  grpc::Status refused = ListTenants(TlsChannel("localhost", "client"));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("the client certificate is not the administrator's"));
  refused = ListTenants(TlsChannel("localhost", "client"),
                        "an-admin-key-this-server-never-had-0123456789");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(refused.error_message(), HasSubstr("client certificate only"));
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(ServerTlsTest, AdminCertCnAndTheAdminKeyBothAdmit) {
  ASSERT_EQ(MakeLeaf(dir_, "ca", "admin", "admin-1", "401", false), "");
  const std::string secret = "0123456789abcdef0123456789abcdef-tls-test";
  const std::string key_file = dir_.Path("admin.secret");
  FILE* out = std::fopen(key_file.c_str(), "w");
  ASSERT_NE(out, nullptr);
  std::fputs((secret + "\n").c_str(), out);
  std::fclose(out);
  ASSERT_EQ(chmod(key_file.c_str(), 0600), 0);
  std::vector<std::string> flags = TlsFlags(/*mutual=*/true);
  flags.insert(flags.end(),
               {"--tenants", dir_.Path("tenants"), "--admin_cert_cn", "admin-1",
                "--admin_key_file", key_file});
  ASSERT_TRUE(Start(flags)) << server_->Stderr();

  EXPECT_TRUE(ListTenants(TlsChannel("localhost", "admin")).ok());
  EXPECT_TRUE(ListTenants(TlsChannel("localhost", "client"), secret).ok());
  grpc::Status refused = ListTenants(TlsChannel("localhost", "client"));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(refused.error_message(), HasSubstr("missing x-admin-key"));
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
}

TEST_F(ServerTlsTest, AdminCertCnWithoutMutualTlsIsAUsageError) {
  const test::RunResult run = test::RunProcess(
      {DNC_SERVER_PATH, "--data", dir_.Path("data"), "--tenants",
       dir_.Path("tenants"), "--listen", "127.0.0.1:0", "--tls_cert",
       dir_.Path("server.pem"), "--tls_key", dir_.Path("server.key"),
       "--admin_cert_cn", "admin-1"},
      dir_.path(), std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--admin_cert_cn needs --tls_client_ca"));
}

TEST_F(ServerTlsTest, MisusedTlsFlagsAreUsageErrors) {
  const std::string data = dir_.Path("data");
  struct Case {
    std::vector<std::string> flags;
    std::string says;
  };
  for (const Case& c :
       std::vector<Case>{{{"--tls_cert", dir_.Path("server.pem")},
                          "--tls_cert needs --tls_key"},
                         {{"--tls_key", dir_.Path("server.key")},
                          "--tls_key needs --tls_cert"},
                         {{"--tls_client_ca", dir_.Path("ca.pem")},
                          "--tls_client_ca needs --tls_cert"}}) {
    std::vector<std::string> args = {DNC_SERVER_PATH, "--auth=none",
                                     "--data",        data,
                                     "--listen",      "127.0.0.1:0"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const test::RunResult run =
        test::RunProcess(args, dir_.path(), std::chrono::seconds(60));
    EXPECT_EQ(run.exit_code, 2) << c.says;
    EXPECT_THAT(run.err, HasSubstr(c.says));
  }
}

TEST_F(ServerTlsTest, BadCertificateFilesStopTheStartNamingTheFile) {
  const std::string not_pem = dir_.Path("not.pem");
  FILE* out = std::fopen(not_pem.c_str(), "w");
  ASSERT_NE(out, nullptr);
  std::fputs("this is not a certificate\n", out);
  std::fclose(out);
  struct Case {
    std::string cert, key, ca, says;
  };
  for (const Case& c : std::vector<Case>{
           {dir_.Path("missing.pem"), dir_.Path("server.key"), "",
            "cannot read the certificate file " + dir_.Path("missing.pem")},
           {not_pem, dir_.Path("server.key"), "",
            "the certificate file " + not_pem + " holds no PEM certificate"},
           {dir_.Path("server.pem"), not_pem, "",
            "the private key file " + not_pem},
           {dir_.Path("server.pem"), dir_.Path("client.key"), "",
            "does not belong to the certificate in " + dir_.Path("server.pem")},
           {dir_.Path("server.pem"), dir_.Path("server.key"), not_pem,
            "the CA certificate file " + not_pem}}) {
    std::vector<std::string> args = {
        DNC_SERVER_PATH, "--auth=none", "--data", dir_.Path("data"), "--listen",
        "127.0.0.1:0",   "--tls_cert",  c.cert,   "--tls_key",       c.key};
    if (!c.ca.empty()) {
      args.push_back("--tls_client_ca");
      args.push_back(c.ca);
    }
    const test::RunResult run =
        test::RunProcess(args, dir_.path(), std::chrono::seconds(60));
    EXPECT_EQ(run.exit_code, 1) << c.says << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.says));
  }
}

TEST_F(ServerTlsTest, PlaintextOffLoopbackRefusalPointsAtTheTlsFlags) {
  const test::RunResult run =
      test::RunProcess({DNC_SERVER_PATH, "--auth=none", "--data",
                        dir_.Path("data"), "--listen", "0.0.0.0:0"},
                       dir_.path(), std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("refusing to serve plaintext on --listen"));
  EXPECT_THAT(run.err, HasSubstr("--tls_cert FILE --tls_key FILE"));
  EXPECT_THAT(run.err, HasSubstr("--allow_insecure"));
}

}  // namespace
}  // namespace dnc
