#include "client/scrub_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/grpc_call.h"
#include "common/status_macros.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"
#include "leadlist/scrub_mapping.h"

namespace dnc::client {

using leadlist::ApplyScrubResponse;
using leadlist::BuildScrubRequest;
using leadlist::CellVerdict;
using leadlist::FormatReason;
using leadlist::FormatWindow;
using leadlist::ToSnapshotInfo;

namespace {

NumberVerdict FromCheckResponse(std::string_view input,
                                const v1::CheckResponse& response) {
  NumberVerdict verdict;
  verdict.input = std::string(input);
  verdict.e164 = response.e164();
  verdict.disposition = response.disposition();
  // Fail closed: both the flag and the disposition must say callable.
  verdict.callable =
      response.callable() && IsCallableDisposition(response.disposition());
  for (const v1::Reason& reason : response.reasons()) {
    verdict.reasons.push_back(FormatReason(reason, response.snapshots()));
  }
  for (const v1::SnapshotRef& ref : response.snapshots()) {
    verdict.snapshots.push_back(ToSnapshotInfo(ref));
  }
  if (response.has_window()) {
    const v1::CallingWindow& window = response.window();
    verdict.window = FormatWindow(window);
    verdict.window_known = window.known();
    verdict.window_open_now = window.known() && window.open_now();
    verdict.local_now = window.local_now();
  } else {
    verdict.window = FormatWindow(v1::CallingWindow());
  }
  verdict.callable_now = verdict.callable && verdict.window_open_now;
  verdict.audit_id = response.audit_id();
  return verdict;
}

class GrpcScrubStream : public ScrubStreamSession {
 public:
  GrpcScrubStream(v1::ScrubService::Stub* stub,
                  std::shared_ptr<grpc::Channel> channel,
                  const ClientOptions& options)
      : channel_(std::move(channel)), options_(options) {
    PrepareContext(&context_, options_, options_.stream_timeout);
    stream_ = stub->ScrubStream(&context_);
  }

  bool Write(const v1::ScrubRequest& request) override {
    return stream_->Write(request);
  }
  bool WritesDone() override { return stream_->WritesDone(); }
  bool Read(v1::ScrubResponse* response) override {
    return stream_->Read(response);
  }
  absl::Status Finish() override {
    return FromGrpc(stream_->Finish(), channel_.get(), options_, "ScrubStream");
  }
  void Cancel() override { context_.TryCancel(); }

 private:
  const std::shared_ptr<grpc::Channel> channel_;
  const ClientOptions options_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::ScrubRequest, v1::ScrubResponse>>
      stream_;
};

}  // namespace

struct ScrubClient::Impl : ServiceChannel<v1::ScrubService> {
  // Check with the call's choices; the verdict names `input`.
  absl::StatusOr<NumberVerdict> Check(v1::CheckRequest request,
                                      const CallOptions& call,
                                      std::string_view input) const {
    request.set_purpose(static_cast<v1::CallPurpose>(call.purpose));
    request.set_now_unix_seconds(call.now_unix_seconds);
    request.set_request_id(call.request_id);
    request.set_subject(call.subject);
    absl::StatusOr<v1::CheckResponse> response =
        Call(&Stub::Check, request, "Check");
    if (!response.ok()) return response.status();
    return FromCheckResponse(input, *response);
  }
};

ScrubClient::ScrubClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScrubClient::~ScrubClient() = default;

absl::StatusOr<std::unique_ptr<ScrubClient>> ScrubClient::Create(
    const ClientOptions& options) {
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, Impl::Open<Impl>(options));
  return std::unique_ptr<ScrubClient>(new ScrubClient(std::move(impl)));
}

const std::string& ScrubClient::server() const { return impl_->options.server; }

const ClientOptions& ScrubClient::options() const { return impl_->options; }

absl::StatusOr<NumberVerdict> ScrubClient::Check(std::string_view raw,
                                                 const CallOptions& call) {
  v1::CheckRequest request;
  request.set_raw(std::string(raw));
  return impl_->Check(std::move(request), call, raw);
}

absl::StatusOr<NumberVerdict> ScrubClient::CheckE164(uint64_t e164,
                                                     const CallOptions& call) {
  v1::CheckRequest request;
  request.set_e164(e164);
  return impl_->Check(std::move(request), call, absl::StrCat(e164));
}

absl::StatusOr<std::vector<NumberVerdict>> ScrubClient::Scrub(
    const std::vector<std::string>& numbers, const CallOptions& call) {
  std::vector<std::string_view> cells(numbers.begin(), numbers.end());
  v1::ScrubRequest request;
  std::vector<uint32_t> entry_of_cell;
  BuildScrubRequest(cells, /*first_id=*/0, &request, &entry_of_cell);
  request.set_purpose(static_cast<v1::CallPurpose>(call.purpose));
  request.set_now_unix_seconds(call.now_unix_seconds);
  request.set_request_id(call.request_id);
  request.set_subject(call.subject);
  absl::StatusOr<v1::ScrubResponse> answered =
      impl_->Call(&Impl::Stub::Scrub, request, "Scrub");
  if (!answered.ok()) return answered.status();
  const v1::ScrubResponse& response = *answered;
  std::vector<CellVerdict> cell_verdicts;
  absl::Status applied = ApplyScrubResponse(response, entry_of_cell,
                                            /*first_id=*/0, &cell_verdicts);
  if (!applied.ok()) return applied;
  std::vector<SnapshotInfo> snapshots;
  for (const v1::SnapshotRef& ref : response.snapshots()) {
    snapshots.push_back(ToSnapshotInfo(ref));
  }
  std::vector<NumberVerdict> verdicts(numbers.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    NumberVerdict& verdict = verdicts[i];
    verdict.input = numbers[i];
    verdict.e164 = cell_verdicts[i].e164;
    verdict.disposition = cell_verdicts[i].disposition;
    verdict.callable = cell_verdicts[i].callable;
    verdict.reasons = std::move(cell_verdicts[i].reasons);
    verdict.snapshots = snapshots;
    verdict.window = std::move(cell_verdicts[i].window);
    verdict.window_known = cell_verdicts[i].window_known;
    verdict.window_open_now = cell_verdicts[i].open_now;
    verdict.callable_now = cell_verdicts[i].callable_now;
    verdict.audit_id = response.audit_id();
  }
  return verdicts;
}

absl::StatusOr<ServerStatus> ScrubClient::GetStatus() {
  absl::StatusOr<v1::StatusResponse> answered =
      impl_->Call(&Impl::Stub::Status, v1::StatusRequest(), "Status");
  if (!answered.ok()) return answered.status();
  const v1::StatusResponse& response = *answered;
  ServerStatus result;
  result.max_batch_entries = response.max_batch_entries();
  result.server_version = response.server_version();
  result.today = response.today();
  result.tenant = response.tenant();
  result.auth_required = response.auth_required();
  for (const v1::SourceStatus& source : response.sources()) {
    SourceInfo info;
    info.snapshot = ToSnapshotInfo(source.snapshot());
    info.country_codes.assign(source.country_codes().begin(),
                              source.country_codes().end());
    info.number_count = source.number_count();
    info.age_days = source.age_days();
    info.max_age_days = source.max_age_days();
    info.deadline = source.deadline();
    info.stale = source.stale();
    info.loaded_at = source.loaded_at();
    result.sources.push_back(std::move(info));
  }
  return result;
}

std::unique_ptr<ScrubStreamSession> ScrubClient::OpenStream() {
  return std::make_unique<GrpcScrubStream>(impl_->stub.get(), impl_->channel,
                                           impl_->options);
}

}  // namespace dnc::client
