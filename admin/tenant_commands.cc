#include "admin/tenant_commands.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "policy/policy.h"

namespace dnc::admin {
namespace {

constexpr char kWho[] = "dnc-tenant: ";

std::string Minute(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", time, absl::UTCTimeZone());
}

std::string Day(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", time, absl::UTCTimeZone());
}

std::string Describe(const tenant::TenantConfig& config) {
  return absl::StrCat("purpose ", policy::PurposeName(config.default_purpose),
                      ", entitlements \"",
                      tenant::FormatEntitlements(config.entitlements),
                      "\", limits ", FormatLimits(config.limits));
}

void PrintNewKey(std::string_view tenant, const std::string& key,
                 const CommandOutput& io) {
  *io.out << key << std::endl;
  *io.err << kWho << "the API key above for tenant " << tenant
          << " is shown only this once (only its SHA-256 is stored): keep it "
             "now.\n";
}

}  // namespace

std::string FormatLimits(const tenant::TenantLimits& limits) {
  if (limits.requests_per_second == 0 && limits.numbers_per_day == 0) {
    return "none";
  }
  const std::string rate =
      limits.requests_per_second == 0
          ? "requests/s unlimited"
          : absl::StrCat(limits.requests_per_second, " requests/s");
  const std::string daily =
      limits.numbers_per_day == 0
          ? "numbers/day unlimited"
          : absl::StrCat(limits.numbers_per_day, " numbers/day");
  return absl::StrCat(rate, ", ", daily);
}

absl::Status CreateCommand(TenantAdmin& admin,
                           const tenant::TenantConfig& config,
                           std::string_view label, const CommandOutput& io) {
  DNC_ASSIGN_OR_RETURN(const std::string key,
                       admin.CreateTenant(config, label));
  *io.err << kWho << "created tenant " << config.name << " ("
          << Describe(config) << ") in " << admin.where() << "\n";
  PrintNewKey(config.name, key, io);
  return absl::OkStatus();
}

absl::Status KeyCreateCommand(TenantAdmin& admin, std::string_view name,
                              std::string_view label, const CommandOutput& io) {
  DNC_ASSIGN_OR_RETURN(const std::string key, admin.CreateApiKey(name, label));
  PrintNewKey(name, key, io);
  return absl::OkStatus();
}

absl::Status KeyRevokeCommand(TenantAdmin& admin, std::string_view name,
                              std::string_view label, const CommandOutput& io) {
  DNC_RETURN_IF_ERROR(admin.RevokeApiKey(name, label));
  *io.err << kWho << "revoked the key labelled '" << label << "' of tenant "
          << name << "\n";
  return absl::OkStatus();
}

absl::Status UpdateCommand(TenantAdmin& admin, std::string_view name,
                           const TenantUpdate& update,
                           const CommandOutput& io) {
  DNC_ASSIGN_OR_RETURN(const tenant::TenantConfig config,
                       admin.UpdateTenant(name, update));
  *io.err << kWho << "tenant " << name << " now has " << Describe(config)
          << "\n";
  return absl::OkStatus();
}

absl::Status DeleteCommand(TenantAdmin& admin, std::string_view name,
                           const CommandOutput& io) {
  DNC_RETURN_IF_ERROR(admin.DeleteTenant(name));
  *io.err << kWho << "deleted tenant " << name << " from " << admin.where()
          << " (configuration, API keys, internal list, consent records); "
             "its audit records are kept until `dnc-tenant audit prune` "
             "removes them\n";
  return absl::OkStatus();
}

absl::Status ListCommand(TenantAdmin& admin, const CommandOutput& io) {
  DNC_ASSIGN_OR_RETURN(const std::vector<TenantView> tenants,
                       admin.ListTenants());
  if (tenants.empty()) {
    *io.out << "no tenants in " << admin.where() << "\n";
    return absl::OkStatus();
  }
  for (const TenantView& view : tenants) {
    std::vector<std::string> key_texts;
    for (const tenant::ApiKeyInfo& key : view.keys) {
      key_texts.push_back(key.revoked
                              ? absl::StrCat(key.label, " (revoked ",
                                             Minute(key.revoked_at), ")")
                              : absl::StrCat(key.label, " (created ",
                                             Minute(key.created), ")"));
    }
    const tenant::TenantConfig& config = view.config;
    const std::string entitlements =
        tenant::FormatEntitlements(config.entitlements);
    *io.out << config.name << "\n"
            << "  purpose       " << policy::PurposeName(config.default_purpose)
            << "\n"
            << "  entitlements  "
            << (entitlements.empty() ? "(none)" : entitlements) << "\n"
            << "  limits        " << FormatLimits(config.limits) << "\n"
            << "  keys          "
            << (key_texts.empty() ? "(none)" : absl::StrJoin(key_texts, "; "))
            << "\n"
            << "  opt-outs      " << view.opt_out_count << "\n"
            << "  consents      " << view.consent_count << " in force\n";
  }
  return absl::OkStatus();
}

absl::Status AuditExportCommand(TenantAdmin& admin, std::string_view name,
                                absl::Time since, absl::Time until,
                                const CommandOutput& io) {
  uint64_t records = 0;
  DNC_RETURN_IF_ERROR(admin.ExportAudit(
      name, since, until, [&](std::string_view line) -> absl::Status {
        io.out->write(line.data(), static_cast<std::streamsize>(line.size()));
        io.out->put('\n');
        if (!*io.out) {
          return absl::UnavailableError(
              "cannot write the export to stdout (disk full or pipe closed)");
        }
        ++records;
        return absl::OkStatus();
      }));
  io.out->flush();
  *io.err << kWho << "exported " << records << " audit record"
          << (records == 1 ? "" : "s") << " of tenant " << name << " from "
          << admin.where() << "\n";
  return absl::OkStatus();
}

absl::Status AuditPruneCommand(TenantAdmin& admin, absl::Time before,
                               bool force, const CommandOutput& io) {
  DNC_ASSIGN_OR_RETURN(const uint64_t deleted, admin.PruneAudit(before, force));
  *io.err << kWho << "deleted " << deleted << " audit record"
          << (deleted == 1 ? "" : "s") << " older than " << Day(before)
          << " from " << admin.where() << (force ? " (forced)" : "") << "\n";
  return absl::OkStatus();
}

}  // namespace dnc::admin
