// StoreTenantAdmin: TenantAdmin (tenant_admin.h) over an open TenantStore.
// It is both dnc-tenant's offline mode (the store opened from --tenants DIR
// while the server is stopped) and the body of the server's AdminService
// (service/admin_service.h), so a command means the same thing either way.
// No gRPC here.
//
// Ownership: borrows the store (must outlive this). Thread-safety:
// thread-safe; updates of one tenant are serialized (read, merge, write).
#ifndef DNC_ADMIN_STORE_TENANT_ADMIN_H_
#define DNC_ADMIN_STORE_TENANT_ADMIN_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "admin/tenant_admin.h"
#include "tenant/tenant_store.h"

namespace dnc::admin {

// A run of export lines and where the next run starts (for a server that
// streams an export in messages of bounded size).
struct AuditPage {
  std::vector<std::string> lines;
  // The `since` of the next page; empty when this page ended the export.
  std::optional<absl::Time> next_since;
};

class StoreTenantAdmin final : public TenantAdmin {
 public:
  // `where` names the store in messages (its directory). `now` is the clock
  // the audit retention is judged by (absl::Now when empty).
  StoreTenantAdmin(tenant::TenantStore* store, std::string where,
                   std::function<absl::Time()> now = {});

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
  std::string where() const override { return where_; }

  // The tenant's view (as ListTenants gives it). Errors: NotFound.
  absl::StatusOr<TenantView> View(std::string_view name) const;

  // The export from `since`, cut after about `max_bytes` of lines at a
  // change of record time (records of one microsecond stay in one page, so
  // continuing from page->next_since repeats and skips nothing): pages read
  // one after the other give exactly ExportAudit's lines. Errors: as
  // ExportAudit.
  absl::Status ExportAuditPage(std::string_view tenant, absl::Time since,
                               absl::Time until, size_t max_bytes,
                               AuditPage* page) const;

 private:
  tenant::TenantStore* const store_;
  const std::string where_;
  const std::function<absl::Time()> now_;
  absl::Mutex update_mu_;  // One read-merge-write at a time.
};

}  // namespace dnc::admin

#endif  // DNC_ADMIN_STORE_TENANT_ADMIN_H_
