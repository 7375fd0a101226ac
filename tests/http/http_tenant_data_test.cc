// The tenant routes, GET /v1/server and the portal's files on the real
// dnc-server over TCP, with tenants the real dnc-tenant made and a job the
// real `dnc scrub` ran: whoami, opt-outs and consents (answers, strict
// parsing, 413 over max_batch_entries, 415, 401), past jobs and the
// certificate (byte-identical to `dnc report --json`; another tenant's job
// is 404), the public server status, the portal's headers (CSP, ETag, 304),
// and 403 FAILED_PRECONDITION with --auth=none.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &utc);
  return text;
}

// Starts dnc-server on port 0 and returns its HTTP port (0 on failure);
// *grpc_port gets the gRPC one.
int StartServer(const test::ScratchDir& dir, const std::string& name,
                std::vector<std::string> args,
                std::unique_ptr<test::BackgroundProcess>* server,
                std::string* grpc_port) {
  const std::string grpc_file = dir.Path(name + ".grpc.port");
  const std::string http_file = dir.Path(name + ".http.port");
  args.insert(args.begin(), DNC_SERVER_BIN);
  for (const std::string& arg :
       {std::string("--listen"), std::string("127.0.0.1:0"),
        std::string("--port_file"), grpc_file, std::string("--http_listen"),
        std::string("127.0.0.1:0"), std::string("--http_port_file"),
        http_file}) {
    args.push_back(arg);
  }
  *server = std::make_unique<test::BackgroundProcess>(args, dir.Path(name));
  // Bounded waits for the ports; no timing is asserted.
  *grpc_port = std::string(absl::StripAsciiWhitespace(
      test::WaitForFile(grpc_file, std::chrono::seconds(30))));
  int http_port = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(test::WaitForFile(
                            http_file, std::chrono::seconds(30))),
                        &http_port)) {
    return 0;
  }
  return http_port;
}

class HttpTenantDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    const std::string list = dir_->Path("us-ftc.txt");
    std::ofstream(list) << "212,2345601\n212,2345602\n";
    data_ = new std::string(dir_->Path("data"));
    const std::string tenants = dir_->Path("tenants");
    const test::RunResult load =
        test::RunProcess({DNC_LOAD_BIN, "--data", *data_, "--source", "us-ftc",
                          "--as_of", Today(), list},
                         dir_->path(), std::chrono::seconds(120));
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    for (const char* name : {"acme", "other"}) {
      const test::RunResult tenant =
          test::RunProcess({DNC_TENANT_BIN, "--tenants", tenants, "create",
                            name, "--entitle", "us-ftc:all"},
                           dir_->path(), std::chrono::seconds(60));
      ASSERT_EQ(tenant.exit_code, 0) << tenant.err;
      (std::string(name) == "acme" ? acme_key_ : other_key_) =
          new std::string(absl::StripAsciiWhitespace(tenant.out));
    }
    grpc_port_ = new std::string();
    http_port_ = StartServer(
        *dir_, "server",
        {"--data", *data_, "--tenants", tenants, "--max_batch_entries", "5"},
        &server_, grpc_port_);
    ASSERT_GT(http_port_, 0) << server_->Stderr();
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Stop(SIGTERM);
    server_.reset();
    delete acme_key_;
    delete other_key_;
    delete grpc_port_;
    delete data_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_GT(http_port_, 0);
    auto client = test::HttpClient::Connect(http_port_);
    ASSERT_TRUE(client.ok()) << client.status();
    http_ = *std::move(client);
  }

  static test::HttpHeaders Key(const std::string* key) {
    return {{"x-api-key", *key}};
  }

  // POSTs `body` as JSON with acme's key.
  test::HttpReply Post(const std::string& path, const std::string& body,
                       const std::string* key = acme_key_) {
    absl::StatusOr<test::HttpReply> reply =
        http_->Post(path, "application/json", body, Key(key));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : test::HttpReply();
  }
  test::HttpReply Get(const std::string& path,
                      const test::HttpHeaders& headers = Key(acme_key_)) {
    absl::StatusOr<test::HttpReply> reply = http_->Get(path, headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : test::HttpReply();
  }

  // The error's code and message, checked to be the API's error shape.
  static std::string ErrorOf(const test::HttpReply& reply) {
    const Json body = Json::parse(reply.body, nullptr, false);
    if (!body.contains("error")) return "not an error: " + reply.body;
    EXPECT_EQ(body["error"]["status"], reply.status);
    return body["error"]["code"].get<std::string>() + ": " +
           body["error"]["message"].get<std::string>();
  }

  static test::RunResult Cli(const std::vector<std::string>& args,
                             const std::string* key = acme_key_) {
    std::vector<std::string> argv = {DNC_CLI_BIN, "--server",
                                     "127.0.0.1:" + *grpc_port_,
                                     "--api_key=" + *key};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::RunProcess(argv, dir_->path(), std::chrono::seconds(120));
  }

  static inline test::ScratchDir* dir_ = nullptr;
  static inline std::string* data_ = nullptr;
  static inline std::unique_ptr<test::BackgroundProcess> server_;
  static inline std::string* acme_key_ = nullptr;
  static inline std::string* other_key_ = nullptr;
  static inline std::string* grpc_port_ = nullptr;
  static inline int http_port_ = 0;
  std::unique_ptr<test::HttpClient> http_;
};

TEST_F(HttpTenantDataTest, WhoAmINeedsTheTenantsKey) {
  test::HttpReply reply = Get("/v1/whoami");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Json me = Json::parse(reply.body);
  EXPECT_EQ(me["tenant"], "acme");
  EXPECT_EQ(me["default_purpose"], "commercial");
  ASSERT_EQ(me["entitlements"].size(), 1u);
  EXPECT_EQ(me["entitlements"][0], (Json{{"source", "us-ftc"},
                                         {"all_area_codes", true},
                                         {"area_codes", Json::array()}}));
  EXPECT_TRUE(me["opt_out_count"].is_number_unsigned());
  EXPECT_TRUE(me["consent_count"].is_number_unsigned());

  reply = Get("/v1/whoami", {{"x-api-key", "dnc_wrongwrongwrong"}});
  EXPECT_EQ(reply.status, 401);
  EXPECT_THAT(ErrorOf(reply), HasSubstr("UNAUTHENTICATED"));
  reply = Get("/v1/whoami", {});
  EXPECT_EQ(reply.status, 401);
  reply = Get("/v1/whoami?x=1");
  EXPECT_EQ(reply.status, 400);
}

TEST_F(HttpTenantDataTest, OptOutsAddCheckRemove) {
  test::HttpReply reply = Post(
      "/v1/optouts/add",
      R"({"numbers": ["(303) 234-5601", "12345"], "note": "asked on a call"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json answer = Json::parse(reply.body);
  ASSERT_EQ(answer["results"].size(), 2u);
  EXPECT_EQ(answer["results"][0]["number"], "(303) 234-5601");
  EXPECT_EQ(answer["results"][0]["state"], "ADDED");
  EXPECT_EQ(answer["results"][0]["e164"], 13032345601u);
  EXPECT_EQ(answer["results"][0]["added_date"], Today());
  EXPECT_EQ(answer["results"][0]["detail"], "");
  EXPECT_EQ(answer["results"][1]["state"], "REJECTED");
  EXPECT_NE(answer["results"][1]["detail"], "");
  const uint64_t size = answer["list_size"].get<uint64_t>();
  EXPECT_GE(size, 1u);

  // Integers too; the same number again is ALREADY_LISTED.
  reply =
      Post("/v1/optouts/check", R"({"numbers": [13032345601, 13032345699]})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  answer = Json::parse(reply.body);
  EXPECT_EQ(answer["results"][0]["number"], 13032345601u);
  EXPECT_EQ(answer["results"][0]["state"], "ALREADY_LISTED");
  EXPECT_EQ(answer["results"][1]["state"], "NOT_LISTED");
  // The other tenant's list does not have it.
  reply =
      Post("/v1/optouts/check", R"({"numbers": [13032345601]})", other_key_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Json::parse(reply.body)["results"][0]["state"], "NOT_LISTED");
  // And gRPC's TenantService sees what HTTP stored.
  const test::RunResult cli = Cli({"optout", "check", "303-234-5601"});
  EXPECT_EQ(cli.exit_code, 3) << cli.err;  // 3: a number is listed.
  EXPECT_THAT(cli.out, HasSubstr("ALREADY_LISTED"));

  reply = Post("/v1/optouts/remove", R"({"numbers": ["3032345601"]})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  answer = Json::parse(reply.body);
  EXPECT_EQ(answer["results"][0]["state"], "REMOVED");
  EXPECT_EQ(answer["list_size"], size - 1);
}

TEST_F(HttpTenantDataTest, StrictBodiesAndLimits) {
  struct Case {
    const char* path;
    const char* body;
    int status;
    const char* says;
  };
  const Case cases[] = {
      {"/v1/optouts/add", R"({"numbers": ["2025550100"], "notes": ""})", 400,
       "unknown field \"notes\""},
      {"/v1/optouts/remove", R"({"numbers": ["2025550100"], "note": ""})", 400,
       "unknown field \"note\""},
      {"/v1/optouts/add", R"({"numbers": "2025550100"})", 400,
       "numbers is string"},
      {"/v1/optouts/add", R"({"numbers": ["2025550100", 12025550101]})", 400,
       "mixes strings and integers"},
      {"/v1/optouts/add", R"({"numbers": [], "note": 5})", 400,
       "note is a non-negative integer"},
      {"/v1/optouts/check", R"({"numbers": [], "numbers": []})", 400, "twice"},
      {"/v1/optouts/check", R"({})", 400, "\"numbers\" is required"},
      {"/v1/optouts/check", R"([1])", 400, "request body is array"},
      {"/v1/optouts/check", R"({"numbers": [1,2,3,4,5,6]})", 413,
       "more than the 5"},
      {"/v1/consents/add", R"({"records": [{"number": "2025550100"}]})", 400,
       "records[0].type is required"},
      {"/v1/consents/add",
       R"({"records": [{"number": "2025550100", "type": "bought"}]})", 400,
       "records[0].type \"bought\" is not a consent type"},
      {"/v1/consents/add",
       R"({"records": [{"number": "2025550100", "type": "purchase", "x": 1}]})",
       400, "unknown field \"x\" in records[0]"},
      {"/v1/consents/add", R"({"records": [{}, {}, {}, {}, {}, {}]})", 413,
       "more than the 5"},
      {"/v1/consents/revoke", R"({"numbers": [1,2,3,4,5,6]})", 413,
       "more than the 5"},
      {"/v1/consents/list", R"({"numbers": ["2025550100"], "date": ""})", 400,
       "unknown field \"date\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.path, " ", c.body));
    const test::HttpReply reply = Post(c.path, c.body);
    EXPECT_EQ(reply.status, c.status) << reply.body;
    EXPECT_THAT(ErrorOf(reply), HasSubstr(c.says));
  }
  absl::StatusOr<test::HttpReply> reply = http_->Post(
      "/v1/optouts/add", "text/plain", "2025550100", Key(acme_key_));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 415) << reply->body;
  reply = http_->Post("/v1/optouts/add", "application/json",
                      R"({"numbers": []})", {{"x-api-key", "dnc_nope"}});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 401) << reply->body;
}

TEST_F(HttpTenantDataTest, ConsentsAddListRevoke) {
  test::HttpReply reply = Post("/v1/consents/add", R"({"records": [
      {"number": "3032345642", "type": "purchase", "date": "2026-11-01",
       "note": "order 17"},
      {"number": 13032345642, "type": "written", "date": "2026-11-02"},
      {"number": "12345", "type": "inquiry", "date": "2026-11-01"}]})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json answer = Json::parse(reply.body);
  ASSERT_EQ(answer["records"].size(), 2u) << reply.body;
  EXPECT_EQ(answer["records"][0], (Json{{"e164", 13032345642u},
                                        {"type", "purchase"},
                                        {"date", "2026-11-01"},
                                        {"note", "order 17"},
                                        {"revoked_date", ""}}));
  EXPECT_EQ(answer["records"][1]["type"], "written");
  ASSERT_EQ(answer["rejected"].size(), 1u);
  EXPECT_THAT(answer["rejected"][0].get<std::string>(),
              HasSubstr("records[2]"));
  EXPECT_EQ(answer["total_records"], 2u);

  reply = Post("/v1/consents/list", R"({"numbers": ["303-234-5642", "1"]})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  answer = Json::parse(reply.body);
  EXPECT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["total_records"], 2u);
  ASSERT_EQ(answer["rejected"].size(), 1u);
  EXPECT_THAT(answer["rejected"][0].get<std::string>(),
              HasSubstr("numbers[1]"));

  reply = Post("/v1/consents/revoke",
               R"({"numbers": [13032345642], "date": "2026-11-20"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  answer = Json::parse(reply.body);
  ASSERT_EQ(answer["records"].size(), 2u);
  EXPECT_EQ(answer["records"][0]["revoked_date"], "2026-11-20");
  EXPECT_EQ(answer["records"][1]["revoked_date"], "2026-11-20");
  // The other tenant has none of them.
  reply =
      Post("/v1/consents/list", R"({"numbers": [13032345642]})", other_key_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Json::parse(reply.body)["total_records"], 0u);
}

TEST_F(HttpTenantDataTest, JobsAndTheCertificateOfADncScrub) {
  const std::string leads = dir_->Path("leads.csv");
  std::ofstream(leads) << "name,phone\nAnn,212-234-5601\nBob,303-234-5678\n"
                          "Cy,212-234-5602\nDee,415-234-5678\n"
                          "Eve,617-234-5678\nFay,718-234-5678\n"
                          "Gus,646-234-5678\n";
  test::RunResult scrub = Cli({"scrub", "--job", "campaign-7", "--output",
                               dir_->Path("leads.scrubbed.csv"), leads});
  ASSERT_EQ(scrub.exit_code, 0) << scrub.out << scrub.err;

  test::HttpReply reply = Get("/v1/jobs");
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json jobs = Json::parse(reply.body)["jobs"];
  ASSERT_GE(jobs.size(), 1u) << reply.body;
  EXPECT_EQ(jobs[0]["job_id"], "campaign-7");
  EXPECT_EQ(jobs[0]["numbers"], 7u);
  EXPECT_GE(jobs[0]["requests"].get<uint64_t>(), 2u);  // 5 per batch.
  EXPECT_EQ(jobs[0]["has_files"], true);
  EXPECT_EQ(jobs[0]["first_request_at"].get<std::string>().size(), 24u);
  EXPECT_EQ(jobs[0]["last_request_at"].get<std::string>().back(), 'Z');
  reply = Get("/v1/jobs?limit=1");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Json::parse(reply.body)["jobs"].size(), 1u);

  // The certificate: the very bytes `dnc report --json` prints.
  const test::RunResult report = Cli({"report", "campaign-7", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  reply = Get("/v1/jobs/report?job_id=campaign-7");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.ContentType(), "application/json");
  EXPECT_EQ(reply.body, report.out);
  EXPECT_EQ(Json::parse(reply.body)["files"]["input_rows"], "7");

  // Another tenant's job is as absent as a job that never was.
  const test::HttpReply theirs =
      Get("/v1/jobs/report?job_id=campaign-7", Key(other_key_));
  const test::HttpReply none = Get("/v1/jobs/report?job_id=no-such-job");
  EXPECT_EQ(theirs.status, 404) << theirs.body;
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_THAT(ErrorOf(theirs), HasSubstr("NOT_FOUND: no job 'campaign-7'"));
  reply = Get("/v1/jobs", Key(other_key_));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Json::parse(reply.body)["jobs"], Json::array());

  for (const char* bad :
       {"/v1/jobs?limit=0", "/v1/jobs?limit=501", "/v1/jobs?limit=x",
        "/v1/jobs?max=5", "/v1/jobs?limit=1&limit=2", "/v1/jobs/report",
        "/v1/jobs/report?job=campaign-7"}) {
    reply = Get(bad);
    EXPECT_EQ(reply.status, 400) << bad << ": " << reply.body;
  }
  EXPECT_THAT(ErrorOf(Get("/v1/jobs?limit=501")), HasSubstr("limit 501"));
  EXPECT_EQ(Get("/v1/jobs", {{"x-api-key", "dnc_nope"}}).status, 401);
}

TEST_F(HttpTenantDataTest, ServerStatusIsPublic) {
  const test::HttpReply reply = Get("/v1/server", {});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Json server = Json::parse(reply.body);
  EXPECT_EQ(server["today"], Today());
  EXPECT_EQ(server["max_batch_entries"], 5);
  EXPECT_EQ(server["auth_required"], true);
  EXPECT_EQ(server["tls"], false);
  EXPECT_TRUE(server["server_version"].is_string());
  ASSERT_EQ(server["sources"].size(), 1u);
  EXPECT_EQ(server["sources"][0]["source"], "us-ftc");
  EXPECT_EQ(server["sources"][0]["stale"], false);
  EXPECT_FALSE(server.contains("tenant"));
  // The same sources as the tenant's /v1/status.
  const test::HttpReply status = Get("/v1/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(Json::parse(status.body)["sources"], server["sources"]);
  EXPECT_EQ(Get("/v1/server?x=1", {}).status, 400);
}

TEST_F(HttpTenantDataTest, PortalFilesWithTheirSecurityHeaders) {
  const std::string index =
      test::ReadWholeFile(std::string(DNC_PORTAL_WEB_DIR) + "/index.html");
  ASSERT_FALSE(index.empty());
  test::HttpReply reply = Get("/", {});
  ASSERT_EQ(reply.status, 200) << reply.body;
  // (Not EXPECT_EQ: a mismatch would print both pages.)
  EXPECT_TRUE(reply.body == index) << "GET / is not portal/web/index.html";
  EXPECT_EQ(reply.ContentType(), "text/html; charset=utf-8");
  ASSERT_NE(reply.Header("content-security-policy"), nullptr);
  EXPECT_EQ(*reply.Header("content-security-policy"),
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'none'");
  ASSERT_NE(reply.Header("x-content-type-options"), nullptr);
  EXPECT_EQ(*reply.Header("x-content-type-options"), "nosniff");
  ASSERT_NE(reply.Header("referrer-policy"), nullptr);
  EXPECT_EQ(*reply.Header("referrer-policy"), "no-referrer");
  ASSERT_NE(reply.Header("cache-control"), nullptr);
  EXPECT_EQ(*reply.Header("cache-control"), "no-cache");
  ASSERT_NE(reply.Header("etag"), nullptr);
  const std::string etag = *reply.Header("etag");
  EXPECT_EQ(etag.size(), 18u) << etag;

  reply = Get("/portal/index.html", {});
  ASSERT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.body == index);
  reply = Get("/", {{"if-none-match", etag}});
  EXPECT_EQ(reply.status, 304);
  EXPECT_EQ(reply.body, "");
  ASSERT_NE(reply.Header("etag"), nullptr);
  EXPECT_EQ(*reply.Header("etag"), etag);
  EXPECT_EQ(Get("/", {{"if-none-match", "\"0000000000000000\""}}).status, 200);
  EXPECT_EQ(Get("/portal/no-such-file.js", {}).status, 404);
  EXPECT_EQ(Get("/portal/", {}).status, 404);
}

TEST_F(HttpTenantDataTest, WithoutTenantsTheRoutesSaySo) {
  std::unique_ptr<test::BackgroundProcess> open_server;
  std::string grpc_port;
  const int port = StartServer(*dir_, "open", {"--auth=none", "--data", *data_},
                               &open_server, &grpc_port);
  ASSERT_GT(port, 0) << open_server->Stderr();
  auto client = test::HttpClient::Connect(port);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<test::HttpReply> reply = (*client)->Get("/v1/whoami");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 403) << reply->body;
  EXPECT_THAT(ErrorOf(*reply),
              HasSubstr("FAILED_PRECONDITION: this dnc-server runs with "
                        "--auth=none"));
  reply = (*client)->Post("/v1/optouts/add", "application/json",
                          R"({"numbers": ["2025550100"]})");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 403) << reply->body;
  reply = (*client)->Get("/v1/jobs");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 403) << reply->body;
  reply = (*client)->Get("/v1/server");
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(Json::parse(reply->body)["auth_required"], false);
  open_server->Stop(SIGTERM);
}

}  // namespace
}  // namespace dnc
