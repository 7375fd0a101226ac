// A small synchronous client for dnc-server's AdminService (dnc.v1, see
// proto/dnc/v1/admin.proto): tenants, API keys, the audit log's export and
// pruning, on a running server. Requests and answers are the generated
// messages; dnc-tenant's online mode (admin/remote_tenant_admin.h) maps
// them to the values its commands share with the offline mode.
//
// Every call carries the administrator's secret as metadata `x-admin-key`
// (never ClientOptions::api_key: a tenant's key does not administer).
// Errors are absl::Status with the gRPC code carried over; an unreachable
// server reads as in client/scrub_client.h, a refused admin key as
// Unauthenticated "dnc-server at HOST:PORT refused the admin key: ...".
//
// Ownership: owns its channel. Thread-safety: thread-safe.
#ifndef DNC_CLIENT_ADMIN_CLIENT_H_
#define DNC_CLIENT_ADMIN_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/scrub_client.h"
#include "dnc/v1/admin.pb.h"

namespace dnc::client {

// The metadata entry that carries the admin key (see admin.proto).
inline constexpr char kAdminKeyMetadata[] = "x-admin-key";

class AdminClient {
 public:
  // A channel to options.server (connecting on first call); `admin_key` is
  // the secret (common/secret_file.h reads it), or empty to send none (a
  // server may admit the client certificate instead). Errors: those of the
  // channel (InvalidArgument: empty server; NotFound: CA file unreadable).
  static absl::StatusOr<std::unique_ptr<AdminClient>> Create(
      const ClientOptions& options, std::string admin_key);

  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  // The server's answer or the RPC's status (errors as in admin.proto).
  absl::StatusOr<v1::CreateTenantResponse> CreateTenant(
      const v1::CreateTenantRequest& request);
  absl::StatusOr<v1::AdminTenant> UpdateTenant(
      const v1::UpdateTenantRequest& request);
  absl::Status DeleteTenant(const v1::DeleteTenantRequest& request);
  absl::StatusOr<v1::ListTenantsResponse> ListTenants();
  absl::StatusOr<v1::CreateApiKeyResponse> CreateApiKey(
      const v1::CreateApiKeyRequest& request);
  absl::Status RevokeApiKey(const v1::RevokeApiKeyRequest& request);
  // Deadline options.stream_timeout (none by default), not options.timeout:
  // a prune of years of records runs longer than a unary call's deadline.
  absl::StatusOr<v1::PruneAuditResponse> PruneAudit(
      const v1::PruneAuditRequest& request);
  // Calls `visit` with each chunk in order (deadline:
  // options.stream_timeout). A visit error cancels the stream and is
  // returned.
  absl::Status ExportAudit(
      const v1::ExportAuditRequest& request,
      const std::function<absl::Status(const v1::ExportAuditChunk&)>& visit);

  const ClientOptions& options() const;

 private:
  struct Impl;
  explicit AdminClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dnc::client

#endif  // DNC_CLIENT_ADMIN_CLIENT_H_
