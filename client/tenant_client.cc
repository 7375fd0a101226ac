#include "client/tenant_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "client/grpc_call.h"
#include "common/status_macros.h"
#include "dnc/v1/tenant.grpc.pb.h"

namespace dnc::client {

struct TenantClient::Impl : ServiceChannel<v1::TenantService> {};

TenantClient::TenantClient(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
TenantClient::~TenantClient() = default;

absl::StatusOr<std::unique_ptr<TenantClient>> TenantClient::Create(
    const ClientOptions& options) {
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, Impl::Open<Impl>(options));
  return std::unique_ptr<TenantClient>(new TenantClient(std::move(impl)));
}

const ClientOptions& TenantClient::options() const { return impl_->options; }

using Stub = v1::TenantService::Stub;

absl::StatusOr<v1::OptOutResponse> TenantClient::AddOptOuts(
    const v1::OptOutRequest& request) {
  return impl_->Call(&Stub::AddOptOuts, request, "AddOptOuts");
}

absl::StatusOr<v1::OptOutResponse> TenantClient::RemoveOptOuts(
    const v1::OptOutRequest& request) {
  return impl_->Call(&Stub::RemoveOptOuts, request, "RemoveOptOuts");
}

absl::StatusOr<v1::OptOutResponse> TenantClient::CheckOptOuts(
    const v1::OptOutRequest& request) {
  return impl_->Call(&Stub::CheckOptOuts, request, "CheckOptOuts");
}

absl::StatusOr<v1::ConsentResponse> TenantClient::AddConsents(
    const v1::ConsentRequest& request) {
  return impl_->Call(&Stub::AddConsents, request, "AddConsents");
}

absl::StatusOr<v1::ConsentResponse> TenantClient::RevokeConsents(
    const v1::ConsentRequest& request) {
  return impl_->Call(&Stub::RevokeConsents, request, "RevokeConsents");
}

absl::StatusOr<v1::ConsentResponse> TenantClient::ListConsents(
    const v1::ConsentRequest& request) {
  return impl_->Call(&Stub::ListConsents, request, "ListConsents");
}

absl::StatusOr<v1::AttemptResponse> TenantClient::RecordAttempts(
    const v1::AttemptRequest& request) {
  return impl_->Call(&Stub::RecordAttempts, request, "RecordAttempts");
}

absl::StatusOr<v1::AttemptListResponse> TenantClient::ListAttempts(
    const v1::AttemptListRequest& request) {
  return impl_->Call(&Stub::ListAttempts, request, "ListAttempts");
}

absl::StatusOr<v1::TenantInfo> TenantClient::WhoAmI() {
  return impl_->Call(&Stub::WhoAmI, v1::WhoAmIRequest(), "WhoAmI");
}

absl::Status TenantClient::RecordJobFiles(const v1::JobFilesRequest& request) {
  return impl_->Call(&Stub::RecordJobFiles, request, "RecordJobFiles").status();
}

absl::StatusOr<v1::ScrubReport> TenantClient::GetReport(
    std::string_view job_id) {
  v1::ReportRequest request;
  request.set_job_id(std::string(job_id));
  return impl_->Call(&Stub::GetReport, request, "GetReport");
}

}  // namespace dnc::client
