#include "dnccom/dnccom_scrub.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/status_macros.h"
#include "dnccom/phone_list.h"
#include "dnccom/result_output.h"
#include "dnccom/result_rows.h"
#include "dnccom/scrub_form.h"
#include "dnccom/string_views.h"
#include "http/error_response.h"
#include "service/field_rules.h"

namespace dnc::dnccom {
namespace {

using service::EchoValue;

// projId and campaignId each, so "PROJID/CAMPAIGNID" fits a request id.
constexpr size_t kMaxProjectIdBytes = (service::kMaxCallerIdBytes - 1) / 2;
constexpr size_t kMaxVersionBytes = 16;

// Buffers one io thread reuses from request to request.
struct Scratch {
  service::CallScratch call;
  PhoneList list;
  RowScratch rows;
};

bool PrintableWithout(std::string_view value, char excluded) {
  for (const char c : value) {
    if (c <= 0x20 || c >= 0x7f || c == excluded) return false;
  }
  return true;
}

absl::Status CheckLabel(std::string_view field, std::string_view value,
                        size_t max_bytes, char excluded) {
  if (value.size() <= max_bytes && PrintableWithout(value, excluded)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(field), " '", EchoValue(value), "' must be at most ",
      max_bytes, " printable ASCII characters without spaces",
      excluded != '\0' ? absl::StrCat(" or '", std::string(1, excluded), "'")
                       : ""));
}

void Refuse(int http_status, std::string_view code, std::string_view message,
            http::HttpResponse* response) {
  http::SetError(http_status, code, message, response);
  if (http_status == 401) {
    response->headers.emplace_back("WWW-Authenticate",
                                   "ApiKey param=\"loginId\"");
  }
}

// The caller's tenant (nullptr without tenants), or false with *response
// set to the 401.
bool Authenticate(const http::ApiContext& api, const ScrubForm& form,
                  const tenant::Tenant** tenant, http::HttpResponse* response) {
  if (api.auth->required() &&
      (!form.login_id.has_value() || form.login_id->empty())) {
    Refuse(401, "UNAUTHENTICATED",
           "loginId is required: send the tenant's API key as the loginId "
           "form field, query parameter or header",
           response);
    return false;
  }
  const std::string_view* key =
      form.login_id.has_value() ? &*form.login_id : nullptr;
  absl::StatusOr<const tenant::Tenant*> found = api.auth->AuthenticateKey(key);
  if (!found.ok()) {
    Refuse(401, "UNAUTHENTICATED",
           "loginId is not a valid API key (unknown or revoked)", response);
    return false;
  }
  *tenant = *found;
  return true;
}

// Answers `list` in chunks of the server's batch limit into *output. The
// form is one request to the limits: admitted whole (a form that would pass
// the tenant's numbers per day is refused whole, 429) and answered under one
// bulk slot; numbers of chunks not answered are given back.
// `subject` (the form's campaignId) is what the call-frequency caps count
// attempts per.
absl::Status AnswerInChunks(const service::ScrubCalls& calls,
                            const tenant::Tenant* tenant,
                            std::string_view request_id,
                            std::string_view subject, Scratch* scratch,
                            ResultOutput* output, std::string* job_id) {
  const PhoneList& list = scratch->list;
  const size_t chunk = calls.max_batch_entries();
  job_id->clear();
  service::WorkSlots::Slot slot;
  DNC_RETURN_IF_ERROR(calls.AdmitJob(tenant, list.size(), &slot));
  for (size_t offset = 0, sequence = 0; offset < list.size();
       offset += chunk, ++sequence) {
    const size_t n = std::min(chunk, list.size() - offset);
    service::ScrubCall call;
    call.method = kAuditMethod;
    call.e164 = absl::MakeConstSpan(list.e164).subspan(offset, n);
    if (!list.ids.empty()) {
      call.string_ids = absl::MakeConstSpan(list.ids).subspan(offset, n);
    }
    call.job_id = *job_id;  // Empty for the first: its audit id names the job.
    call.request_id = request_id;
    call.subject = subject;
    call.sequence = sequence;
    call.admitted = true;
    call.holds_slot = true;
    absl::Status status = calls.Scrub(
        call, tenant, &scratch->call, [&](const service::ScrubAnswer& answer) {
          ForEachRow(answer, list, offset, &scratch->rows,
                     [&](const DncRow& row) { output->Append(row); });
          return absl::OkStatus();
        });
    if (!status.ok()) {
      calls.Refund(tenant, list.size() - offset);
      if (offset == 0) return status;
      return absl::Status(status.code(),
                          absl::StrCat("numbers ", offset + 1, "-", offset + n,
                                       " (chunk ", sequence + 1, " of job ",
                                       *job_id, "): ", status.message()));
    }
    if (offset == 0) *job_id = scratch->call.answer.audit_id;
  }
  return absl::OkStatus();
}

}  // namespace

void ServeScrub(const http::ApiContext& api, const http::HttpRequest& request,
                http::HttpResponse* response) {
  ScrubForm form;
  absl::Status status = ReadScrubForm(request, &form);
  if (!status.ok()) {
    if (status.code() == absl::StatusCode::kUnimplemented) {
      Refuse(415, "INVALID_ARGUMENT",
             std::string_view(status.message().data(), status.message().size()),
             response);
    } else {
      http::SetError(status, response);
    }
    return;
  }
  const tenant::Tenant* tenant = nullptr;
  if (!Authenticate(api, form, &tenant, response)) return;

  OutputFormat format = OutputFormat::kCsv;
  if (!ParseOutputFormat(form.output, &format)) {
    Refuse(400, "INVALID_ARGUMENT",
           absl::StrCat("output '", EchoValue(form.output),
                        "' is not csv or json"),
           response);
    return;
  }
  for (const absl::Status& check :
       {CheckLabel("projId", form.proj_id, kMaxProjectIdBytes, '/'),
        CheckLabel("campaignId", form.campaign_id, kMaxProjectIdBytes, '/'),
        CheckLabel("version", form.version, kMaxVersionBytes, '\0')}) {
    if (!check.ok()) {
      http::SetError(check, response);
      return;
    }
  }
  thread_local Scratch scratch;
  status = SplitPhoneList(form.phone_list, kMaxPhoneListEntries, &scratch.list);
  if (!status.ok()) {
    http::SetError(status, response);
    return;
  }
  const std::string request_id =
      form.proj_id.empty() && form.campaign_id.empty()
          ? std::string()
          : absl::StrCat(std::string(form.proj_id), "/",
                         std::string(form.campaign_id));
  ResultOutput output(format);
  output.Reserve(scratch.list.size());
  std::string job_id;
  status = AnswerInChunks(*api.calls, tenant, request_id, form.campaign_id,
                          &scratch, &output, &job_id);
  if (!status.ok()) {
    http::SetError(status, response);
    return;
  }
  response->status = 200;
  response->content_type = output.content_type();
  response->body = output.Finish();
  response->headers.clear();
  if (!job_id.empty()) response->headers.emplace_back(kJobIdHeader, job_id);
}

}  // namespace dnc::dnccom
