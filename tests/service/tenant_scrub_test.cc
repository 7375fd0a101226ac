// The server with tenants, end to end over gRPC: an in-process ScrubServer
// on 127.0.0.1:0 over a real registry (registry_fixture.h) and a real
// TenantStore in a scratch directory. Covers API-key authentication of every
// RPC, the tenant's rules in Decide() (internal list, EBR / consent, purposes,
// entitlements, calling windows), tenant isolation, audit records and their
// hashes, and job reports.
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/civil_date.h"
#include "common/sha256.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/tenant.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/auth.h"
#include "service/registry.h"
#include "service/server.h"
#include "service/source_set.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
const DayNumber kToday = kAsOf + 5;  // 2026-02-06.
constexpr uint32_t kMaxBatch = 1000;
// 2026-02-06 15:00 UTC = 10:00 in New York.
constexpr int64_t kNowDay = 1770390000;
// 2026-02-07 03:00 UTC = 22:00 in New York (6 Feb).
constexpr int64_t kNowNight = 1770433200;

// Listed in us-ftc: every number named kListed*. Each test uses its own
// numbers, since tests share the store.
constexpr uint64_t kListedInquiryOld = 12122345601;
constexpr uint64_t kListedPurchase = 12122345602;
constexpr uint64_t kListedEbrThenOptOut = 12122345603;
constexpr uint64_t kListedCharity = 12122345604;
constexpr uint64_t kListedCharityOptOut = 12122345605;
constexpr uint64_t kListedColorado = 13032345678;
constexpr uint64_t kListedIsolation = 12022345602;
constexpr uint64_t kListedAudit = 12022345603;
constexpr uint64_t kListedWritten = 12122345606;
constexpr uint64_t kUnlisted = 16172345678;
constexpr uint64_t kUnlistedIsolation = 12022345601;
constexpr uint64_t kUnlistedColorado = 13032345679;

std::string Sha256Of(const std::string& text) { return Sha256Hex(text); }

// The hashed forms as service/audit.h defines them, written out here
// independently of the server's code: little-endian u32/u64.
void PutLe(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}
std::string NumbersBytes(const v1::ScrubRequest& request) {
  std::string out;
  PutLe(&out, request.e164_size(), 4);
  PutLe(&out, request.raw_size(), 4);
  for (uint64_t e164 : request.e164()) PutLe(&out, e164, 8);
  for (const std::string& raw : request.raw()) {
    PutLe(&out, raw.size(), 4);
    out += raw;
  }
  return out;
}
std::string AnswerBytes(uint64_t e164, v1::Disposition disposition) {
  std::string out;
  PutLe(&out, e164, 8);
  out.push_back(static_cast<char>(disposition));
  return out;
}
std::string AnswersBytes(const v1::ScrubResponse& response) {
  std::string out;
  for (uint64_t e164 : response.e164()) PutLe(&out, e164, 8);
  for (int d : response.dispositions()) out.push_back(static_cast<char>(d));
  return out;
}

class TenantScrubTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    test::FixtureSource us;
    us.source = "us-ftc";
    us.jurisdiction = "US";
    us.country_codes = {1};
    us.as_of = kAsOf;
    us.max_age_days = 31;
    us.keys = {kListedInquiryOld, kListedPurchase,      kListedEbrThenOptOut,
               kListedCharity,    kListedCharityOptOut, kListedColorado,
               kListedIsolation,  kListedAudit,         kListedWritten};
    us.added.assign(us.keys.size(), kAsOf - 100);
    ASSERT_TRUE(test::PublishFixtureSource(dir_->Path("data"), us).ok());

    RegistryOptions registry_options;
    registry_options.data_dir = dir_->Path("data");
    auto registry = Registry::Open(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();

    auto store = tenant::TenantStore::Open(dir_->Path("tenants"), true);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = store->release();
    keys_ = new std::map<std::string, std::string>();
    auto make = [](const std::string& name,
                   std::vector<tenant::Entitlement> entitlements) {
      tenant::TenantConfig config;
      config.name = name;
      config.entitlements = std::move(entitlements);
      ASSERT_TRUE(store_->CreateTenant(config).ok());
      auto key = store_->CreateApiKey(name, "test");
      ASSERT_TRUE(key.ok()) << key.status();
      (*keys_)[name] = *key;
    };
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    tenant::Entitlement some;
    some.source = "us-ftc";
    some.area_codes = {202, 212};
    make("acme", {all});
    make("beta", {all});
    make("gamma", {some});

    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.max_batch_entries = kMaxBatch;
    options.today = [] { return kToday; };
    options.auth = AuthMode::kApiKey;
    auto server = ScrubServer::Start(registry_, store_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }

  static void TearDownTestSuite() {
    delete channel_;
    delete server_;
    delete store_;
    delete keys_;
    delete registry_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    scrub_ = v1::ScrubService::NewStub(*channel_);
    tenants_ = v1::TenantService::NewStub(*channel_);
  }

  static const tenant::Tenant& TenantNamed(const std::string& name) {
    return *store_->Find(name);
  }

  // A context carrying `tenant`'s key.
  static std::unique_ptr<grpc::ClientContext> As(const std::string& tenant) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata(std::string(kApiKeyMetadata), keys_->at(tenant));
    return context;
  }

  v1::ScrubResponse Scrub(const std::string& tenant, v1::ScrubRequest request) {
    v1::ScrubResponse response;
    auto context = As(tenant);
    const grpc::Status status =
        scrub_->Scrub(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::ScrubResponse ScrubOne(
      const std::string& tenant, uint64_t e164,
      v1::CallPurpose purpose = v1::PURPOSE_UNSPECIFIED) {
    v1::ScrubRequest request;
    request.add_e164(e164);
    request.set_purpose(purpose);
    return Scrub(tenant, request);
  }

  v1::OptOutResponse OptOut(const std::string& tenant, uint64_t e164,
                            const char* op) {
    v1::OptOutRequest request;
    request.add_e164(e164);
    v1::OptOutResponse response;
    auto context = As(tenant);
    grpc::Status status;
    if (std::string(op) == "add") {
      status = tenants_->AddOptOuts(context.get(), request, &response);
    } else if (std::string(op) == "remove") {
      status = tenants_->RemoveOptOuts(context.get(), request, &response);
    } else {
      status = tenants_->CheckOptOuts(context.get(), request, &response);
    }
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  void AddConsent(const std::string& tenant, uint64_t e164,
                  v1::ConsentType type, DayNumber day) {
    v1::ConsentRequest request;
    v1::ConsentRecord* record = request.add_records();
    record->set_e164(e164);
    record->set_type(type);
    record->set_date(FormatIsoDate(day));
    v1::ConsentResponse response;
    auto context = As(tenant);
    const grpc::Status status =
        tenants_->AddConsents(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_THAT(response.rejected(), IsEmpty());
    ASSERT_EQ(response.records_size(), 1);
  }

  static std::vector<v1::ReasonCode> Codes(const v1::ScrubResponse& response) {
    std::vector<v1::ReasonCode> codes;
    for (const v1::Reason& reason : response.reasons()) {
      codes.push_back(reason.code());
    }
    return codes;
  }

  static test::ScratchDir* dir_;
  static Registry* registry_;
  static tenant::TenantStore* store_;
  static std::map<std::string, std::string>* keys_;
  static ScrubServer* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  std::unique_ptr<v1::ScrubService::Stub> scrub_;
  std::unique_ptr<v1::TenantService::Stub> tenants_;
};

test::ScratchDir* TenantScrubTest::dir_ = nullptr;
Registry* TenantScrubTest::registry_ = nullptr;
tenant::TenantStore* TenantScrubTest::store_ = nullptr;
std::map<std::string, std::string>* TenantScrubTest::keys_ = nullptr;
ScrubServer* TenantScrubTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* TenantScrubTest::channel_ = nullptr;

// ---- Authentication ---------------------------------------------------

// Calls every ScrubService and TenantService method with `setup` applied to
// the context and returns each status by method name.
std::map<std::string, grpc::Status> CallEveryMethod(
    grpc::Channel* channel,
    const std::function<void(grpc::ClientContext*)>& setup) {
  std::shared_ptr<grpc::Channel> shared(channel, [](grpc::Channel*) {});
  auto scrub = v1::ScrubService::NewStub(shared);
  auto tenants = v1::TenantService::NewStub(shared);
  std::map<std::string, grpc::Status> out;
  auto call = [&](const std::string& name, auto&& invoke) {
    grpc::ClientContext context;
    setup(&context);
    out[name] = invoke(&context);
  };
  call("Check", [&](grpc::ClientContext* c) {
    v1::CheckRequest request;
    request.set_e164(kUnlisted);
    v1::CheckResponse response;
    return scrub->Check(c, request, &response);
  });
  call("Scrub", [&](grpc::ClientContext* c) {
    v1::ScrubRequest request;
    request.add_e164(kUnlisted);
    v1::ScrubResponse response;
    return scrub->Scrub(c, request, &response);
  });
  call("ScrubStream", [&](grpc::ClientContext* c) {
    auto stream = scrub->ScrubStream(c);
    v1::ScrubRequest request;
    request.add_e164(kUnlisted);
    stream->Write(request);
    stream->WritesDone();
    v1::ScrubResponse response;
    while (stream->Read(&response)) {
    }
    return stream->Finish();
  });
  call("Status", [&](grpc::ClientContext* c) {
    v1::StatusResponse response;
    return scrub->Status(c, v1::StatusRequest(), &response);
  });
  v1::OptOutRequest opt_out;
  opt_out.add_e164(kUnlisted);
  v1::OptOutResponse opt_out_response;
  call("AddOptOuts", [&](grpc::ClientContext* c) {
    return tenants->AddOptOuts(c, opt_out, &opt_out_response);
  });
  call("RemoveOptOuts", [&](grpc::ClientContext* c) {
    return tenants->RemoveOptOuts(c, opt_out, &opt_out_response);
  });
  call("CheckOptOuts", [&](grpc::ClientContext* c) {
    return tenants->CheckOptOuts(c, opt_out, &opt_out_response);
  });
  v1::ConsentRequest consent;
  consent.add_records()->set_e164(kUnlisted);
  v1::ConsentResponse consent_response;
  call("AddConsents", [&](grpc::ClientContext* c) {
    return tenants->AddConsents(c, consent, &consent_response);
  });
  call("RevokeConsents", [&](grpc::ClientContext* c) {
    return tenants->RevokeConsents(c, consent, &consent_response);
  });
  call("ListConsents", [&](grpc::ClientContext* c) {
    return tenants->ListConsents(c, consent, &consent_response);
  });
  call("WhoAmI", [&](grpc::ClientContext* c) {
    v1::TenantInfo response;
    return tenants->WhoAmI(c, v1::WhoAmIRequest(), &response);
  });
  call("RecordJobFiles", [&](grpc::ClientContext* c) {
    v1::JobFilesRequest request;
    request.set_job_id("some-job");
    v1::JobFilesResponse response;
    return tenants->RecordJobFiles(c, request, &response);
  });
  call("GetReport", [&](grpc::ClientContext* c) {
    v1::ReportRequest request;
    request.set_job_id("some-job");
    v1::ScrubReport response;
    return tenants->GetReport(c, request, &response);
  });
  return out;
}

TEST_F(TenantScrubTest, EveryMethodWithoutAKeyIsUnauthenticated) {
  const auto statuses =
      CallEveryMethod(channel_->get(), [](grpc::ClientContext*) {});
  EXPECT_EQ(statuses.size(), 13u);
  for (const auto& [method, status] : statuses) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_EQ(status.error_message(), "missing x-api-key metadata") << method;
  }
}

TEST_F(TenantScrubTest, EveryMethodWithAWrongKeyIsUnauthenticated) {
  for (const std::string& key :
       {std::string("dnc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        std::string("acme"), keys_->at("acme") + "x"}) {
    const auto statuses =
        CallEveryMethod(channel_->get(), [&](grpc::ClientContext* context) {
          context->AddMetadata(std::string(kApiKeyMetadata), key);
        });
    for (const auto& [method, status] : statuses) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method << " with key " << key;
      EXPECT_EQ(status.error_message(), "unknown or revoked API key") << method;
    }
  }
}

TEST_F(TenantScrubTest, ARightKeyIsAcceptedAndStatusNamesTheTenant) {
  auto context = As("beta");
  v1::StatusResponse status;
  ASSERT_TRUE(scrub_->Status(context.get(), v1::StatusRequest(), &status).ok());
  EXPECT_EQ(status.tenant(), "beta");
  EXPECT_TRUE(status.auth_required());

  auto who_context = As("gamma");
  v1::TenantInfo info;
  ASSERT_TRUE(
      tenants_->WhoAmI(who_context.get(), v1::WhoAmIRequest(), &info).ok());
  EXPECT_EQ(info.tenant(), "gamma");
  EXPECT_EQ(info.default_purpose(), v1::COMMERCIAL);
  ASSERT_EQ(info.entitlements_size(), 1);
  EXPECT_EQ(info.entitlements(0).source(), "us-ftc");
  EXPECT_FALSE(info.entitlements(0).all_area_codes());
  EXPECT_THAT(info.entitlements(0).area_codes(), ElementsAre(202, 212));
}

// ---- The tenant's rules ---------------------------------------------------

TEST_F(TenantScrubTest, UsInquiryEbrExpiresAfterThreeMonths) {
  AddConsent("acme", kListedInquiryOld, v1::CONSENT_INQUIRY, kToday - 120);
  const v1::ScrubResponse response = ScrubOne("acme", kListedInquiryOld);
  EXPECT_THAT(response.dispositions(), ElementsAre(v1::BLOCKED));
  EXPECT_THAT(Codes(response),
              UnorderedElementsAre(v1::LISTED, v1::EXEMPTION_EXPIRED));
  // Another tenant's view of the same number: plainly listed.
  const v1::ScrubResponse other = ScrubOne("beta", kListedInquiryOld);
  EXPECT_THAT(other.dispositions(), ElementsAre(v1::BLOCKED));
  EXPECT_THAT(Codes(other), ElementsAre(v1::LISTED));
}

TEST_F(TenantScrubTest, RecentPurchaseMakesAListedNumberExempt) {
  AddConsent("acme", kListedPurchase, v1::CONSENT_PURCHASE, kToday - 30);
  const v1::ScrubResponse response = ScrubOne("acme", kListedPurchase);
  EXPECT_THAT(response.dispositions(), ElementsAre(v1::EXEMPT));
  EXPECT_THAT(Codes(response),
              UnorderedElementsAre(v1::LISTED, v1::EBR_PURCHASE));
  for (const v1::Reason& reason : response.reasons()) {
    EXPECT_EQ(reason.entry(), 0u);
    EXPECT_EQ(reason.snapshot(), 0u);
  }
}

TEST_F(TenantScrubTest, WrittenConsentMakesAListedNumberExempt) {
  AddConsent("acme", kListedWritten, v1::CONSENT_WRITTEN, kToday - 400);
  const v1::ScrubResponse response = ScrubOne("acme", kListedWritten);
  EXPECT_THAT(response.dispositions(), ElementsAre(v1::EXEMPT));
  EXPECT_THAT(Codes(response),
              UnorderedElementsAre(v1::LISTED, v1::WRITTEN_CONSENT));
}

TEST_F(TenantScrubTest, OptOutAfterAnEbrIsInternal) {
  AddConsent("acme", kListedEbrThenOptOut, v1::CONSENT_PURCHASE, kToday - 10);
  EXPECT_THAT(ScrubOne("acme", kListedEbrThenOptOut).dispositions(),
              ElementsAre(v1::EXEMPT));
  const v1::OptOutResponse added = OptOut("acme", kListedEbrThenOptOut, "add");
  EXPECT_THAT(added.states(), ElementsAre(v1::ADDED));
  EXPECT_THAT(added.added_date(), ElementsAre(FormatIsoDate(kToday)));
  const v1::ScrubResponse response = ScrubOne("acme", kListedEbrThenOptOut);
  EXPECT_THAT(response.dispositions(), ElementsAre(v1::INTERNAL));
  ASSERT_THAT(Codes(response), ElementsAre(v1::INTERNAL_LIST));
  EXPECT_EQ(response.reasons(0).added_date(), FormatIsoDate(kToday));
  // Adding it again keeps the date and says so.
  EXPECT_THAT(OptOut("acme", kListedEbrThenOptOut, "add").states(),
              ElementsAre(v1::ALREADY_LISTED));
}

TEST_F(TenantScrubTest, CharityPurposeIsExemptButNotFromItsOwnOptOuts) {
  const v1::ScrubResponse listed =
      ScrubOne("acme", kListedCharity, v1::CHARITY);
  EXPECT_THAT(listed.dispositions(), ElementsAre(v1::EXEMPT));
  EXPECT_THAT(Codes(listed),
              UnorderedElementsAre(v1::LISTED, v1::PURPOSE_EXEMPT));
  // The same number for a commercial call: blocked.
  EXPECT_THAT(ScrubOne("acme", kListedCharity, v1::COMMERCIAL).dispositions(),
              ElementsAre(v1::BLOCKED));

  OptOut("acme", kListedCharityOptOut, "add");
  const v1::ScrubResponse own =
      ScrubOne("acme", kListedCharityOptOut, v1::CHARITY);
  EXPECT_THAT(own.dispositions(), ElementsAre(v1::INTERNAL));
  EXPECT_THAT(Codes(own), ElementsAre(v1::INTERNAL_LIST));
}

TEST_F(TenantScrubTest, UnentitledAreaCodeIsNotSubscribedRevealingNothing) {
  v1::ScrubRequest request;
  request.add_e164(kListedColorado);    // 303: gamma has 202 and 212 only.
  request.add_e164(kUnlistedColorado);  // Same answer whether listed or not.
  request.add_e164(kListedIsolation);   // 202: entitled, listed.
  const v1::ScrubResponse response = Scrub("gamma", request);
  EXPECT_THAT(response.dispositions(),
              ElementsAre(v1::NOT_SUBSCRIBED, v1::NOT_SUBSCRIBED, v1::BLOCKED));
  std::vector<std::string> details;
  for (const v1::Reason& reason : response.reasons()) {
    if (reason.entry() == 2) continue;
    EXPECT_EQ(reason.code(), v1::NOT_ENTITLED) << reason.ShortDebugString();
    EXPECT_EQ(reason.added_date(), "");
    details.push_back(reason.detail());
  }
  ASSERT_EQ(details.size(), 2u);
  EXPECT_EQ(details[0], details[1]);  // Listed or not: the same words.
  EXPECT_THAT(details[0], HasSubstr("303"));

  // The same number for a tenant entitled to every area code: listed.
  EXPECT_THAT(ScrubOne("acme", kListedColorado).dispositions(),
              ElementsAre(v1::BLOCKED));
  // Check says the same as Scrub.
  auto context = As("gamma");
  v1::CheckRequest check;
  check.set_e164(kListedColorado);
  v1::CheckResponse check_response;
  ASSERT_TRUE(scrub_->Check(context.get(), check, &check_response).ok());
  EXPECT_EQ(check_response.disposition(), v1::NOT_SUBSCRIBED);
  EXPECT_FALSE(check_response.callable());
  ASSERT_EQ(check_response.reasons_size(), 1);
  EXPECT_EQ(check_response.reasons(0).code(), v1::NOT_ENTITLED);
}

TEST_F(TenantScrubTest, CallingWindowOfANewYorkNumberAtAFixedNow) {
  v1::ScrubRequest request;
  request.add_e164(kUnlisted);        // 617 Boston: Eastern too.
  request.add_e164(kListedPurchase);  // 212 New York.
  request.add_raw("garbage");
  request.set_now_unix_seconds(kNowDay);
  const v1::ScrubResponse day = Scrub("beta", request);
  ASSERT_EQ(day.window_size(), 3);
  EXPECT_FALSE(day.windows(0).known());
  EXPECT_EQ(day.window(2), 0u);
  const v1::CallingWindow& ny = day.windows(day.window(1));
  EXPECT_TRUE(ny.known());
  EXPECT_THAT(ny.time_zones(), ElementsAre("America/New_York"));
  EXPECT_EQ(ny.rule(), "US");
  EXPECT_EQ(ny.local_start(), "08:00");
  EXPECT_EQ(ny.local_end(), "21:00");
  EXPECT_THAT(ny.local_now(), HasSubstr("2026-02-06 10:00"));
  EXPECT_TRUE(ny.open_now());
  // One window for both Eastern numbers, evaluated once.
  EXPECT_EQ(day.window(0), day.window(1));
  EXPECT_EQ(day.windows_size(), 2);

  request.set_now_unix_seconds(kNowNight);
  const v1::ScrubResponse night = Scrub("beta", request);
  const v1::CallingWindow& late = night.windows(night.window(1));
  EXPECT_TRUE(late.known());
  EXPECT_FALSE(late.open_now());
  EXPECT_THAT(late.local_now(), HasSubstr("2026-02-06 22:00"));

  auto context = As("beta");
  v1::CheckRequest check;
  check.set_e164(kListedPurchase);
  check.set_now_unix_seconds(kNowDay);
  v1::CheckResponse check_response;
  ASSERT_TRUE(scrub_->Check(context.get(), check, &check_response).ok());
  EXPECT_TRUE(check_response.window().known());
  EXPECT_TRUE(check_response.window().open_now());
  EXPECT_EQ(check_response.window().rule(), "US");
}

TEST_F(TenantScrubTest, UnknownPurposeOrBadJobIdIsInvalidArgument) {
  v1::ScrubRequest request;
  request.add_e164(kUnlisted);
  request.set_purpose(static_cast<v1::CallPurpose>(42));
  v1::ScrubResponse response;
  auto context = As("acme");
  grpc::Status status = scrub_->Scrub(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("purpose 42"));

  request.set_purpose(v1::COMMERCIAL);
  for (const std::string& bad :
       {std::string("has space"), std::string("semi;colon"),
        std::string(65, 'x')}) {
    request.set_job_id(bad);
    auto bad_context = As("acme");
    status = scrub_->Scrub(bad_context.get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(status.error_message(), HasSubstr("job_id")) << bad;
  }
}

// ---- Tenant isolation ---------------------------------------------------

TEST_F(TenantScrubTest, TenantsCannotSeeOrChangeEachOthersData) {
  // B opts a number out and records a consent.
  EXPECT_THAT(OptOut("beta", kUnlistedIsolation, "add").states(),
              ElementsAre(v1::ADDED));
  AddConsent("beta", kListedIsolation, v1::CONSENT_PURCHASE, kToday - 5);

  // A cannot read B's internal list...
  EXPECT_THAT(OptOut("acme", kUnlistedIsolation, "check").states(),
              ElementsAre(v1::NOT_LISTED));
  EXPECT_THAT(OptOut("beta", kUnlistedIsolation, "check").states(),
              ElementsAre(v1::ALREADY_LISTED));
  // ...nor remove from it.
  EXPECT_THAT(OptOut("acme", kUnlistedIsolation, "remove").states(),
              ElementsAre(v1::NOT_LISTED));
  EXPECT_THAT(ScrubOne("beta", kUnlistedIsolation).dispositions(),
              ElementsAre(v1::INTERNAL));
  // A's answers are unaffected by B's list and B's consents.
  EXPECT_THAT(ScrubOne("acme", kUnlistedIsolation).dispositions(),
              ElementsAre(v1::CALLABLE));
  EXPECT_THAT(ScrubOne("acme", kListedIsolation).dispositions(),
              ElementsAre(v1::BLOCKED));
  EXPECT_THAT(ScrubOne("beta", kListedIsolation).dispositions(),
              ElementsAre(v1::EXEMPT));

  // A cannot read B's consents.
  {
    v1::ConsentRequest request;
    request.add_records()->set_e164(kListedIsolation);
    v1::ConsentResponse mine, theirs;
    auto a = As("acme");
    ASSERT_TRUE(tenants_->ListConsents(a.get(), request, &mine).ok());
    EXPECT_EQ(mine.records_size(), 0);
    auto b = As("beta");
    ASSERT_TRUE(tenants_->ListConsents(b.get(), request, &theirs).ok());
    EXPECT_EQ(theirs.records_size(), 1);
  }

  // B's job: A cannot read its report nor attach files to it, and the
  // answer is the same as for a job that does not exist.
  v1::ScrubRequest job;
  job.add_e164(kUnlisted);
  job.set_job_id("beta-job-1");
  EXPECT_EQ(Scrub("beta", job).job_id(), "beta-job-1");
  auto report = [&](const std::string& tenant, const std::string& job_id,
                    v1::ScrubReport* out) {
    v1::ReportRequest request;
    request.set_job_id(job_id);
    auto context = As(tenant);
    return tenants_->GetReport(context.get(), request, out);
  };
  v1::ScrubReport out;
  const grpc::Status theirs = report("acme", "beta-job-1", &out);
  const grpc::Status missing = report("acme", "no-such-job-1", &out);
  EXPECT_EQ(theirs.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      absl::StrReplaceAll(theirs.error_message(), {{"beta-job-1", "JOB"}}),
      absl::StrReplaceAll(missing.error_message(), {{"no-such-job-1", "JOB"}}));
  ASSERT_TRUE(report("beta", "beta-job-1", &out).ok());
  EXPECT_EQ(out.tenant(), "beta");

  auto attach = [&](const std::string& tenant, const std::string& job_id) {
    v1::JobFilesRequest request;
    request.set_job_id(job_id);
    request.set_input_name("leads.csv");
    request.set_input_sha256(std::string(64, 'a'));
    request.set_input_rows(1);
    v1::JobFilesResponse response;
    auto context = As(tenant);
    return tenants_->RecordJobFiles(context.get(), request, &response);
  };
  const grpc::Status attach_theirs = attach("acme", "beta-job-1");
  EXPECT_EQ(attach_theirs.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(attach("acme", "no-such-job-1").error_message(),
            absl::StrReplaceAll(attach_theirs.error_message(),
                                {{"beta-job-1", "no-such-job-1"}}));
  ASSERT_TRUE(report("beta", "beta-job-1", &out).ok());
  EXPECT_EQ(out.files().input_name(), "");  // A's attempt left nothing.
}

// ---- Tenant service ------------------------------------------------------

TEST_F(TenantScrubTest, OptOutsRejectInvalidNumbersWithAReason) {
  v1::OptOutRequest request;
  request.add_e164(12125550000);  // Not asserted: the parser's call.
  request.add_e164(11234567890);  // Area code starting with 1: invalid.
  request.add_raw("not a number");
  request.add_raw("(202) 234-5699");
  request.set_date("2026-01-15");
  request.set_note("call 2026-01-15");
  v1::OptOutResponse response;
  auto context = As("gamma");
  ASSERT_TRUE(tenants_->AddOptOuts(context.get(), request, &response).ok());
  ASSERT_EQ(response.states_size(), 4);
  EXPECT_EQ(response.states(1), v1::REJECTED);
  EXPECT_FALSE(response.detail(1).empty());
  EXPECT_EQ(response.e164(1), 0u);
  EXPECT_EQ(response.states(2), v1::REJECTED);
  EXPECT_EQ(response.states(3), v1::ADDED);
  EXPECT_EQ(response.e164(3), 12022345699u);
  EXPECT_EQ(response.added_date(3), "2026-01-15");
  EXPECT_GE(response.list_size(), 1u);

  v1::OptOutRequest bad_date;
  bad_date.add_e164(12022345699);
  bad_date.set_date("15/01/2026");
  auto bad_context = As("gamma");
  const grpc::Status status =
      tenants_->AddOptOuts(bad_context.get(), bad_date, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::OptOutRequest too_many;
  for (uint32_t i = 0; i <= kMaxBatch; ++i) too_many.add_e164(12022345699);
  auto big_context = As("gamma");
  EXPECT_EQ(tenants_->CheckOptOuts(big_context.get(), too_many, &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(TenantScrubTest, RevokedConsentNoLongerExcusesAListing) {
  constexpr uint64_t kNumber = kListedAudit;
  AddConsent("gamma", kNumber, v1::CONSENT_WRITTEN, kToday - 3);
  EXPECT_THAT(ScrubOne("gamma", kNumber).dispositions(),
              ElementsAre(v1::EXEMPT));
  v1::ConsentRequest revoke;
  revoke.add_records()->set_e164(kNumber);
  revoke.set_date(FormatIsoDate(kToday));
  v1::ConsentResponse response;
  auto context = As("gamma");
  ASSERT_TRUE(tenants_->RevokeConsents(context.get(), revoke, &response).ok());
  ASSERT_EQ(response.records_size(), 1);
  EXPECT_EQ(response.records(0).revoked_date(), FormatIsoDate(kToday));
  EXPECT_THAT(ScrubOne("gamma", kNumber).dispositions(),
              ElementsAre(v1::BLOCKED));
}

// ---- Audit ----------------------------------------------------------------

TEST_F(TenantScrubTest, ScrubAuditRecordHashesMatchAnIndependentRecomputation) {
  v1::ScrubRequest request;
  request.add_e164(kListedAudit);
  request.add_e164(kUnlisted);
  request.add_e164(11234567890);  // Invalid.
  request.add_raw("+1 (617) 234-5678");
  request.add_raw("garbage, \"quoted\"");
  request.set_job_id("audit-job-1");
  request.set_request_id("req-7");
  request.set_sequence(4);
  const v1::ScrubResponse response = Scrub("acme", request);
  ASSERT_EQ(response.dispositions_size(), 5);
  EXPECT_EQ(response.job_id(), "audit-job-1");
  EXPECT_FALSE(response.audit_id().empty());

  const std::string numbers_text = NumbersBytes(request);
  const std::string answers_text = AnswersBytes(response);
  ASSERT_EQ(answers_text.size(), 5u * 9u);
  EXPECT_EQ(answers_text.substr(0, 8),
            AnswerBytes(12022345603, v1::BLOCKED).substr(0, 8));
  EXPECT_EQ(answers_text[40], static_cast<char>(v1::BLOCKED));

  auto records = store_->JobAudit(TenantNamed("acme"), "audit-job-1");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const tenant::AuditRecord& record = (*records)[0];
  EXPECT_EQ(record.audit_id, response.audit_id());
  EXPECT_EQ(record.job_id, "audit-job-1");
  EXPECT_EQ(record.request_id, "req-7");
  EXPECT_EQ(record.method, "Scrub");
  EXPECT_EQ(record.sequence, 4u);
  EXPECT_EQ(record.purpose, policy::Purpose::kCommercial);
  EXPECT_EQ(record.numbers, 5u);
  EXPECT_EQ(record.numbers_sha256, Sha256Of(numbers_text));
  EXPECT_EQ(record.answers_sha256, Sha256Of(answers_text));
  ASSERT_EQ(record.counts.size(), 9u);
  EXPECT_EQ(record.counts[v1::BLOCKED], 1u);
  EXPECT_EQ(record.counts[v1::CALLABLE], 2u);
  EXPECT_EQ(record.counts[v1::INVALID], 1u);
  EXPECT_EQ(record.counts[v1::MALFORMED], 1u);
  ASSERT_EQ(record.snapshots.size(), 1u);
  EXPECT_EQ(record.snapshots[0],
            absl::StrCat("us-ftc ", response.snapshots(0).generation(),
                         " 2026-02-01 US"));
  EXPECT_EQ(record.entitlements,
            tenant::FormatEntitlements(TenantNamed("acme").entitlements()));

  // An empty job id: the batch is a job of its own, named by its audit id.
  v1::ScrubRequest alone;
  alone.add_e164(kUnlisted);
  const v1::ScrubResponse single = Scrub("acme", alone);
  EXPECT_EQ(single.job_id(), single.audit_id());
  auto single_records = store_->JobAudit(TenantNamed("acme"), single.job_id());
  ASSERT_TRUE(single_records.ok());
  EXPECT_EQ(single_records->size(), 1u);
}

TEST_F(TenantScrubTest, CheckAndStreamChunksAreAudited) {
  auto context = As("beta");
  v1::CheckRequest check;
  check.set_raw("(212) 234-5601");
  check.set_request_id("dial-1");
  v1::CheckResponse check_response;
  ASSERT_TRUE(scrub_->Check(context.get(), check, &check_response).ok());
  ASSERT_FALSE(check_response.audit_id().empty());
  auto records =
      store_->JobAudit(TenantNamed("beta"), check_response.audit_id());
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].method, "Check");
  EXPECT_EQ((*records)[0].request_id, "dial-1");
  std::string check_numbers;
  PutLe(&check_numbers, 0, 4);
  PutLe(&check_numbers, 1, 4);
  PutLe(&check_numbers, 14, 4);
  check_numbers += "(212) 234-5601";
  EXPECT_EQ((*records)[0].numbers_sha256, Sha256Of(check_numbers));
  EXPECT_EQ((*records)[0].answers_sha256,
            Sha256Of(AnswerBytes(12122345601, v1::BLOCKED)));

  auto stream_context = As("beta");
  auto stream = scrub_->ScrubStream(stream_context.get());
  for (uint64_t sequence = 0; sequence < 3; ++sequence) {
    v1::ScrubRequest chunk;
    chunk.add_e164(kUnlisted);
    chunk.add_e164(kListedAudit);
    chunk.set_job_id("stream-job-1");
    chunk.set_sequence(sequence);
    ASSERT_TRUE(stream->Write(chunk));
    v1::ScrubResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.sequence(), sequence);
    EXPECT_EQ(response.job_id(), "stream-job-1");
    EXPECT_FALSE(response.audit_id().empty());
  }
  stream->WritesDone();
  ASSERT_TRUE(stream->Finish().ok());
  auto stream_records = store_->JobAudit(TenantNamed("beta"), "stream-job-1");
  ASSERT_TRUE(stream_records.ok());
  ASSERT_EQ(stream_records->size(), 3u);
  for (const tenant::AuditRecord& record : *stream_records) {
    EXPECT_EQ(record.method, "ScrubStream");
  }
}

TEST_F(TenantScrubTest, ReportAggregatesBatchesSentOutOfOrder) {
  // Three batches of one job, sent as sequence 2, 0, 1.
  const std::vector<std::vector<uint64_t>> batches = {
      {kUnlisted, kListedPurchase},                      // sequence 0
      {kListedInquiryOld},                               // sequence 1
      {kUnlistedColorado, kListedColorado, kUnlisted}};  // sequence 2
  std::vector<std::string> numbers_hash(3), answers_hash(3);
  std::map<int, uint64_t> counts;
  for (const uint64_t sequence : {2, 0, 1}) {
    v1::ScrubRequest request;
    for (uint64_t e164 : batches[sequence]) request.add_e164(e164);
    request.set_job_id("report-job-1");
    request.set_sequence(sequence);
    const v1::ScrubResponse response = Scrub("gamma", request);
    for (int i = 0; i < request.e164_size(); ++i) {
      ++counts[response.dispositions(i)];
    }
    numbers_hash[sequence] = Sha256Of(NumbersBytes(request));
    answers_hash[sequence] = Sha256Of(AnswersBytes(response));
  }
  v1::JobFilesRequest files;
  files.set_job_id("report-job-1");
  files.set_input_name("leads.csv");
  files.set_input_sha256(std::string(64, 'b'));
  files.set_input_rows(6);
  files.set_output_name("leads.scrubbed.csv");
  files.set_output_sha256(std::string(64, 'c'));
  files.set_output_rows(6);
  v1::JobFilesResponse files_response;
  auto files_context = As("gamma");
  ASSERT_TRUE(
      tenants_->RecordJobFiles(files_context.get(), files, &files_response)
          .ok());

  v1::ReportRequest request;
  request.set_job_id("report-job-1");
  v1::ScrubReport report;
  auto context = As("gamma");
  ASSERT_TRUE(tenants_->GetReport(context.get(), request, &report).ok());
  EXPECT_EQ(report.job_id(), "report-job-1");
  EXPECT_EQ(report.tenant(), "gamma");
  EXPECT_EQ(report.requests(), 3u);
  EXPECT_EQ(report.numbers(), 6u);
  std::map<int, uint64_t> reported;
  for (const v1::DispositionCount& count : report.counts()) {
    reported[count.disposition()] = count.count();
  }
  EXPECT_EQ(reported, counts);
  // gamma has 202 and 212 only: the 617 and 303 numbers.
  EXPECT_EQ(reported[v1::NOT_SUBSCRIBED], 4u);
  ASSERT_EQ(report.snapshots_size(), 1);
  EXPECT_EQ(report.snapshots(0).source(), "us-ftc");
  EXPECT_EQ(report.snapshots(0).jurisdiction(), "US");
  EXPECT_EQ(report.snapshots(0).as_of(), "2026-02-01");
  ASSERT_EQ(report.entitlements_size(), 1);
  EXPECT_THAT(report.entitlements(0).area_codes(), ElementsAre(202, 212));
  EXPECT_EQ(report.purpose(), v1::COMMERCIAL);
  EXPECT_EQ(report.numbers_sha256(),
            Sha256Of(absl::StrCat(numbers_hash[0], "\n", numbers_hash[1], "\n",
                                  numbers_hash[2], "\n")));
  EXPECT_EQ(report.answers_sha256(),
            Sha256Of(absl::StrCat(answers_hash[0], "\n", answers_hash[1], "\n",
                                  answers_hash[2], "\n")));
  EXPECT_LE(report.first_request_at(), report.last_request_at());
  EXPECT_FALSE(report.first_request_at().empty());
  EXPECT_EQ(report.files().input_name(), "leads.csv");
  EXPECT_EQ(report.files().output_rows(), 6u);
  EXPECT_FALSE(report.server_version().empty());
}

}  // namespace
}  // namespace dnc::service
