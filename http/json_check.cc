// GET /v1/check: one number, answered as gRPC Check answers it (see
// http/json_api.h and docs/http-api.md).
#include <string>

#include "absl/status/status.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/check_query.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/json_api.h"
#include "http/url_form.h"
#include "nlohmann/json.hpp"

namespace dnc::http {
namespace {

// The answer body, or the error that refused the call (never audited).
absl::StatusOr<std::string> AnswerCheck(const ApiContext& api,
                                        const HttpRequest& request) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  DNC_ASSIGN_OR_RETURN(const UrlForm form,
                       UrlForm::Parse(request.query, CheckQueryLimits()));
  DNC_ASSIGN_OR_RETURN(const CheckQuery query, ReadCheckQuery(form, false));
  // One scratch per thread: the handler answers before it returns.
  thread_local service::CallScratch scratch;
  nlohmann::json body;
  DNC_RETURN_IF_ERROR(api.calls->Check(query.Call(), tenant, &scratch,
                                       [&](const service::ScrubAnswer& answer) {
                                         FillCheckJson(answer, query.id, &body);
                                         return absl::OkStatus();
                                       }));
  body["audit_id"] = scratch.answer.audit_id;
  return DumpJson(body);
}

}  // namespace

void ServeCheck(const ApiContext& api, const HttpRequest& request,
                HttpResponse* response) {
  SetJsonAnswer(AnswerCheck(api, request), response);
}

}  // namespace dnc::http
