#include "admin/store_tenant_admin.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "tenant/audit_retention.h"

namespace dnc::admin {

StoreTenantAdmin::StoreTenantAdmin(tenant::TenantStore* store,
                                   std::string where,
                                   std::function<absl::Time()> now)
    : store_(store), where_(std::move(where)), now_(std::move(now)) {}

absl::StatusOr<std::string> StoreTenantAdmin::CreateTenant(
    const tenant::TenantConfig& config, std::string_view key_label) {
  DNC_RETURN_IF_ERROR(store_->CreateTenant(config));
  absl::StatusOr<std::string> key =
      store_->CreateApiKey(config.name, key_label);
  if (!key.ok()) {
    // No tenant without a key: undo the creation (a tenant that never made
    // a call has no audit record, so its name is free again at once).
    store_->DeleteTenant(config.name).IgnoreError();
  }
  return key;
}

absl::StatusOr<tenant::TenantConfig> StoreTenantAdmin::UpdateTenant(
    std::string_view name, const TenantUpdate& update) {
  absl::MutexLock lock(&update_mu_);
  const tenant::Tenant* current = store_->Find(name);
  if (current == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no tenant ", std::string(name), " in ", where_));
  }
  tenant::TenantConfig config;
  config.name = std::string(name);
  config.default_purpose =
      update.default_purpose.value_or(current->default_purpose());
  config.entitlements = update.entitlements.has_value()
                            ? *update.entitlements
                            : current->entitlements();
  config.limits = current->limits();
  if (update.requests_per_second.has_value()) {
    config.limits.requests_per_second = *update.requests_per_second;
  }
  if (update.numbers_per_day.has_value()) {
    config.limits.numbers_per_day = *update.numbers_per_day;
  }
  DNC_RETURN_IF_ERROR(store_->UpdateTenant(config));
  return config;
}

absl::Status StoreTenantAdmin::DeleteTenant(std::string_view name) {
  return store_->DeleteTenant(name);
}

absl::StatusOr<TenantView> StoreTenantAdmin::View(std::string_view name) const {
  const tenant::Tenant* tenant = store_->Find(name);
  if (tenant == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no tenant ", std::string(name), " in ", where_));
  }
  TenantView view;
  view.config.name = tenant->name();
  view.config.default_purpose = tenant->default_purpose();
  view.config.entitlements = tenant->entitlements();
  view.config.limits = tenant->limits();
  DNC_ASSIGN_OR_RETURN(view.keys, store_->ListApiKeys(name));
  view.opt_out_count = tenant->opt_out_count();
  view.consent_count = tenant->consent_count();
  return view;
}

absl::StatusOr<std::vector<TenantView>> StoreTenantAdmin::ListTenants() {
  std::vector<TenantView> views;
  for (tenant::TenantConfig& config : store_->ListTenants()) {
    TenantView view;
    DNC_ASSIGN_OR_RETURN(view.keys, store_->ListApiKeys(config.name));
    if (const tenant::Tenant* tenant = store_->Find(config.name)) {
      view.opt_out_count = tenant->opt_out_count();
      view.consent_count = tenant->consent_count();
    }
    view.config = std::move(config);
    views.push_back(std::move(view));
  }
  return views;
}

absl::StatusOr<std::string> StoreTenantAdmin::CreateApiKey(
    std::string_view tenant, std::string_view label) {
  return store_->CreateApiKey(tenant, label);
}

absl::Status StoreTenantAdmin::RevokeApiKey(std::string_view tenant,
                                            std::string_view label) {
  return store_->RevokeApiKey(tenant, label);
}

absl::Status StoreTenantAdmin::ExportAudit(std::string_view tenant,
                                           absl::Time since, absl::Time until,
                                           const LineVisitor& visit) {
  return store_->ExportAudit(
      tenant, since, until, [&](const tenant::AuditRecord& record) {
        return visit(tenant::AuditRecordJson(record, tenant));
      });
}

absl::Status StoreTenantAdmin::ExportAuditPage(std::string_view tenant,
                                               absl::Time since,
                                               absl::Time until,
                                               size_t max_bytes,
                                               AuditPage* page) const {
  page->lines.clear();
  page->next_since.reset();
  size_t bytes = 0;
  absl::Time last = absl::InfinitePast();
  const absl::Status status = store_->ExportAudit(
      tenant, since, until, [&](const tenant::AuditRecord& record) {
        if (bytes >= max_bytes && record.time != last) {
          page->next_since = record.time;
          // Ends the walk; told apart from a real error by next_since.
          return absl::CancelledError("page full");
        }
        page->lines.push_back(tenant::AuditRecordJson(record, tenant));
        bytes += page->lines.back().size();
        last = record.time;
        return absl::OkStatus();
      });
  if (page->next_since.has_value()) return absl::OkStatus();
  return status;
}

absl::StatusOr<uint64_t> StoreTenantAdmin::PruneAudit(absl::Time before,
                                                      bool force) {
  const absl::Time now = now_ ? now_() : absl::Now();
  DNC_RETURN_IF_ERROR(tenant::CheckPruneAllowed(before, now, force));
  return store_->PruneAudit(before);
}

}  // namespace dnc::admin
