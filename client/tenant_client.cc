#include "client/tenant_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "client/grpc_call.h"
#include "dnc/v1/tenant.grpc.pb.h"

namespace dnc::client {

struct TenantClient::Impl {
  ClientOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::TenantService::Stub> stub;

  // One unary call: context with deadline and key, status mapped.
  template <typename Request, typename Response, typename Method>
  absl::StatusOr<Response> Call(Method method, const Request& request,
                                std::string_view name) {
    grpc::ClientContext context;
    PrepareContext(&context, options, options.timeout);
    Response response;
    const grpc::Status status = ((*stub).*method)(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, channel.get(), options, name);
    return response;
  }
};

TenantClient::TenantClient(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
TenantClient::~TenantClient() = default;

absl::StatusOr<std::unique_ptr<TenantClient>> TenantClient::Create(
    const ClientOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
  if (!channel.ok()) return channel.status();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->channel = std::move(*channel);
  impl->stub = v1::TenantService::NewStub(impl->channel);
  return std::unique_ptr<TenantClient>(new TenantClient(std::move(impl)));
}

const ClientOptions& TenantClient::options() const { return impl_->options; }

using Stub = v1::TenantService::Stub;

absl::StatusOr<v1::OptOutResponse> TenantClient::AddOptOuts(
    const v1::OptOutRequest& request) {
  return impl_->Call<v1::OptOutRequest, v1::OptOutResponse>(
      &Stub::AddOptOuts, request, "AddOptOuts");
}

absl::StatusOr<v1::OptOutResponse> TenantClient::RemoveOptOuts(
    const v1::OptOutRequest& request) {
  return impl_->Call<v1::OptOutRequest, v1::OptOutResponse>(
      &Stub::RemoveOptOuts, request, "RemoveOptOuts");
}

absl::StatusOr<v1::OptOutResponse> TenantClient::CheckOptOuts(
    const v1::OptOutRequest& request) {
  return impl_->Call<v1::OptOutRequest, v1::OptOutResponse>(
      &Stub::CheckOptOuts, request, "CheckOptOuts");
}

absl::StatusOr<v1::ConsentResponse> TenantClient::AddConsents(
    const v1::ConsentRequest& request) {
  return impl_->Call<v1::ConsentRequest, v1::ConsentResponse>(
      &Stub::AddConsents, request, "AddConsents");
}

absl::StatusOr<v1::ConsentResponse> TenantClient::RevokeConsents(
    const v1::ConsentRequest& request) {
  return impl_->Call<v1::ConsentRequest, v1::ConsentResponse>(
      &Stub::RevokeConsents, request, "RevokeConsents");
}

absl::StatusOr<v1::ConsentResponse> TenantClient::ListConsents(
    const v1::ConsentRequest& request) {
  return impl_->Call<v1::ConsentRequest, v1::ConsentResponse>(
      &Stub::ListConsents, request, "ListConsents");
}

absl::StatusOr<v1::TenantInfo> TenantClient::WhoAmI() {
  return impl_->Call<v1::WhoAmIRequest, v1::TenantInfo>(
      &Stub::WhoAmI, v1::WhoAmIRequest(), "WhoAmI");
}

absl::Status TenantClient::RecordJobFiles(const v1::JobFilesRequest& request) {
  return impl_
      ->Call<v1::JobFilesRequest, v1::JobFilesResponse>(
          &Stub::RecordJobFiles, request, "RecordJobFiles")
      .status();
}

absl::StatusOr<v1::ScrubReport> TenantClient::GetReport(
    std::string_view job_id) {
  v1::ReportRequest request;
  request.set_job_id(std::string(job_id));
  return impl_->Call<v1::ReportRequest, v1::ScrubReport>(&Stub::GetReport,
                                                         request, "GetReport");
}

}  // namespace dnc::client
