// TenantAdmin: what an administrator does to a dnc-server's tenants, asked
// the same way whether the store is opened directly (dnc-tenant --tenants
// DIR, the server stopped: StoreTenantAdmin, store_tenant_admin.h) or
// belongs to a running server (dnc-tenant --server HOST:PORT:
// RemoteTenantAdmin, remote_tenant_admin.h, over the AdminService, whose
// server side is again a StoreTenantAdmin). dnc-tenant's commands
// (tenant_commands.h) are written once, over this interface, so the two
// modes take the same arguments and print the same output.
//
// Thread-safety: implementations are thread-safe.
#ifndef DNC_ADMIN_TENANT_ADMIN_H_
#define DNC_ADMIN_TENANT_ADMIN_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "policy/policy.h"
#include "tenant/records.h"

namespace dnc::admin {

// The parts of a tenant's configuration an update changes; each unset part
// is kept.
struct TenantUpdate {
  std::optional<std::vector<tenant::Entitlement>> entitlements;
  std::optional<policy::Purpose> default_purpose;
  std::optional<uint32_t> requests_per_second;
  std::optional<uint64_t> numbers_per_day;

  bool empty() const {
    return !entitlements && !default_purpose && !requests_per_second &&
           !numbers_per_day;
  }
};

// One tenant as `dnc-tenant list` shows it (never a key or its hash).
struct TenantView {
  tenant::TenantConfig config;
  std::vector<tenant::ApiKeyInfo> keys;  // Active and revoked, oldest first.
  uint64_t opt_out_count = 0;
  uint64_t consent_count = 0;  // In force.
};

class TenantAdmin {
 public:
  virtual ~TenantAdmin() = default;

  // Errors of every method: the store's (tenant_store.h) with its code; a
  // remote one also Unavailable (server unreachable), Unauthenticated
  // (wrong admin key), FailedPrecondition (online administration off).

  // Creates the tenant and its first API key (label: empty picks "key-1");
  // returns the key. Both or neither: a label the store refuses leaves no
  // tenant behind. Errors: InvalidArgument, AlreadyExists.
  virtual absl::StatusOr<std::string> CreateTenant(
      const tenant::TenantConfig& config, std::string_view key_label) = 0;
  // Applies `update`; returns the tenant's configuration after it. Errors:
  // NotFound, InvalidArgument.
  virtual absl::StatusOr<tenant::TenantConfig> UpdateTenant(
      std::string_view name, const TenantUpdate& update) = 0;
  // Errors: NotFound.
  virtual absl::Status DeleteTenant(std::string_view name) = 0;
  // Every tenant, by name.
  virtual absl::StatusOr<std::vector<TenantView>> ListTenants() = 0;
  // Returns the new key. Errors: NotFound, InvalidArgument, AlreadyExists.
  virtual absl::StatusOr<std::string> CreateApiKey(std::string_view tenant,
                                                   std::string_view label) = 0;
  // Errors: NotFound.
  virtual absl::Status RevokeApiKey(std::string_view tenant,
                                    std::string_view label) = 0;
  // Calls `visit` with each audit record of `tenant` with since <= time <
  // until, oldest first, as one JSON line without its newline
  // (tenant::AuditRecordJson); stops at visit's first error and returns it.
  // Errors: InvalidArgument (since > until, bad name), DataLoss.
  using LineVisitor = std::function<absl::Status(std::string_view line)>;
  virtual absl::Status ExportAudit(std::string_view tenant, absl::Time since,
                                   absl::Time until,
                                   const LineVisitor& visit) = 0;
  // Deletes every audit record older than `before`; returns how many. The
  // retention (tenant/audit_retention.h) is checked against the clock of
  // the process that owns the store. Errors: FailedPrecondition (within
  // the retention and !force).
  virtual absl::StatusOr<uint64_t> PruneAudit(absl::Time before,
                                              bool force) = 0;

  // The store these calls reach, for messages: "/var/lib/dnc/tenants" or
  // "dnc-server at HOST:PORT".
  virtual std::string where() const = 0;
};

}  // namespace dnc::admin

#endif  // DNC_ADMIN_TENANT_ADMIN_H_
