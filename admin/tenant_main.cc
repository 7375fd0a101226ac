// dnc-tenant: administers the tenant store (tenants, entitlements, API keys)
// while dnc-server is stopped (a running server holds the store's lock). A
// thin main over tenant::TenantStore.
// Exit codes: 0 done, 1 the store refused or failed, 2 usage error.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/command_line.h"
#include "policy/policy.h"
#include "tenant/tenant_store.h"

ABSL_FLAG(std::string, tenants, "",
          "Tenant store directory (required): the --tenants directory of "
          "dnc-server.");
ABSL_FLAG(std::string, entitle, "",
          "Entitlements: SOURCE:all or SOURCE:NPA,NPA,... separated by ';', "
          "e.g. \"us-ftc:all; ca-dncl:416,647\". Required by create; "
          "update replaces the tenant's entitlements with it.");
ABSL_FLAG(std::string, purpose, "",
          "Default call purpose: commercial, charity, political or survey "
          "(create: default commercial; update: unchanged if not given).");
ABSL_FLAG(std::string, label, "",
          "API key label (create, key-create: default key-N; key-revoke: "
          "required).");

namespace dnc::tenant {
namespace {

std::string UsageText() {
  return "Administers a dnc-server's tenant store: tenants (sellers), their "
         "entitlements, default call purpose and API keys. Run it while "
         "dnc-server is stopped: a running server holds the store's lock.\n\n"
         "Usage: dnc-tenant --tenants DIR COMMAND [NAME] [flags]\n\n"
         "Commands:\n"
         "  create NAME --entitle SPEC [--purpose P] [--label L]\n"
         "      Creates the tenant (creating DIR if needed) and its first API "
         "key.\n"
         "  key-create NAME [--label L]\n"
         "      Makes another API key for the tenant.\n"
         "  key-revoke NAME --label L\n"
         "      Revokes the tenant's active key with that label.\n"
         "  update NAME [--entitle SPEC] [--purpose P]\n"
         "      Replaces the entitlements and/or the default purpose.\n"
         "  list\n"
         "      Every tenant: purpose, entitlements, key labels, how many "
         "opt-outs and consents (never keys or their hashes).\n\n"
         "A new API key is printed alone on stdout, once: only its SHA-256 "
         "is stored, so it cannot be shown again (make a new one and revoke "
         "the old if it is lost). Other messages go to stderr.\n\n"
         "Examples:\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants create acme "
         "--entitle \"us-ftc:all; ca-dncl:416,647\"\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants key-create acme "
         "--label dialer\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants key-revoke acme "
         "--label key-1\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants update acme "
         "--entitle \"us-ftc:212,646,917\" --purpose charity\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants list\n\n"
         "Tenant names: 1-64 of a-z, 0-9, '.', '_', '-', starting with a "
         "letter or digit.\n"
         "Exit status: 0 done, 1 error (the message names the tenant or "
         "directory), 2 usage error.";
}

const CommandLine& Cli() {
  static const CommandLine* const cli =
      new CommandLine({"dnc-tenant", UsageText(), "tenant_main.cc"});
  return *cli;
}

[[noreturn]] void UsageError(const std::string& message) {
  Cli().UsageError(message);
}

int Fail(const absl::Status& status) { return Cli().Fail(status); }

std::string Time(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", time, absl::UTCTimeZone());
}

policy::Purpose PurposeFlag(policy::Purpose fallback) {
  const std::string text = absl::GetFlag(FLAGS_purpose);
  if (text.empty()) return fallback;
  policy::Purpose purpose = policy::Purpose::kUnspecified;
  if (!policy::ParsePurpose(text, &purpose) ||
      purpose == policy::Purpose::kUnspecified) {
    UsageError(absl::StrCat("--purpose '", text,
                            "' is not commercial, charity, political or "
                            "survey"));
  }
  return purpose;
}

std::vector<Entitlement> EntitleFlag() {
  absl::StatusOr<std::vector<Entitlement>> parsed =
      ParseEntitlements(absl::GetFlag(FLAGS_entitle));
  if (!parsed.ok()) {
    UsageError(absl::StrCat("--entitle: ", parsed.status().message()));
  }
  return *std::move(parsed);
}

// Refuses flags the command does not use (a typo'd command line should not
// silently do something else).
void OnlyFlags(const std::string& command, bool entitle, bool purpose,
               bool label) {
  auto refuse = [&](const char* flag) {
    UsageError(absl::StrCat("--", flag, " is not used by ", command));
  };
  if (!entitle && !absl::GetFlag(FLAGS_entitle).empty()) refuse("entitle");
  if (!purpose && !absl::GetFlag(FLAGS_purpose).empty()) refuse("purpose");
  if (!label && !absl::GetFlag(FLAGS_label).empty()) refuse("label");
}

absl::StatusOr<std::unique_ptr<TenantStore>> OpenStore(bool create) {
  return TenantStore::Open(absl::GetFlag(FLAGS_tenants), create);
}

void PrintNewKey(const std::string& tenant, const std::string& key) {
  std::cout << key << std::endl;
  std::cerr << "dnc-tenant: the API key above for tenant " << tenant
            << " is shown only this once (only its SHA-256 is stored): "
               "keep it now.\n";
}

int Create(const std::string& name) {
  OnlyFlags("create", true, true, true);
  if (absl::GetFlag(FLAGS_entitle).empty()) {
    UsageError(
        "create needs --entitle (e.g. --entitle \"us-ftc:all\"): a tenant "
        "without entitlements may use no registry");
  }
  TenantConfig config;
  config.name = name;
  config.default_purpose = PurposeFlag(policy::Purpose::kCommercial);
  config.entitlements = EntitleFlag();
  absl::StatusOr<std::unique_ptr<TenantStore>> store = OpenStore(true);
  if (!store.ok()) return Fail(store.status());
  absl::Status created = (*store)->CreateTenant(config);
  if (!created.ok()) return Fail(created);
  absl::StatusOr<std::string> key =
      (*store)->CreateApiKey(name, absl::GetFlag(FLAGS_label));
  if (!key.ok()) return Fail(key.status());
  std::cerr << "dnc-tenant: created tenant " << name << " (purpose "
            << policy::PurposeName(config.default_purpose)
            << ", entitlements \"" << FormatEntitlements(config.entitlements)
            << "\") in " << absl::GetFlag(FLAGS_tenants) << "\n";
  PrintNewKey(name, *key);
  return 0;
}

int KeyCreate(const std::string& name) {
  OnlyFlags("key-create", false, false, true);
  absl::StatusOr<std::unique_ptr<TenantStore>> store = OpenStore(false);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::string> key =
      (*store)->CreateApiKey(name, absl::GetFlag(FLAGS_label));
  if (!key.ok()) return Fail(key.status());
  PrintNewKey(name, *key);
  return 0;
}

int KeyRevoke(const std::string& name) {
  OnlyFlags("key-revoke", false, false, true);
  const std::string label = absl::GetFlag(FLAGS_label);
  if (label.empty()) UsageError("key-revoke needs --label");
  absl::StatusOr<std::unique_ptr<TenantStore>> store = OpenStore(false);
  if (!store.ok()) return Fail(store.status());
  absl::Status revoked = (*store)->RevokeApiKey(name, label);
  if (!revoked.ok()) return Fail(revoked);
  std::cerr << "dnc-tenant: revoked the key labelled '" << label
            << "' of tenant " << name << "\n";
  return 0;
}

int Update(const std::string& name) {
  OnlyFlags("update", true, true, false);
  const bool entitle = !absl::GetFlag(FLAGS_entitle).empty();
  const bool purpose = !absl::GetFlag(FLAGS_purpose).empty();
  if (!entitle && !purpose) {
    UsageError("update needs --entitle and/or --purpose");
  }
  std::vector<Entitlement> entitlements;
  if (entitle) entitlements = EntitleFlag();
  PurposeFlag(policy::Purpose::kCommercial);  // Usage errors before opening.
  absl::StatusOr<std::unique_ptr<TenantStore>> store = OpenStore(false);
  if (!store.ok()) return Fail(store.status());
  const Tenant* tenant = (*store)->Find(name);
  if (tenant == nullptr) {
    return Fail(absl::NotFoundError(absl::StrCat(
        "update: no tenant ", name, " in ", absl::GetFlag(FLAGS_tenants))));
  }
  TenantConfig config;
  config.name = name;
  config.default_purpose = PurposeFlag(tenant->default_purpose());
  config.entitlements = entitle ? entitlements : tenant->entitlements();
  absl::Status updated = (*store)->UpdateTenant(config);
  if (!updated.ok()) return Fail(updated);
  std::cerr << "dnc-tenant: tenant " << name << " now has purpose "
            << policy::PurposeName(config.default_purpose)
            << ", entitlements \"" << FormatEntitlements(config.entitlements)
            << "\"\n";
  return 0;
}

int List() {
  OnlyFlags("list", false, false, false);
  absl::StatusOr<std::unique_ptr<TenantStore>> store = OpenStore(false);
  if (!store.ok()) return Fail(store.status());
  const std::vector<TenantConfig> tenants = (*store)->ListTenants();
  if (tenants.empty()) {
    std::cout << "no tenants in " << absl::GetFlag(FLAGS_tenants) << "\n";
    return 0;
  }
  for (const TenantConfig& config : tenants) {
    const Tenant* tenant = (*store)->Find(config.name);
    absl::StatusOr<std::vector<ApiKeyInfo>> keys =
        (*store)->ListApiKeys(config.name);
    if (!keys.ok()) return Fail(keys.status());
    std::vector<std::string> key_texts;
    for (const ApiKeyInfo& key : *keys) {
      key_texts.push_back(
          key.revoked
              ? absl::StrCat(key.label, " (revoked ", Time(key.revoked_at), ")")
              : absl::StrCat(key.label, " (created ", Time(key.created), ")"));
    }
    const std::string entitlements = FormatEntitlements(config.entitlements);
    std::cout << config.name << "\n"
              << "  purpose       "
              << policy::PurposeName(config.default_purpose) << "\n"
              << "  entitlements  "
              << (entitlements.empty() ? "(none)" : entitlements) << "\n"
              << "  keys          "
              << (key_texts.empty() ? "(none)" : absl::StrJoin(key_texts, "; "))
              << "\n"
              << "  opt-outs      " << (tenant ? tenant->opt_out_count() : 0)
              << "\n"
              << "  consents      " << (tenant ? tenant->consent_count() : 0)
              << " in force\n";
  }
  return 0;
}

int Main(int argc, char** argv) {
  const std::vector<std::string> args = Cli().Parse(argc, argv);
  if (absl::GetFlag(FLAGS_tenants).empty()) {
    UsageError("--tenants DIR is required");
  }
  if (args.empty()) {
    UsageError(
        "missing command: create, key-create, key-revoke, update or list");
  }
  const std::string& command = args[0];
  if (command == "list") {
    if (args.size() != 1) {
      UsageError(absl::StrCat("list takes no arguments, got '", args[1], "'"));
    }
    return List();
  }
  using Handler = int (*)(const std::string&);
  Handler handler = nullptr;
  if (command == "create") handler = Create;
  if (command == "key-create") handler = KeyCreate;
  if (command == "key-revoke") handler = KeyRevoke;
  if (command == "update") handler = Update;
  if (handler == nullptr) {
    UsageError(absl::StrCat("unknown command '", command,
                            "' (create, key-create, key-revoke, update, "
                            "list)"));
  }
  if (args.size() != 2) {
    UsageError(absl::StrCat(command, " takes one tenant name, got ",
                            args.size() - 1, " arguments"));
  }
  if (!IsValidTenantName(args[1])) {
    UsageError(absl::StrCat(
        "'", args[1],
        "' is not a tenant name (1-64 of a-z, 0-9, '.', '_', '-', starting "
        "with a letter or digit)"));
  }
  return handler(args[1]);
}

}  // namespace
}  // namespace dnc::tenant

int main(int argc, char** argv) { return dnc::tenant::Main(argc, argv); }
