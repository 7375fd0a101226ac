// dnc-tenant: administers a dnc-server's tenant store (tenants,
// entitlements, limits, API keys, the audit log), offline (--tenants DIR,
// the server stopped: it holds the store's lock) or online (--server
// HOST:PORT --admin_key_file FILE, through the server's AdminService). A
// thin main: flags -> one TenantAdmin (store_tenant_admin.h or
// remote_tenant_admin.h) -> one command (tenant_commands.h), so both modes
// take the same arguments and print the same output.
// Exit codes: 0 done, 1 the store or server refused or failed, 2 usage error.
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "admin/remote_tenant_admin.h"
#include "admin/store_tenant_admin.h"
#include "admin/tenant_admin.h"
#include "admin/tenant_commands.h"
#include "client/scrub_client.h"
#include "common/civil_date.h"
#include "common/command_line.h"
#include "common/secret_file.h"
#include "policy/policy.h"
#include "tenant/tenant_store.h"

ABSL_FLAG(std::string, tenants, "",
          "Direct: the tenant store (dnc-server's --tenants): a directory, "
          "with the server stopped; or a postgresql:// URL, shared with the "
          "running servers. Exactly one of --tenants and --server.");
ABSL_FLAG(std::string, server, "",
          "Online: HOST:PORT of a running dnc-server started with "
          "--admin_key_file. Exactly one of --tenants and --server.");
ABSL_FLAG(std::string, admin_key_file, "",
          "Online (required with --server, unless the server admits the "
          "--client_cert as the administrator): the file holding the admin "
          "secret, the same as dnc-server's --admin_key_file (one line, "
          "mode 600).");
ABSL_FLAG(std::string, ca_cert, "",
          "Online: PEM file of the CA that signed the server's certificate; "
          "connects with TLS (hostname checked). Without it: plaintext.");
ABSL_FLAG(std::string, client_cert, "",
          "Online: PEM client certificate chain, for a server that requires "
          "client certificates (dnc-server --tls_client_ca); needs "
          "--client_key.");
ABSL_FLAG(std::string, client_key, "",
          "Online: PEM private key of --client_cert.");
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
ABSL_FLAG(int64_t, requests_per_second, -1,
          "create, update: most calls per second for the tenant (burst the "
          "same); 0 = no per-tenant bound; -1 = not given (create: 0; "
          "update: unchanged).");
ABSL_FLAG(int64_t, numbers_per_day, -1,
          "create, update: most numbers answered per UTC day; 0 = "
          "unlimited; -1 = not given (create: 0; update: unchanged).");
ABSL_FLAG(std::string, tenant, "",
          "audit export: the tenant whose records to export (deleted "
          "tenants' records too).");
ABSL_FLAG(std::string, since, "",
          "audit export: first day (YYYY-MM-DD, UTC) to export; default: "
          "from the first record.");
ABSL_FLAG(std::string, until, "",
          "audit export: last day (YYYY-MM-DD, UTC, included) to export; "
          "default: to the last record.");
ABSL_FLAG(std::string, before, "",
          "audit prune (required): delete every audit record dated before "
          "this day (YYYY-MM-DD, UTC, 00:00).");
ABSL_FLAG(bool, force, false,
          "audit prune: also delete records younger than the retention "
          "(5 years).");

namespace dnc::admin {
namespace {

std::string UsageText() {
  return "Administers a dnc-server's tenant store: tenants (sellers), their "
         "entitlements, default call purpose, limits and API keys, and the "
         "audit log.\n\n"
         "Usage: dnc-tenant --tenants DIR COMMAND [NAME] [flags]\n"
         "         (offline: dnc-server stopped)\n"
         "       dnc-tenant --tenants postgresql://USER@HOST/DB COMMAND [NAME] "
         "[flags]\n"
         "         (a shared store: the servers on it follow each change "
         "within ~100 ms)\n"
         "       dnc-tenant --server HOST:PORT [--ca_cert F] [--client_cert F "
         "--client_key F]\n"
         "                  --admin_key_file F COMMAND [NAME] [flags]\n"
         "         (online: dnc-server running with --admin_key_file)\n\n"
         "Offline, dnc-tenant opens the store itself (a running server "
         "holds its lock). Online, it asks a running dnc-server started "
         "with --admin_key_file F, sending the secret in F; the server "
         "applies each change at once: a new key works on the next call and "
         "a revoked key fails on the next call, on every connection. Both "
         "modes take the same commands and print the same output.\n\n"
         "Commands:\n"
         "  migrate\n"
         "      Creates or upgrades the store's schema (PostgreSQL: the "
         "versioned migrations it lacks, each in one transaction; safe to "
         "run again). dnc-server refuses a database that needs it.\n"
         "  create NAME --entitle SPEC [--purpose P] [--label L]\n"
         "         [--requests_per_second N] [--numbers_per_day N]\n"
         "      Creates the tenant (offline: creating DIR if needed) and its "
         "first API key.\n"
         "  key-create NAME [--label L]\n"
         "      Makes another API key for the tenant.\n"
         "  key-revoke NAME --label L\n"
         "      Revokes the tenant's active key with that label.\n"
         "  update NAME [--entitle SPEC] [--purpose P] "
         "[--requests_per_second N] [--numbers_per_day N]\n"
         "      Changes what is given; keeps the rest.\n"
         "  delete NAME\n"
         "      Deletes the tenant: configuration, keys, internal list, "
         "consent records. Its audit records are kept (audit retention); "
         "its name cannot be reused until they are pruned.\n"
         "  list\n"
         "      Every tenant: purpose, entitlements, limits, key labels, how "
         "many opt-outs and consents (never keys or their hashes).\n"
         "  audit export --tenant NAME [--since D] [--until D]\n"
         "      The tenant's audit records from day --since through day "
         "--until (UTC), one JSON object per line on stdout, oldest first.\n"
         "  audit prune --before D [--force]\n"
         "      Deletes every tenant's audit records dated before day D. "
         "Refuses to delete records younger than the retention (5 years: "
         "docs/tenants.md says why) unless --force.\n\n"
         "A new API key is printed alone on stdout, once: only its SHA-256 "
         "is stored, so it cannot be shown again (make a new one and revoke "
         "the old if it is lost). Other messages go to stderr.\n\n"
         "Examples:\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants create acme "
         "--entitle \"us-ftc:all; ca-dncl:416,647\"\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants key-create acme "
         "--label dialer\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants update acme "
         "--entitle \"us-ftc:212,646,917\" --purpose charity "
         "--requests_per_second 200\n"
         "  dnc-tenant --server dnc.example:50051 --ca_cert ca.pem "
         "--admin_key_file /etc/dnc/admin.key key-revoke acme --label key-1\n"
         "  dnc-tenant --server 127.0.0.1:50051 --admin_key_file "
         "/etc/dnc/admin.key list\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants audit export --tenant "
         "acme --since 2026-01-01 --until 2026-12-31 > acme-2026.jsonl\n"
         "  dnc-tenant --tenants /var/lib/dnc/tenants audit prune --before "
         "2021-01-01\n\n"
         "Tenant names: 1-64 of a-z, 0-9, '.', '_', '-', starting with a "
         "letter or digit.\n"
         "Exit status: 0 done, 1 error (the message names the tenant, "
         "directory or server), 2 usage error.";
}

const CommandLine& Cli() {
  static const CommandLine* const cli =
      new CommandLine({"dnc-tenant", UsageText(), "tenant_main.cc"});
  return *cli;
}

[[noreturn]] void UsageError(const std::string& message) {
  Cli().UsageError(message);
}

std::optional<policy::Purpose> PurposeFlag() {
  const std::string text = absl::GetFlag(FLAGS_purpose);
  if (text.empty()) return std::nullopt;
  policy::Purpose purpose = policy::Purpose::kUnspecified;
  if (!policy::ParsePurpose(text, &purpose) ||
      purpose == policy::Purpose::kUnspecified) {
    UsageError(absl::StrCat("--purpose '", text,
                            "' is not commercial, charity, political or "
                            "survey"));
  }
  return purpose;
}

std::optional<std::vector<tenant::Entitlement>> EntitleFlag() {
  const std::string text = absl::GetFlag(FLAGS_entitle);
  if (text.empty()) return std::nullopt;
  absl::StatusOr<std::vector<tenant::Entitlement>> parsed =
      tenant::ParseEntitlements(text);
  if (!parsed.ok()) {
    UsageError(absl::StrCat("--entitle: ", parsed.status().message()));
  }
  return *std::move(parsed);
}

// A limit flag: empty when not given (-1); a usage error outside
// 0..max.
template <typename T>
std::optional<T> LimitFlag(const char* flag, int64_t value) {
  if (value == -1) return std::nullopt;
  if (value < 0 || static_cast<uint64_t>(value) >
                       static_cast<uint64_t>(std::numeric_limits<T>::max())) {
    UsageError(absl::StrCat("--", flag, " ", value,
                            " is out of range: 0 "
                            "(no bound) to ",
                            std::numeric_limits<T>::max(),
                            ", or -1 for not given"));
  }
  return static_cast<T>(value);
}

// A day flag as the UTC midnight it starts with (plus `days_after` days).
std::optional<absl::Time> DayFlag(const char* flag, const std::string& text,
                                  int days_after) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<DayNumber> day = ParseIsoDate(text);
  if (!day.ok()) {
    UsageError(
        absl::StrCat("--", flag, " '", text,
                     "' is not a date (YYYY-MM-DD): ", day.status().message()));
  }
  return absl::FromUnixSeconds((*day + days_after) * int64_t{86400});
}

// Refuses flags the command does not use (a typo'd command line should not
// silently do something else).
struct Uses {
  bool entitle = false, purpose = false, label = false, limits = false,
       tenant = false, dates = false, prune = false;
};
void OnlyFlags(const std::string& command, const Uses& uses) {
  auto refuse = [&](const char* flag) {
    UsageError(absl::StrCat("--", flag, " is not used by ", command));
  };
  if (!uses.entitle && !absl::GetFlag(FLAGS_entitle).empty()) {
    refuse("entitle");
  }
  if (!uses.purpose && !absl::GetFlag(FLAGS_purpose).empty()) {
    refuse("purpose");
  }
  if (!uses.label && !absl::GetFlag(FLAGS_label).empty()) refuse("label");
  if (!uses.limits && absl::GetFlag(FLAGS_requests_per_second) != -1) {
    refuse("requests_per_second");
  }
  if (!uses.limits && absl::GetFlag(FLAGS_numbers_per_day) != -1) {
    refuse("numbers_per_day");
  }
  if (!uses.tenant && !absl::GetFlag(FLAGS_tenant).empty()) refuse("tenant");
  if (!uses.dates && !absl::GetFlag(FLAGS_since).empty()) refuse("since");
  if (!uses.dates && !absl::GetFlag(FLAGS_until).empty()) refuse("until");
  if (!uses.prune && !absl::GetFlag(FLAGS_before).empty()) refuse("before");
  if (!uses.prune && absl::GetFlag(FLAGS_force)) refuse("force");
}

void CheckTenantName(const std::string& name) {
  if (!tenant::IsValidTenantName(name)) {
    UsageError(absl::StrCat(
        "'", name,
        "' is not a tenant name (1-64 of a-z, 0-9, '.', '_', '-', starting "
        "with a letter or digit)"));
  }
}

// What to run, checked before anything is opened or connected to.
struct Command {
  std::string verb;             // "create", ..., "audit export", "audit prune".
  std::string name;             // The tenant (empty for list and prune).
  tenant::TenantConfig config;  // create.
  TenantUpdate update;          // create (limits), update.
  std::string label;
  absl::Time since, until, before;
  bool force = false;
};

Command ReadCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    UsageError(
        "missing command: migrate, create, key-create, key-revoke, update, "
        "delete, list, audit export or audit prune");
  }
  Command command;
  command.verb = args[0];
  command.label = absl::GetFlag(FLAGS_label);
  if (command.verb == "audit") {
    if (args.size() < 2 || (args[1] != "export" && args[1] != "prune")) {
      UsageError("audit needs a subcommand: audit export or audit prune");
    }
    command.verb = absl::StrCat("audit ", args[1]);
    if (args.size() != 2) {
      UsageError(absl::StrCat(command.verb, " takes no arguments, got '",
                              args[2], "' (the tenant is --tenant NAME)"));
    }
    if (args[1] == "export") {
      Uses uses;
      uses.tenant = uses.dates = true;
      OnlyFlags(command.verb, uses);
      command.name = absl::GetFlag(FLAGS_tenant);
      if (command.name.empty()) UsageError("audit export needs --tenant NAME");
      CheckTenantName(command.name);
      command.since = DayFlag("since", absl::GetFlag(FLAGS_since), 0)
                          .value_or(absl::UnixEpoch());
      // --until names the last day exported: up to the next midnight.
      command.until = DayFlag("until", absl::GetFlag(FLAGS_until), 1)
                          .value_or(absl::FromUnixMicros(
                              std::numeric_limits<int64_t>::max()));
      if (command.since > command.until) {
        UsageError("--since is after --until");
      }
    } else {
      Uses uses;
      uses.prune = true;
      OnlyFlags(command.verb, uses);
      const std::optional<absl::Time> before =
          DayFlag("before", absl::GetFlag(FLAGS_before), 0);
      if (!before.has_value()) {
        UsageError("audit prune needs --before YYYY-MM-DD");
      }
      command.before = *before;
      command.force = absl::GetFlag(FLAGS_force);
    }
    return command;
  }
  if (command.verb == "migrate") {
    OnlyFlags("migrate", Uses());
    if (args.size() != 1) {
      UsageError(
          absl::StrCat("migrate takes no arguments, got '", args[1], "'"));
    }
    return command;
  }
  if (command.verb == "list") {
    OnlyFlags("list", Uses());
    if (args.size() != 1) {
      UsageError(absl::StrCat("list takes no arguments, got '", args[1], "'"));
    }
    return command;
  }
  if (command.verb != "create" && command.verb != "key-create" &&
      command.verb != "key-revoke" && command.verb != "update" &&
      command.verb != "delete") {
    UsageError(absl::StrCat("unknown command '", command.verb,
                            "' (migrate, create, key-create, key-revoke, "
                            "update, delete, list, audit export, audit "
                            "prune)"));
  }
  if (args.size() != 2) {
    UsageError(absl::StrCat(command.verb, " takes one tenant name, got ",
                            args.size() - 1, " arguments"));
  }
  command.name = args[1];
  CheckTenantName(command.name);
  const bool create = command.verb == "create";
  const bool update = command.verb == "update";
  Uses uses;
  uses.entitle = uses.purpose = uses.limits = create || update;
  uses.label =
      create || command.verb == "key-create" || command.verb == "key-revoke";
  OnlyFlags(command.verb, uses);
  if (create || update) {
    command.update.entitlements = EntitleFlag();
    command.update.default_purpose = PurposeFlag();
    command.update.requests_per_second = LimitFlag<uint32_t>(
        "requests_per_second", absl::GetFlag(FLAGS_requests_per_second));
    command.update.numbers_per_day = LimitFlag<uint64_t>(
        "numbers_per_day", absl::GetFlag(FLAGS_numbers_per_day));
  }
  if (create) {
    if (!command.update.entitlements.has_value()) {
      UsageError(
          "create needs --entitle (e.g. --entitle \"us-ftc:all\"): a tenant "
          "without entitlements may use no registry");
    }
    command.config.name = command.name;
    command.config.default_purpose =
        command.update.default_purpose.value_or(policy::Purpose::kCommercial);
    command.config.entitlements = *command.update.entitlements;
    command.config.limits.requests_per_second =
        command.update.requests_per_second.value_or(0);
    command.config.limits.numbers_per_day =
        command.update.numbers_per_day.value_or(0);
  }
  if (update && command.update.empty()) {
    UsageError(
        "update needs --entitle, --purpose, --requests_per_second and/or "
        "--numbers_per_day");
  }
  if (command.verb == "key-revoke" && command.label.empty()) {
    UsageError("key-revoke needs --label");
  }
  return command;
}

absl::Status Run(TenantAdmin& admin, const Command& command) {
  const CommandOutput io{&std::cout, &std::cerr};
  const std::string& verb = command.verb;
  if (verb == "create") {
    return CreateCommand(admin, command.config, command.label, io);
  }
  if (verb == "key-create") {
    return KeyCreateCommand(admin, command.name, command.label, io);
  }
  if (verb == "key-revoke") {
    return KeyRevokeCommand(admin, command.name, command.label, io);
  }
  if (verb == "update") {
    return UpdateCommand(admin, command.name, command.update, io);
  }
  if (verb == "delete") return DeleteCommand(admin, command.name, io);
  if (verb == "list") return ListCommand(admin, io);
  if (verb == "audit export") {
    return AuditExportCommand(admin, command.name, command.since, command.until,
                              io);
  }
  return AuditPruneCommand(admin, command.before, command.force, io);
}

int Offline(const std::string& dir, const Command& command) {
  if (!absl::GetFlag(FLAGS_admin_key_file).empty() ||
      !absl::GetFlag(FLAGS_ca_cert).empty() ||
      !absl::GetFlag(FLAGS_client_cert).empty() ||
      !absl::GetFlag(FLAGS_client_key).empty()) {
    UsageError(
        "--admin_key_file, --ca_cert, --client_cert and --client_key are for "
        "--server (online); --tenants opens the store directly");
  }
  if (command.verb == "migrate") {
    const absl::Status migrated = tenant::TenantStore::Migrate(dir);
    if (!migrated.ok()) return Cli().Fail(migrated);
    std::cerr << "dnc-tenant: the tenant store's schema is current\n";
    return kExitOk;
  }
  absl::StatusOr<std::unique_ptr<tenant::TenantStore>> store =
      tenant::TenantStore::Open(dir,
                                /*create_if_missing=*/command.verb == "create");
  if (!store.ok()) return Cli().Fail(store.status());
  StoreTenantAdmin admin(store->get(), dir);
  const absl::Status done = Run(admin, command);
  return done.ok() ? kExitOk : Cli().Fail(done);
}

int Online(const std::string& server, const Command& command) {
  if (command.verb == "migrate") {
    UsageError("migrate works on the store itself: --tenants DIR or URL");
  }
  const std::string key_file = absl::GetFlag(FLAGS_admin_key_file);
  if (key_file.empty() && absl::GetFlag(FLAGS_client_cert).empty()) {
    UsageError(
        "--server needs --admin_key_file FILE: the file with the admin "
        "secret dnc-server was started with (--admin_key_file); or a client "
        "certificate the server admits as the administrator (--client_cert "
        "and --client_key)");
  }
  if (absl::GetFlag(FLAGS_client_cert).empty() !=
      absl::GetFlag(FLAGS_client_key).empty()) {
    UsageError("--client_cert and --client_key go together");
  }
  std::string key;
  if (!key_file.empty()) {
    absl::StatusOr<std::string> read =
        ReadSecretFile(key_file, "--admin_key_file");
    if (!read.ok()) return Cli().Fail(read.status());
    key = *std::move(read);
  }
  client::ClientOptions options;
  options.server = server;
  options.ca_cert_file = absl::GetFlag(FLAGS_ca_cert);
  options.client_cert_file = absl::GetFlag(FLAGS_client_cert);
  options.client_key_file = absl::GetFlag(FLAGS_client_key);
  absl::StatusOr<std::unique_ptr<RemoteTenantAdmin>> admin =
      RemoteTenantAdmin::Connect(options, std::move(key));
  if (!admin.ok()) return Cli().Fail(admin.status());
  const absl::Status done = Run(**admin, command);
  return done.ok() ? kExitOk : Cli().Fail(done);
}

int Main(int argc, char** argv) {
  const std::vector<std::string> args = Cli().Parse(argc, argv);
  const std::string dir = absl::GetFlag(FLAGS_tenants);
  const std::string server = absl::GetFlag(FLAGS_server);
  if (dir.empty() == server.empty()) {
    UsageError(
        "give exactly one of --tenants DIR (offline, dnc-server stopped) and "
        "--server HOST:PORT (online, with --admin_key_file)");
  }
  const Command command = ReadCommand(args);
  return dir.empty() ? Online(server, command) : Offline(dir, command);
}

}  // namespace
}  // namespace dnc::admin

int main(int argc, char** argv) { return dnc::admin::Main(argc, argv); }
