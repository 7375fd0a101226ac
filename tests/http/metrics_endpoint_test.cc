// GET /metrics over TCP: in process, with the gRPC ScrubServer and the HTTP
// API sharing one ServerMetrics, a real registry and a real tenant store; and
// from the real dnc-server binary. The text is parsed by a real Prometheus
// parser (Debian's python3-prometheus-client), the call and disposition
// counts are exactly the calls made, and a source's staleness gauges move as
// "today" moves.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/http_front_end.h"
#include "metrics/exposition.h"
#include "nlohmann/json.hpp"
#include "service/auth.h"
#include "service/registry.h"
#include "service/server.h"
#include "service/server_metrics.h"
#include "storage/durable_file.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using ::testing::HasSubstr;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
constexpr int32_t kWindow = 31;
constexpr uint64_t kListed = 12122345601;
constexpr uint64_t kClean = 16172345678;
constexpr uint64_t kInvalid = 11234567890;

// Reads Prometheus text on stdin with prometheus_client's parser and prints
// one JSON object per sample: {"name", "labels", "value"}, after one
// {"family", "type"} object per family.
constexpr char kParser[] = R"(
import json, sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    print(json.dumps({"family": family.name, "type": family.type}))
    for s in family.samples:
        print(json.dumps({"name": s.name, "labels": s.labels,
                          "value": s.value}))
)";

using Labels = std::map<std::string, std::string>;

struct Scrape {
  std::map<std::string, std::string> types;  // Family -> type.
  std::vector<std::pair<std::string, std::pair<Labels, double>>> samples;

  // The value of the one sample `name` with exactly `labels`; NaN if none.
  double Value(const std::string& name, const Labels& labels = {}) const {
    for (const auto& [sample, value] : samples) {
      if (sample == name && value.first == labels) return value.second;
    }
    ADD_FAILURE() << "no sample " << name << " with the labels asked for";
    return std::nan("");
  }
};

// GET /metrics over `client` (no API key), parsed by prometheus_client.
Scrape ScrapeOver(test::HttpClient* client, const test::ScratchDir& dir) {
  Scrape scrape;
  absl::StatusOr<test::HttpReply> reply = client->Get("/metrics");
  EXPECT_TRUE(reply.ok()) << reply.status();
  if (!reply.ok()) return scrape;
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->ContentType(), metrics::kExpositionContentType);
  const std::string text_path = dir.Path("metrics.txt");
  const std::string parser_path = dir.Path("parse.py");
  EXPECT_TRUE(storage::WriteFileDurably(text_path, reply->body).ok());
  EXPECT_TRUE(storage::WriteFileDurably(parser_path, kParser).ok());
  const test::RunResult run = test::RunProcess(
      {"/usr/bin/python3", parser_path, text_path}, dir.path());
  EXPECT_EQ(run.exit_code, 0)
      << "prometheus_client could not parse /metrics (install Debian's "
         "python3-prometheus-client; scripts/setup.sh does): "
      << run.err << "\n"
      << reply->body;
  size_t start = 0;
  while (start < run.out.size()) {
    const size_t end = run.out.find('\n', start);
    const nlohmann::json line =
        nlohmann::json::parse(run.out.substr(start, end - start));
    start = end == std::string::npos ? run.out.size() : end + 1;
    if (line.contains("family")) {
      scrape.types[line["family"]] = line["type"];
      continue;
    }
    scrape.samples.push_back(
        {line["name"], {line["labels"].get<Labels>(), line["value"]}});
  }
  return scrape;
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::FixtureSource us;
    us.source = "us-ftc";
    us.as_of = kAsOf;
    us.max_age_days = kWindow;
    us.keys = {kListed};
    ASSERT_TRUE(test::PublishFixtureSource(dir_.Path("data"), us).ok());
    service::RegistryOptions registry_options;
    registry_options.data_dir = dir_.Path("data");
    auto registry = service::Registry::Open(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry);
    auto store = tenant::TenantStore::Open(dir_.Path("tenants"), true);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    tenant::TenantConfig acme;
    acme.name = "acme";
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    acme.entitlements = {all};
    ASSERT_TRUE(store_->CreateTenant(acme).ok());
    auto key = store_->CreateApiKey("acme", "test");
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;

    const auto today = [this] { return today_.load(); };
    service::ServerMetricsOptions metrics_options;
    metrics_options.today = today;
    metrics_ = std::make_unique<service::ServerMetrics>(metrics_options);
    metrics_->WatchRegistry(registry_.get());
    metrics_->WatchTenants(store_.get());

    service::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.today = today;
    options.metrics = metrics_.get();
    auto server =
        service::ScrubServer::Start(registry_.get(), store_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = v1::ScrubService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));

    http::HttpFrontEndOptions http_options;
    http_options.server.listen = "127.0.0.1:0";
    http_options.server.threads = 1;
    http_options.today = today;
    http_options.metrics = metrics_.get();
    auto http =
        http::HttpFrontEnd::Start(registry_.get(), store_.get(), http_options);
    ASSERT_TRUE(http.ok()) << http.status();
    http_ = std::move(*http);
    auto client = test::HttpClient::Connect(http_->port());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
  }

  void TearDown() override {
    if (http_ != nullptr) http_->Shutdown(absl::Seconds(1));
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  }

  grpc::Status Check(const std::string& key, uint64_t e164) {
    grpc::ClientContext context;
    if (!key.empty()) context.AddMetadata(service::kApiKeyMetadata, key);
    v1::CheckRequest request;
    request.set_e164(e164);
    v1::CheckResponse response;
    return stub_->Check(&context, request, &response);
  }

  // GET /metrics (no API key), parsed by prometheus_client.
  Scrape ScrapeMetrics() { return ScrapeOver(client_.get(), dir_); }

  test::ScratchDir dir_;
  std::atomic<DayNumber> today_{kAsOf + 5};
  std::unique_ptr<service::Registry> registry_;
  std::unique_ptr<tenant::TenantStore> store_;
  std::string key_;
  std::unique_ptr<service::ServerMetrics> metrics_;
  std::unique_ptr<service::ScrubServer> server_;
  std::unique_ptr<v1::ScrubService::Stub> stub_;
  std::unique_ptr<http::HttpFrontEnd> http_;
  std::unique_ptr<test::HttpClient> client_;
};

const Labels kGrpcCheckOk = {{"front_end", "grpc"},
                             {"method", "dnc.v1.ScrubService/Check"},
                             {"code", "OK"}};

TEST_F(MetricsEndpointTest,
       CountsEveryCallAndNumberByMethodCodeAndDisposition) {
  // gRPC: three Checks (two blocked, one callable), one without a key, one
  // Scrub of four numbers, one Status.
  EXPECT_TRUE(Check(key_, kListed).ok());
  EXPECT_TRUE(Check(key_, kListed).ok());
  EXPECT_TRUE(Check(key_, kClean).ok());
  EXPECT_EQ(Check("", kListed).error_code(), grpc::UNAUTHENTICATED);
  {
    grpc::ClientContext context;
    context.AddMetadata(service::kApiKeyMetadata, key_);
    v1::ScrubRequest request;
    request.add_e164(kListed);
    request.add_e164(kClean);
    request.add_e164(kInvalid);
    request.add_raw("12345");  // MALFORMED.
    v1::ScrubResponse response;
    ASSERT_TRUE(stub_->Scrub(&context, request, &response).ok());
  }
  {
    grpc::ClientContext context;
    context.AddMetadata(service::kApiKeyMetadata, key_);
    v1::StatusResponse response;
    ASSERT_TRUE(stub_->Status(&context, v1::StatusRequest(), &response).ok());
  }
  // HTTP: two checks, one 401, one unknown path.
  const test::HttpHeaders with_key = {{"x-api-key", key_}};
  for (const uint64_t e164 : {kListed, kClean}) {
    auto reply =
        client_->Get(absl::StrCat("/v1/check?phone=%2B", e164), with_key);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status, 200) << reply->body;
  }
  ASSERT_EQ(client_->Get("/v1/check?phone=2125550123")->status, 401);
  ASSERT_EQ(client_->Get("/no/such/path/12122345601")->status, 404);

  const Scrape scrape = ScrapeMetrics();
  EXPECT_EQ(scrape.types.at("dnc_calls"), "counter");
  EXPECT_EQ(scrape.types.at("dnc_call_duration_seconds"), "histogram");
  EXPECT_EQ(scrape.Value("dnc_calls_total", kGrpcCheckOk), 3);
  EXPECT_EQ(
      scrape.Value("dnc_calls_total", {{"front_end", "grpc"},
                                       {"method", "dnc.v1.ScrubService/Check"},
                                       {"code", "UNAUTHENTICATED"}}),
      1);
  EXPECT_EQ(
      scrape.Value("dnc_calls_total", {{"front_end", "grpc"},
                                       {"method", "dnc.v1.ScrubService/Scrub"},
                                       {"code", "OK"}}),
      1);
  EXPECT_EQ(
      scrape.Value("dnc_calls_total", {{"front_end", "grpc"},
                                       {"method", "dnc.v1.ScrubService/Status"},
                                       {"code", "OK"}}),
      1);
  EXPECT_EQ(scrape.Value("dnc_calls_total", {{"front_end", "http"},
                                             {"method", "GET /v1/check"},
                                             {"code", "200"}}),
            2);
  EXPECT_EQ(scrape.Value("dnc_calls_total", {{"front_end", "http"},
                                             {"method", "GET /v1/check"},
                                             {"code", "401"}}),
            1);
  EXPECT_EQ(scrape.Value("dnc_calls_total", {{"front_end", "http"},
                                             {"method", "unmatched"},
                                             {"code", "404"}}),
            1);
  // Every Check timed once; the buckets end at +Inf with the count.
  const Labels check = {{"front_end", "grpc"},
                        {"method", "dnc.v1.ScrubService/Check"}};
  EXPECT_EQ(scrape.Value("dnc_call_duration_seconds_count", check), 4);
  Labels inf = check;
  inf["le"] = "+Inf";
  EXPECT_EQ(scrape.Value("dnc_call_duration_seconds_bucket", inf), 4);
  Labels fastest = check;
  fastest["le"] = "1e-05";
  EXPECT_LE(scrape.Value("dnc_call_duration_seconds_bucket", fastest), 4);

  // Numbers: gRPC Checks 2 blocked + 1 callable, the Scrub one of each of
  // blocked, callable, invalid and malformed, HTTP 1 blocked + 1 callable.
  const auto answered = [&](const char* disposition) {
    return scrape.Value("dnc_numbers_answered_total",
                        {{"disposition", disposition}});
  };
  EXPECT_EQ(answered("BLOCKED"), 4);
  EXPECT_EQ(answered("CALLABLE"), 3);
  EXPECT_EQ(answered("INVALID"), 1);
  EXPECT_EQ(answered("MALFORMED"), 1);
  EXPECT_EQ(answered("STALE"), 0);
  // One audit record per answered call with a tenant: 3 + 1 + 2.
  EXPECT_EQ(scrape.Value("dnc_audit_write_duration_seconds_count"), 6);
  EXPECT_EQ(scrape.Value("dnc_tenants"), 1);
  EXPECT_GT(scrape.Value("process_resident_memory_bytes"), 0);
  EXPECT_GT(scrape.Value("process_start_time_seconds"), 1.7e9);

  // No label carries a number or a key.
  for (const auto& [name, value] : scrape.samples) {
    for (const auto& [label, text] : value.first) {
      EXPECT_THAT(text, ::testing::Not(HasSubstr("2345"))) << name;
      EXPECT_THAT(text, ::testing::Not(HasSubstr(key_.substr(0, 8)))) << name;
    }
  }
}

TEST_F(MetricsEndpointTest, StalenessGaugesMoveAsTheSourceAges) {
  const Labels source = {{"source", "us-ftc"}};
  Scrape scrape = ScrapeMetrics();
  EXPECT_EQ(scrape.Value("dnc_sources"), 1);
  EXPECT_GE(scrape.Value("dnc_source_generation", source), 1);
  EXPECT_EQ(scrape.Value("dnc_source_as_of_timestamp_seconds", source),
            static_cast<double>(kAsOf) * 86400);
  EXPECT_EQ(scrape.Value("dnc_source_numbers", source), 1);
  EXPECT_EQ(scrape.Value("dnc_source_max_age_days", source), kWindow);
  EXPECT_EQ(scrape.Value("dnc_source_age_days", source), 5);
  EXPECT_EQ(scrape.Value("dnc_source_days_to_deadline", source), kWindow - 5);
  EXPECT_EQ(scrape.Value("dnc_source_stale", source), 0);

  // Its last fresh day: 0 days left, not yet stale.
  today_ = kAsOf + kWindow;
  scrape = ScrapeMetrics();
  EXPECT_EQ(scrape.Value("dnc_source_age_days", source), kWindow);
  EXPECT_EQ(scrape.Value("dnc_source_days_to_deadline", source), 0);
  EXPECT_EQ(scrape.Value("dnc_source_stale", source), 0);

  // Two days past the window: stale, and its unlisted numbers answer STALE.
  today_ = kAsOf + kWindow + 2;
  EXPECT_TRUE(Check(key_, kClean).ok());
  scrape = ScrapeMetrics();
  EXPECT_EQ(scrape.Value("dnc_source_age_days", source), kWindow + 2);
  EXPECT_EQ(scrape.Value("dnc_source_days_to_deadline", source), -2);
  EXPECT_EQ(scrape.Value("dnc_source_stale", source), 1);
  EXPECT_EQ(
      scrape.Value("dnc_numbers_answered_total", {{"disposition", "STALE"}}),
      1);
}

TEST_F(MetricsEndpointTest, CountsRegistryReloadsByOutcome) {
  ASSERT_TRUE(registry_->Reload().ok());
  test::FixtureSource us;
  us.source = "us-ftc";
  us.as_of = kAsOf + 1;
  us.keys = {kListed, kClean};
  ASSERT_TRUE(test::PublishFixtureSource(dir_.Path("data"), us).ok());
  ASSERT_TRUE(registry_->Reload().ok());
  const Scrape scrape = ScrapeMetrics();
  EXPECT_EQ(scrape.types.at("dnc_registry_reloads"), "counter");
  EXPECT_EQ(
      scrape.Value("dnc_registry_reloads_total", {{"outcome", "unchanged"}}),
      1);
  EXPECT_EQ(
      scrape.Value("dnc_registry_reloads_total", {{"outcome", "changed"}}), 1);
  EXPECT_EQ(scrape.Value("dnc_registry_reloads_total", {{"outcome", "failed"}}),
            0);
  EXPECT_GE(scrape.Value("dnc_registry_last_reload_duration_seconds"), 0);
  EXPECT_EQ(scrape.Value("dnc_source_numbers", {{"source", "us-ftc"}}), 2);
  EXPECT_EQ(scrape.Value("dnc_source_age_days", {{"source", "us-ftc"}}), 4);
}

TEST_F(MetricsEndpointTest, MetricsNeedNoKeyAndTakeOnlyGet) {
  auto reply = client_->Get("/metrics");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_THAT(reply->body, HasSubstr("# TYPE dnc_calls_total counter\n"));
  reply = client_->Post("/metrics", "text/plain", "x");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 405);
}

// The real dnc-server: main hands one ServerMetrics to both front ends and
// watches the registry; --slow_call_ms is checked.
TEST(MetricsServerMainTest, TheBinaryServesMetricsForBothFrontEnds) {
  test::ScratchDir dir;
  test::FixtureSource us;
  us.source = "us-ftc";
  us.as_of = TodayUtc() - 3;
  us.keys = {kListed};
  ASSERT_TRUE(test::PublishFixtureSource(dir.Path("data"), us).ok());
  test::BackgroundProcess server(
      {DNC_SERVER_PATH, "--auth=none", "--data", dir.Path("data"), "--listen",
       "127.0.0.1:0", "--port_file", dir.Path("grpc_port"), "--http_listen",
       "127.0.0.1:0", "--http_port_file", dir.Path("http_port"),
       "--http_threads", "1", "--reload_interval_seconds", "0"},
      dir.Path("server"));
  ASSERT_TRUE(server.started());
  const int grpc_port = test::WaitForPort(dir.Path("grpc_port"));
  const int http_port = test::WaitForPort(dir.Path("http_port"));
  ASSERT_GT(grpc_port, 0) << server.Stderr();
  ASSERT_GT(http_port, 0) << server.Stderr();
  auto stub = v1::ScrubService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                          grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::CheckRequest request;
  request.set_e164(kListed);
  v1::CheckResponse response;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  auto client = test::HttpClient::Connect(http_port);
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_EQ((*client)->Get("/v1/check?phone=6172345678")->status, 200);

  const Scrape scrape = ScrapeOver(client->get(), dir);
  EXPECT_EQ(scrape.Value("dnc_calls_total", kGrpcCheckOk), 1);
  EXPECT_EQ(scrape.Value("dnc_calls_total", {{"front_end", "http"},
                                             {"method", "GET /v1/check"},
                                             {"code", "200"}}),
            1);
  EXPECT_EQ(
      scrape.Value("dnc_numbers_answered_total", {{"disposition", "BLOCKED"}}),
      1);
  EXPECT_EQ(
      scrape.Value("dnc_numbers_answered_total", {{"disposition", "CALLABLE"}}),
      1);
  EXPECT_EQ(scrape.Value("dnc_source_age_days", {{"source", "us-ftc"}}), 3);
  EXPECT_EQ(scrape.Value("dnc_source_days_to_deadline", {{"source", "us-ftc"}}),
            31 - 3);
  EXPECT_GT(scrape.Value("process_resident_memory_bytes"), 0);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Stderr();
}

TEST(MetricsServerMainTest, ANegativeSlowCallThresholdIsAUsageError) {
  test::ScratchDir dir;
  ASSERT_TRUE(test::PublishFixtureSource(dir.Path("data"), {}).ok());
  const test::RunResult run = test::RunProcess(
      {DNC_SERVER_PATH, "--auth=none", "--data", dir.Path("data"), "--listen",
       "127.0.0.1:0", "--slow_call_ms", "-1"},
      dir.path(), std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.err, HasSubstr("--slow_call_ms must be 0 (off) or more"));
}

}  // namespace
}  // namespace dnc
