// RemoteTenantAdmin: TenantAdmin (tenant_admin.h) over a running
// dnc-server's AdminService (client/admin_client.h), for dnc-tenant
// --server HOST:PORT. The server runs the same StoreTenantAdmin the offline
// mode runs, so answers and errors are the offline ones, carried over gRPC
// (codes kept), plus the network's: Unavailable (server unreachable),
// Unauthenticated (wrong admin key), FailedPrecondition (the server has
// online administration off).
//
// Ownership: owns its client. Thread-safety: thread-safe.
#ifndef DNC_ADMIN_REMOTE_TENANT_ADMIN_H_
#define DNC_ADMIN_REMOTE_TENANT_ADMIN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "admin/tenant_admin.h"
#include "client/admin_client.h"
#include "client/scrub_client.h"

namespace dnc::admin {

class RemoteTenantAdmin final : public TenantAdmin {
 public:
  // Errors: those of client::AdminClient::Create.
  static absl::StatusOr<std::unique_ptr<RemoteTenantAdmin>> Connect(
      const client::ClientOptions& options, std::string admin_key);

  absl::StatusOr<std::string> CreateTenant(const tenant::TenantConfig& config,
                                           std::string_view key_label) override;
  absl::StatusOr<tenant::TenantConfig> UpdateTenant(
      std::string_view name, const TenantUpdate& update) override;
  absl::Status DeleteTenant(std::string_view name) override;
  absl::StatusOr<std::vector<TenantView>> ListTenants() override;
  absl::StatusOr<std::string> CreateApiKey(std::string_view tenant,
                                           std::string_view label) override;
  absl::Status RevokeApiKey(std::string_view tenant,
                            std::string_view label) override;
  absl::Status ExportAudit(std::string_view tenant, absl::Time since,
                           absl::Time until, const LineVisitor& visit) override;
  absl::StatusOr<uint64_t> PruneAudit(absl::Time before, bool force) override;
  // "dnc-server at HOST:PORT".
  std::string where() const override;

 private:
  explicit RemoteTenantAdmin(std::unique_ptr<client::AdminClient> client)
      : client_(std::move(client)) {}
  const std::unique_ptr<client::AdminClient> client_;
};

}  // namespace dnc::admin

#endif  // DNC_ADMIN_REMOTE_TENANT_ADMIN_H_
