// GET /v1/jobs and GET /v1/jobs/report (http/json_tenant_api.h): the
// tenant's past jobs from the store's job listing (TenantStore::ListJobs),
// and a job's certificate from the TenantService's Report body written by
// the one JSON writer `dnc report --json` uses (proto/report_json.h), so
// the portal's certificate and the CLI's are the same bytes.
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "dnc/v1/tenant.pb.h"
#include "http/api_params.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/json_tenant_api.h"
#include "http/tenant_request.h"
#include "http/url_form.h"
#include "nlohmann/json.hpp"
#include "proto/report_json.h"
#include "service/field_rules.h"
#include "service/tenant_service.h"
#include "tenant/tenant_store.h"

namespace dnc::http {
namespace {

using Json = nlohmann::json;

constexpr size_t kDefaultJobs = 50;

// As the certificate's first_request_at (service/tenant_service.cc).
std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

// The query's only parameter `name`; any other is refused.
absl::StatusOr<std::optional<std::string>> OnlyParameter(
    const HttpRequest& request, std::string_view route, std::string_view name) {
  UrlFormLimits limits;
  limits.max_fields = 4;
  DNC_ASSIGN_OR_RETURN(const UrlForm form,
                       UrlForm::Parse(request.query, limits));
  for (const UrlFormField& field : form.fields()) {
    if (field.name != name) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown query parameter '", service::EchoValue(field.name),
          "'; GET ", std::string(route), " takes only ", std::string(name)));
    }
  }
  DNC_ASSIGN_OR_RETURN(const std::string* value, form.FindUnique(name));
  if (value == nullptr) return std::nullopt;
  return *value;
}

absl::Status AnswerJobs(const ApiContext& api, const HttpRequest& request,
                        HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       RequireTenantRequest(api, request));
  DNC_ASSIGN_OR_RETURN(const std::optional<std::string> limit_text,
                       OnlyParameter(request, "/v1/jobs", "limit"));
  size_t limit = kDefaultJobs;
  if (limit_text.has_value()) {
    DNC_ASSIGN_OR_RETURN(const uint64_t value,
                         ParseUnsignedText("limit", *limit_text));
    if (value == 0 || value > tenant::TenantStore::kMaxListJobs) {
      return absl::InvalidArgumentError(absl::StrCat(
          "limit ", value, " is not 1-", tenant::TenantStore::kMaxListJobs,
          "; leave it out for the newest ", kDefaultJobs));
    }
    limit = static_cast<size_t>(value);
  }
  DNC_ASSIGN_OR_RETURN(const std::vector<tenant::JobSummary> jobs,
                       api.auth->store()->ListJobs(*tenant, limit));
  Json list = Json::array();
  for (const tenant::JobSummary& job : jobs) {
    list.push_back(Json{{"job_id", job.job_id},
                        {"first_request_at", Rfc3339(job.first_request)},
                        {"last_request_at", Rfc3339(job.last_request)},
                        {"requests", job.requests},
                        {"numbers", job.numbers},
                        {"has_files", job.has_files}});
  }
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(Json{{"jobs", std::move(list)}});
  return absl::OkStatus();
}

absl::Status AnswerJobReport(const ApiContext& api, const HttpRequest& request,
                             HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       RequireTenantRequest(api, request));
  DNC_ASSIGN_OR_RETURN(const std::optional<std::string> job_id,
                       OnlyParameter(request, "/v1/jobs/report", "job_id"));
  if (!job_id.has_value()) {
    return absl::InvalidArgumentError(
        "query parameter 'job_id' is required: the job id dnc scrub's "
        "summary or GET /v1/jobs names");
  }
  v1::ReportRequest call;
  call.set_job_id(*job_id);
  v1::ScrubReport report;
  DNC_RETURN_IF_ERROR(api.tenants->Report(*tenant, call, &report));
  DNC_ASSIGN_OR_RETURN(std::string json, ScrubReportJson(report));
  response->status = 200;
  response->content_type = "application/json";
  response->body = std::move(json);
  return absl::OkStatus();
}

}  // namespace

void ServeJobs(const ApiContext& api, const HttpRequest& request,
               HttpResponse* response) {
  const absl::Status status = AnswerJobs(api, request, response);
  if (!status.ok()) SetError(status, response);
}

void ServeJobReport(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response) {
  const absl::Status status = AnswerJobReport(api, request, response);
  if (!status.ok()) SetError(status, response);
}

}  // namespace dnc::http
