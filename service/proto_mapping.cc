#include "service/proto_mapping.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"

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
DNC_SAME_VALUE(Disposition::kAttemptLimit, v1::ATTEMPT_LIMIT);
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
DNC_SAME_VALUE(ReasonCode::kFrequencyCap, v1::FREQUENCY_CAP);
DNC_SAME_VALUE(policy::Purpose::kUnspecified, v1::PURPOSE_UNSPECIFIED);
DNC_SAME_VALUE(policy::Purpose::kCommercial, v1::COMMERCIAL);
DNC_SAME_VALUE(policy::Purpose::kCharity, v1::CHARITY);
DNC_SAME_VALUE(policy::Purpose::kPolitical, v1::POLITICAL);
DNC_SAME_VALUE(policy::Purpose::kSurvey, v1::SURVEY);
#undef DNC_SAME_VALUE

// "08:00" for 480; "24:00" for 1440 (the end of the day).
std::string MinuteText(int minute) {
  minute = std::clamp(minute, 0, 24 * 60);
  char text[16];
  std::snprintf(text, sizeof(text), "%02d:%02d", minute / 60, minute % 60);
  return text;
}

template <typename Message>
void FillEvidenceOf(const ScrubResult& result, Message* response) {
  response->mutable_reasons()->Reserve(static_cast<int>(result.reasons.size()));
  for (const Reason& reason : result.reasons) {
    FillReason(reason, response->add_reasons());
  }
  response->mutable_snapshots()->Reserve(
      static_cast<int>(result.snapshots.size()));
  for (const ServedSource* served : result.snapshots) {
    FillSnapshotRef(served->manifest(), response->add_snapshots());
  }
}

}  // namespace

void FillSnapshotRef(const storage::Manifest& manifest, v1::SnapshotRef* ref) {
  ref->set_source(manifest.source);
  ref->set_jurisdiction(manifest.jurisdiction);
  ref->set_generation(manifest.generation);
  ref->set_as_of(FormatIsoDate(manifest.as_of));
}

bool ParseSnapshotText(std::string_view text, v1::SnapshotRef* ref) {
  const std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(text.data(), text.size()), ' ');
  if (parts.size() != 4) return false;
  ref->set_source(parts[0]);
  ref->set_generation(parts[1]);
  ref->set_as_of(parts[2]);
  ref->set_jurisdiction(parts[3]);
  return true;
}

void FillReason(const Reason& reason, v1::Reason* out) {
  out->set_entry(reason.entry);
  out->set_code(static_cast<v1::ReasonCode>(reason.code));
  if (reason.snapshot != kNoSnapshot) out->set_snapshot(reason.snapshot);
  out->mutable_detail()->assign(reason.detail.data(), reason.detail.size());
  // added_date is the day a number was listed (or put on the internal
  // list); an excuse's record date is in its detail.
  if (reason.date != 0 && (reason.code == ReasonCode::kListed ||
                           reason.code == ReasonCode::kInternalList)) {
    out->set_added_date(FormatIsoDate(reason.date));
  }
  if (reason.callable_at != 0) {
    out->set_callable_at(absl::FormatTime(
        "%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(reason.callable_at),
        absl::UTCTimeZone()));
  }
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
  out->set_source(window.source);
  out->set_barred_today(window.barred_today);
  for (const std::string& text : window.restrictions) {
    out->add_restrictions(text);
  }
}

void FillEvidence(const ScrubResult& result, v1::CheckResponse* response) {
  FillEvidenceOf(result, response);
}

void FillEvidence(const ScrubResult& result, v1::ScrubResponse* response) {
  FillEvidenceOf(result, response);
}

namespace {

template <typename Strings>
void ViewsOf(const Strings& strings, std::vector<std::string_view>* views) {
  views->clear();
  views->reserve(strings.size());
  for (const std::string& s : strings) views->push_back(s);
}

}  // namespace

ScrubCall ScrubCallOf(const v1::ScrubRequest& request, const char* method,
                      std::vector<std::string_view>* raw_views,
                      std::vector<std::string_view>* id_views) {
  ViewsOf(request.raw(), raw_views);
  ViewsOf(request.string_ids(), id_views);
  ScrubCall call;
  call.method = method;
  call.e164 = absl::MakeConstSpan(request.e164().data(), request.e164_size());
  call.raw = *raw_views;
  call.id_count = static_cast<size_t>(request.ids_size());
  call.string_ids = *id_views;
  call.job_id = request.job_id();
  call.request_id = request.request_id();
  call.subject = request.subject();
  call.sequence = request.sequence();
  call.purpose = request.purpose();
  call.now_unix_seconds = request.now_unix_seconds();
  return call;
}

void FillScrubAnswer(const ScrubAnswer& answer, const v1::ScrubRequest& request,
                     v1::ScrubResponse* response) {
  const ScrubResult& result = answer.result;
  const int n = static_cast<int>(result.dispositions.size());
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
  FillEvidence(result, response);
  response->set_sequence(request.sequence());
  response->mutable_window()->Reserve(n);
  for (uint32_t index : answer.windows.index) {
    response->mutable_window()->AddAlreadyReserved(index);
  }
  for (const policy::CallingWindow& window : answer.windows.windows) {
    FillCallingWindow(window, response->add_windows());
  }
}

void SetScrubAuditIds(const v1::ScrubRequest& request,
                      const std::string& audit_id,
                      v1::ScrubResponse* response) {
  if (audit_id.empty()) return;
  response->set_job_id(request.job_id().empty() ? audit_id : request.job_id());
  response->set_audit_id(audit_id);
}

}  // namespace dnc::service
