#include "service/scrub_service.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/phone_number.h"
#include "common/status_macros.h"
#include "service/audit.h"
#include "service/field_rules.h"
#include "service/grpc_status.h"

#ifndef DNC_VERSION
#define DNC_VERSION "unknown"
#endif

namespace dnc::service {
namespace {

namespace v1 = ::dnc::v1;

#define DNC_SAME_VALUE(ours, theirs)                                \
  static_assert(static_cast<int>(ours) == static_cast<int>(theirs), \
                #ours " must equal " #theirs)
DNC_SAME_VALUE(Disposition::kUnspecified, v1::DISPOSITION_UNSPECIFIED);
DNC_SAME_VALUE(Disposition::kCallable, v1::CALLABLE);
DNC_SAME_VALUE(Disposition::kBlocked, v1::BLOCKED);
DNC_SAME_VALUE(Disposition::kExempt, v1::EXEMPT);
DNC_SAME_VALUE(Disposition::kInternal, v1::INTERNAL);
DNC_SAME_VALUE(Disposition::kNotSubscribed, v1::NOT_SUBSCRIBED);
DNC_SAME_VALUE(Disposition::kStale, v1::STALE);
DNC_SAME_VALUE(Disposition::kInvalid, v1::INVALID);
DNC_SAME_VALUE(Disposition::kMalformed, v1::MALFORMED);
DNC_SAME_VALUE(ReasonCode::kUnspecified, v1::REASON_UNSPECIFIED);
DNC_SAME_VALUE(ReasonCode::kListed, v1::LISTED);
DNC_SAME_VALUE(ReasonCode::kSourceStale, v1::SOURCE_STALE);
DNC_SAME_VALUE(ReasonCode::kNoSource, v1::NO_SOURCE);
DNC_SAME_VALUE(ReasonCode::kInvalidNumber, v1::INVALID_NUMBER);
DNC_SAME_VALUE(ReasonCode::kMalformedNumber, v1::MALFORMED_NUMBER);
DNC_SAME_VALUE(ReasonCode::kInternalList, v1::INTERNAL_LIST);
DNC_SAME_VALUE(ReasonCode::kNotEntitled, v1::NOT_ENTITLED);
DNC_SAME_VALUE(ReasonCode::kEbrPurchase, v1::EBR_PURCHASE);
DNC_SAME_VALUE(ReasonCode::kEbrInquiry, v1::EBR_INQUIRY);
DNC_SAME_VALUE(ReasonCode::kWrittenConsent, v1::WRITTEN_CONSENT);
DNC_SAME_VALUE(ReasonCode::kPurposeExempt, v1::PURPOSE_EXEMPT);
DNC_SAME_VALUE(ReasonCode::kExemptionExpired, v1::EXEMPTION_EXPIRED);
DNC_SAME_VALUE(policy::Purpose::kUnspecified, v1::PURPOSE_UNSPECIFIED);
DNC_SAME_VALUE(policy::Purpose::kCommercial, v1::COMMERCIAL);
DNC_SAME_VALUE(policy::Purpose::kCharity, v1::CHARITY);
DNC_SAME_VALUE(policy::Purpose::kPolitical, v1::POLITICAL);
DNC_SAME_VALUE(policy::Purpose::kSurvey, v1::SURVEY);
#undef DNC_SAME_VALUE

void FillSnapshotRef(const storage::Manifest& manifest, v1::SnapshotRef* ref) {
  ref->set_source(manifest.source);
  ref->set_jurisdiction(manifest.jurisdiction);
  ref->set_generation(manifest.generation);
  ref->set_as_of(FormatIsoDate(manifest.as_of));
}

void FillReason(const Reason& reason, v1::Reason* out) {
  out->set_entry(reason.entry);
  out->set_code(static_cast<v1::ReasonCode>(reason.code));
  if (reason.snapshot != kNoSnapshot) out->set_snapshot(reason.snapshot);
  out->mutable_detail()->assign(reason.detail.data(), reason.detail.size());
  if (reason.added != 0) out->set_added_date(FormatIsoDate(reason.added));
}

template <typename Message>
void FillSnapshots(const ScrubResult& result, Message* response) {
  response->mutable_snapshots()->Reserve(
      static_cast<int>(result.snapshots.size()));
  for (const ServedSource* served : result.snapshots) {
    FillSnapshotRef(served->manifest(), response->add_snapshots());
  }
}

// "08:00" for 480; "24:00" for 1440 (the end of the day).
std::string MinuteText(int minute) {
  minute = std::clamp(minute, 0, 24 * 60);
  char text[16];
  std::snprintf(text, sizeof(text), "%02d:%02d", minute / 60, minute % 60);
  return text;
}

// Streams chunks through ScrubInto one at a time: read a chunk, answer it,
// write the answer, and only then read the next, so a stream holds at most
// one request and one response however long it runs.
class ScrubStreamReactor final
    : public grpc::ServerBidiReactor<v1::ScrubRequest, v1::ScrubResponse> {
 public:
  ScrubStreamReactor(ScrubServiceImpl* service,
                     grpc::CallbackServerContext* context)
      : service_(service) {
    if (!service_->gate().Enter()) {
      Finish(ShuttingDown());
      return;
    }
    absl::StatusOr<const tenant::Tenant*> tenant =
        service_->auth().Authenticate(*context);
    if (!tenant.ok()) {
      Finish(ToGrpcStatus(tenant.status()));
      return;
    }
    tenant_ = *tenant;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // The client finished sending (or the call broke).
      Finish(grpc::Status::OK);
      return;
    }
    const absl::Status status = service_->ScrubInto(
        request_, tenant_, "ScrubStream", &scratch_, &response_);
    if (!status.ok()) {
      Finish(ToGrpcStatus(absl::Status(
          status.code(),
          absl::StrCat("chunk sequence ", request_.sequence(), " (chunk ",
                       chunks_ + 1,
                       " of the stream): ", std::string(status.message())))));
      return;
    }
    ++chunks_;
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                          "ScrubStream: the response could not be written"));
      return;
    }
    StartRead(&request_);
  }

  void OnDone() override {
    service_->gate().Exit();
    delete this;
  }

 private:
  ScrubServiceImpl* const service_;
  const tenant::Tenant* tenant_ = nullptr;
  v1::ScrubRequest request_;
  v1::ScrubResponse response_;
  BatchScratch scratch_;
  uint64_t chunks_ = 0;
};

}  // namespace

const char* ServerVersion() { return DNC_VERSION; }

const grpc::Status& ShuttingDown() {
  static const grpc::Status* status = new grpc::Status(
      grpc::StatusCode::UNAVAILABLE,
      "dnc-server is shutting down; retry (on another server)");
  return *status;
}

void FillCallingWindow(const policy::CallingWindow& window,
                       v1::CallingWindow* out) {
  out->set_known(window.known);
  if (!window.known) return;
  for (const std::string& zone : window.time_zones) out->add_time_zones(zone);
  out->set_rule(window.rule);
  out->set_local_start(MinuteText(window.start_minute));
  out->set_local_end(MinuteText(window.end_minute));
  out->set_local_now(window.local_now);
  out->set_open_now(window.open_now);
}

ScrubServiceImpl::ScrubServiceImpl(const Registry* registry,
                                   const Authenticator* auth, CallGate* gate,
                                   ScrubServiceOptions options)
    : registry_(registry),
      auth_(auth),
      gate_(gate),
      options_(std::move(options)) {
  SetMessageAllocatorFor_Scrub(&scrub_allocator_);
}

DayNumber ScrubServiceImpl::Today() const {
  return options_.today ? options_.today() : TodayUtc();
}

absl::Status ScrubServiceImpl::ScrubInto(const v1::ScrubRequest& request,
                                         const tenant::Tenant* tenant,
                                         const char* method,
                                         BatchScratch* scratch,
                                         v1::ScrubResponse* response) const {
  response->Clear();
  const size_t entries =
      static_cast<size_t>(request.e164_size()) + request.raw_size();
  DNC_RETURN_IF_ERROR(CheckBatchSize(entries, options_.max_batch_entries,
                                     "split it or use ScrubStream"));
  DNC_RETURN_IF_ERROR(CheckOnePerEntry("ids", request.ids_size(), entries));
  DNC_RETURN_IF_ERROR(
      CheckOnePerEntry("string_ids", request.string_ids_size(), entries));
  DNC_RETURN_IF_ERROR(
      CheckEachMaxBytes("string_ids", request.string_ids(), kMaxCallerIdBytes));
  DNC_RETURN_IF_ERROR(CheckJobId("job_id", request.job_id(), false));
  DNC_RETURN_IF_ERROR(
      CheckMaxBytes("request_id", request.request_id(), kMaxCallerIdBytes));
  DNC_ASSIGN_OR_RETURN(const absl::Time now,
                       ResolveNow(request.now_unix_seconds(), absl::Now()));
  DNC_ASSIGN_OR_RETURN(const policy::Purpose purpose,
                       ResolvePurpose(request.purpose(), tenant));

  std::vector<ParsedNumber>& parsed = scratch->parsed;
  parsed.clear();
  parsed.reserve(entries);
  for (uint64_t e164 : request.e164()) parsed.push_back(ClassifyE164(e164));
  for (const std::string& raw : request.raw()) {
    parsed.push_back(ParsePhoneNumber(std::string_view(raw)));
  }
  const std::shared_ptr<const SourceSet> sources = registry_->Current();
  const DayNumber today = Today();
  ScrubResult& result = scratch->result;
  DNC_RETURN_IF_ERROR(service::Scrub(*sources, parsed, today, &result));
  if (tenant != nullptr) {
    ApplyTenantPolicy(*sources, parsed, *tenant, purpose, today, &result,
                      &scratch->policy);
  }
  AssignWindows(result.e164, now, &scratch->windows);

  const int n = static_cast<int>(entries);
  auto* dispositions = response->mutable_dispositions();
  dispositions->Reserve(n);
  for (Disposition d : result.dispositions) {
    dispositions->AddAlreadyReserved(static_cast<int>(d));
  }
  response->mutable_e164()->Reserve(n);
  for (uint64_t e164 : result.e164) {
    response->mutable_e164()->AddAlreadyReserved(e164);
  }
  *response->mutable_ids() = request.ids();
  *response->mutable_string_ids() = request.string_ids();
  response->mutable_reasons()->Reserve(static_cast<int>(result.reasons.size()));
  for (const Reason& reason : result.reasons) {
    FillReason(reason, response->add_reasons());
  }
  FillSnapshots(result, response);
  response->set_sequence(request.sequence());
  response->mutable_window()->Reserve(n);
  for (uint32_t index : scratch->windows.index) {
    response->mutable_window()->AddAlreadyReserved(index);
  }
  for (const policy::CallingWindow& window : scratch->windows.windows) {
    FillCallingWindow(window, response->add_windows());
  }
  // Before the audit record: an answer too large to send is never audited
  // as given.
  DNC_RETURN_IF_ERROR(CheckAnswerSize(*response, entries, request));

  std::string audit_id;
  if (tenant != nullptr) {
    AuditCall call;
    call.method = method;
    call.job_id = request.job_id();
    call.request_id = request.request_id();
    call.sequence = request.sequence();
    call.purpose = purpose;
    call.numbers_sha256 = NumbersSha256(request);
    DNC_ASSIGN_OR_RETURN(audit_id,
                         AppendAudit(auth_->store(), *tenant, call, result));
  }

  if (!audit_id.empty()) {
    response->set_job_id(request.job_id().empty() ? audit_id
                                                  : request.job_id());
    response->set_audit_id(audit_id);
  }
  return absl::OkStatus();
}

absl::Status ScrubServiceImpl::CheckAnswerSize(
    const v1::ScrubResponse& response, size_t entries,
    const v1::ScrubRequest& request) const {
  // A cheap upper bound first (per entry at most 2 bytes of disposition, 11
  // of number, 11 of id, 5 of window index; per reason 40 bytes plus its
  // detail); the exact size only when the bound is over the limit.
  size_t bound = 32 * entries + 4096;
  for (const std::string& id : request.string_ids()) bound += id.size() + 3;
  for (const v1::Reason& reason : response.reasons()) {
    bound += 40 + reason.detail().size();
  }
  bound += 256 * static_cast<size_t>(response.windows_size() +
                                     response.snapshots_size());
  if (bound <= options_.max_answer_bytes) return absl::OkStatus();
  const size_t bytes = response.ByteSizeLong() + 256;  // + job and audit ids.
  if (bytes <= options_.max_answer_bytes) return absl::OkStatus();
  const size_t fitting =
      std::max<size_t>(1, entries * options_.max_answer_bytes / bytes);
  return absl::ResourceExhaustedError(absl::StrCat(
      "the answer to these ", entries, " entries would be ", bytes,
      " bytes, more than the ", options_.max_answer_bytes,
      " this server sends (--max_answer_bytes; gRPC clients receive 4 MiB by "
      "default); send at most about ",
      fitting, " entries per request. Nothing was answered or audited."));
}

absl::Status ScrubServiceImpl::CheckInto(const v1::CheckRequest& request,
                                         const tenant::Tenant* tenant,
                                         v1::CheckResponse* response) const {
  ParsedNumber parsed;
  switch (request.number_case()) {
    case v1::CheckRequest::kE164:
      parsed = ClassifyE164(request.e164());
      break;
    case v1::CheckRequest::kRaw:
      parsed = ParsePhoneNumber(std::string_view(request.raw()));
      break;
    case v1::CheckRequest::NUMBER_NOT_SET:
      return absl::InvalidArgumentError(
          "CheckRequest has no number: set e164 (e.g. 12025551234) or raw");
  }
  DNC_RETURN_IF_ERROR(CheckMaxBytes("id", request.id(), kMaxCallerIdBytes));
  DNC_RETURN_IF_ERROR(
      CheckMaxBytes("request_id", request.request_id(), kMaxCallerIdBytes));
  DNC_ASSIGN_OR_RETURN(const absl::Time now,
                       ResolveNow(request.now_unix_seconds(), absl::Now()));
  DNC_ASSIGN_OR_RETURN(const policy::Purpose purpose,
                       ResolvePurpose(request.purpose(), tenant));
  const std::shared_ptr<const SourceSet> sources = registry_->Current();
  const DayNumber today = Today();
  ScrubResult result;
  const absl::Span<const ParsedNumber> numbers =
      absl::MakeConstSpan(&parsed, 1);
  DNC_RETURN_IF_ERROR(service::Scrub(*sources, numbers, today, &result));
  if (tenant != nullptr) {
    PolicyScratch scratch;
    ApplyTenantPolicy(*sources, numbers, *tenant, purpose, today, &result,
                      &scratch);
  }
  const uint64_t e164 = result.e164[0];
  policy::CallingWindow window;
  if (e164 != 0) {
    const policy::WindowKey key = policy::WindowKeyOf(e164);
    if (key != 0) window = policy::EvaluateWindow(key, now);
  }

  std::string audit_id;
  if (tenant != nullptr) {
    AuditCall call;
    call.method = "Check";
    call.request_id = request.request_id();
    call.purpose = purpose;
    call.numbers_sha256 = NumbersSha256(request);
    DNC_ASSIGN_OR_RETURN(audit_id,
                         AppendAudit(auth_->store(), *tenant, call, result));
  }

  const Disposition disposition = result.dispositions[0];
  response->set_disposition(static_cast<v1::Disposition>(disposition));
  response->set_callable(IsCallable(disposition));
  response->set_e164(e164);
  for (const Reason& reason : result.reasons) {
    FillReason(reason, response->add_reasons());
  }
  FillSnapshots(result, response);
  response->set_id(request.id());
  FillCallingWindow(window, response->mutable_window());
  response->set_audit_id(audit_id);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Check(
    grpc::CallbackServerContext* context, const v1::CheckRequest* request,
    v1::CheckResponse* response) {
  auto* reactor = new GatedUnaryReactor(gate_);
  if (!gate_->Enter()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  absl::StatusOr<const tenant::Tenant*> tenant = auth_->Authenticate(*context);
  if (!tenant.ok()) {
    reactor->Finish(ToGrpcStatus(tenant.status()));
    return reactor;
  }
  reactor->Finish(ToGrpcStatus(CheckInto(*request, *tenant, response)));
  return reactor;
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Scrub(
    grpc::CallbackServerContext* context, const v1::ScrubRequest* request,
    v1::ScrubResponse* response) {
  auto* reactor = new GatedUnaryReactor(gate_);
  if (!gate_->Enter()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  absl::StatusOr<const tenant::Tenant*> tenant = auth_->Authenticate(*context);
  if (!tenant.ok()) {
    reactor->Finish(ToGrpcStatus(tenant.status()));
    return reactor;
  }
  // The handler answers before it returns, so one scratch per thread is
  // reused by every call on it (its buffers keep their capacity).
  thread_local BatchScratch scratch;
  reactor->Finish(
      ToGrpcStatus(ScrubInto(*request, *tenant, "Scrub", &scratch, response)));
  return reactor;
}

grpc::ServerBidiReactor<v1::ScrubRequest, v1::ScrubResponse>*
ScrubServiceImpl::ScrubStream(grpc::CallbackServerContext* context) {
  return new ScrubStreamReactor(this, context);
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Status(
    grpc::CallbackServerContext* context, const v1::StatusRequest* request,
    v1::StatusResponse* response) {
  auto* reactor = new GatedUnaryReactor(gate_);
  if (!gate_->Enter()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  absl::StatusOr<const tenant::Tenant*> tenant = auth_->Authenticate(*context);
  if (!tenant.ok()) {
    reactor->Finish(ToGrpcStatus(tenant.status()));
    return reactor;
  }
  const DayNumber today = Today();
  const std::shared_ptr<const SourceSet> sources = registry_->Current();
  for (const ServedSource& served : sources->sources()) {
    const storage::Manifest& manifest = served.manifest();
    const Freshness freshness = ComputeFreshness(manifest, today);
    v1::SourceStatus* source = response->add_sources();
    FillSnapshotRef(manifest, source->mutable_snapshot());
    for (uint32_t code : manifest.country_codes)
      source->add_country_codes(code);
    source->set_number_count(manifest.numbers_loaded);
    source->set_age_days(freshness.age_days);
    source->set_max_age_days(manifest.max_age_days);
    source->set_deadline(FormatIsoDate(freshness.deadline));
    source->set_stale(freshness.stale);
    source->set_loaded_at(served.loaded_at);
  }
  response->set_max_batch_entries(options_.max_batch_entries);
  response->set_server_version(ServerVersion());
  response->set_today(FormatIsoDate(today));
  if (*tenant != nullptr) response->set_tenant((*tenant)->name());
  response->set_auth_required(auth_->required());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace dnc::service
