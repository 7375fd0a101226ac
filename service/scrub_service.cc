#include "service/scrub_service.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/phone_number.h"
#include "common/status_macros.h"
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

absl::Status CheckIdCount(const char* field, int count, size_t entries) {
  if (count == 0 || static_cast<size_t>(count) == entries) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, " has ", count, " values for ", entries,
                   " entries; send exactly one per entry, or none"));
}

const grpc::Status& ShuttingDown() {
  static const grpc::Status* status = new grpc::Status(
      grpc::StatusCode::UNAVAILABLE,
      "dnc-server is shutting down; retry (on another server)");
  return *status;
}

// A unary reactor that counts as in flight until gRPC is done with the call
// (the response sent or the call cancelled).
class CountedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit CountedUnaryReactor(ScrubServiceImpl* service) : service_(service) {}
  void OnDone() override {
    service_->ExitCall();
    delete this;
  }

 private:
  ScrubServiceImpl* const service_;
};

// Streams chunks through ScrubInto one at a time: read a chunk, answer it,
// write the answer, and only then read the next, so a stream holds at most
// one request and one response however long it runs.
class ScrubStreamReactor final
    : public grpc::ServerBidiReactor<v1::ScrubRequest, v1::ScrubResponse> {
 public:
  explicit ScrubStreamReactor(ScrubServiceImpl* service) : service_(service) {
    if (!service_->EnterCall()) {
      Finish(ShuttingDown());
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // The client finished sending (or the call broke).
      Finish(grpc::Status::OK);
      return;
    }
    const absl::Status status =
        service_->ScrubInto(request_, &scratch_, &response_);
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
    service_->ExitCall();
    delete this;
  }

 private:
  ScrubServiceImpl* const service_;
  v1::ScrubRequest request_;
  v1::ScrubResponse response_;
  ScrubResult scratch_;
  uint64_t chunks_ = 0;
};

}  // namespace

const char* ServerVersion() { return DNC_VERSION; }

ScrubServiceImpl::ScrubServiceImpl(const Registry* registry,
                                   ScrubServiceOptions options)
    : registry_(registry), options_(std::move(options)) {}

bool ScrubServiceImpl::EnterCall() {
  absl::MutexLock lock(&mu_);
  ++in_flight_;
  return !draining_;
}

void ScrubServiceImpl::ExitCall() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

void ScrubServiceImpl::StartDraining() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
}

bool ScrubServiceImpl::WaitUntilIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return in_flight_ == 0;
  };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

DayNumber ScrubServiceImpl::Today() const {
  return options_.today ? options_.today() : TodayUtc();
}

absl::Status ScrubServiceImpl::ScrubInto(const v1::ScrubRequest& request,
                                         ScrubResult* scratch,
                                         v1::ScrubResponse* response) const {
  response->Clear();
  const size_t entries =
      static_cast<size_t>(request.e164_size()) + request.raw_size();
  if (entries > options_.max_batch_entries) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch of ", entries, " entries exceeds the limit of ",
                     options_.max_batch_entries,
                     " per request; split it or use ScrubStream"));
  }
  DNC_RETURN_IF_ERROR(CheckIdCount("ids", request.ids_size(), entries));
  DNC_RETURN_IF_ERROR(
      CheckIdCount("string_ids", request.string_ids_size(), entries));

  std::vector<ParsedNumber> parsed;
  parsed.reserve(entries);
  for (uint64_t e164 : request.e164()) parsed.push_back(ClassifyE164(e164));
  for (const std::string& raw : request.raw()) {
    parsed.push_back(ParsePhoneNumber(std::string_view(raw)));
  }
  const std::shared_ptr<const SourceSet> sources = registry_->Current();
  DNC_RETURN_IF_ERROR(service::Scrub(*sources, parsed, Today(), scratch));

  const int n = static_cast<int>(entries);
  auto* dispositions = response->mutable_dispositions();
  dispositions->Reserve(n);
  for (Disposition d : scratch->dispositions) {
    dispositions->AddAlreadyReserved(static_cast<int>(d));
  }
  response->mutable_e164()->Reserve(n);
  for (uint64_t e164 : scratch->e164) {
    response->mutable_e164()->AddAlreadyReserved(e164);
  }
  *response->mutable_ids() = request.ids();
  *response->mutable_string_ids() = request.string_ids();
  response->mutable_reasons()->Reserve(
      static_cast<int>(scratch->reasons.size()));
  for (const Reason& reason : scratch->reasons) {
    FillReason(reason, response->add_reasons());
  }
  FillSnapshots(*scratch, response);
  response->set_sequence(request.sequence());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Check(
    grpc::CallbackServerContext* context, const v1::CheckRequest* request,
    v1::CheckResponse* response) {
  auto* reactor = new CountedUnaryReactor(this);
  if (!EnterCall()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  ParsedNumber parsed;
  switch (request->number_case()) {
    case v1::CheckRequest::kE164:
      parsed = ClassifyE164(request->e164());
      break;
    case v1::CheckRequest::kRaw:
      parsed = ParsePhoneNumber(std::string_view(request->raw()));
      break;
    case v1::CheckRequest::NUMBER_NOT_SET:
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                   "CheckRequest has no number: set e164 "
                                   "(e.g. 12025551234) or raw"));
      return reactor;
  }
  const std::shared_ptr<const SourceSet> sources = registry_->Current();
  ScrubResult result;
  const absl::Status status = service::Scrub(
      *sources, absl::MakeConstSpan(&parsed, 1), Today(), &result);
  if (!status.ok()) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }
  const Disposition disposition = result.dispositions[0];
  response->set_disposition(static_cast<v1::Disposition>(disposition));
  response->set_callable(IsCallable(disposition));
  response->set_e164(result.e164[0]);
  for (const Reason& reason : result.reasons) {
    FillReason(reason, response->add_reasons());
  }
  FillSnapshots(result, response);
  response->set_id(request->id());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Scrub(
    grpc::CallbackServerContext* context, const v1::ScrubRequest* request,
    v1::ScrubResponse* response) {
  auto* reactor = new CountedUnaryReactor(this);
  if (!EnterCall()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  ScrubResult scratch;
  reactor->Finish(ToGrpcStatus(ScrubInto(*request, &scratch, response)));
  return reactor;
}

grpc::ServerBidiReactor<v1::ScrubRequest, v1::ScrubResponse>*
ScrubServiceImpl::ScrubStream(grpc::CallbackServerContext* context) {
  return new ScrubStreamReactor(this);
}

grpc::ServerUnaryReactor* ScrubServiceImpl::Status(
    grpc::CallbackServerContext* context, const v1::StatusRequest* request,
    v1::StatusResponse* response) {
  auto* reactor = new CountedUnaryReactor(this);
  if (!EnterCall()) {
    reactor->Finish(ShuttingDown());
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
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace dnc::service
