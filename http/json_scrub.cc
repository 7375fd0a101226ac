// POST /v1/scrub: a batch of numbers, answered in request order as gRPC
// Scrub answers it (see http/json_api.h and docs/http-api.md).
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/json_api.h"
#include "http/scrub_request.h"
#include "nlohmann/json.hpp"

namespace dnc::http {
namespace {

// True when the request says its body is JSON (or says nothing).
bool IsJsonBody(const HttpRequest& request) {
  const std::string* type = request.FindHeader("content-type");
  if (type == nullptr) return true;
  std::string media = type->substr(0, type->find(';'));
  absl::StripAsciiWhitespace(&media);
  absl::AsciiStrToLower(&media);
  return media == "application/json";
}

// Fills *response with the answer, or with a refusal whose HTTP status
// has no absl code of its own (413, 415); a failed call is returned for
// SetError instead.
absl::Status AnswerScrub(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  if (!IsJsonBody(request)) {
    SetError(415, "INVALID_ARGUMENT",
             "POST /v1/scrub takes a JSON body: send Content-Type: "
             "application/json",
             response);
    return absl::OkStatus();
  }
  ScrubRequestBody body;
  const absl::Status parsed =
      ParseScrubRequest(request.body, api.calls->max_batch_entries(), &body);
  if (parsed.code() == absl::StatusCode::kOutOfRange) {
    SetError(413, "INVALID_ARGUMENT", std::string(parsed.message()), response);
    return absl::OkStatus();
  }
  DNC_RETURN_IF_ERROR(parsed);
  std::vector<std::string_view> raw_views;
  std::vector<std::string_view> id_views;
  const service::ScrubCall call = ScrubCallOf(body, &raw_views, &id_views);
  ScrubEcho echo;
  echo.ids = body.ids;
  echo.string_ids = id_views;
  echo.request_id = body.request_id;
  echo.sequence = body.sequence;
  thread_local service::CallScratch scratch;
  nlohmann::json answer_json;
  DNC_RETURN_IF_ERROR(api.calls->Scrub(
      call, tenant, &scratch, [&](const service::ScrubAnswer& answer) {
        FillScrubJson(answer, echo, &answer_json);
        return absl::OkStatus();
      }));
  // As gRPC: the job is the caller's, or the batch's own audit id.
  const std::string& audit_id = scratch.answer.audit_id;
  answer_json["job_id"] = body.job_id.empty() ? audit_id : body.job_id;
  answer_json["audit_id"] = audit_id;
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(answer_json);
  return absl::OkStatus();
}

}  // namespace

void ServeScrub(const ApiContext& api, const HttpRequest& request,
                HttpResponse* response) {
  const absl::Status status = AnswerScrub(api, request, response);
  if (!status.ok()) SetError(status, response);
}

}  // namespace dnc::http
