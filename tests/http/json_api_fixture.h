// Test fixture for the JSON API handlers (http/json_api.h): a real registry
// (tests/service/registry_fixture.h) with one source, a real TenantStore in
// a scratch directory behind an AuditCountingStore, tenants with keys, and
// an in-process gRPC ScrubServer over the same registry and store as the
// oracle the HTTP answers are held to. Handlers are called directly.
//
// The numbers (each test keeps to its own where it changes tenant data):
//   kListed       listed in us-ftc, added kAsOf - 100
//   kClean        not listed
//   kInternal     not listed; on acme's internal list
//   kEbr          listed; acme has a recent purchase (EBR): EXEMPT
//   kCharity      listed; a charity call is exempt
//   kInvalid      area code starting with 1: INVALID
//   kColorado     listed, area code 303: gamma is not subscribed to it
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_HTTP_JSON_API_FIXTURE_H_
#define DNC_TESTS_HTTP_JSON_API_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gtest/gtest.h"
#include "http/api_context.h"
#include "http/http_message.h"
#include "nlohmann/json.hpp"
#include "service/auth.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "service/server.h"
#include "tenant/tenant_store.h"
#include "tests/http/audit_counting_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::http {

inline const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
inline const DayNumber kToday = kAsOf + 5;  // 2026-02-06.
inline constexpr uint32_t kMaxBatch = 100;
// 2026-02-06 15:00 UTC = 10:00 in New York.
inline constexpr int64_t kNowDay = 1770390000;

inline constexpr uint64_t kListed = 12122345601;
inline constexpr uint64_t kClean = 16172345678;
inline constexpr uint64_t kInternal = 12022345610;
inline constexpr uint64_t kEbr = 12122345602;
inline constexpr uint64_t kCharity = 12122345604;
inline constexpr uint64_t kInvalid = 11234567890;
inline constexpr uint64_t kColorado = 13032345678;

using Json = nlohmann::json;
using Handler = void (*)(const ApiContext&, const HttpRequest&, HttpResponse*);

class JsonApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    test::FixtureSource us;
    us.source = "us-ftc";
    us.jurisdiction = "US";
    us.country_codes = {1};
    us.as_of = kAsOf;
    us.max_age_days = 31;
    us.keys = {kListed, kEbr, kCharity, kColorado};
    us.added.assign(us.keys.size(), kAsOf - 100);
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
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    tenant::Entitlement some;
    some.source = "us-ftc";
    some.area_codes = {202, 212};
    MakeTenant("acme", {all});
    MakeTenant("gamma", {some});
    std::vector<bool> changed;
    ASSERT_TRUE(store_
                    ->AddOptOuts(*store_->Find("acme"), {kInternal}, kAsOf - 3,
                                 "asked", &changed)
                    .ok());
    tenant::StoredConsent ebr;
    ebr.e164 = kEbr;
    ebr.type = policy::ConsentType::kPurchase;
    ebr.date = kToday - 30;
    ASSERT_TRUE(store_->AddConsents(*store_->Find("acme"), {ebr}).ok());

    service::ScrubCallsOptions calls_options;
    calls_options.max_batch_entries = kMaxBatch;
    calls_options.today = [] { return kToday; };
    auth_ = new service::Authenticator(service::AuthMode::kApiKey, store_);
    calls_ = new service::ScrubCalls(registry_, store_, calls_options);
    no_auth_ = new service::Authenticator(service::AuthMode::kNone, nullptr);
    anonymous_calls_ =
        new service::ScrubCalls(registry_, nullptr, calls_options);

    service::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.max_batch_entries = kMaxBatch;
    options.today = [] { return kToday; };
    options.auth = service::AuthMode::kApiKey;
    auto server = service::ScrubServer::Start(registry_, store_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    stub_ = v1::ScrubService::NewStub(
                grpc::CreateChannel(server_->address(),
                                    grpc::InsecureChannelCredentials()))
                .release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
    delete anonymous_calls_;
    delete no_auth_;
    delete calls_;
    delete auth_;
    delete keys_;
    delete store_;
    delete real_store_;
    delete registry_;
    delete dir_;
  }

  static void MakeTenant(const std::string& name,
                         std::vector<tenant::Entitlement> entitlements) {
    tenant::TenantConfig config;
    config.name = name;
    config.entitlements = std::move(entitlements);
    ASSERT_TRUE(store_->CreateTenant(config).ok());
    auto key = store_->CreateApiKey(name, "test");
    ASSERT_TRUE(key.ok()) << key.status();
    (*keys_)[name] = *key;
  }

  // The API with keys required, or (`anonymous`) with --auth=none.
  static ApiContext Api(bool anonymous = false) {
    ApiContext api;
    api.auth = anonymous ? no_auth_ : auth_;
    api.calls = anonymous ? anonymous_calls_ : calls_;
    return api;
  }

  // Calls `handler` with `target` split at '?', `tenant`'s key (none for
  // "", the text itself for a name that is not a tenant) and `body`.
  static HttpResponse Call(Handler handler, const std::string& method,
                           const std::string& target, const std::string& tenant,
                           const std::string& body = "",
                           bool anonymous = false) {
    HttpRequest request;
    request.method = method;
    const size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
      request.query = target.substr(question + 1);
    }
    if (!tenant.empty()) {
      const auto key = keys_->find(tenant);
      request.headers.push_back(
          {"x-api-key", key == keys_->end() ? tenant : key->second});
    }
    if (!body.empty()) {
      request.headers.push_back({"content-type", "application/json"});
    }
    request.body = body;
    HttpResponse response;
    handler(Api(anonymous), request, &response);
    return response;
  }

  static Json BodyOf(const HttpResponse& response) {
    return Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  }

  // gRPC Check's answer for `tenant`, the oracle.
  static v1::CheckResponse GrpcCheck(const std::string& tenant,
                                     v1::CheckRequest request) {
    grpc::ClientContext context;
    context.AddMetadata(service::kApiKeyMetadata, keys_->at(tenant));
    v1::CheckResponse response;
    const grpc::Status status = stub_->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static inline test::ScratchDir* dir_ = nullptr;
  static inline service::Registry* registry_ = nullptr;
  static inline tenant::TenantStore* real_store_ = nullptr;
  static inline test::AuditCountingStore* store_ = nullptr;
  static inline std::map<std::string, std::string>* keys_ = nullptr;
  static inline service::Authenticator* auth_ = nullptr;
  static inline service::Authenticator* no_auth_ = nullptr;
  static inline service::ScrubCalls* calls_ = nullptr;
  static inline service::ScrubCalls* anonymous_calls_ = nullptr;
  static inline service::ScrubServer* server_ = nullptr;
  static inline v1::ScrubService::Stub* stub_ = nullptr;
};

// Expects the JSON answer `entry` (a /v1/check answer or one /v1/scrub
// result) to say what gRPC's `theirs` says: disposition, callable, e164,
// every reason with its snapshot's fields, and the calling window.
inline void ExpectSameAnswer(const Json& entry,
                             const v1::CheckResponse& theirs) {
  EXPECT_EQ(entry.value("disposition", ""),
            v1::Disposition_Name(theirs.disposition()));
  EXPECT_EQ(entry.value("callable", true), theirs.callable());
  EXPECT_EQ(entry.value("e164", uint64_t{1}), theirs.e164());
  const Json& reasons = entry["reasons"];
  ASSERT_TRUE(reasons.is_array());
  ASSERT_EQ(reasons.size(), static_cast<size_t>(theirs.reasons_size()));
  for (int i = 0; i < theirs.reasons_size(); ++i) {
    const v1::Reason& reason = theirs.reasons(i);
    const Json& ours = reasons[i];
    EXPECT_EQ(ours.value("code", ""), v1::ReasonCode_Name(reason.code()));
    EXPECT_EQ(ours.value("detail", "?"), reason.detail());
    EXPECT_EQ(ours.value("added_date", ""), reason.added_date());
    if (ours.contains("source")) {
      const v1::SnapshotRef& snapshot = theirs.snapshots(reason.snapshot());
      EXPECT_EQ(ours.value("source", ""), snapshot.source());
      EXPECT_EQ(ours.value("jurisdiction", ""), snapshot.jurisdiction());
      EXPECT_EQ(ours.value("generation", ""), snapshot.generation());
      EXPECT_EQ(ours.value("as_of", ""), snapshot.as_of());
    }
  }
  const Json& window = entry["window"];
  const v1::CallingWindow& their_window = theirs.window();
  EXPECT_EQ(window.value("known", !their_window.known()), their_window.known());
  EXPECT_EQ(window.value("open_now", !their_window.open_now()),
            their_window.open_now());
  if (their_window.known()) {
    EXPECT_EQ(window.value("rule", ""), their_window.rule());
    EXPECT_EQ(window.value("local_start", ""), their_window.local_start());
    EXPECT_EQ(window.value("local_end", ""), their_window.local_end());
    EXPECT_EQ(window.value("local_now", ""), their_window.local_now());
    ASSERT_TRUE(window["time_zones"].is_array());
    ASSERT_EQ(window["time_zones"].size(),
              static_cast<size_t>(their_window.time_zones_size()));
    for (int i = 0; i < their_window.time_zones_size(); ++i) {
      EXPECT_EQ(window["time_zones"][i], their_window.time_zones(i));
    }
  }
}

}  // namespace dnc::http

#endif  // DNC_TESTS_HTTP_JSON_API_FIXTURE_H_
