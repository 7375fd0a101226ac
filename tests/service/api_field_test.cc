// Every field of every RPC of dnc.v1.ScrubService and dnc.v1.TenantService
// against the rules of service/field_rules.h (docs/api-limits.md), over gRPC
// to an in-process server with a real registry and a real tenant store:
// boundary and hostile values either get a correct answer or a clear,
// bounded INVALID_ARGUMENT naming the field, and none of them makes a listed
// or opted-out number callable. Also the regressions of issue 9's findings:
// opt-outs dated before 1970, unbounded echoes, inconsistent ranges, health
// per service name, and the size of the largest answer.
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/tenant.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/auth.h"
#include "service/field_rules.h"
#include "service/registry.h"
#include "service/server.h"
#include "service/source_set.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/health_check.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
const DayNumber kToday = kAsOf + 5;      // 2026-02-06.
constexpr int64_t kNowDay = 1770390000;  // 2026-02-06 15:00 UTC.
// Listed in both sources.
constexpr uint64_t kListed = 12122345601;
constexpr uint64_t kListedWithConsent = 12122345602;
constexpr uint64_t kListedForLimits = 12122345603;
// Not listed anywhere; on the tenant's internal list from the start.
constexpr uint64_t kOptedOut = 16172345601;
// Not listed anywhere; each test of opt-out dates uses its own.
constexpr uint64_t kFree1969 = 16172345602;
constexpr uint64_t kFree1900 = 16172345603;
constexpr uint64_t kFreeYear1 = 16172345604;
constexpr uint64_t kFreeFuture = 16172345605;
constexpr uint64_t kFreeTable = 16172345606;
// The largest message a default gRPC client accepts.
constexpr size_t kDefaultClientReceiveLimit = 4 << 20;
// No error message may be longer than this, whatever the request held.
constexpr size_t kMaxErrorMessageBytes = 600;

// A real server: registry (two US sources), tenant store, ScrubServer on
// 127.0.0.1:0. Restart() reopens store and server on the same directories.
class ApiServer {
 public:
  explicit ApiServer(AuthMode auth = AuthMode::kApiKey,
                     size_t max_answer_bytes = kDefaultMaxAnswerBytes)
      : auth_(auth), max_answer_bytes_(max_answer_bytes) {
    for (const char* name : {"us-ftc", "us-extra"}) {
      test::FixtureSource source;
      source.source = name;
      source.jurisdiction = "US";
      source.country_codes = {1};
      source.as_of = kAsOf;
      source.keys = {kListed, kListedWithConsent, kListedForLimits};
      for (uint64_t i = 0; i < 20000; ++i) {
        source.keys.push_back(13032340000 + i);  // For the largest answer.
      }
      source.added.assign(source.keys.size(), kAsOf - 100);
      EXPECT_TRUE(test::PublishFixtureSource(dir_.Path("data"), source).ok());
    }
    RegistryOptions registry_options;
    registry_options.data_dir = dir_.Path("data");
    auto registry = Registry::Open(registry_options);
    EXPECT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry);
    Start(/*create=*/true);
  }

  void Restart() {
    server_.reset();
    store_.reset();
    Start(/*create=*/false);
  }

  v1::ScrubService::Stub& scrub() { return *scrub_; }
  v1::TenantService::Stub& tenants() { return *tenants_; }
  const std::shared_ptr<grpc::Channel>& channel() { return channel_; }
  tenant::TenantStore& store() { return *store_; }

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    if (auth_ == AuthMode::kApiKey) {
      context->AddMetadata(std::string(kApiKeyMetadata), key_);
    }
    return context;
  }

  // Calls `method` of `stub` with the tenant's key; expects OK.
  template <typename Stub, typename Request, typename Response>
  Response CallOk(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*,
                                               const Request&, Response*),
                  const Request& request) {
    Response response;
    auto context = Context();
    const grpc::Status status =
        (stub.*method)(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::CheckResponse Check(uint64_t e164) {
    v1::CheckRequest request;
    request.set_e164(e164);
    return CallOk(*scrub_, &v1::ScrubService::Stub::Check, request);
  }

  v1::OptOutResponse CheckOptOut(uint64_t e164) {
    v1::OptOutRequest request;
    request.add_e164(e164);
    return CallOk(*tenants_, &v1::TenantService::Stub::CheckOptOuts, request);
  }

  grpc::Status AddOptOut(uint64_t e164, const std::string& date,
                         v1::OptOutResponse* response) {
    v1::OptOutRequest request;
    request.add_e164(e164);
    request.set_date(date);
    auto context = Context();
    return tenants_->AddOptOuts(context.get(), request, response);
  }

 private:
  void Start(bool create) {
    if (auth_ == AuthMode::kApiKey) {
      auto store = tenant::TenantStore::Open(dir_.Path("tenants"), create);
      ASSERT_TRUE(store.ok()) << store.status();
      store_ = std::move(*store);
      if (create) {
        tenant::TenantConfig config;
        config.name = "acme";
        tenant::Entitlement all;
        all.source = "us-ftc";
        all.all_area_codes = true;
        tenant::Entitlement extra = all;
        extra.source = "us-extra";
        config.entitlements = {all, extra};
        ASSERT_TRUE(store_->CreateTenant(config).ok());
        auto key = store_->CreateApiKey("acme", "test");
        ASSERT_TRUE(key.ok()) << key.status();
        key_ = *key;
      }
    }
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.max_answer_bytes = max_answer_bytes_;
    options.today = [] { return kToday; };
    options.auth = auth_;
    auto server = ScrubServer::Start(registry_.get(), store_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    scrub_ = v1::ScrubService::NewStub(channel_);
    tenants_ = v1::TenantService::NewStub(channel_);
  }

  const AuthMode auth_;
  const size_t max_answer_bytes_;
  test::ScratchDir dir_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<tenant::TenantStore> store_;
  std::unique_ptr<ScrubServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ScrubService::Stub> scrub_;
  std::unique_ptr<v1::TenantService::Stub> tenants_;
  std::string key_;
};

// ---- Finding 1: an opt-out dated before 1970 is applied ----------------

TEST(OptOutDateTest, AnOptOutDatedBefore1970IsAppliedAndSurvivesARestart) {
  ApiServer server;
  for (const auto& [e164, date] :
       {std::pair<uint64_t, const char*>{kFree1969, "1969-12-31"},
        {kFree1900, "1900-01-01"}}) {
    v1::OptOutResponse added;
    const grpc::Status status = server.AddOptOut(e164, date, &added);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(added.states_size(), 1);
    EXPECT_EQ(added.states(0), v1::ADDED) << date;
    EXPECT_EQ(added.added_date(0), date);
    EXPECT_EQ(server.Check(e164).disposition(), v1::INTERNAL) << date;
    EXPECT_EQ(server.CheckOptOut(e164).states(0), v1::ALREADY_LISTED) << date;
  }
  server.Restart();
  for (uint64_t e164 : {kFree1969, kFree1900}) {
    EXPECT_EQ(server.Check(e164).disposition(), v1::INTERNAL) << e164;
    const v1::OptOutResponse on = server.CheckOptOut(e164);
    EXPECT_EQ(on.states(0), v1::ALREADY_LISTED) << e164;
  }
  EXPECT_EQ(server.CheckOptOut(kFree1969).added_date(0), "1969-12-31");
  EXPECT_EQ(server.CheckOptOut(kFree1900).added_date(0), "1900-01-01");
}

TEST(OptOutDateTest, ADateOutsideTheRangeFailsTheCallAndAcknowledgesNothing) {
  ApiServer server;
  for (const auto& [e164, date] :
       {std::pair<uint64_t, const char*>{kFreeYear1, "0001-01-01"},
        {kFreeFuture, "2999-01-01"}}) {
    v1::OptOutResponse response;
    const grpc::Status status = server.AddOptOut(e164, date, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << date;
    EXPECT_THAT(status.error_message(), HasSubstr("date"));
    EXPECT_THAT(status.error_message(), HasSubstr("1900-01-01"));
    EXPECT_THAT(response.states(), IsEmpty());
    EXPECT_EQ(server.CheckOptOut(e164).states(0), v1::NOT_LISTED);
  }
}

TEST(ConsentDateTest, ARevocationDated1970IsStillARevocationAfterARestart) {
  ApiServer server;
  v1::ConsentRequest add;
  v1::ConsentRecord* record = add.add_records();
  record->set_e164(kListedWithConsent);
  record->set_type(v1::CONSENT_WRITTEN);
  record->set_date("2026-01-01");
  v1::ConsentResponse added;
  auto context = server.Context();
  ASSERT_TRUE(server.tenants().AddConsents(context.get(), add, &added).ok());
  ASSERT_THAT(added.rejected(), IsEmpty());
  EXPECT_EQ(server.Check(kListedWithConsent).disposition(), v1::EXEMPT);

  v1::ConsentRequest revoke;
  revoke.add_records()->set_e164(kListedWithConsent);
  revoke.set_date("1970-01-01");  // Day 0: once read as "in force".
  v1::ConsentResponse revoked;
  context = server.Context();
  const grpc::Status status =
      server.tenants().RevokeConsents(context.get(), revoke, &revoked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(revoked.records_size(), 1);
  EXPECT_EQ(revoked.records(0).revoked_date(), "1970-01-01");
  EXPECT_EQ(server.Check(kListedWithConsent).disposition(), v1::BLOCKED);
  server.Restart();
  EXPECT_EQ(server.Check(kListedWithConsent).disposition(), v1::BLOCKED);
}

// ---- Finding 2: errors echo a bounded part of the input -----------------

TEST(BoundedErrorTest, HugeValuesGetInvalidArgumentWithAShortMessage) {
  ApiServer server;
  const std::string huge(20000, '7');
  struct Case {
    const char* what;
    std::function<grpc::Status()> call;
  };
  const std::vector<Case> cases = {
      {"AddOptOuts date",
       [&] {
         v1::OptOutResponse response;
         return server.AddOptOut(kFreeTable, huge, &response);
       }},
      {"RevokeConsents date",
       [&] {
         v1::ConsentRequest request;
         request.add_records()->set_e164(kListed);
         request.set_date(huge);
         v1::ConsentResponse response;
         auto context = server.Context();
         return server.tenants().RevokeConsents(context.get(), request,
                                                &response);
       }},
      {"RecordJobFiles input_sha256",
       [&] {
         v1::JobFilesRequest request;
         request.set_job_id("job-1");
         request.set_input_sha256(huge);
         v1::JobFilesResponse response;
         auto context = server.Context();
         return server.tenants().RecordJobFiles(context.get(), request,
                                                &response);
       }},
      {"Scrub job_id",
       [&] {
         v1::ScrubRequest request;
         request.add_e164(kListed);
         request.set_job_id(huge);
         v1::ScrubResponse response;
         auto context = server.Context();
         return server.scrub().Scrub(context.get(), request, &response);
       }},
  };
  for (const Case& c : cases) {
    const grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.what << ": " << status.error_message().substr(0, 200);
    EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes) << c.what;
    EXPECT_THAT(status.error_message(), HasSubstr("(20000 bytes)")) << c.what;
  }
}

// ---- Finding 3: consistent ranges ---------------------------------------

TEST(RangeTest, OptOutsAndConsentsShareOneDateRange) {
  ApiServer server;
  const std::string tomorrow = FormatIsoDate(kToday + 1);
  const std::string after = FormatIsoDate(kToday + 2);
  for (const std::string& date :
       {std::string("1900-01-01"), std::string("1969-12-31"), tomorrow}) {
    v1::OptOutResponse response;
    EXPECT_TRUE(server.AddOptOut(kFreeTable, date, &response).ok()) << date;
    v1::ConsentRequest request;
    v1::ConsentRecord* record = request.add_records();
    record->set_e164(kListedForLimits);
    record->set_type(v1::CONSENT_PURCHASE);
    record->set_date(date);
    v1::ConsentResponse consents;
    auto context = server.Context();
    ASSERT_TRUE(
        server.tenants().AddConsents(context.get(), request, &consents).ok());
    EXPECT_THAT(consents.rejected(), IsEmpty()) << date;
  }
  for (const std::string& date :
       {std::string("1899-12-31"), after, std::string("2999-01-01")}) {
    v1::OptOutResponse response;
    EXPECT_EQ(server.AddOptOut(kFreeTable, date, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << date;
    v1::ConsentRequest request;
    v1::ConsentRecord* record = request.add_records();
    record->set_e164(kListedForLimits);
    record->set_type(v1::CONSENT_PURCHASE);
    record->set_date(date);
    v1::ConsentResponse consents;
    auto context = server.Context();
    ASSERT_TRUE(
        server.tenants().AddConsents(context.get(), request, &consents).ok());
    ASSERT_EQ(consents.rejected_size(), 1) << date;
    EXPECT_THAT(consents.rejected(0), HasSubstr("records[0].date"));
    EXPECT_THAT(consents.rejected(0), HasSubstr("1900-01-01"));
  }
}

TEST(RangeTest, NowUnixSecondsOutsideItsRangeIsRefused) {
  ApiServer server;
  for (int64_t now : {std::numeric_limits<int64_t>::min(), int64_t{-1},
                      int64_t{1}, kMinNowUnixSeconds - 1, kEndNowUnixSeconds,
                      std::numeric_limits<int64_t>::max()}) {
    v1::CheckRequest check;
    check.set_e164(kListed);
    check.set_now_unix_seconds(now);
    v1::CheckResponse checked;
    auto context = server.Context();
    grpc::Status status = server.scrub().Check(context.get(), check, &checked);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << now;
    EXPECT_THAT(status.error_message(), HasSubstr("now_unix_seconds"));

    v1::ScrubRequest scrub;
    scrub.add_e164(kListed);
    scrub.set_now_unix_seconds(now);
    v1::ScrubResponse scrubbed;
    context = server.Context();
    status = server.scrub().Scrub(context.get(), scrub, &scrubbed);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << now;
  }
  for (int64_t now : {kMinNowUnixSeconds, kNowDay, kEndNowUnixSeconds - 1}) {
    v1::CheckRequest check;
    check.set_e164(kListed);
    check.set_now_unix_seconds(now);
    v1::CheckResponse checked;
    auto context = server.Context();
    EXPECT_TRUE(server.scrub().Check(context.get(), check, &checked).ok())
        << now;
    EXPECT_EQ(checked.disposition(), v1::BLOCKED);
  }
}

// ---- Finding 4: health per service name ---------------------------------

TEST(HealthTest, AnswersForEachServiceByName) {
  ApiServer server;
  for (const char* name : {"", "dnc.v1.ScrubService", "dnc.v1.TenantService"}) {
    std::string serving;
    const grpc::Status status =
        test::HealthCheck(server.channel(), name, &serving);
    ASSERT_TRUE(status.ok()) << name << ": " << status.error_message();
    EXPECT_EQ(serving, "SERVING") << name;
  }
  std::string serving;
  EXPECT_EQ(
      test::HealthCheck(server.channel(), "dnc.v1.NoSuchService", &serving)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST(HealthTest, WithoutTenantsTheTenantServiceIsNotServing) {
  ApiServer server(AuthMode::kNone);
  std::string serving;
  ASSERT_TRUE(
      test::HealthCheck(server.channel(), "dnc.v1.ScrubService", &serving)
          .ok());
  EXPECT_EQ(serving, "SERVING");
  ASSERT_TRUE(
      test::HealthCheck(server.channel(), "dnc.v1.TenantService", &serving)
          .ok());
  EXPECT_EQ(serving, "NOT_SERVING");
}

// ---- Finding 5: the largest answer fits a default client -----------------

TEST(AnswerSizeTest, AFullBatchOfTheWorstEntriesFitsADefaultClient) {
  // Every entry listed in both sources (two LISTED reasons with dates), the
  // longest string id, the largest numeric id: the largest answer this
  // registry can give, through a client with gRPC's default receive limit.
  ApiServer server;
  // And an expired EBR record for each, which adds a reason per source.
  v1::ConsentRequest consents;
  for (uint32_t i = 0; i < kDefaultMaxBatchEntries; ++i) {
    v1::ConsentRecord* record = consents.add_records();
    record->set_e164(13032340000 + i);
    record->set_type(v1::CONSENT_INQUIRY);
    record->set_date("2020-01-01");
    record->set_note(std::string(kMaxNoteBytes, 'n'));
  }
  v1::ConsentResponse stored;
  auto add_context = server.Context();
  const grpc::Status added =
      server.tenants().AddConsents(add_context.get(), consents, &stored);
  ASSERT_TRUE(added.ok()) << added.error_message();
  ASSERT_THAT(stored.rejected(), IsEmpty());
  v1::ScrubRequest request;
  for (uint32_t i = 0; i < kDefaultMaxBatchEntries; ++i) {
    request.add_e164(13032340000 + i);
    request.add_ids(std::numeric_limits<uint64_t>::max());
    request.add_string_ids(std::string(kMaxCallerIdBytes, 'x'));
  }
  request.set_job_id(std::string(kMaxJobIdBytes, 'j'));
  request.set_request_id(std::string(kMaxCallerIdBytes, 'r'));
  v1::ScrubResponse response;
  auto context = server.Context();
  const grpc::Status status =
      server.scrub().Scrub(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.dispositions_size(),
            static_cast<int>(kDefaultMaxBatchEntries));
  EXPECT_EQ(response.dispositions(0), v1::BLOCKED);
  EXPECT_GE(response.reasons_size(),
            2 * static_cast<int>(kDefaultMaxBatchEntries));
  EXPECT_LT(response.ByteSizeLong(), kDefaultClientReceiveLimit);
  ::testing::Test::RecordProperty("answer_bytes",
                                  static_cast<int>(response.ByteSizeLong()));
  // The consent answers are bounded too: a List of every number, each with
  // a full note, fits; with more records than the limit it is cut and says
  // how many there are.
  v1::ConsentRequest more;
  for (int i = 0; i < 5; ++i) {
    v1::ConsentRecord* record = more.add_records();
    record->set_e164(13032340000 + i);
    record->set_type(v1::CONSENT_PURCHASE);
    record->set_date("2020-01-01");
  }
  auto more_context = server.Context();
  ASSERT_TRUE(
      server.tenants().AddConsents(more_context.get(), more, &stored).ok());
  v1::ConsentRequest list;
  for (uint32_t i = 0; i < kDefaultMaxBatchEntries; ++i) {
    list.add_records()->set_e164(13032340000 + i);
  }
  v1::ConsentResponse listed;
  auto list_context = server.Context();
  const grpc::Status list_status =
      server.tenants().ListConsents(list_context.get(), list, &listed);
  ASSERT_TRUE(list_status.ok()) << list_status.error_message();
  EXPECT_EQ(listed.records_size(), static_cast<int>(kDefaultMaxBatchEntries));
  EXPECT_EQ(listed.total_records(), kDefaultMaxBatchEntries + 5);
  EXPECT_LT(listed.ByteSizeLong(), kDefaultClientReceiveLimit);
  EXPECT_LT(stored.ByteSizeLong(), kDefaultClientReceiveLimit);

  // One more entry is refused, naming the limit.
  request.add_e164(13032349999);
  request.add_ids(1);
  request.add_string_ids("x");
  context = server.Context();
  const grpc::Status over =
      server.scrub().Scrub(context.get(), request, &response);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(over.error_message(),
              HasSubstr(absl::StrCat(kDefaultMaxBatchEntries)));
}

TEST(AnswerSizeTest, AnAnswerOverTheLimitIsRefusedBeforeItIsAudited) {
  ApiServer server(AuthMode::kApiKey, /*max_answer_bytes=*/64 << 10);
  v1::ScrubRequest request;
  for (uint32_t i = 0; i < 5000; ++i) request.add_e164(13032340000 + i);
  request.set_job_id("too-big");
  v1::ScrubResponse response;
  auto context = server.Context();
  const grpc::Status status =
      server.scrub().Scrub(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("entries per request"));
  EXPECT_THAT(status.error_message(), HasSubstr("--max_answer_bytes"));
  v1::ReportRequest report;
  report.set_job_id("too-big");
  v1::ScrubReport certificate;
  context = server.Context();
  EXPECT_EQ(server.tenants()
                .GetReport(context.get(), report, &certificate)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A batch that fits is answered (and audited).
  request.mutable_e164()->Truncate(100);
  context = server.Context();
  ASSERT_TRUE(server.scrub().Scrub(context.get(), request, &response).ok());
  EXPECT_EQ(response.dispositions_size(), 100);
  context = server.Context();
  EXPECT_TRUE(
      server.tenants().GetReport(context.get(), report, &certificate).ok());
}

// ---- Every RPC, every field ---------------------------------------------

// One hostile or boundary value in one field of one RPC. `call` makes the
// call and checks a successful answer itself; `code` is the status it must
// end with and `field` a part of the message that names the field.
struct FieldCase {
  std::string name;
  std::function<grpc::Status(ApiServer&)> call;
  grpc::StatusCode code;
  std::string field;
};

const std::string& Huge() {
  static const std::string* huge = new std::string(20000, 'z');
  return *huge;
}
const char kBadUtf8[] = "\xff\xfe\xfd 202 555";

// A value as a case name: invalid UTF-8 is named so, long values are cut.
std::string CaseName(const std::string& value) {
  if (value == kBadUtf8) return "invalid UTF-8";
  return value.size() > 16 ? absl::StrCat(value.size(), " bytes") : value;
}

// Protobuf refuses to parse a proto3 `string` field holding invalid UTF-8
// (standard clients refuse to send one), so such a request never reaches
// the service: gRPC answers it with an error of its own (UNIMPLEMENTED
// without a message, from gRPC 1.51's callback server) or ends the stream.
// Cases named "invalid UTF-8" expect any error rather than a given code.
bool RefusedBeforeTheService(const std::string& case_name) {
  return case_name.find("invalid UTF-8") != std::string::npos;
}

template <typename Request, typename Response, typename Method>
std::function<grpc::Status(ApiServer&)> Call(
    Method method, std::function<void(Request*)> fill,
    std::function<void(const Response&)> check = nullptr) {
  return [=](ApiServer& server) {
    Request request;
    fill(&request);
    Response response;
    auto context = server.Context();
    grpc::Status status = method(server, context.get(), request, &response);
    if (status.ok() && check) check(response);
    return status;
  };
}

template <typename Request, typename Response>
using Rpc = std::function<grpc::Status(ApiServer&, grpc::ClientContext*,
                                       const Request&, Response*)>;

// The table's view of a unary method of either stub.
template <typename Request, typename Response>
Rpc<Request, Response> ScrubRpc(grpc::Status (v1::ScrubService::Stub::*method)(
    grpc::ClientContext*, const Request&, Response*)) {
  return [method](ApiServer& s, grpc::ClientContext* c, const Request& r,
                  Response* out) { return (s.scrub().*method)(c, r, out); };
}
template <typename Request, typename Response>
Rpc<Request, Response> TenantRpc(grpc::Status (
    v1::TenantService::Stub::*method)(grpc::ClientContext*, const Request&,
                                      Response*)) {
  return [method](ApiServer& s, grpc::ClientContext* c, const Request& r,
                  Response* out) { return (s.tenants().*method)(c, r, out); };
}

const auto kScrub = ScrubRpc(&v1::ScrubService::Stub::Scrub);
const auto kCheck = ScrubRpc(&v1::ScrubService::Stub::Check);
const auto kStatus = ScrubRpc(&v1::ScrubService::Stub::Status);
const auto kAddOptOuts = TenantRpc(&v1::TenantService::Stub::AddOptOuts);
const auto kRemoveOptOuts = TenantRpc(&v1::TenantService::Stub::RemoveOptOuts);
const auto kCheckOptOuts = TenantRpc(&v1::TenantService::Stub::CheckOptOuts);
const auto kAddConsents = TenantRpc(&v1::TenantService::Stub::AddConsents);
const auto kRevokeConsents =
    TenantRpc(&v1::TenantService::Stub::RevokeConsents);
const auto kListConsents = TenantRpc(&v1::TenantService::Stub::ListConsents);
const auto kWhoAmI = TenantRpc(&v1::TenantService::Stub::WhoAmI);
const auto kJobFiles = TenantRpc(&v1::TenantService::Stub::RecordJobFiles);
const auto kReport = TenantRpc(&v1::TenantService::Stub::GetReport);
auto kScrubStream = [](ApiServer& s, grpc::ClientContext* c,
                       const v1::ScrubRequest& r, v1::ScrubResponse* out) {
  auto stream = s.scrub().ScrubStream(c);
  const bool answered = stream->Write(r) && stream->Read(out);
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  // A chunk the server could not read ends the stream without its answer:
  // for the table that is a refusal, never a silent success.
  if (status.ok() && !answered) {
    return grpc::Status(grpc::StatusCode::UNKNOWN, "no answer to the chunk");
  }
  return status;
};
constexpr auto kOk = grpc::StatusCode::OK;
constexpr auto kBad = grpc::StatusCode::INVALID_ARGUMENT;
constexpr auto kNotFound = grpc::StatusCode::NOT_FOUND;

// Cases for one ScrubRequest field set, shared by Scrub and ScrubStream.
template <typename Method>
void AddScrubRequestCases(const std::string& rpc, Method method,
                          std::vector<FieldCase>* cases) {
  using Req = v1::ScrubRequest;
  using Resp = v1::ScrubResponse;
  auto one_disposition = [](v1::Disposition want) {
    return [want](const Resp& r) {
      ASSERT_EQ(r.dispositions_size(), 1);
      EXPECT_EQ(r.dispositions(0), want);
    };
  };
  auto add = [&](const std::string& name, std::function<void(Req*)> fill,
                 grpc::StatusCode code, const std::string& field,
                 std::function<void(const Resp&)> check = nullptr) {
    cases->push_back(
        {rpc + " " + name, Call<Req, Resp>(method, fill, check), code, field});
  };
  add(
      "empty request", [](Req*) {}, kOk, "",
      [](const Resp& r) { EXPECT_THAT(r.dispositions(), IsEmpty()); });
  add(
      "e164 0", [](Req* r) { r->add_e164(0); }, kOk, "",
      one_disposition(v1::MALFORMED));
  add(
      "e164 max uint64",
      [](Req* r) { r->add_e164(std::numeric_limits<uint64_t>::max()); }, kOk,
      "", one_disposition(v1::MALFORMED));
  add(
      "e164 16 digits", [](Req* r) { r->add_e164(1212234560100000); }, kOk, "",
      one_disposition(v1::MALFORMED));
  add(
      "e164 listed", [](Req* r) { r->add_e164(kListed); }, kOk, "",
      one_disposition(v1::BLOCKED));
  add(
      "raw empty", [](Req* r) { r->add_raw(""); }, kOk, "",
      one_disposition(v1::MALFORMED));
  add(
      "raw 20 kB", [](Req* r) { r->add_raw(Huge()); }, kOk, "",
      one_disposition(v1::MALFORMED));
  add(
      "raw 20 kB of digits",
      [](Req* r) { r->add_raw(std::string(20000, '2')); }, kOk, "",
      one_disposition(v1::MALFORMED));
  add(
      "raw listed with noise",
      [](Req* r) { r->add_raw("  \"+1 (212) 234-5601\" "); }, kOk, "",
      one_disposition(v1::BLOCKED));
  add(
      "raw invalid UTF-8", [](Req* r) { r->add_raw(kBadUtf8); }, kBad, "raw");
  add(
      "string_ids invalid UTF-8",
      [](Req* r) {
        r->add_e164(kListed);
        r->add_string_ids(kBadUtf8);
      },
      kBad, "string_ids");
  add(
      "raw with NUL",
      [](Req* r) {
        r->add_raw(
            std::string("212234\0"
                        "5601",
                        11));
      },
      kOk, "", one_disposition(v1::MALFORMED));
  add(
      "ids fewer than entries",
      [](Req* r) {
        r->add_e164(kListed);
        r->add_e164(kListed);
        r->add_ids(1);
      },
      kBad, "ids");
  add(
      "string_ids more than entries",
      [](Req* r) {
        r->add_e164(kListed);
        r->add_string_ids("a");
        r->add_string_ids("b");
      },
      kBad, "string_ids");
  add(
      "string_ids 65 bytes",
      [](Req* r) {
        r->add_e164(kListed);
        r->add_string_ids(std::string(kMaxCallerIdBytes + 1, 's'));
      },
      kBad, "string_ids[0]");
  add(
      "string_ids 64 bytes",
      [](Req* r) {
        r->add_e164(kListed);
        r->add_string_ids(std::string(kMaxCallerIdBytes, 's'));
      },
      kOk, "", one_disposition(v1::BLOCKED));
  add(
      "purpose 99",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_purpose(static_cast<v1::CallPurpose>(99));
      },
      kBad, "purpose");
  add(
      "purpose -1",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_purpose(static_cast<v1::CallPurpose>(-1));
      },
      kBad, "purpose");
  add(
      "now_unix_seconds -2^63",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_now_unix_seconds(std::numeric_limits<int64_t>::min());
      },
      kBad, "now_unix_seconds");
  add(
      "now_unix_seconds 2^63-1",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_now_unix_seconds(std::numeric_limits<int64_t>::max());
      },
      kBad, "now_unix_seconds");
  add(
      "job_id 65 chars",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_job_id(std::string(kMaxJobIdBytes + 1, 'j'));
      },
      kBad, "job_id");
  add(
      "job_id with slash",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_job_id("../other-tenant");
      },
      kBad, "job_id");
  add(
      "job_id invalid UTF-8",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_job_id("\xc3\x28");
      },
      kBad, "job_id");
  add(
      "request_id 20 kB",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_request_id(Huge());
      },
      kBad, "request_id");
  add(
      "sequence max",
      [](Req* r) {
        r->add_e164(kListed);
        r->set_sequence(std::numeric_limits<uint64_t>::max());
      },
      kOk, "",
      [](const Resp& r) {
        EXPECT_EQ(r.sequence(), std::numeric_limits<uint64_t>::max());
      });
  add(
      "one entry over the limit",
      [](Req* r) {
        for (uint32_t i = 0; i <= kDefaultMaxBatchEntries; ++i) {
          r->add_e164(kListed);
        }
      },
      kBad, "limit of 10000");
}

std::vector<FieldCase> AllCases() {
  std::vector<FieldCase> cases;
  AddScrubRequestCases("Scrub", kScrub, &cases);
  AddScrubRequestCases("ScrubStream", kScrubStream, &cases);

  using CReq = v1::CheckRequest;
  using CResp = v1::CheckResponse;
  auto check = [&](const std::string& name, std::function<void(CReq*)> fill,
                   grpc::StatusCode code, const std::string& field,
                   std::function<void(const CResp&)> verify = nullptr) {
    cases.push_back({"Check " + name, Call<CReq, CResp>(kCheck, fill, verify),
                     code, field});
  };
  check(
      "no number", [](CReq*) {}, kBad, "no number");
  check(
      "e164 0", [](CReq* r) { r->set_e164(0); }, kOk, "",
      [](const CResp& r) { EXPECT_EQ(r.disposition(), v1::MALFORMED); });
  check(
      "raw 20 kB", [](CReq* r) { r->set_raw(Huge()); }, kOk, "",
      [](const CResp& r) { EXPECT_EQ(r.disposition(), v1::MALFORMED); });
  check(
      "id 65 bytes",
      [](CReq* r) {
        r->set_e164(kListed);
        r->set_id(std::string(kMaxCallerIdBytes + 1, 'i'));
      },
      kBad, "id");
  check(
      "request_id 20 kB",
      [](CReq* r) {
        r->set_e164(kListed);
        r->set_request_id(Huge());
      },
      kBad, "request_id");
  check(
      "purpose 99",
      [](CReq* r) {
        r->set_e164(kListed);
        r->set_purpose(static_cast<v1::CallPurpose>(99));
      },
      kBad, "purpose");
  check(
      "purpose CHARITY on a listed number",
      [](CReq* r) {
        r->set_e164(kOptedOut);
        r->set_purpose(v1::CHARITY);
      },
      kOk, "",
      [](const CResp& r) { EXPECT_EQ(r.disposition(), v1::INTERNAL); });
  check(
      "now_unix_seconds -1",
      [](CReq* r) {
        r->set_e164(kListed);
        r->set_now_unix_seconds(-1);
      },
      kBad, "now_unix_seconds");
  cases.push_back({"Status",
                   Call<v1::StatusRequest, v1::StatusResponse>(
                       kStatus, [](v1::StatusRequest*) {},
                       [](const v1::StatusResponse& r) {
                         EXPECT_EQ(r.max_batch_entries(),
                                   kDefaultMaxBatchEntries);
                       }),
                   kOk, ""});

  using OReq = v1::OptOutRequest;
  using OResp = v1::OptOutResponse;
  const std::vector<std::pair<std::string, Rpc<OReq, OResp>>> opt_rpcs = {
      {"AddOptOuts", kAddOptOuts},
      {"RemoveOptOuts", kRemoveOptOuts},
      {"CheckOptOuts", kCheckOptOuts}};
  for (const auto& [rpc, method] : opt_rpcs) {
    const bool is_add = rpc == "AddOptOuts";
    auto opt = [&, rpc = rpc, method = method](
                   const std::string& name, std::function<void(OReq*)> fill,
                   grpc::StatusCode code, const std::string& field,
                   std::function<void(const OResp&)> verify = nullptr) {
      cases.push_back({rpc + " " + name,
                       Call<OReq, OResp>(method, fill, verify), code, field});
    };
    auto rejected = [](const OResp& r) {
      ASSERT_EQ(r.states_size(), 1);
      EXPECT_EQ(r.states(0), v1::REJECTED);
      EXPECT_THAT(r.detail(0), Not(IsEmpty()));
    };
    opt(
        "e164 0", [](OReq* r) { r->add_e164(0); }, kOk, "", rejected);
    opt(
        "e164 max", [](OReq* r) { r->add_e164(~uint64_t{0}); }, kOk, "",
        rejected);
    opt(
        "raw 20 kB", [](OReq* r) { r->add_raw(Huge()); }, kOk, "", rejected);
    opt(
        "raw invalid UTF-8", [](OReq* r) { r->add_raw(kBadUtf8); }, kOk, "",
        rejected);
    opt(
        "raw N11 area code", [](OReq* r) { r->add_raw("911-234-5678"); }, kOk,
        "", rejected);
    opt(
        "note 257 bytes",
        [](OReq* r) {
          r->add_e164(kFreeTable);
          r->set_note(std::string(kMaxNoteBytes + 1, 'n'));
        },
        kBad, "note");
    opt(
        "one entry over the limit",
        [](OReq* r) {
          for (uint32_t i = 0; i <= kDefaultMaxBatchEntries; ++i) {
            r->add_e164(kFreeTable);
          }
        },
        kBad, "limit of 10000");
    for (const std::string& date :
         {std::string("0001-01-01"), std::string("1899-12-31"),
          std::string("9999-12-31"), std::string("10000-01-01"),
          std::string("2026-02-30"), std::string("2026-2-3"), Huge(),
          std::string(kBadUtf8)}) {
      opt(
          "date " + CaseName(date),
          [date](OReq* r) {
            r->add_e164(kFreeTable);
            r->set_date(date);
          },
          is_add ? kBad : kOk, is_add ? "date" : "");
    }
  }

  using KReq = v1::ConsentRequest;
  using KResp = v1::ConsentResponse;
  auto consent = [&](const std::string& name, std::function<void(KReq*)> fill,
                     std::function<void(const KResp&)> verify) {
    cases.push_back({"AddConsents " + name,
                     Call<KReq, KResp>(kAddConsents, fill, verify), kOk, ""});
  };
  auto record = [](KReq* r, const std::string& date,
                   v1::ConsentType type = v1::CONSENT_WRITTEN) {
    v1::ConsentRecord* c = r->add_records();
    c->set_e164(kListedForLimits);
    c->set_type(type);
    c->set_date(date);
    return c;
  };
  auto rejected_for = [](const std::string& field) {
    return [field](const KResp& r) {
      ASSERT_EQ(r.rejected_size(), 1);
      EXPECT_THAT(r.rejected(0), HasSubstr(field));
      EXPECT_LE(r.rejected(0).size(), kMaxErrorMessageBytes);
      EXPECT_THAT(r.records(), IsEmpty());
    };
  };
  for (const std::string& date :
       {std::string(""), std::string("0001-01-01"), std::string("1899-12-31"),
        std::string("9999-12-31"), std::string("2026-13-01"), Huge(),
        std::string(kBadUtf8)}) {
    consent(
        "date " + CaseName(date), [record, date](KReq* r) { record(r, date); },
        rejected_for("records[0].date"));
  }
  for (int type : {0, 4, 99, -1}) {
    consent(
        "type " + std::to_string(type),
        [record, type](KReq* r) {
          record(r, "2026-01-01", static_cast<v1::ConsentType>(type));
        },
        rejected_for("records[0].type"));
  }
  consent(
      "note 257 bytes",
      [record](KReq* r) {
        record(r, "2026-01-01")->set_note(std::string(kMaxNoteBytes + 1, 'n'));
      },
      rejected_for("records[0].note"));
  consent(
      "no number",
      [](KReq* r) {
        v1::ConsentRecord* c = r->add_records();
        c->set_type(v1::CONSENT_WRITTEN);
        c->set_date("2026-01-01");
      },
      rejected_for("records[0]"));
  consent(
      "raw 20 kB",
      [](KReq* r) {
        v1::ConsentRecord* c = r->add_records();
        c->set_raw(Huge());
        c->set_type(v1::CONSENT_WRITTEN);
        c->set_date("2026-01-01");
      },
      rejected_for("records[0]"));
  consent(
      "one bad among good",
      [record](KReq* r) {
        record(r, "2026-01-01", v1::CONSENT_INQUIRY);
        record(r, "9999-01-01");
      },
      [](const KResp& r) {
        ASSERT_EQ(r.rejected_size(), 1);
        EXPECT_THAT(r.rejected(0), HasSubstr("records[1].date"));
        EXPECT_EQ(r.records_size(), 1);
      });
  cases.push_back({"AddConsents one entry over the limit",
                   Call<KReq, KResp>(kAddConsents,
                                     [record](KReq* r) {
                                       for (uint32_t i = 0;
                                            i <= kDefaultMaxBatchEntries; ++i) {
                                         record(r, "2026-01-01");
                                       }
                                     }),
                   kBad, "limit of 10000"});
  for (const std::string& date :
       {std::string("0001-01-01"), std::string("9999-12-31"), Huge(),
        std::string(kBadUtf8)}) {
    cases.push_back({"RevokeConsents date " + CaseName(date),
                     Call<KReq, KResp>(kRevokeConsents,
                                       [date](KReq* r) {
                                         r->add_records()->set_e164(kListed);
                                         r->set_date(date);
                                       }),
                     kBad, "date"});
  }
  cases.push_back(
      {"ListConsents e164 0",
       Call<KReq, KResp>(
           kListConsents, [](KReq* r) { r->add_records()->set_e164(0); },
           [](const KResp& r) { EXPECT_EQ(r.rejected_size(), 1); }),
       kOk, ""});
  cases.push_back(
      {"WhoAmI",
       Call<v1::WhoAmIRequest, v1::TenantInfo>(
           kWhoAmI, [](v1::WhoAmIRequest*) {},
           [](const v1::TenantInfo& r) { EXPECT_EQ(r.tenant(), "acme"); }),
       kOk, ""});

  using JReq = v1::JobFilesRequest;
  using JResp = v1::JobFilesResponse;
  auto files = [&](const std::string& name, std::function<void(JReq*)> fill,
                   grpc::StatusCode code, const std::string& field) {
    cases.push_back({"RecordJobFiles " + name,
                     Call<JReq, JResp>(kJobFiles,
                                       [fill](JReq* r) {
                                         r->set_job_id("no-such-job");
                                         fill(r);
                                       }),
                     code, field});
  };
  files(
      "job_id empty", [](JReq* r) { r->clear_job_id(); }, kBad, "job_id");
  files(
      "job_id 20 kB", [](JReq* r) { r->set_job_id(Huge()); }, kBad, "job_id");
  files(
      "input_name 1025 bytes",
      [](JReq* r) { r->set_input_name(std::string(1025, 'f')); }, kBad,
      "input_name");
  files(
      "output_name 20 kB", [](JReq* r) { r->set_output_name(Huge()); }, kBad,
      "output_name");
  files(
      "input_sha256 63 hex",
      [](JReq* r) { r->set_input_sha256(std::string(63, 'a')); }, kBad,
      "input_sha256");
  files(
      "output_sha256 not hex",
      [](JReq* r) { r->set_output_sha256(std::string(64, 'g')); }, kBad,
      "output_sha256");
  files(
      "valid fields, unknown job",
      [](JReq* r) {
        r->set_input_sha256(std::string(64, 'a'));
        r->set_input_rows(~uint64_t{0});
      },
      kNotFound, "no-such-job");

  using RReq = v1::ReportRequest;
  using RResp = v1::ScrubReport;
  for (const auto& [name, job, code] :
       {std::tuple<std::string, std::string, grpc::StatusCode>{"job_id empty",
                                                               "", kBad},
        {"job_id 20 kB", Huge(), kBad},
        {"job_id invalid UTF-8", kBadUtf8, kBad},
        {"unknown job", "no-such-job", kNotFound}}) {
    cases.push_back({"GetReport " + name,
                     Call<RReq, RResp>(
                         kReport, [job = job](RReq* r) { r->set_job_id(job); }),
                     code, code == kBad ? "job_id" : "no-such-job"});
  }
  return cases;
}

TEST(EveryFieldTest, EachValueGetsAnAnswerOrABoundedErrorAndNeverFailsOpen) {
  ApiServer server;
  v1::OptOutResponse opted;
  ASSERT_TRUE(server.AddOptOut(kOptedOut, "", &opted).ok());
  const std::vector<FieldCase> cases = AllCases();
  // Every method of both services appears in the table.
  for (const char* rpc :
       {"Scrub ", "ScrubStream ", "Check ", "Status", "AddOptOuts ",
        "RemoveOptOuts ", "CheckOptOuts ", "AddConsents ", "RevokeConsents ",
        "ListConsents ", "WhoAmI", "RecordJobFiles ", "GetReport "}) {
    bool found = false;
    for (const FieldCase& c : cases) found |= c.name.rfind(rpc, 0) == 0;
    EXPECT_TRUE(found) << rpc;
  }
  for (const FieldCase& c : cases) {
    SCOPED_TRACE(c.name);
    const grpc::Status status = c.call(server);
    if (RefusedBeforeTheService(c.name)) {
      EXPECT_FALSE(status.ok());
    } else {
      EXPECT_EQ(status.error_code(), c.code)
          << status.error_message().substr(0, 300);
    }
    EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes);
    if (!status.ok() && !c.field.empty() && !RefusedBeforeTheService(c.name)) {
      EXPECT_THAT(status.error_message(), HasSubstr(c.field));
    }
    // Whatever the case did, the protections still hold.
    EXPECT_EQ(server.Check(kListed).disposition(), v1::BLOCKED);
    EXPECT_EQ(server.Check(kOptedOut).disposition(), v1::INTERNAL);
  }
}

}  // namespace
}  // namespace dnc::service
