#include "service/scrub_call.h"

#include <memory>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/audit.h"
#include "service/server_metrics.h"
#include "tenant/tenant_store.h"

namespace dnc::service {

absl::StatusOr<policy::Purpose> ResolvePurpose(int requested,
                                               const tenant::Tenant* tenant) {
  if (requested == 0) {
    const policy::Purpose fallback = tenant != nullptr
                                         ? tenant->default_purpose()
                                         : policy::Purpose::kCommercial;
    return fallback == policy::Purpose::kUnspecified
               ? policy::Purpose::kCommercial
               : fallback;
  }
  if (requested < 0 || requested > static_cast<int>(policy::Purpose::kSurvey)) {
    return absl::InvalidArgumentError(
        absl::StrCat("purpose ", requested,
                     " is not a known CallPurpose; use COMMERCIAL, CHARITY, "
                     "POLITICAL or SURVEY, or leave it unset for the "
                     "tenant's default"));
  }
  return static_cast<policy::Purpose>(requested);
}

namespace {

// What every call states besides its numbers, checked.
struct CallTerms {
  absl::Time now;
  policy::Purpose purpose;
};

absl::StatusOr<CallTerms> ResolveTerms(std::string_view request_id,
                                       int64_t now_unix_seconds, int purpose,
                                       std::string_view subject,
                                       const tenant::Tenant* tenant) {
  DNC_RETURN_IF_ERROR(
      CheckMaxBytes("request_id", request_id, kMaxCallerIdBytes));
  DNC_RETURN_IF_ERROR(CheckSubject("subject", subject));
  CallTerms terms;
  DNC_ASSIGN_OR_RETURN(terms.now, ResolveNow(now_unix_seconds, absl::Now()));
  DNC_ASSIGN_OR_RETURN(terms.purpose, ResolvePurpose(purpose, tenant));
  return terms;
}

}  // namespace

ScrubCalls::ScrubCalls(const Registry* registry, tenant::TenantStore* store,
                       ScrubCallsOptions options)
    : registry_(registry), store_(store), options_(std::move(options)) {}

DayNumber ScrubCalls::Today() const {
  return options_.today ? options_.today() : TodayUtc();
}

absl::Time ScrubCalls::Now() const {
  return options_.clock ? options_.clock() : absl::Now();
}

absl::Status ScrubCalls::Scrub(const ScrubCall& call,
                               const tenant::Tenant* tenant,
                               CallScratch* scratch, Encode encode) const {
  const size_t entries = call.e164.size() + call.raw.size();
  DNC_RETURN_IF_ERROR(CheckBatchSize(entries, options_.max_batch_entries,
                                     "split it or use ScrubStream"));
  DNC_RETURN_IF_ERROR(CheckOnePerEntry("ids", call.id_count, entries));
  DNC_RETURN_IF_ERROR(
      CheckOnePerEntry("string_ids", call.string_ids.size(), entries));
  DNC_RETURN_IF_ERROR(
      CheckEachMaxBytes("string_ids", call.string_ids, kMaxCallerIdBytes));
  DNC_RETURN_IF_ERROR(CheckJobId("job_id", call.job_id, false));
  DNC_ASSIGN_OR_RETURN(const CallTerms terms,
                       ResolveTerms(call.request_id, call.now_unix_seconds,
                                    call.purpose, call.subject, tenant));
  // Limits after validation: a call that could never be answered costs no
  // quota. The slot first, so a busy server takes nothing from the tenant.
  WorkSlots::Slot slot;
  const bool charge =
      options_.limits != nullptr && tenant != nullptr && !call.admitted;
  if (options_.limits != nullptr && !call.holds_slot &&
      CallLimits::NeedsSlot(entries)) {
    DNC_ASSIGN_OR_RETURN(slot, options_.limits->AcquireSlot());
  }
  if (charge) DNC_RETURN_IF_ERROR(options_.limits->Admit(*tenant, entries));

  std::vector<ParsedNumber>& parsed = scratch->parsed;
  parsed.clear();
  parsed.reserve(entries);
  for (const uint64_t e164 : call.e164) parsed.push_back(ClassifyE164(e164));
  for (const std::string_view raw : call.raw) {
    parsed.push_back(ParsePhoneNumber(raw));
  }
  Audited audited{call.method, call.job_id, call.request_id, call.sequence,
                  std::string()};
  if (tenant != nullptr) {
    audited.numbers_sha256 = NumbersSha256(call.e164, call.raw);
  }
  const absl::Status answered =
      Answer(terms.now, terms.purpose, call.subject, tenant, std::move(audited),
             scratch, encode);
  // Numbers not answered do not count against the day's.
  if (!answered.ok() && charge) options_.limits->Refund(*tenant, entries);
  return answered;
}

absl::Status ScrubCalls::Check(const CheckCall& call,
                               const tenant::Tenant* tenant,
                               CallScratch* scratch, Encode encode) const {
  DNC_RETURN_IF_ERROR(CheckMaxBytes("id", call.id, kMaxCallerIdBytes));
  DNC_ASSIGN_OR_RETURN(const CallTerms terms,
                       ResolveTerms(call.request_id, call.now_unix_seconds,
                                    call.purpose, call.subject, tenant));
  // A Check takes no bulk slot: it is never queued behind a scrub.
  const bool charge = options_.limits != nullptr && tenant != nullptr;
  if (charge) DNC_RETURN_IF_ERROR(options_.limits->Admit(*tenant, 1));
  scratch->parsed.assign(
      1, call.has_e164 ? ClassifyE164(call.e164) : ParsePhoneNumber(call.raw));
  Audited audited{call.method, {}, call.request_id, 0, std::string()};
  if (tenant != nullptr) {
    audited.numbers_sha256 =
        call.has_e164 ? NumbersSha256(absl::MakeConstSpan(&call.e164, 1), {})
                      : NumbersSha256({}, absl::MakeConstSpan(&call.raw, 1));
  }
  const absl::Status answered =
      Answer(terms.now, terms.purpose, call.subject, tenant, std::move(audited),
             scratch, encode);
  if (!answered.ok() && charge) options_.limits->Refund(*tenant, 1);
  return answered;
}

absl::Status ScrubCalls::AdmitJob(const tenant::Tenant* tenant,
                                  uint64_t numbers,
                                  WorkSlots::Slot* slot) const {
  if (options_.limits == nullptr) return absl::OkStatus();
  if (CallLimits::NeedsSlot(numbers)) {
    DNC_ASSIGN_OR_RETURN(*slot, options_.limits->AcquireSlot());
  }
  if (tenant == nullptr) return absl::OkStatus();
  return options_.limits->Admit(*tenant, numbers);
}

void ScrubCalls::Refund(const tenant::Tenant* tenant, uint64_t numbers) const {
  if (options_.limits != nullptr && tenant != nullptr) {
    options_.limits->Refund(*tenant, numbers);
  }
}

absl::Status ScrubCalls::Answer(absl::Time now, policy::Purpose purpose,
                                std::string_view subject,
                                const tenant::Tenant* tenant, Audited audited,
                                CallScratch* scratch, Encode encode) const {
  ScrubAnswer& answer = scratch->answer;
  answer.purpose = purpose;
  answer.audit_id.clear();
  const std::shared_ptr<const SourceSet> sources = registry_->Current();
  ScrubContext context;
  context.today = Today();
  context.purpose = purpose;
  context.tenant = tenant;
  context.now = Now();
  context.subject = subject;
  DNC_RETURN_IF_ERROR(service::Scrub(*sources, scratch->parsed, context,
                                     &answer.result, &scratch->scrub));
  const std::shared_ptr<const policy::EmergencyTable> emergencies =
      registry_->Emergencies();
  AssignWindows(answer.result.e164, now, emergencies.get(), &answer.windows);
  DNC_RETURN_IF_ERROR(encode(answer));
  ServerMetrics* const metrics = options_.metrics;
  if (tenant == nullptr) {
    if (metrics != nullptr) metrics->CountAnswers(answer.result.dispositions);
    return absl::OkStatus();
  }
  AuditCall call;
  call.method = audited.method;
  call.job_id = audited.job_id;
  call.request_id = audited.request_id;
  call.sequence = audited.sequence;
  call.purpose = purpose;
  call.numbers_sha256 = std::move(audited.numbers_sha256);
  const CallClock::time_point audit_start =
      metrics != nullptr ? CallClock::now() : CallClock::time_point();
  absl::StatusOr<std::string> audit_id =
      AppendAudit(store_, *tenant, call, answer.result);
  if (metrics != nullptr) metrics->ObserveAuditWrite(audit_start);
  if (!audit_id.ok()) return audit_id.status();
  answer.audit_id = *std::move(audit_id);
  // Only what reached the caller counts as answered.
  if (metrics != nullptr) metrics->CountAnswers(answer.result.dispositions);
  return absl::OkStatus();
}

}  // namespace dnc::service
