// The one shape of an HTTP API error, for every route and the server itself:
//
//   HTTP/1.1 401 Unauthorized
//   Content-Type: application/json
//   {"error":{"status":401,"code":"UNAUTHENTICATED","message":"..."}}
//
// `code` is the gRPC status name of the same failure (so a client reads one
// vocabulary over both front ends); `message` is the call layer's, which
// names the field and cuts the value it echoes. A status that carries a
// retry time (service/retry_after.h: a limit's 429) adds `Retry-After: N`.
#ifndef DNC_HTTP_ERROR_RESPONSE_H_
#define DNC_HTTP_ERROR_RESPONSE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "http/http_message.h"

namespace dnc::http {

// The HTTP status of a failed call: InvalidArgument and OutOfRange 400,
// Unauthenticated 401, PermissionDenied and FailedPrecondition 403, NotFound
// 404, ResourceExhausted 429, Unavailable 503, the rest 500.
int HttpStatusOf(absl::StatusCode code);

// Replaces *response with the error body above.
void SetError(int http_status, std::string_view code, std::string_view message,
              HttpResponse* response);
// The same for a failed call, with HttpStatusOf(status.code()).
// REQUIRES: !status.ok().
void SetError(const absl::Status& status, HttpResponse* response);

// A JSON route's ending: 200 with `body`, or the error it failed with.
void SetJsonAnswer(absl::StatusOr<std::string> body, HttpResponse* response);

}  // namespace dnc::http

#endif  // DNC_HTTP_ERROR_RESPONSE_H_
