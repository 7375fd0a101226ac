// The JSON API of the HTTP front end (docs/http-api.md is its reference):
//
//   GET  /v1/check?phone=...   one number, the answer gRPC Check gives
//   GET  /v1/check.txt?phone=  "1" (do not call) or "0" (callable) for
//                              inbound filters; "1" on any error
//   POST /v1/scrub             a batch of numbers, answers in request order
//   GET  /v1/status            the sources served and the server's limits
//
// Each handler authenticates the `x-api-key` header through api.auth,
// decodes the request into the call layer's CheckCall / ScrubCall, answers
// through api.calls (validated, decided and audited exactly as gRPC calls
// are) and encodes the answer as JSON. Errors are http/error_response.h's
// JSON (400 bad parameter, 401 bad key, 403 refused, 413 too many entries,
// 415 a scrub body that is not JSON, 429 overloaded, 503 unavailable or
// the audit record could not be written, 500 otherwise), except
// check.txt's, which are "1" with HTTP 200 (http/check_text.cc says why);
// a refused call is never audited and never answered "callable".
//
// Thread-safety: thread-safe (handlers share only what ApiContext borrows).
#ifndef DNC_HTTP_JSON_API_H_
#define DNC_HTTP_JSON_API_H_

#include "http/api_context.h"
#include "http/http_message.h"

namespace dnc::http {

void ServeCheck(const ApiContext& api, const HttpRequest& request,
                HttpResponse* response);
void ServeCheckText(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response);
void ServeScrub(const ApiContext& api, const HttpRequest& request,
                HttpResponse* response);
void ServeStatus(const ApiContext& api, const HttpRequest& request,
                 HttpResponse* response);

}  // namespace dnc::http

#endif  // DNC_HTTP_JSON_API_H_
