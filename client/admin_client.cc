#include "client/admin_client.h"

#include <grpcpp/grpcpp.h>

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/grpc_call.h"
#include "common/status_macros.h"
#include "dnc/v1/admin.grpc.pb.h"

namespace dnc::client {

using Stub = v1::AdminService::Stub;

struct AdminClient::Impl : ServiceChannel<v1::AdminService> {
  // Sets the deadline and the admin key (none when empty: a client
  // certificate may be what admits the caller); never the API key.
  void Prepare(grpc::ClientContext* context, absl::Duration timeout) const {
    ClientOptions without_api_key = options;
    without_api_key.api_key.clear();
    PrepareContext(context, without_api_key, timeout);
    if (!admin_key.empty()) context->AddMetadata(kAdminKeyMetadata, admin_key);
  }

  // FromGrpc, but a refused admin key is said as such (FromGrpc's words are
  // about tenants' API keys).
  absl::Status Failed(const grpc::Status& status, std::string_view rpc) const {
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      return absl::UnauthenticatedError(absl::StrCat(
          "dnc-server at ", options.server,
          admin_key.empty() ? " refused the call (no admin key sent): "
                            : " refused the admin key: ",
          status.error_message(),
          " (--admin_key_file must hold the same secret as the server's "
          "--admin_key_file)"));
    }
    return FromGrpc(status, channel.get(), options, rpc);
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> AdminCall(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, std::string_view rpc,
      absl::Duration timeout) const {
    grpc::ClientContext context;
    Prepare(&context, timeout);
    Response response;
    const grpc::Status status = ((*stub).*method)(&context, request, &response);
    if (!status.ok()) return Failed(status, rpc);
    return response;
  }

  std::string admin_key;
};

AdminClient::AdminClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AdminClient::~AdminClient() = default;

absl::StatusOr<std::unique_ptr<AdminClient>> AdminClient::Create(
    const ClientOptions& options, std::string admin_key) {
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, Impl::Open<Impl>(options));
  impl->admin_key = std::move(admin_key);
  return std::unique_ptr<AdminClient>(new AdminClient(std::move(impl)));
}

const ClientOptions& AdminClient::options() const { return impl_->options; }

absl::StatusOr<v1::CreateTenantResponse> AdminClient::CreateTenant(
    const v1::CreateTenantRequest& request) {
  return impl_->AdminCall(&Stub::CreateTenant, request, "CreateTenant",
                          impl_->options.timeout);
}

absl::StatusOr<v1::AdminTenant> AdminClient::UpdateTenant(
    const v1::UpdateTenantRequest& request) {
  return impl_->AdminCall(&Stub::UpdateTenant, request, "UpdateTenant",
                          impl_->options.timeout);
}

absl::Status AdminClient::DeleteTenant(const v1::DeleteTenantRequest& request) {
  return impl_
      ->AdminCall(&Stub::DeleteTenant, request, "DeleteTenant",
                  impl_->options.timeout)
      .status();
}

absl::StatusOr<v1::ListTenantsResponse> AdminClient::ListTenants() {
  return impl_->AdminCall(&Stub::ListTenants, v1::ListTenantsRequest(),
                          "ListTenants", impl_->options.timeout);
}

absl::StatusOr<v1::CreateApiKeyResponse> AdminClient::CreateApiKey(
    const v1::CreateApiKeyRequest& request) {
  return impl_->AdminCall(&Stub::CreateApiKey, request, "CreateApiKey",
                          impl_->options.timeout);
}

absl::Status AdminClient::RevokeApiKey(const v1::RevokeApiKeyRequest& request) {
  return impl_
      ->AdminCall(&Stub::RevokeApiKey, request, "RevokeApiKey",
                  impl_->options.timeout)
      .status();
}

absl::StatusOr<v1::PruneAuditResponse> AdminClient::PruneAudit(
    const v1::PruneAuditRequest& request) {
  return impl_->AdminCall(&Stub::PruneAudit, request, "PruneAudit",
                          impl_->options.stream_timeout);
}

absl::Status AdminClient::ExportAudit(
    const v1::ExportAuditRequest& request,
    const std::function<absl::Status(const v1::ExportAuditChunk&)>& visit) {
  grpc::ClientContext context;
  impl_->Prepare(&context, impl_->options.stream_timeout);
  std::unique_ptr<grpc::ClientReader<v1::ExportAuditChunk>> reader =
      impl_->stub->ExportAudit(&context, request);
  v1::ExportAuditChunk chunk;
  while (reader->Read(&chunk)) {
    const absl::Status visited = visit(chunk);
    if (!visited.ok()) {
      context.TryCancel();
      (void)reader->Finish();  // Cancelled: its status says only that.
      return visited;
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return impl_->Failed(status, "ExportAudit");
  return absl::OkStatus();
}

}  // namespace dnc::client
