// The dnc.v1.TenantService handlers (gRPC callback API): the calling
// tenant's internal list, EBR and consent records, call attempts, its
// identity, and the
// certificates of its scrub jobs. Every method resolves the tenant from the
// API key (service/auth.h); nothing takes a tenant name from the request, so
// a tenant can reach only its own data, and asking for another tenant's job
// answers exactly as for a job that does not exist. With --auth=none every
// method fails with FAILED_PRECONDITION.
//
// Ownership: borrows the Authenticator (and through it the TenantStore) and
// the CallGate. Thread-safety: thread-safe.
#ifndef DNC_SERVICE_TENANT_SERVICE_H_
#define DNC_SERVICE_TENANT_SERVICE_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "common/civil_date.h"
#include "dnc/v1/tenant.grpc.pb.h"
#include "dnc/v1/tenant.pb.h"
#include "service/auth.h"
#include "service/call_gate.h"
#include "service/field_rules.h"
#include "service/server_metrics.h"
#include "tenant/tenant_store.h"

namespace dnc::service {

struct TenantServiceOptions {
  // Most numbers per opt-out or consent call.
  uint32_t max_batch_entries = kDefaultMaxBatchEntries;
  // The date opt-outs and revocations default to; TodayUtc when empty.
  std::function<DayNumber()> today;
  // The time an attempt without one is recorded at, and the bound on
  // attempts' times; absl::Now when empty (tests set it).
  std::function<absl::Time()> clock;
  // Counts and times every call by method and status
  // (service/server_metrics.h); nullptr = no metrics.
  ServerMetrics* metrics = nullptr;
};

class TenantServiceImpl final : public dnc::v1::TenantService::CallbackService {
 public:
  // REQUIRES: auth and gate outlive this object.
  TenantServiceImpl(const Authenticator* auth, CallGate* gate,
                    TenantServiceOptions options);

  grpc::ServerUnaryReactor* AddOptOuts(
      grpc::CallbackServerContext* context,
      const dnc::v1::OptOutRequest* request,
      dnc::v1::OptOutResponse* response) override;
  grpc::ServerUnaryReactor* RemoveOptOuts(
      grpc::CallbackServerContext* context,
      const dnc::v1::OptOutRequest* request,
      dnc::v1::OptOutResponse* response) override;
  grpc::ServerUnaryReactor* CheckOptOuts(
      grpc::CallbackServerContext* context,
      const dnc::v1::OptOutRequest* request,
      dnc::v1::OptOutResponse* response) override;
  grpc::ServerUnaryReactor* AddConsents(
      grpc::CallbackServerContext* context,
      const dnc::v1::ConsentRequest* request,
      dnc::v1::ConsentResponse* response) override;
  grpc::ServerUnaryReactor* RevokeConsents(
      grpc::CallbackServerContext* context,
      const dnc::v1::ConsentRequest* request,
      dnc::v1::ConsentResponse* response) override;
  grpc::ServerUnaryReactor* ListConsents(
      grpc::CallbackServerContext* context,
      const dnc::v1::ConsentRequest* request,
      dnc::v1::ConsentResponse* response) override;
  grpc::ServerUnaryReactor* RecordAttempts(
      grpc::CallbackServerContext* context,
      const dnc::v1::AttemptRequest* request,
      dnc::v1::AttemptResponse* response) override;
  grpc::ServerUnaryReactor* ListAttempts(
      grpc::CallbackServerContext* context,
      const dnc::v1::AttemptListRequest* request,
      dnc::v1::AttemptListResponse* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const dnc::v1::WhoAmIRequest* request,
                                   dnc::v1::TenantInfo* response) override;
  grpc::ServerUnaryReactor* RecordJobFiles(
      grpc::CallbackServerContext* context,
      const dnc::v1::JobFilesRequest* request,
      dnc::v1::JobFilesResponse* response) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* context,
                                      const dnc::v1::ReportRequest* request,
                                      dnc::v1::ScrubReport* response) override;

  // The handlers' bodies for an authenticated tenant (errors as documented
  // in tenant.proto: InvalidArgument for bad input, NotFound for a job the
  // tenant does not have, the store's error otherwise).
  enum class OptOutOp { kAdd, kRemove, kCheck };
  absl::Status OptOuts(OptOutOp op, const tenant::Tenant& tenant,
                       const dnc::v1::OptOutRequest& request,
                       dnc::v1::OptOutResponse* response) const;
  enum class ConsentOp { kAdd, kRevoke, kList };
  absl::Status Consents(ConsentOp op, const tenant::Tenant& tenant,
                        const dnc::v1::ConsentRequest& request,
                        dnc::v1::ConsentResponse* response) const;
  absl::Status RecordAttempts(const tenant::Tenant& tenant,
                              const dnc::v1::AttemptRequest& request,
                              dnc::v1::AttemptResponse* response) const;
  absl::Status ListAttempts(const tenant::Tenant& tenant,
                            const dnc::v1::AttemptListRequest& request,
                            dnc::v1::AttemptListResponse* response) const;
  absl::Status Report(const tenant::Tenant& tenant,
                      const dnc::v1::ReportRequest& request,
                      dnc::v1::ScrubReport* response) const;
  absl::Status JobFiles(const tenant::Tenant& tenant,
                        const dnc::v1::JobFilesRequest& request) const;

 private:
  DayNumber Today() const;
  absl::Time Now() const;
  // OK for a caller with a tenant; FailedPrecondition (this server runs
  // without tenants) for nullptr.
  static absl::Status RequireTenant(const tenant::Tenant* tenant);

  const Authenticator* const auth_;
  CallGate* const gate_;
  const TenantServiceOptions options_;
  // Each method's metrics, by the method's name (nullptr without metrics).
  struct MethodMetrics {
    CallMetrics *AddOptOuts, *RemoveOptOuts, *CheckOptOuts, *AddConsents,
        *RevokeConsents, *ListConsents, *RecordAttempts, *ListAttempts, *WhoAmI,
        *RecordJobFiles, *GetReport;
  };
  const MethodMetrics method_metrics_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_TENANT_SERVICE_H_
