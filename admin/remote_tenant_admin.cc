#include "admin/remote_tenant_admin.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "admin/admin_proto_mapping.h"
#include "common/status_macros.h"

namespace dnc::admin {

absl::StatusOr<std::unique_ptr<RemoteTenantAdmin>> RemoteTenantAdmin::Connect(
    const client::ClientOptions& options, std::string admin_key) {
  DNC_ASSIGN_OR_RETURN(
      std::unique_ptr<client::AdminClient> admin_client,
      client::AdminClient::Create(options, std::move(admin_key)));
  return std::unique_ptr<RemoteTenantAdmin>(
      new RemoteTenantAdmin(std::move(admin_client)));
}

std::string RemoteTenantAdmin::where() const {
  return absl::StrCat("dnc-server at ", client_->options().server);
}

absl::StatusOr<std::string> RemoteTenantAdmin::CreateTenant(
    const tenant::TenantConfig& config, std::string_view key_label) {
  v1::CreateTenantRequest request;
  ToProto(config, key_label, &request);
  DNC_ASSIGN_OR_RETURN(v1::CreateTenantResponse response,
                       client_->CreateTenant(request));
  return std::move(*response.mutable_api_key());
}

absl::StatusOr<tenant::TenantConfig> RemoteTenantAdmin::UpdateTenant(
    std::string_view name, const TenantUpdate& update) {
  v1::UpdateTenantRequest request;
  ToProto(name, update, &request);
  DNC_ASSIGN_OR_RETURN(const v1::AdminTenant tenant,
                       client_->UpdateTenant(request));
  return ConfigOf(tenant);
}

absl::Status RemoteTenantAdmin::DeleteTenant(std::string_view name) {
  v1::DeleteTenantRequest request;
  request.set_tenant(std::string(name));
  return client_->DeleteTenant(request);
}

absl::StatusOr<std::vector<TenantView>> RemoteTenantAdmin::ListTenants() {
  DNC_ASSIGN_OR_RETURN(const v1::ListTenantsResponse response,
                       client_->ListTenants());
  std::vector<TenantView> views;
  views.reserve(response.tenants_size());
  for (const v1::AdminTenant& tenant : response.tenants()) {
    views.push_back(FromProto(tenant));
  }
  return views;
}

absl::StatusOr<std::string> RemoteTenantAdmin::CreateApiKey(
    std::string_view tenant, std::string_view label) {
  v1::CreateApiKeyRequest request;
  request.set_tenant(std::string(tenant));
  request.set_label(std::string(label));
  DNC_ASSIGN_OR_RETURN(v1::CreateApiKeyResponse response,
                       client_->CreateApiKey(request));
  return std::move(*response.mutable_api_key());
}

absl::Status RemoteTenantAdmin::RevokeApiKey(std::string_view tenant,
                                             std::string_view label) {
  v1::RevokeApiKeyRequest request;
  request.set_tenant(std::string(tenant));
  request.set_label(std::string(label));
  return client_->RevokeApiKey(request);
}

absl::Status RemoteTenantAdmin::ExportAudit(std::string_view tenant,
                                            absl::Time since, absl::Time until,
                                            const LineVisitor& visit) {
  v1::ExportAuditRequest request;
  request.set_tenant(std::string(tenant));
  request.set_since_unix_micros(absl::ToUnixMicros(since));
  request.set_until_unix_micros(absl::ToUnixMicros(until));
  return client_->ExportAudit(
      request, [&](const v1::ExportAuditChunk& chunk) -> absl::Status {
        for (const std::string& line : chunk.lines()) {
          DNC_RETURN_IF_ERROR(visit(line));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<uint64_t> RemoteTenantAdmin::PruneAudit(absl::Time before,
                                                       bool force) {
  v1::PruneAuditRequest request;
  request.set_before_unix_micros(absl::ToUnixMicros(before));
  request.set_force(force);
  DNC_ASSIGN_OR_RETURN(const v1::PruneAuditResponse response,
                       client_->PruneAudit(request));
  return response.deleted();
}

}  // namespace dnc::admin
