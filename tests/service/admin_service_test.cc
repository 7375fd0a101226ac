// The AdminService over gRPC, in process: a ScrubServer on 127.0.0.1:0 over
// a real registry (registry_fixture.h) and a real TenantStore, with the
// admin secret given as an AdminAuthorizer. Covers who may call (no key, a
// wrong key, a tenant's API key: all UNAUTHENTICATED; the admin key never
// scrubs; a server without an admin key answers FAILED_PRECONDITION), and
// every method: a key made online works on the next Scrub and a revoked or
// deleted tenant's key fails on the next one; list shows labels, never
// keys; update keeps what it is not given; the export streams exactly the
// offline lines (several messages' worth too); prune keeps the retention
// unless forced.
#include "service/admin_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "admin/store_tenant_admin.h"
#include "common/civil_date.h"
#include "dnc/v1/admin.grpc.pb.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/admin_auth.h"
#include "service/auth.h"
#include "service/registry.h"
#include "service/server.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-admin";
const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
constexpr uint64_t kListed = 12122345601;
constexpr uint64_t kUnlisted = 16172345678;

class AdminServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    test::FixtureSource us;
    us.source = "us-ftc";
    us.jurisdiction = "US";
    us.as_of = kAsOf;
    us.keys = {kListed};
    us.added = {kAsOf - 100};
    ASSERT_TRUE(test::PublishFixtureSource(dir_->Path("data"), us).ok());
    RegistryOptions registry_options;
    registry_options.data_dir = dir_->Path("data");
    auto registry = Registry::Open(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
    auto store = tenant::TenantStore::Open(dir_->Path("tenants"), true);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = store->release();
    authorizer_ = AdminAuthorizer::ForSecret(kSecret).release();

    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.today = [] { return kAsOf + 1; };
    options.admin = authorizer_;
    auto server = ScrubServer::Start(registry_, store_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    // The same server without an admin key (administration off).
    options.admin = nullptr;
    auto off = ScrubServer::Start(registry_, store_, options);
    ASSERT_TRUE(off.ok()) << off.status();
    off_server_ = off->release();
  }

  static void TearDownTestSuite() {
    delete off_server_;
    delete server_;
    delete authorizer_;
    delete store_;
    delete registry_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    admin_ = v1::AdminService::NewStub(channel_);
    scrub_ = v1::ScrubService::NewStub(channel_);
  }

  static std::unique_ptr<grpc::ClientContext> WithAdminKey(
      const std::string& key = kSecret) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!key.empty()) context->AddMetadata(kAdminKeyMetadata, key);
    return context;
  }

  v1::CreateTenantResponse Create(const std::string& name) {
    v1::CreateTenantRequest request;
    request.set_tenant(name);
    v1::Entitlement* all = request.add_entitlements();
    all->set_source("us-ftc");
    all->set_all_area_codes(true);
    v1::CreateTenantResponse response;
    auto context = WithAdminKey();
    const grpc::Status status =
        admin_->CreateTenant(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // A Scrub of one number with `api_key` in x-api-key (and `admin_key` in
  // x-admin-key when given), on `stub`.
  static grpc::Status ScrubWith(v1::ScrubService::Stub* stub,
                                const std::string& api_key,
                                const std::string& admin_key = "") {
    grpc::ClientContext context;
    if (!api_key.empty()) context.AddMetadata(kApiKeyMetadata, api_key);
    if (!admin_key.empty()) context.AddMetadata(kAdminKeyMetadata, admin_key);
    v1::ScrubRequest request;
    request.add_e164(kUnlisted);
    v1::ScrubResponse response;
    return stub->Scrub(&context, request, &response);
  }

  // Every admin method once with `key` (empty: none) on `stub`; their codes.
  static std::vector<grpc::StatusCode> EveryMethodWith(
      v1::AdminService::Stub* stub, const std::string& key,
      const std::string& api_key = "") {
    std::vector<grpc::StatusCode> codes;
    auto context = [&] {
      auto made = WithAdminKey(key);
      if (!api_key.empty()) made->AddMetadata(kApiKeyMetadata, api_key);
      return made;
    };
    {
      v1::CreateTenantRequest request;
      request.set_tenant("never");
      v1::CreateTenantResponse response;
      codes.push_back(
          stub->CreateTenant(context().get(), request, &response).error_code());
    }
    {
      v1::UpdateTenantRequest request;
      request.set_tenant("never");
      v1::AdminTenant response;
      codes.push_back(
          stub->UpdateTenant(context().get(), request, &response).error_code());
    }
    {
      v1::DeleteTenantRequest request;
      request.set_tenant("never");
      v1::DeleteTenantResponse response;
      codes.push_back(
          stub->DeleteTenant(context().get(), request, &response).error_code());
    }
    {
      v1::ListTenantsResponse response;
      codes.push_back(
          stub->ListTenants(context().get(), {}, &response).error_code());
    }
    {
      v1::CreateApiKeyRequest request;
      request.set_tenant("never");
      v1::CreateApiKeyResponse response;
      codes.push_back(
          stub->CreateApiKey(context().get(), request, &response).error_code());
    }
    {
      v1::RevokeApiKeyRequest request;
      request.set_tenant("never");
      request.set_label("x");
      v1::RevokeApiKeyResponse response;
      codes.push_back(
          stub->RevokeApiKey(context().get(), request, &response).error_code());
    }
    {
      v1::ExportAuditRequest request;
      request.set_tenant("never");
      request.set_until_unix_micros(absl::ToUnixMicros(absl::Now()));
      auto made = context();
      auto reader = stub->ExportAudit(made.get(), request);
      v1::ExportAuditChunk chunk;
      while (reader->Read(&chunk)) {
      }
      codes.push_back(reader->Finish().error_code());
    }
    {
      v1::PruneAuditRequest request;
      request.set_before_unix_micros(0);
      v1::PruneAuditResponse response;
      codes.push_back(
          stub->PruneAudit(context().get(), request, &response).error_code());
    }
    return codes;
  }

  std::vector<std::string> ExportOnline(const std::string& tenant) {
    v1::ExportAuditRequest request;
    request.set_tenant(tenant);
    request.set_until_unix_micros(
        absl::ToUnixMicros(absl::Now() + absl::Hours(1)));
    auto context = WithAdminKey();
    auto reader = admin_->ExportAudit(context.get(), request);
    std::vector<std::string> lines;
    v1::ExportAuditChunk chunk;
    while (reader->Read(&chunk)) {
      lines.insert(lines.end(), chunk.lines().begin(), chunk.lines().end());
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return lines;
  }

  static test::ScratchDir* dir_;
  static Registry* registry_;
  static tenant::TenantStore* store_;
  static AdminAuthorizer* authorizer_;
  static ScrubServer* server_;
  static ScrubServer* off_server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::ScrubService::Stub> scrub_;
};

test::ScratchDir* AdminServiceTest::dir_ = nullptr;
Registry* AdminServiceTest::registry_ = nullptr;
tenant::TenantStore* AdminServiceTest::store_ = nullptr;
AdminAuthorizer* AdminServiceTest::authorizer_ = nullptr;
ScrubServer* AdminServiceTest::server_ = nullptr;
ScrubServer* AdminServiceTest::off_server_ = nullptr;

const std::vector<grpc::StatusCode> kAllUnauthenticated(
    8, grpc::StatusCode::UNAUTHENTICATED);

TEST_F(AdminServiceTest, EveryMethodWithoutTheAdminKeyIsUnauthenticated) {
  EXPECT_EQ(EveryMethodWith(admin_.get(), ""), kAllUnauthenticated);
  grpc::ClientContext context;
  v1::ListTenantsResponse response;
  const grpc::Status status = admin_->ListTenants(&context, {}, &response);
  EXPECT_THAT(status.error_message(), HasSubstr("missing x-admin-key"));
}

TEST_F(AdminServiceTest, EveryMethodWithAWrongAdminKeyIsUnauthenticated) {
  EXPECT_EQ(EveryMethodWith(admin_.get(), "not-the-secret"),
            kAllUnauthenticated);
  // One character off, same length.
  std::string near(kSecret);
  near.back() = 'x';
  EXPECT_EQ(EveryMethodWith(admin_.get(), near), kAllUnauthenticated);
}

TEST_F(AdminServiceTest, ATenantsApiKeyNeverAuthorizesAdminCalls) {
  const std::string key = Create("keyholder").api_key();
  ASSERT_TRUE(ScrubWith(scrub_.get(), key).ok());
  // In x-api-key (where it belongs) and in x-admin-key: refused either way.
  EXPECT_EQ(EveryMethodWith(admin_.get(), "", key), kAllUnauthenticated);
  EXPECT_EQ(EveryMethodWith(admin_.get(), key), kAllUnauthenticated);
}

TEST_F(AdminServiceTest, TheAdminKeyNeverAuthorizesAScrub) {
  EXPECT_EQ(ScrubWith(scrub_.get(), "", kSecret).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ScrubWith(scrub_.get(), kSecret).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AdminServiceTest, AServerWithoutAnAdminKeyAnswersFailedPrecondition) {
  auto channel = grpc::CreateChannel(off_server_->address(),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::AdminService::NewStub(channel);
  EXPECT_EQ(
      EveryMethodWith(stub.get(), kSecret),
      std::vector<grpc::StatusCode>(8, grpc::StatusCode::FAILED_PRECONDITION));
  auto context = WithAdminKey();
  v1::ListTenantsResponse response;
  const grpc::Status status = stub->ListTenants(context.get(), {}, &response);
  EXPECT_THAT(status.error_message(),
              HasSubstr("start dnc-server with --admin_key_file"));
}

TEST_F(AdminServiceTest, AKeyMadeOnlineWorksOnTheNextCallAndARevokedOneFails) {
  const v1::CreateTenantResponse created = Create("online");
  EXPECT_THAT(created.api_key(), testing::StartsWith("dnc_"));
  EXPECT_EQ(created.tenant().tenant(), "online");
  ASSERT_EQ(created.tenant().keys_size(), 1);
  EXPECT_EQ(created.tenant().keys(0).label(), "key-1");
  EXPECT_TRUE(ScrubWith(scrub_.get(), created.api_key()).ok());

  v1::CreateApiKeyRequest make;
  make.set_tenant("online");
  make.set_label("dialer");
  v1::CreateApiKeyResponse made;
  auto context = WithAdminKey();
  ASSERT_TRUE(admin_->CreateApiKey(context.get(), make, &made).ok());
  EXPECT_TRUE(ScrubWith(scrub_.get(), made.api_key()).ok());

  v1::RevokeApiKeyRequest revoke;
  revoke.set_tenant("online");
  revoke.set_label("key-1");
  v1::RevokeApiKeyResponse revoked;
  context = WithAdminKey();
  ASSERT_TRUE(admin_->RevokeApiKey(context.get(), revoke, &revoked).ok());
  EXPECT_EQ(ScrubWith(scrub_.get(), created.api_key()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(ScrubWith(scrub_.get(), made.api_key()).ok());

  // Revoking it again: no active key has that label.
  context = WithAdminKey();
  EXPECT_EQ(admin_->RevokeApiKey(context.get(), revoke, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdminServiceTest, ListShowsLabelsAndCountsButNeverAKey) {
  const std::string key = Create("listed").api_key();
  auto context = WithAdminKey();
  v1::ListTenantsResponse response;
  ASSERT_TRUE(admin_->ListTenants(context.get(), {}, &response).ok());
  const v1::AdminTenant* found = nullptr;
  for (const v1::AdminTenant& tenant : response.tenants()) {
    if (tenant.tenant() == "listed") found = &tenant;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->default_purpose(), v1::COMMERCIAL);
  ASSERT_EQ(found->entitlements_size(), 1);
  EXPECT_EQ(found->entitlements(0).source(), "us-ftc");
  ASSERT_EQ(found->keys_size(), 1);
  EXPECT_GT(found->keys(0).created_unix_micros(), 0);
  EXPECT_FALSE(found->keys(0).revoked());
  EXPECT_THAT(response.SerializeAsString(), Not(HasSubstr(key)));
}

TEST_F(AdminServiceTest, UpdateChangesWhatIsGivenAndKeepsTheRest) {
  Create("updated");
  v1::UpdateTenantRequest request;
  request.set_tenant("updated");
  request.set_requests_per_second(50);
  v1::AdminTenant after;
  auto context = WithAdminKey();
  ASSERT_TRUE(admin_->UpdateTenant(context.get(), request, &after).ok());
  EXPECT_EQ(after.limits().requests_per_second(), 50u);
  EXPECT_EQ(after.limits().numbers_per_day(), 0u);
  EXPECT_EQ(after.default_purpose(), v1::COMMERCIAL);
  ASSERT_EQ(after.entitlements_size(), 1);
  EXPECT_EQ(store_->Find("updated")->limits().requests_per_second, 50u);

  v1::UpdateTenantRequest purpose;
  purpose.set_tenant("updated");
  purpose.set_default_purpose(v1::CHARITY);
  purpose.set_numbers_per_day(1000);
  purpose.mutable_entitlements();  // Set, empty: no entitlements.
  context = WithAdminKey();
  ASSERT_TRUE(admin_->UpdateTenant(context.get(), purpose, &after).ok());
  EXPECT_EQ(after.default_purpose(), v1::CHARITY);
  EXPECT_EQ(after.limits().requests_per_second(), 50u);
  EXPECT_EQ(after.limits().numbers_per_day(), 1000u);
  EXPECT_EQ(after.entitlements_size(), 0);

  v1::UpdateTenantRequest missing;
  missing.set_tenant("no-such-tenant");
  missing.set_requests_per_second(1);
  context = WithAdminKey();
  EXPECT_EQ(admin_->UpdateTenant(context.get(), missing, &after).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdminServiceTest, CreateRefusesATakenOrBadName) {
  Create("taken");
  v1::CreateTenantRequest request;
  request.set_tenant("taken");
  request.add_entitlements()->set_source("us-ftc");
  v1::CreateTenantResponse response;
  auto context = WithAdminKey();
  EXPECT_EQ(
      admin_->CreateTenant(context.get(), request, &response).error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  request.set_tenant("Bad Name");
  context = WithAdminKey();
  EXPECT_EQ(
      admin_->CreateTenant(context.get(), request, &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  // A bad first key label: refused, and no tenant is left without a key.
  request.set_tenant("keyless");
  request.set_key_label(std::string(100, 'x'));
  context = WithAdminKey();
  EXPECT_EQ(
      admin_->CreateTenant(context.get(), request, &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(store_->Find("keyless"), nullptr);
  request.set_key_label("");
  context = WithAdminKey();
  EXPECT_TRUE(admin_->CreateTenant(context.get(), request, &response).ok());
}

TEST_F(AdminServiceTest, ADeletedTenantsKeyFailsOnTheNextCall) {
  const std::string key = Create("deleted").api_key();
  ASSERT_TRUE(ScrubWith(scrub_.get(), key).ok());
  v1::DeleteTenantRequest request;
  request.set_tenant("deleted");
  v1::DeleteTenantResponse response;
  auto context = WithAdminKey();
  ASSERT_TRUE(admin_->DeleteTenant(context.get(), request, &response).ok());
  EXPECT_EQ(ScrubWith(scrub_.get(), key).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  context = WithAdminKey();
  EXPECT_EQ(
      admin_->DeleteTenant(context.get(), request, &response).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdminServiceTest, TheExportStreamsExactlyTheOfflineLines) {
  const std::string key = Create("exported").api_key();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(ScrubWith(scrub_.get(), key).ok());
  const std::vector<std::string> online = ExportOnline("exported");
  EXPECT_EQ(online.size(), 5u);

  admin::StoreTenantAdmin local(store_, "test");
  std::vector<std::string> offline;
  ASSERT_TRUE(local
                  .ExportAudit("exported", absl::UnixEpoch(),
                               absl::Now() + absl::Hours(1),
                               [&](std::string_view line) {
                                 offline.emplace_back(line);
                                 return absl::OkStatus();
                               })
                  .ok());
  EXPECT_EQ(online, offline);
  for (const std::string& line : online) {
    EXPECT_THAT(line, HasSubstr("\"tenant\":\"exported\""));
  }
}

TEST_F(AdminServiceTest, PagesOfTheExportReadInTurnGiveEveryLineOnce) {
  const std::string key = Create("paged").api_key();
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(ScrubWith(scrub_.get(), key).ok());
  admin::StoreTenantAdmin local(store_, "test");
  std::vector<std::string> whole;
  const absl::Time until = absl::Now() + absl::Hours(1);
  ASSERT_TRUE(local
                  .ExportAudit("paged", absl::UnixEpoch(), until,
                               [&](std::string_view line) {
                                 whole.emplace_back(line);
                                 return absl::OkStatus();
                               })
                  .ok());
  ASSERT_EQ(whole.size(), 12u);
  // Pages of about one line each.
  std::vector<std::string> paged;
  absl::Time since = absl::UnixEpoch();
  int pages = 0;
  for (;;) {
    admin::AuditPage page;
    ASSERT_TRUE(local.ExportAuditPage("paged", since, until, 1, &page).ok());
    ++pages;
    paged.insert(paged.end(), page.lines.begin(), page.lines.end());
    if (!page.next_since.has_value()) break;
    since = *page.next_since;
    ASSERT_LT(pages, 100);
  }
  EXPECT_EQ(paged, whole);
  EXPECT_GT(pages, 1);
}

TEST_F(AdminServiceTest, PruneKeepsTheRetentionUnlessForced) {
  const std::string key = Create("pruned").api_key();
  ASSERT_TRUE(ScrubWith(scrub_.get(), key).ok());
  ASSERT_EQ(ExportOnline("pruned").size(), 1u);
  v1::PruneAuditRequest request;
  request.set_before_unix_micros(
      absl::ToUnixMicros(absl::Now() + absl::Hours(1)));
  v1::PruneAuditResponse response;
  auto context = WithAdminKey();
  const grpc::Status refused =
      admin_->PruneAudit(context.get(), request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("retention"));
  EXPECT_EQ(ExportOnline("pruned").size(), 1u);

  // Records from before 1971: none; allowed, deletes nothing.
  request.set_before_unix_micros(
      absl::ToUnixMicros(absl::FromUnixSeconds(86400)));
  context = WithAdminKey();
  ASSERT_TRUE(admin_->PruneAudit(context.get(), request, &response).ok());
  EXPECT_EQ(response.deleted(), 0u);

  request.set_before_unix_micros(
      absl::ToUnixMicros(absl::Now() + absl::Hours(1)));
  request.set_force(true);
  context = WithAdminKey();
  ASSERT_TRUE(admin_->PruneAudit(context.get(), request, &response).ok());
  EXPECT_GE(response.deleted(), 1u);
  EXPECT_TRUE(ExportOnline("pruned").empty());
}

}  // namespace
}  // namespace dnc::service
