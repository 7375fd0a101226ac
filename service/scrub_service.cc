#include "service/scrub_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/grpc_status.h"
#include "service/proto_mapping.h"
#include "service/retry_after.h"

#ifndef DNC_VERSION
#define DNC_VERSION "unknown"
#endif

namespace dnc::service {
namespace {

namespace v1 = ::dnc::v1;

// The numbers a Scrub request or ScrubStream chunk carries.
size_t EntriesOf(const v1::ScrubRequest& request) {
  return static_cast<size_t>(request.e164_size() + request.raw_size());
}

// Streams chunks through ScrubInto one at a time: read a chunk, answer it,
// write the answer, and only then read the next, so a stream holds at most
// one request and one response however long it runs.
class ScrubStreamReactor final
    : public grpc::ServerBidiReactor<v1::ScrubRequest, v1::ScrubResponse> {
 public:
  ScrubStreamReactor(ScrubServiceImpl* service,
                     grpc::CallbackServerContext* context)
      : service_(service), context_(context) {
    chunk_start_ = StartTimer(metrics_);
    if (!service_->gate().Enter()) {
      CountChunk(ShuttingDown().error_code());
      Finish(ShuttingDown());
      return;
    }
    absl::StatusOr<const tenant::Tenant*> tenant =
        AuthenticateCall(service_->auth(), *context);
    if (!tenant.ok()) {
      CountChunk(static_cast<int>(tenant.status().code()));
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
    chunk_start_ = StartTimer(metrics_);
    // One chunk at a time: the next is read only once this one's answer is
    // written, so the chunk and the reactor stay put while it waits.
    service_->RunBulk(
        context_, EntriesOf(request_), [this] { AnswerChunk(); },
        [this](const grpc::Status& status) {
          CountChunk(status.error_code());
          Finish(status);
        });
  }

  void AnswerChunk() {
    const absl::Status status = service_->ScrubInto(
        request_, tenant_, "ScrubStream", &scratch_, &response_);
    CountChunk(static_cast<int>(status.code()));
    if (!status.ok()) {
      absl::Status error(
          status.code(),
          absl::StrCat("chunk sequence ", request_.sequence(), " (chunk ",
                       chunks_ + 1,
                       " of the stream): ", std::string(status.message())));
      status.ForEachPayload(
          [&error](absl::string_view type_url, const absl::Cord& payload) {
            error.SetPayload(type_url, payload);
          });
      Finish(ToGrpcStatus(error, context_));
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
  // Each chunk counts as one ScrubStream call (a refused stream as one).
  void CountChunk(int code) {
    if (metrics_ != nullptr) metrics_->Record(code, chunk_start_);
  }

  ScrubServiceImpl* const service_;
  CallMetrics* const metrics_ = service_->method_metrics().scrub_stream;
  CallClock::time_point chunk_start_;
  grpc::CallbackServerContext* const context_;
  const tenant::Tenant* tenant_ = nullptr;
  v1::ScrubRequest request_;
  v1::ScrubResponse response_;
  BatchScratch scratch_;
  uint64_t chunks_ = 0;
};

ScrubCallsOptions CallsOptions(const ScrubServiceOptions& options) {
  ScrubCallsOptions calls;
  calls.max_batch_entries = options.max_batch_entries;
  calls.today = options.today;
  calls.metrics = options.metrics;
  calls.limits = options.limits;
  return calls;
}

void FillCheckAnswer(const ScrubAnswer& answer, const v1::CheckRequest& request,
                     v1::CheckResponse* response) {
  const ScrubResult& result = answer.result;
  const Disposition disposition = result.dispositions[0];
  response->set_disposition(static_cast<v1::Disposition>(disposition));
  response->set_callable(IsCallable(disposition));
  response->set_e164(result.e164[0]);
  FillEvidence(result, response);
  response->set_id(request.id());
  FillCallingWindow(answer.windows.windows[answer.windows.index[0]],
                    response->mutable_window());
}

}  // namespace

const char* ServerVersion() { return DNC_VERSION; }

namespace {

ScrubServiceImpl::MethodMetrics MethodMetricsOf(ServerMetrics* metrics) {
  ScrubServiceImpl::MethodMetrics methods;
  const auto method = [metrics](const char* name) {
    return GrpcMethodMetrics(
        metrics,
        absl::StrCat(v1::ScrubService::service_full_name(), "/", name));
  };
  methods.check = method("Check");
  methods.check_stream = method("CheckStream");
  methods.scrub = method("Scrub");
  methods.scrub_stream = method("ScrubStream");
  methods.status = method("Status");
  return methods;
}

}  // namespace

ScrubServiceImpl::ScrubServiceImpl(const Registry* registry,
                                   const Authenticator* auth, CallGate* gate,
                                   ScrubServiceOptions options)
    : auth_(auth),
      gate_(gate),
      max_answer_bytes_(options.max_answer_bytes),
      method_metrics_(MethodMetricsOf(options.metrics)),
      limits_(options.limits),
      calls_(registry, auth->store(), CallsOptions(options)) {
  SetMessageAllocatorFor_Scrub(&scrub_allocator_);
}

absl::Status ScrubServiceImpl::ScrubInto(const v1::ScrubRequest& request,
                                         const tenant::Tenant* tenant,
                                         const char* method,
                                         BatchScratch* scratch,
                                         v1::ScrubResponse* response) const {
  response->Clear();
  ScrubCall call =
      ScrubCallOf(request, method, &scratch->raw, &scratch->string_ids);
  // Every gRPC scrub runs through RunBulk, which holds the slot if it needs
  // one.
  call.holds_slot = true;
  const size_t entries = call.e164.size() + call.raw.size();
  DNC_RETURN_IF_ERROR(calls_.Scrub(
      call, tenant, &scratch->call, [&](const ScrubAnswer& answer) {
        FillScrubAnswer(answer, request, response);
        // Before the audit record: an answer too large to send is never
        // audited as given.
        return CheckAnswerSize(*response, entries, request);
      }));
  SetScrubAuditIds(request, scratch->call.answer.audit_id, response);
  return absl::OkStatus();
}

absl::Status ScrubServiceImpl::CheckAnswerSize(
    const v1::ScrubResponse& response, size_t entries,
    const v1::ScrubRequest& request) const {
  // A cheap upper bound first (per entry at most 2 bytes of disposition, 11
  // of number, 11 of id, 5 of window index; per reason 40 bytes plus its
  // detail; per window 256 bytes plus its source and restrictions); the
  // exact size only when the bound is over the limit.
  size_t bound = 32 * entries + 4096;
  for (const std::string& id : request.string_ids()) bound += id.size() + 3;
  for (const v1::Reason& reason : response.reasons()) {
    bound += 40 + reason.detail().size();
  }
  bound += 256 * static_cast<size_t>(response.windows_size() +
                                     response.snapshots_size());
  for (const v1::CallingWindow& window : response.windows()) {
    bound += window.source().size();  // Source lines and restrictions.
    for (const std::string& text : window.restrictions()) {
      bound += text.size() + 3;
    }
  }
  if (bound <= max_answer_bytes_) return absl::OkStatus();
  const size_t bytes = response.ByteSizeLong() + 256;  // + job and audit ids.
  if (bytes <= max_answer_bytes_) return absl::OkStatus();
  const size_t fitting =
      std::max<size_t>(1, entries * max_answer_bytes_ / bytes);
  return absl::ResourceExhaustedError(absl::StrCat(
      "the answer to these ", entries, " entries would be ", bytes,
      " bytes, more than the ", max_answer_bytes_,
      " this server sends (--max_answer_bytes; gRPC clients receive 4 MiB by "
      "default); send at most about ",
      fitting, " entries per request. Nothing was answered or audited."));
}

absl::Status ScrubServiceImpl::CheckInto(const v1::CheckRequest& request,
                                         const tenant::Tenant* tenant,
                                         const char* method,
                                         v1::CheckResponse* response) const {
  CheckCall call;
  call.method = method;
  switch (request.number_case()) {
    case v1::CheckRequest::kE164:
      call.has_e164 = true;
      call.e164 = request.e164();
      break;
    case v1::CheckRequest::kRaw:
      call.raw = request.raw();
      break;
    case v1::CheckRequest::NUMBER_NOT_SET:
      return absl::InvalidArgumentError(
          "CheckRequest has no number: set e164 (e.g. 12025551234) or raw");
  }
  call.id = request.id();
  call.request_id = request.request_id();
  call.subject = request.subject();
  call.purpose = request.purpose();
  call.now_unix_seconds = request.now_unix_seconds();
  // One scratch per thread: the handler answers before it returns.
  thread_local CallScratch scratch;
  DNC_RETURN_IF_ERROR(
      calls_.Check(call, tenant, &scratch, [&](const ScrubAnswer& answer) {
        FillCheckAnswer(answer, request, response);
        return absl::OkStatus();
      }));
  response->set_audit_id(scratch.answer.audit_id);
  return absl::OkStatus();
}

std::unique_ptr<CheckAsync> ScrubServiceImpl::ServeCheck(
    grpc::ServerBuilder* builder, CheckAsyncOptions options) {
  CallGate* gate = gate_;
  options.on_done = [gate] { gate->Exit(); };
  return std::make_unique<CheckAsync>(
      this,
      [this](grpc::ServerContextBase* context, const v1::CheckRequest& request,
             v1::CheckResponse* response) {
        CallMetrics* const metrics = method_metrics_.check;
        const CallClock::time_point start = StartTimer(metrics);
        absl::Status status = AnswerCheck(context, request, response);
        if (metrics != nullptr) {
          metrics->Record(static_cast<int>(status.code()), start);
        }
        return status;
      },
      options, builder);
}

absl::Status ScrubServiceImpl::AnswerCheck(grpc::ServerContextBase* context,
                                           const v1::CheckRequest& request,
                                           v1::CheckResponse* response) const {
  // Counts until on_done (ServeCheck), whether or not it is let in.
  if (!gate_->Enter()) {
    return absl::UnavailableError(ShuttingDown().error_message());
  }
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateCall(*auth_, *context));
  return CheckInto(request, tenant, response);
}

void ScrubServiceImpl::RunBulk(
    grpc::ServerContextBase* context, size_t entries,
    std::function<void()> work,
    std::function<void(const grpc::Status&)> finish) {
  if (limits_ == nullptr || !CallLimits::NeedsSlot(entries)) {
    work();
    return;
  }
  const absl::Time now = absl::Now();
  const absl::Time deadline =
      limits_->CapDeadline(now, absl::FromChrono(context->deadline()));
  auto run = [work = std::move(work), finish, deadline, now](bool in_time) {
    if (in_time) return work();
    finish(grpc::Status(
        grpc::StatusCode::DEADLINE_EXCEEDED,
        absl::StrCat("waited ", absl::FormatDuration(deadline - now),
                     " for a scrub slot (the call's deadline, at most "
                     "--max_deadline_seconds); nothing was answered")));
  };
  if (limits_->slots().Submit(std::move(run), deadline)) return;
  finish(ToGrpcStatus(
      RetryAfterError(
          absl::StrCat("the server is busy: ", limits_->slots().max_slots(),
                       " scrubs are running and ",
                       limits_->slots().max_queued(),
                       " wait (--max_concurrent_scrubs, --max_queued_scrubs); "
                       "retry in 1 s. Nothing was answered or audited."),
          1),
      context));
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Scrub(
    grpc::CallbackServerContext* context, const v1::ScrubRequest* request,
    v1::ScrubResponse* response) {
  if (limits_ == nullptr) {
    return RunUnary(
        gate_, *auth_, context,
        [&](const tenant::Tenant* tenant) {
          // The handler answers before it returns, so one scratch per thread
          // is reused by every call on it (its buffers keep their capacity).
          thread_local BatchScratch scratch;
          return ScrubInto(*request, tenant, "Scrub", &scratch, response);
        },
        method_metrics_.scrub);
  }
  // With limits the body runs later, on a bulk slot's thread: the request,
  // response and context stay valid until the reactor is finished.
  auto* reactor = new GatedUnaryReactor(gate_, method_metrics_.scrub);
  if (!gate_->Enter()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  const absl::StatusOr<const tenant::Tenant*> tenant =
      AuthenticateCall(*auth_, *context);
  if (!tenant.ok()) {
    reactor->Finish(ToGrpcStatus(tenant.status(), context));
    return reactor;
  }
  RunBulk(
      context, EntriesOf(*request),
      [this, reactor, context, request, response, caller = *tenant] {
        thread_local BatchScratch scratch;
        reactor->Finish(ToGrpcStatus(
            ScrubInto(*request, caller, "Scrub", &scratch, response), context));
      },
      [reactor](const grpc::Status& status) { reactor->Finish(status); });
  return reactor;
}

grpc::ServerBidiReactor<v1::ScrubRequest, v1::ScrubResponse>*
ScrubServiceImpl::ScrubStream(grpc::CallbackServerContext* context) {
  return new ScrubStreamReactor(this, context);
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Status(
    grpc::CallbackServerContext* context, const v1::StatusRequest* request,
    v1::StatusResponse* response) {
  return RunUnary(
      gate_, *auth_, context,
      [&](const tenant::Tenant* tenant) {
        FillStatus(tenant, response);
        return absl::OkStatus();
      },
      method_metrics_.status);
}

void ScrubServiceImpl::FillStatus(const tenant::Tenant* tenant,
                                  v1::StatusResponse* response) const {
  const DayNumber today = calls_.Today();
  const std::shared_ptr<const SourceSet> sources = calls_.registry().Current();
  for (const ServedSource& served : sources->sources()) {
    const storage::Manifest& manifest = served.manifest();
    const storage::Freshness freshness =
        storage::ComputeFreshness(manifest, today);
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
  response->set_max_batch_entries(calls_.max_batch_entries());
  response->set_server_version(ServerVersion());
  response->set_today(FormatIsoDate(today));
  if (tenant != nullptr) response->set_tenant(tenant->name());
  response->set_auth_required(auth_->required());
}

}  // namespace dnc::service
