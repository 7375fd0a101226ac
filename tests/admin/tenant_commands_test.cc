// dnc-tenant's commands (admin/tenant_commands.h) over a real TenantStore
// through StoreTenantAdmin, their output read from string streams; and the
// real dnc-tenant binary's choice of mode: exactly one of --tenants and
// --server, --admin_key_file only (and always) online, a bad key file or an
// unreachable server an error naming it.
#include "admin/tenant_commands.h"

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "admin/store_tenant_admin.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tenant/tenant_store.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

class TenantCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = tenant::TenantStore::Open(dir_.Path("tenants"), true);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    admin_ = std::make_unique<StoreTenantAdmin>(store_.get(), "the-store");
  }

  CommandOutput Io() {
    out_.str("");
    err_.str("");
    return CommandOutput{&out_, &err_};
  }

  static tenant::TenantConfig Config(const std::string& name) {
    tenant::TenantConfig config;
    config.name = name;
    tenant::Entitlement all;
    all.source = "us-ftc";
    all.all_area_codes = true;
    config.entitlements = {all};
    config.limits.requests_per_second = 5;
    return config;
  }

  test::ScratchDir dir_;
  std::unique_ptr<tenant::TenantStore> store_;
  std::unique_ptr<StoreTenantAdmin> admin_;
  std::ostringstream out_, err_;
};

TEST_F(TenantCommandsTest, CreatePrintsOnlyTheKeyOnStdout) {
  ASSERT_TRUE(CreateCommand(*admin_, Config("acme"), "", Io()).ok());
  const std::string key = out_.str();
  EXPECT_THAT(key, StartsWith("dnc_"));
  EXPECT_EQ(key.find('\n'), key.size() - 1);
  EXPECT_NE(store_->Authenticate(key.substr(0, key.size() - 1)), nullptr);
  EXPECT_THAT(err_.str(), HasSubstr("created tenant acme"));
  EXPECT_THAT(err_.str(), HasSubstr("in the-store"));
  EXPECT_THAT(err_.str(), HasSubstr("5 requests/s, numbers/day unlimited"));
}

TEST_F(TenantCommandsTest, ListShowsLimitsAndLabelsButNoKey) {
  ASSERT_TRUE(CreateCommand(*admin_, Config("acme"), "first", Io()).ok());
  const std::string key = out_.str();
  ASSERT_TRUE(ListCommand(*admin_, Io()).ok());
  EXPECT_THAT(out_.str(), HasSubstr("acme\n"));
  EXPECT_THAT(
      out_.str(),
      HasSubstr("  limits        5 requests/s, numbers/day unlimited\n"));
  EXPECT_THAT(out_.str(), HasSubstr("first (created "));
  EXPECT_THAT(out_.str(), Not(HasSubstr(key.substr(4, 20))));
}

TEST_F(TenantCommandsTest, UpdateChangesOnlyWhatIsGiven) {
  ASSERT_TRUE(CreateCommand(*admin_, Config("acme"), "", Io()).ok());
  TenantUpdate update;
  update.numbers_per_day = 1000;
  ASSERT_TRUE(UpdateCommand(*admin_, "acme", update, Io()).ok());
  EXPECT_THAT(err_.str(), HasSubstr("5 requests/s, 1000 numbers/day"));
  const tenant::Tenant* acme = store_->Find("acme");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->limits().requests_per_second, 5u);
  EXPECT_EQ(acme->limits().numbers_per_day, 1000u);
  EXPECT_EQ(tenant::FormatEntitlements(acme->entitlements()), "us-ftc:all");
  EXPECT_EQ(UpdateCommand(*admin_, "nobody", update, Io()).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TenantCommandsTest, DeleteThenListAndAnEmptyExport) {
  ASSERT_TRUE(CreateCommand(*admin_, Config("acme"), "", Io()).ok());
  ASSERT_TRUE(DeleteCommand(*admin_, "acme", Io()).ok());
  EXPECT_THAT(err_.str(), HasSubstr("deleted tenant acme"));
  ASSERT_TRUE(ListCommand(*admin_, Io()).ok());
  EXPECT_EQ(out_.str(), "no tenants in the-store\n");
  ASSERT_TRUE(
      AuditExportCommand(*admin_, "acme", absl::UnixEpoch(), absl::Now(), Io())
          .ok());
  EXPECT_THAT(out_.str(), IsEmpty());
  EXPECT_THAT(err_.str(), HasSubstr("exported 0 audit records"));
}

TEST_F(TenantCommandsTest, PruneWithinTheRetentionIsRefused) {
  const absl::Status refused =
      AuditPruneCommand(*admin_, absl::Now(), /*force=*/false, Io());
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(
      AuditPruneCommand(*admin_, absl::Now(), /*force=*/true, Io()).ok());
  EXPECT_THAT(err_.str(), HasSubstr("deleted 0 audit records older than"));
  EXPECT_THAT(err_.str(), HasSubstr("(forced)"));
}

TEST_F(TenantCommandsTest, FormatLimitsSaysNoneOrEachBound) {
  tenant::TenantLimits limits;
  EXPECT_EQ(FormatLimits(limits), "none");
  limits.numbers_per_day = 7;
  EXPECT_EQ(FormatLimits(limits), "requests/s unlimited, 7 numbers/day");
  limits.requests_per_second = 3;
  EXPECT_EQ(FormatLimits(limits), "3 requests/s, 7 numbers/day");
}

// The binary: modes and their flags.
class DncTenantModeTest : public ::testing::Test {
 protected:
  test::RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), DNC_TENANT_BIN);
    return test::RunProcess(args, dir_.path(), std::chrono::seconds(60));
  }
  std::string KeyFile(mode_t mode) {
    const std::string path = dir_.Path("admin.key");
    std::ofstream(path) << "0123456789abcdef0123456789abcdef01234567\n";
    chmod(path.c_str(), mode);
    return path;
  }
  test::ScratchDir dir_;
};

TEST_F(DncTenantModeTest, ExactlyOneModeAndItsOwnFlagsOrUsageErrorTwo) {
  const std::string key = KeyFile(0600);
  const std::string store = dir_.Path("tenants");
  const std::vector<std::vector<std::string>> bad = {
      {"list"},
      {"--tenants", store, "--server", "127.0.0.1:1", "list"},
      {"--server", "127.0.0.1:1", "list"},  // no --admin_key_file
      {"--tenants", store, "--admin_key_file", key, "list"},
      {"--tenants", store, "--ca_cert", key, "list"},
      {"--tenants", store, "--client_cert", key, "--client_key", key, "list"},
      {"--server", "127.0.0.1:1", "--admin_key_file", key, "--client_cert", key,
       "list"},  // no --client_key
      {"--server", "127.0.0.1:1", "--admin_key_file", key, "audit"},
      {"--server", "127.0.0.1:1", "--admin_key_file", key, "audit", "export"},
      {"--server", "127.0.0.1:1", "--admin_key_file", key, "audit", "prune"},
      {"--server", "127.0.0.1:1", "--admin_key_file", key, "update", "acme",
       "--requests_per_second", "-5"},
      {"--server", "127.0.0.1:1", "--admin_key_file", key, "delete", "acme",
       "--label", "x"},
      {"--tenants", store, "audit", "export", "--tenant", "acme", "--since",
       "2026-13-01"},
  };
  for (const std::vector<std::string>& args : bad) {
    const test::RunResult result = Run(args);
    EXPECT_EQ(result.exit_code, 2) << absl::StrJoin(args, " ") << "\n"
                                   << result.err;
    EXPECT_THAT(result.err, HasSubstr("dnc-tenant: "));
  }
}

TEST_F(DncTenantModeTest, AnOpenKeyFileOrAnUnreachableServerExitsOne) {
  const test::RunResult open = Run(
      {"--server", "127.0.0.1:1", "--admin_key_file", KeyFile(0644), "list"});
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_THAT(open.err, HasSubstr("chmod 600"));
  const test::RunResult unreachable = Run(
      {"--server", "127.0.0.1:1", "--admin_key_file", KeyFile(0600), "list"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_THAT(unreachable.err, HasSubstr("cannot reach dnc-server at"));
}

TEST_F(DncTenantModeTest, HelpDescribesBothModes) {
  const test::RunResult help = Run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* text :
       {"--tenants DIR", "--server HOST:PORT", "--admin_key_file", "delete",
        "audit export", "audit prune", "--requests_per_second"}) {
    EXPECT_THAT(help.out, HasSubstr(text));
  }
}

}  // namespace
}  // namespace dnc::admin
