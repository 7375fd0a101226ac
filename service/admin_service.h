// The dnc.v1.AdminService handlers (gRPC callback API; proto/dnc/v1/
// admin.proto): online administration of the server's tenant store. Each
// call passes the CallGate (graceful shutdown), then AdminAuthorizer
// (service/admin_auth.h: the `x-admin-key` secret; tenant API keys are not
// consulted), then runs the same admin::StoreTenantAdmin that dnc-tenant
// runs offline, so a command online means what it means offline. The store
// updates its in-memory maps on every write, so a key made or revoked here
// is honoured or refused on the next call on every connection.
//
// Off unless the server has both an authorizer (--admin_key_file) and a
// tenant store (--auth=api_key): then every method answers
// FAILED_PRECONDITION saying which is missing. Every call is logged (Info:
// action, tenant, outcome, peer; never a key or a number).
//
// Ownership: borrows the authorizer, the store and the gate (all must
// outlive this). Thread-safety: thread-safe.
#ifndef DNC_SERVICE_ADMIN_SERVICE_H_
#define DNC_SERVICE_ADMIN_SERVICE_H_

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "admin/store_tenant_admin.h"
#include "dnc/v1/admin.grpc.pb.h"
#include "dnc/v1/admin.pb.h"
#include "service/admin_auth.h"
#include "service/call_gate.h"
#include "service/server_metrics.h"
#include "tenant/tenant_store.h"

namespace dnc::service {

class AdminServiceImpl final : public dnc::v1::AdminService::CallbackService {
 public:
  // `authorizer` null: online administration off. `store` null: the server
  // has no tenants (--auth=none).
  // `metrics` counts and times every call (service/server_metrics.h);
  // nullptr = none.
  AdminServiceImpl(const AdminAuthorizer* authorizer,
                   tenant::TenantStore* store, CallGate* gate,
                   ServerMetrics* metrics = nullptr);
  ~AdminServiceImpl() override;

  // True when calls can succeed (an authorizer and a store).
  bool enabled() const { return authorizer_ != nullptr && admin_ != nullptr; }

  grpc::ServerUnaryReactor* CreateTenant(
      grpc::CallbackServerContext* context,
      const dnc::v1::CreateTenantRequest* request,
      dnc::v1::CreateTenantResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTenant(
      grpc::CallbackServerContext* context,
      const dnc::v1::UpdateTenantRequest* request,
      dnc::v1::AdminTenant* response) override;
  grpc::ServerUnaryReactor* DeleteTenant(
      grpc::CallbackServerContext* context,
      const dnc::v1::DeleteTenantRequest* request,
      dnc::v1::DeleteTenantResponse* response) override;
  grpc::ServerUnaryReactor* ListTenants(
      grpc::CallbackServerContext* context,
      const dnc::v1::ListTenantsRequest* request,
      dnc::v1::ListTenantsResponse* response) override;
  grpc::ServerUnaryReactor* CreateApiKey(
      grpc::CallbackServerContext* context,
      const dnc::v1::CreateApiKeyRequest* request,
      dnc::v1::CreateApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* RevokeApiKey(
      grpc::CallbackServerContext* context,
      const dnc::v1::RevokeApiKeyRequest* request,
      dnc::v1::RevokeApiKeyResponse* response) override;
  grpc::ServerWriteReactor<dnc::v1::ExportAuditChunk>* ExportAudit(
      grpc::CallbackServerContext* context,
      const dnc::v1::ExportAuditRequest* request) override;
  grpc::ServerUnaryReactor* PruneAudit(
      grpc::CallbackServerContext* context,
      const dnc::v1::PruneAuditRequest* request,
      dnc::v1::PruneAuditResponse* response) override;

 private:
  class ExportReactor;

  // OK if the call may proceed: administration on and the caller holds
  // the admin key. Errors: FailedPrecondition (off), Unauthenticated.
  absl::Status Admit(const grpc::CallbackServerContext& context) const;
  // Gate, Admit, `body`, log, finish.
  template <typename Body>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                const char* action, std::string_view tenant,
                                Body&& body);

  const AdminAuthorizer* const authorizer_;
  CallGate* const gate_;
  ServerMetrics* const metrics_;
  // Over the store; null without one.
  const std::unique_ptr<admin::StoreTenantAdmin> admin_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_ADMIN_SERVICE_H_
