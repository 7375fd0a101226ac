// Runs the real dnc-tenant binary (DNC_TENANT_BIN): exit codes, output, and
// that what it writes is what the store reads.
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tenant/tenant_store.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc::tenant {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class DncTenantTest : public ::testing::Test {
 protected:
  std::string Store() const { return scratch_.Path("tenants"); }

  test::RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), DNC_TENANT_BIN);
    return test::RunProcess(args, scratch_.path(), std::chrono::seconds(60));
  }
  test::RunResult RunOnStore(std::vector<std::string> args) {
    args.insert(args.begin(), {"--tenants", Store()});
    return Run(args);
  }
  // The key printed by create / key-create: stdout's only line.
  static std::string KeyOf(const test::RunResult& result) {
    std::string out = result.out;
    absl::StripTrailingAsciiWhitespace(&out);
    return out;
  }

  test::ScratchDir scratch_;
};

TEST_F(DncTenantTest, HelpExitsZeroAndDescribesTheCommands) {
  test::RunResult result = Run({"--help"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Usage: dnc-tenant --tenants DIR"));
  for (const char* text : {"create", "key-create", "key-revoke", "update",
                           "list", "--entitle", "--purpose", "--label"}) {
    EXPECT_THAT(result.out, HasSubstr(text));
  }
}

TEST_F(DncTenantTest, CreatePrintsAKeyTheStoreAccepts) {
  test::RunResult result =
      RunOnStore({"create", "acme", "--entitle", "us-ftc:all; ca-dncl:416,647",
                  "--purpose", "charity"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string key = KeyOf(result);
  EXPECT_THAT(key, StartsWith("dnc_"));
  EXPECT_EQ(key.size(), 44u);
  EXPECT_THAT(result.err, HasSubstr("shown only this once"));
  EXPECT_THAT(result.err, HasSubstr("acme"));

  auto store = TenantStore::Open(Store(), false);
  ASSERT_TRUE(store.ok()) << store.status();
  const Tenant* tenant = (*store)->Authenticate(key);
  ASSERT_NE(tenant, nullptr);
  EXPECT_EQ(tenant->name(), "acme");
  EXPECT_EQ(tenant->default_purpose(), policy::Purpose::kCharity);
  EXPECT_EQ(FormatEntitlements(tenant->entitlements()),
            "us-ftc:all; ca-dncl:416,647");
}

TEST_F(DncTenantTest, KeysCanBeAddedAndRevokedAndListShowsNoSecrets) {
  test::RunResult created =
      RunOnStore({"create", "acme", "--entitle", "us-ftc:212"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string first = KeyOf(created);
  test::RunResult second_run =
      RunOnStore({"key-create", "acme", "--label", "dialer"});
  ASSERT_EQ(second_run.exit_code, 0) << second_run.err;
  const std::string second = KeyOf(second_run);
  ASSERT_EQ(RunOnStore({"create", "beta", "--entitle", "uk-tps:all"}).exit_code,
            0);
  test::RunResult revoked =
      RunOnStore({"key-revoke", "acme", "--label", "key-1"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  test::RunResult updated = RunOnStore(
      {"update", "acme", "--entitle", "us-ftc:212,646", "--purpose", "survey"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;

  test::RunResult list = RunOnStore({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("acme\n"));
  EXPECT_THAT(list.out, HasSubstr("beta\n"));
  EXPECT_THAT(list.out, HasSubstr("survey"));
  EXPECT_THAT(list.out, HasSubstr("us-ftc:212,646"));
  EXPECT_THAT(list.out, HasSubstr("uk-tps:all"));
  EXPECT_THAT(list.out, HasSubstr("key-1 (revoked"));
  EXPECT_THAT(list.out, HasSubstr("dialer (created"));
  EXPECT_THAT(list.out, HasSubstr("opt-outs      0"));
  for (const std::string& key : {first, second}) {
    EXPECT_THAT(list.out, Not(HasSubstr(key.substr(4))));
    EXPECT_THAT(list.out, Not(HasSubstr(Sha256Hex(key))));
    EXPECT_THAT(list.out, Not(HasSubstr(Sha256Hex(key).substr(0, 16))));
  }

  auto store = TenantStore::Open(Store(), false);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Authenticate(first), nullptr);
  ASSERT_NE((*store)->Authenticate(second), nullptr);
  EXPECT_EQ((*store)->Authenticate(second)->name(), "acme");
}

TEST_F(DncTenantTest, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> bad = {
      {"list"},                                      // no --tenants
      {"--tenants", Store()},                        // no command
      {"--tenants", Store(), "frobnicate", "acme"},  // unknown command
      {"--tenants", Store(), "create"},              // no name
      {"--tenants", Store(), "create", "acme"},      // no --entitle
      {"--tenants", Store(), "create", "Acme Corp", "--entitle", "us-ftc:all"},
      {"--tenants", Store(), "create", "acme", "--entitle", "us-ftc:12"},
      {"--tenants", Store(), "create", "acme", "--entitle", "us-ftc:all",
       "--purpose", "spam"},
      {"--tenants", Store(), "key-revoke", "acme"},  // no --label
      {"--tenants", Store(), "update", "acme"},      // nothing to update
      {"--tenants", Store(), "list", "extra"},
      {"--tenants", Store(), "list", "--label", "x"},
      {"--tenants", Store(), "--no_such_flag", "list"},
  };
  for (const std::vector<std::string>& args : bad) {
    test::RunResult result = Run(args);
    EXPECT_EQ(result.exit_code, 2) << absl::StrJoin(args, " ") << "\n"
                                   << result.err;
    EXPECT_THAT(result.err, HasSubstr("dnc-tenant: "))
        << absl::StrJoin(args, " ");
  }
}

TEST_F(DncTenantTest, StoreErrorsExitOneNamingTenantOrDirectory) {
  test::RunResult missing = RunOnStore({"list"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr(Store()));

  ASSERT_EQ(RunOnStore({"create", "acme", "--entitle", "us-ftc:all"}).exit_code,
            0);
  test::RunResult twice =
      RunOnStore({"create", "acme", "--entitle", "us-ftc:all"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_THAT(twice.err, HasSubstr("acme"));
  test::RunResult unknown = RunOnStore({"key-create", "nobody"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("nobody"));
  test::RunResult no_label =
      RunOnStore({"key-revoke", "acme", "--label", "nope"});
  EXPECT_EQ(no_label.exit_code, 1);
  EXPECT_THAT(no_label.err, HasSubstr("nope"));
}

TEST_F(DncTenantTest, RefusesAStoreInUseSayingAServerMayBeRunning) {
  ASSERT_EQ(RunOnStore({"create", "acme", "--entitle", "us-ftc:all"}).exit_code,
            0);
  test::BackgroundProcess holder({DNC_TENANT_WRITER, Store(), "hold"},
                                 scratch_.Path("holder"));
  for (int i = 0;
       i < 3000 && holder.Stdout().find("ready") == std::string::npos; ++i) {
    ASSERT_TRUE(holder.running()) << holder.Stderr();
    usleep(10000);
  }
  test::RunResult result = RunOnStore({"key-create", "acme"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr(Store()));
  EXPECT_THAT(result.err, HasSubstr("dnc-server may be running"));
  EXPECT_EQ(result.out, "");
}

}  // namespace
}  // namespace dnc::tenant
