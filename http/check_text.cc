// GET /v1/check.txt: one number answered "1" (do not call) or "0"
// (callable) as plain text, for inbound filters such as VICIdial's DID
// filter, which read nothing but the body.
//
// Fail closed: every error answers "1" too (a bad or missing key, a bad
// parameter, a server that cannot answer). And every answer, errors
// included, is HTTP 200: a client that drops the body of a non-2xx response
// (wget, curl -f, many HTTP libraries' defaults) would read an empty answer
// and might let the call through. The error's HTTP status and message are
// in the X-DNC-Status and X-DNC-Error headers for whoever looks.
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/answer.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/check_query.h"
#include "http/error_response.h"
#include "http/json_api.h"
#include "http/url_form.h"

namespace dnc::http {
namespace {

// True for "do not call": anything but an answer that the number may be
// called.
absl::StatusOr<bool> DoNotCall(const ApiContext& api,
                               const HttpRequest& request) {
  DNC_ASSIGN_OR_RETURN(const UrlForm form,
                       UrlForm::Parse(request.query, CheckQueryLimits()));
  DNC_ASSIGN_OR_RETURN(const std::string* query_key,
                       form.FindUnique("api_key"));
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request, query_key));
  DNC_ASSIGN_OR_RETURN(const CheckQuery query, ReadCheckQuery(form, true));
  thread_local service::CallScratch scratch;
  bool callable = false;
  DNC_RETURN_IF_ERROR(api.calls->Check(
      query.Call(), tenant, &scratch, [&](const service::ScrubAnswer& answer) {
        callable = !answer.result.dispositions.empty() &&
                   IsCallable(answer.result.dispositions[0]);
        return absl::OkStatus();
      }));
  return !callable;
}

// `text` as one header value: printable ASCII, at most 200 bytes.
std::string HeaderText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() == 200) break;
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

}  // namespace

void ServeCheckText(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response) {
  const absl::StatusOr<bool> do_not_call = DoNotCall(api, request);
  response->status = 200;
  response->content_type = "text/plain; charset=utf-8";
  response->headers.clear();
  response->headers.emplace_back("Cache-Control", "no-store");
  if (do_not_call.ok()) {
    response->body = *do_not_call ? "1" : "0";
    return;
  }
  const absl::Status& status = do_not_call.status();
  response->body = "1";
  response->headers.emplace_back("X-DNC-Status",
                                 absl::StrCat(HttpStatusOf(status.code())));
  response->headers.emplace_back(
      "X-DNC-Error",
      HeaderText(absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                              status.message())));
}

}  // namespace dnc::http
