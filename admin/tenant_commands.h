// dnc-tenant's commands, each written once over TenantAdmin
// (tenant_admin.h), so the offline mode (--tenants DIR) and the online mode
// (--server HOST:PORT) print the same things: a new API key alone on
// `out` (stdout), the audit export's JSON lines on `out`, `list` on `out`,
// and what was done on `err` (stderr) prefixed "dnc-tenant: ". The main
// (tenant_main.cc) reads and checks the flags and picks the TenantAdmin.
// Each returns the TenantAdmin's error unchanged (the main prints it and
// exits 1).
// Thread-safety: thread-compatible (they write to the streams given).
#ifndef DNC_ADMIN_TENANT_COMMANDS_H_
#define DNC_ADMIN_TENANT_COMMANDS_H_

#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "admin/tenant_admin.h"
#include "tenant/records.h"

namespace dnc::admin {

struct CommandOutput {
  std::ostream* out;  // Keys, list, export lines.
  std::ostream* err;  // Messages.
};

absl::Status CreateCommand(TenantAdmin& admin,
                           const tenant::TenantConfig& config,
                           std::string_view label, const CommandOutput& io);
absl::Status KeyCreateCommand(TenantAdmin& admin, std::string_view name,
                              std::string_view label, const CommandOutput& io);
absl::Status KeyRevokeCommand(TenantAdmin& admin, std::string_view name,
                              std::string_view label, const CommandOutput& io);
absl::Status UpdateCommand(TenantAdmin& admin, std::string_view name,
                           const TenantUpdate& update, const CommandOutput& io);
absl::Status DeleteCommand(TenantAdmin& admin, std::string_view name,
                           const CommandOutput& io);
absl::Status ListCommand(TenantAdmin& admin, const CommandOutput& io);
// Every record of `name` with since <= time < until, one JSON line each.
absl::Status AuditExportCommand(TenantAdmin& admin, std::string_view name,
                                absl::Time since, absl::Time until,
                                const CommandOutput& io);
absl::Status AuditPruneCommand(TenantAdmin& admin, absl::Time before,
                               bool force, const CommandOutput& io);

// "10 requests/s, 1000000 numbers/day", "unlimited" for 0s.
std::string FormatLimits(const tenant::TenantLimits& limits);

}  // namespace dnc::admin

#endif  // DNC_ADMIN_TENANT_COMMANDS_H_
