#include "service/tenant_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/phone_number.h"
#include "common/status_macros.h"
#include "service/audit.h"
#include "service/field_rules.h"
#include "service/grpc_status.h"
#include "service/proto_mapping.h"
#include "service/scrub_service.h"

namespace dnc::service {
namespace {

namespace v1 = ::dnc::v1;

constexpr char kMalformedDefault[] = "cannot be read as a phone number";
constexpr char kInvalidDefault[] = "not an assignable phone number";

// A number given to a tenant method: valid, or why not.
struct Entry {
  ParsedNumber parsed;
  std::string problem;  // Empty when valid.
};

Entry ParseEntry(const ParsedNumber& parsed) {
  Entry entry;
  entry.parsed = parsed;
  if (parsed.number_class == NumberClass::kMalformed) {
    entry.problem =
        parsed.problem != nullptr ? parsed.problem : kMalformedDefault;
  } else if (!parsed.valid()) {
    entry.problem = absl::StrCat(
        "invalid number ", parsed.e164, ": ",
        parsed.problem != nullptr ? parsed.problem : kInvalidDefault);
  }
  return entry;
}

constexpr char kSplitHint[] = "split it into several calls";

absl::Status JobNotFound(std::string_view job_id) {
  return absl::NotFoundError(absl::StrCat(
      "no job '", std::string(job_id), "' among this tenant's audited scrubs"));
}

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

void FillEntitlement(const tenant::Entitlement& entitlement,
                     v1::Entitlement* out) {
  out->set_source(entitlement.source);
  out->set_all_area_codes(entitlement.all_area_codes);
  for (uint32_t code : entitlement.area_codes) out->add_area_codes(code);
}

void FillConsent(const tenant::StoredConsent& stored, v1::ConsentRecord* out) {
  out->set_e164(stored.e164);
  out->set_type(static_cast<v1::ConsentType>(stored.type));
  out->set_date(FormatIsoDate(stored.date));
  out->set_note(stored.note);
  if (stored.revoked.has_value()) {
    out->set_revoked_date(FormatIsoDate(*stored.revoked));
  }
}

}  // namespace

TenantServiceImpl::TenantServiceImpl(const Authenticator* auth, CallGate* gate,
                                     TenantServiceOptions options)
    : auth_(auth),
      gate_(gate),
      options_(std::move(options)),
      method_metrics_([metrics = options_.metrics] {
        const auto method = [metrics](const char* name) {
          return GrpcMethodMetrics(
              metrics,
              absl::StrCat(v1::TenantService::service_full_name(), "/", name));
        };
        return MethodMetrics{method("AddOptOuts"),     method("RemoveOptOuts"),
                             method("CheckOptOuts"),   method("AddConsents"),
                             method("RevokeConsents"), method("ListConsents"),
                             method("RecordAttempts"), method("ListAttempts"),
                             method("WhoAmI"),         method("RecordJobFiles"),
                             method("GetReport")};
      }()) {}

DayNumber TenantServiceImpl::Today() const {
  return options_.today ? options_.today() : TodayUtc();
}

absl::Time TenantServiceImpl::Now() const {
  return options_.clock ? options_.clock() : absl::Now();
}

absl::Status TenantServiceImpl::RequireTenant(const tenant::Tenant* tenant) {
  if (tenant != nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "this dnc-server runs with --auth=none: there are no tenants, so no "
      "internal lists, consents or reports; run it with --tenants DIR "
      "(and --auth=api_key) to use them");
}

absl::Status TenantServiceImpl::OptOuts(OptOutOp op,
                                        const tenant::Tenant& tenant,
                                        const v1::OptOutRequest& request,
                                        v1::OptOutResponse* response) const {
  const size_t n =
      static_cast<size_t>(request.e164_size()) + request.raw_size();
  DNC_RETURN_IF_ERROR(
      CheckBatchSize(n, options_.max_batch_entries, kSplitHint));
  DNC_RETURN_IF_ERROR(CheckMaxBytes("note", request.note(), kMaxNoteBytes));
  // Whatever date an opt-out carries, it is applied: a date outside the
  // range fails the whole call, so nothing is acknowledged and not applied.
  DayNumber day = 0;
  if (op == OptOutOp::kAdd) {
    DNC_ASSIGN_OR_RETURN(day, ParseRecordDate("date", request.date(), Today(),
                                              /*empty_is_today=*/true));
  }
  std::vector<Entry> entries;
  entries.reserve(n);
  for (uint64_t e164 : request.e164()) {
    entries.push_back(ParseEntry(ClassifyE164(e164)));
  }
  for (const std::string& raw : request.raw()) {
    entries.push_back(ParseEntry(ParsePhoneNumber(std::string_view(raw))));
  }
  std::vector<uint64_t> valid;
  valid.reserve(n);
  for (const Entry& entry : entries) {
    if (entry.problem.empty()) valid.push_back(entry.parsed.e164);
  }
  std::vector<bool> changed;
  tenant::TenantStore* store = auth_->store();
  if (op == OptOutOp::kAdd && !valid.empty()) {
    DNC_RETURN_IF_ERROR(
        store->AddOptOuts(tenant, valid, day, request.note(), &changed));
  } else if (op == OptOutOp::kRemove && !valid.empty()) {
    DNC_RETURN_IF_ERROR(store->RemoveOptOuts(tenant, valid, &changed));
  }
  std::vector<std::optional<DayNumber>> on(valid.size());
  tenant.LookupOptOuts(valid, absl::MakeSpan(on));

  size_t k = 0;
  for (const Entry& entry : entries) {
    if (!entry.problem.empty()) {
      response->add_states(v1::REJECTED);
      response->add_e164(0);
      response->add_added_date("");
      response->add_detail(entry.problem);
      continue;
    }
    const bool was_changed = k < changed.size() && changed[k];
    const std::optional<DayNumber> added = on[k];
    ++k;
    v1::OptOutState state = v1::OPT_OUT_STATE_UNSPECIFIED;
    switch (op) {
      case OptOutOp::kAdd:
        state = was_changed ? v1::ADDED : v1::ALREADY_LISTED;
        break;
      case OptOutOp::kRemove:
        state = was_changed ? v1::REMOVED : v1::NOT_LISTED;
        break;
      case OptOutOp::kCheck:
        state = added.has_value() ? v1::ALREADY_LISTED : v1::NOT_LISTED;
        break;
    }
    response->add_states(state);
    response->add_e164(entry.parsed.e164);
    response->add_added_date(added.has_value() ? FormatIsoDate(*added) : "");
    response->add_detail("");
  }
  response->set_list_size(tenant.opt_out_count());
  return absl::OkStatus();
}

absl::Status TenantServiceImpl::Consents(ConsentOp op,
                                         const tenant::Tenant& tenant,
                                         const v1::ConsentRequest& request,
                                         v1::ConsentResponse* response) const {
  DNC_RETURN_IF_ERROR(
      CheckBatchSize(static_cast<size_t>(request.records_size()),
                     options_.max_batch_entries, kSplitHint));
  const DayNumber today = Today();
  DayNumber revoke_day = 0;
  if (op == ConsentOp::kRevoke) {
    DNC_ASSIGN_OR_RETURN(revoke_day,
                         ParseRecordDate("date", request.date(), today,
                                         /*empty_is_today=*/true));
  }
  std::vector<tenant::StoredConsent> to_add;
  std::vector<uint64_t> numbers;
  for (int i = 0; i < request.records_size(); ++i) {
    const v1::ConsentRecord& record = request.records(i);
    const Entry entry =
        ParseEntry(record.raw().empty() ? ClassifyE164(record.e164())
                                        : ParsePhoneNumber(record.raw()));
    const std::string field = absl::StrCat("records[", i, "]");
    if (!entry.problem.empty()) {
      response->add_rejected(absl::StrCat(field, ": ", entry.problem));
      continue;
    }
    if (op != ConsentOp::kAdd) {
      numbers.push_back(entry.parsed.e164);
      continue;
    }
    const int type = static_cast<int>(record.type());
    if (type < static_cast<int>(policy::ConsentType::kPurchase) ||
        type > static_cast<int>(policy::ConsentType::kWritten)) {
      response->add_rejected(absl::StrCat(
          field, ".type ", type,
          " is not known: use CONSENT_PURCHASE, CONSENT_INQUIRY or "
          "CONSENT_WRITTEN"));
      continue;
    }
    absl::StatusOr<DayNumber> date =
        ParseRecordDate(absl::StrCat(field, ".date"), record.date(), today,
                        /*empty_is_today=*/false);
    if (!date.ok()) {
      response->add_rejected(std::string(date.status().message()));
      continue;
    }
    const absl::Status note = CheckMaxBytes(absl::StrCat(field, ".note"),
                                            record.note(), kMaxNoteBytes);
    if (!note.ok()) {
      response->add_rejected(std::string(note.message()));
      continue;
    }
    tenant::StoredConsent stored;
    stored.e164 = entry.parsed.e164;
    stored.type = static_cast<policy::ConsentType>(type);
    stored.date = *date;
    stored.note = record.note();
    to_add.push_back(std::move(stored));
  }
  tenant::TenantStore* store = auth_->store();
  switch (op) {
    case ConsentOp::kAdd:
      if (!to_add.empty()) {
        DNC_RETURN_IF_ERROR(store->AddConsents(tenant, to_add));
      }
      for (const tenant::StoredConsent& stored : to_add) {
        FillConsent(stored, response->add_records());
      }
      response->set_total_records(to_add.size());
      return absl::OkStatus();
    case ConsentOp::kRevoke:
      if (numbers.empty()) return absl::OkStatus();
      DNC_RETURN_IF_ERROR(
          store->RevokeConsents(tenant, numbers, revoke_day).status());
      break;
    case ConsentOp::kList:
      if (numbers.empty() && request.records_size() > 0) {
        return absl::OkStatus();  // Every number given was rejected.
      }
      break;
  }
  // A number can hold any number of records (revoked ones are kept), so the
  // answer is cut at the batch limit: the largest answer then fits a default
  // client, and total_records says what was left out.
  const std::vector<tenant::StoredConsent> stored =
      store->ListConsents(tenant, numbers);
  const size_t shown =
      std::min<size_t>(stored.size(), options_.max_batch_entries);
  for (size_t i = 0; i < shown; ++i) {
    FillConsent(stored[i], response->add_records());
  }
  response->set_total_records(stored.size());
  return absl::OkStatus();
}

absl::Status TenantServiceImpl::JobFiles(
    const tenant::Tenant& tenant, const v1::JobFilesRequest& request) const {
  DNC_RETURN_IF_ERROR(CheckJobId("job_id", request.job_id(), true));
  DNC_RETURN_IF_ERROR(
      CheckMaxBytes("input_name", request.input_name(), kMaxFileNameBytes));
  DNC_RETURN_IF_ERROR(
      CheckMaxBytes("output_name", request.output_name(), kMaxFileNameBytes));
  DNC_RETURN_IF_ERROR(CheckSha256Hex("input_sha256", request.input_sha256()));
  DNC_RETURN_IF_ERROR(CheckSha256Hex("output_sha256", request.output_sha256()));
  tenant::JobFiles files;
  files.input_name = request.input_name();
  files.input_sha256 = request.input_sha256();
  files.input_rows = request.input_rows();
  files.output_name = request.output_name();
  files.output_sha256 = request.output_sha256();
  files.output_rows = request.output_rows();
  const absl::Status status =
      auth_->store()->RecordJobFiles(tenant, request.job_id(), files);
  if (absl::IsNotFound(status)) return JobNotFound(request.job_id());
  return status;
}

absl::Status TenantServiceImpl::Report(const tenant::Tenant& tenant,
                                       const v1::ReportRequest& request,
                                       v1::ScrubReport* response) const {
  DNC_RETURN_IF_ERROR(CheckJobId("job_id", request.job_id(), true));
  tenant::TenantStore* store = auth_->store();
  DNC_ASSIGN_OR_RETURN(const std::vector<tenant::AuditRecord> records,
                       store->JobAudit(tenant, request.job_id()));
  if (records.empty()) return JobNotFound(request.job_id());

  const tenant::AuditRecord* first = &records[0];
  absl::Time last_time = records[0].time;
  uint64_t numbers = 0;
  std::vector<uint64_t> counts(9, 0);
  std::vector<std::string> snapshots;
  absl::flat_hash_set<std::string> seen;
  for (const tenant::AuditRecord& record : records) {
    if (record.time < first->time) first = &record;
    last_time = std::max(last_time, record.time);
    numbers += record.numbers;
    for (size_t d = 0; d < record.counts.size() && d < counts.size(); ++d) {
      counts[d] += record.counts[d];
    }
    for (const std::string& snapshot : record.snapshots) {
      if (seen.insert(snapshot).second) snapshots.push_back(snapshot);
    }
  }
  response->set_job_id(request.job_id());
  response->set_tenant(tenant.name());
  response->set_first_request_at(Rfc3339(first->time));
  response->set_last_request_at(Rfc3339(last_time));
  response->set_requests(records.size());
  response->set_numbers(numbers);
  for (size_t d = 1; d < counts.size(); ++d) {
    if (counts[d] == 0) continue;
    v1::DispositionCount* count = response->add_counts();
    count->set_disposition(static_cast<v1::Disposition>(d));
    count->set_count(counts[d]);
  }
  for (const std::string& snapshot : snapshots) {
    v1::SnapshotRef ref;
    if (ParseSnapshotText(snapshot, &ref)) {
      *response->add_snapshots() = std::move(ref);
    }
  }
  absl::StatusOr<std::vector<tenant::Entitlement>> entitlements =
      tenant::ParseEntitlements(first->entitlements);
  if (entitlements.ok()) {
    for (const tenant::Entitlement& entitlement : *entitlements) {
      FillEntitlement(entitlement, response->add_entitlements());
    }
  }
  response->set_purpose(static_cast<v1::CallPurpose>(first->purpose));
  response->set_numbers_sha256(JobNumbersSha256(records));
  response->set_answers_sha256(JobAnswersSha256(records));
  absl::StatusOr<tenant::JobFiles> files =
      store->GetJobFiles(tenant, request.job_id());
  if (files.ok()) {
    v1::JobFilesRequest* out = response->mutable_files();
    out->set_job_id(request.job_id());
    out->set_input_name(files->input_name);
    out->set_input_sha256(files->input_sha256);
    out->set_input_rows(files->input_rows);
    out->set_output_name(files->output_name);
    out->set_output_sha256(files->output_sha256);
    out->set_output_rows(files->output_rows);
  } else if (!absl::IsNotFound(files.status())) {
    return files.status();
  }
  response->set_server_version(ServerVersion());
  return absl::OkStatus();
}

absl::Status TenantServiceImpl::RecordAttempts(
    const tenant::Tenant& tenant, const v1::AttemptRequest& request,
    v1::AttemptResponse* response) const {
  DNC_RETURN_IF_ERROR(
      CheckBatchSize(static_cast<size_t>(request.attempts_size()),
                     options_.max_batch_entries, kSplitHint));
  const absl::Time now = Now();
  std::vector<tenant::StoredAttempt> attempts;
  attempts.reserve(request.attempts_size());
  for (int i = 0; i < request.attempts_size(); ++i) {
    const v1::Attempt& in = request.attempts(i);
    const std::string field = absl::StrCat("attempts[", i, "]");
    DNC_RETURN_IF_ERROR(CheckSubject(field + ".subject", in.subject()));
    if (in.unix_seconds() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".unix_seconds is ", in.unix_seconds(),
                       "; give a Unix second, or 0 for the server's clock"));
    }
    const Entry entry = ParseEntry(in.e164() != 0 || in.raw().empty()
                                       ? ClassifyE164(in.e164())
                                       : ParsePhoneNumber(in.raw()));
    if (!entry.problem.empty()) {
      response->add_rejected(absl::StrCat(field, ": ", entry.problem));
      continue;
    }
    tenant::StoredAttempt& attempt = attempts.emplace_back();
    attempt.e164 = entry.parsed.e164;
    attempt.subject = in.subject();
    attempt.time =
        in.unix_seconds() == 0 ? now : absl::FromUnixSeconds(in.unix_seconds());
  }
  DNC_RETURN_IF_ERROR(auth_->store()->RecordAttempts(tenant, attempts, now));
  response->set_recorded(static_cast<uint32_t>(attempts.size()));
  return absl::OkStatus();
}

absl::Status TenantServiceImpl::ListAttempts(
    const tenant::Tenant& tenant, const v1::AttemptListRequest& request,
    v1::AttemptListResponse* response) const {
  const size_t n =
      static_cast<size_t>(request.e164_size()) + request.raw_size();
  DNC_RETURN_IF_ERROR(
      CheckBatchSize(n, options_.max_batch_entries, kSplitHint));
  if (request.since_unix_seconds() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("since_unix_seconds is ", request.since_unix_seconds(),
                     "; give a Unix second, or 0 for all"));
  }
  std::vector<uint64_t> numbers;
  numbers.reserve(n);
  for (uint64_t e164 : request.e164()) numbers.push_back(e164);
  for (int i = 0; i < request.raw_size(); ++i) {
    const Entry entry = ParseEntry(ParsePhoneNumber(request.raw(i)));
    if (!entry.problem.empty()) {
      response->add_rejected(absl::StrCat("raw[", i, "]: ", entry.problem));
      continue;
    }
    numbers.push_back(entry.parsed.e164);
  }
  const absl::Time since =
      request.since_unix_seconds() == 0
          ? absl::InfinitePast()
          : absl::FromUnixSeconds(request.since_unix_seconds());
  bool more = false;
  DNC_ASSIGN_OR_RETURN(
      std::vector<tenant::StoredAttempt> attempts,
      auth_->store()->ListAttempts(tenant, numbers, since,
                                   options_.max_batch_entries, &more));
  for (const tenant::StoredAttempt& attempt : attempts) {
    v1::Attempt* out = response->add_attempts();
    out->set_e164(attempt.e164);
    out->set_subject(attempt.subject);
    out->set_unix_seconds(absl::ToUnixSeconds(attempt.time));
    out->set_time(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", attempt.time,
                                   absl::UTCTimeZone()));
  }
  response->set_truncated(more);
  return absl::OkStatus();
}

#define DNC_TENANT_HANDLER(Method, Request, Response, Body)             \
  grpc::ServerUnaryReactor* TenantServiceImpl::Method(                  \
      grpc::CallbackServerContext* context, const v1::Request* request, \
      v1::Response* response) {                                         \
    return RunUnary(                                                    \
        gate_, *auth_, context,                                         \
        [&](const tenant::Tenant* tenant) -> absl::Status {             \
          DNC_RETURN_IF_ERROR(RequireTenant(tenant));                   \
          return Body;                                                  \
        },                                                              \
        method_metrics_.Method);                                        \
  }

DNC_TENANT_HANDLER(AddOptOuts, OptOutRequest, OptOutResponse,
                   OptOuts(OptOutOp::kAdd, *tenant, *request, response))
DNC_TENANT_HANDLER(RemoveOptOuts, OptOutRequest, OptOutResponse,
                   OptOuts(OptOutOp::kRemove, *tenant, *request, response))
DNC_TENANT_HANDLER(CheckOptOuts, OptOutRequest, OptOutResponse,
                   OptOuts(OptOutOp::kCheck, *tenant, *request, response))
DNC_TENANT_HANDLER(AddConsents, ConsentRequest, ConsentResponse,
                   Consents(ConsentOp::kAdd, *tenant, *request, response))
DNC_TENANT_HANDLER(RevokeConsents, ConsentRequest, ConsentResponse,
                   Consents(ConsentOp::kRevoke, *tenant, *request, response))
DNC_TENANT_HANDLER(ListConsents, ConsentRequest, ConsentResponse,
                   Consents(ConsentOp::kList, *tenant, *request, response))
DNC_TENANT_HANDLER(RecordAttempts, AttemptRequest, AttemptResponse,
                   RecordAttempts(*tenant, *request, response))
DNC_TENANT_HANDLER(ListAttempts, AttemptListRequest, AttemptListResponse,
                   ListAttempts(*tenant, *request, response))
DNC_TENANT_HANDLER(RecordJobFiles, JobFilesRequest, JobFilesResponse,
                   JobFiles(*tenant, *request))
DNC_TENANT_HANDLER(GetReport, ReportRequest, ScrubReport,
                   Report(*tenant, *request, response))
#undef DNC_TENANT_HANDLER

grpc::ServerUnaryReactor* TenantServiceImpl::WhoAmI(
    grpc::CallbackServerContext* context, const v1::WhoAmIRequest* request,
    v1::TenantInfo* response) {
  return RunUnary(
      gate_, *auth_, context,
      [&](const tenant::Tenant* tenant) {
        DNC_RETURN_IF_ERROR(RequireTenant(tenant));
        response->set_tenant(tenant->name());
        response->set_default_purpose(
            static_cast<v1::CallPurpose>(tenant->default_purpose()));
        for (const tenant::Entitlement& entitlement : tenant->entitlements()) {
          FillEntitlement(entitlement, response->add_entitlements());
        }
        response->set_opt_out_count(tenant->opt_out_count());
        response->set_consent_count(tenant->consent_count());
        return absl::OkStatus();
      },
      method_metrics_.WhoAmI);
}

}  // namespace dnc::service
