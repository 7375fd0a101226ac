#include "http/error_response.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "service/retry_after.h"

namespace dnc::http {

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

void SetError(int http_status, std::string_view code, std::string_view message,
              HttpResponse* response) {
  nlohmann::json body;
  body["error"] = {
      {"status", http_status}, {"code", code}, {"message", message}};
  response->status = http_status;
  response->content_type = "application/json";
  // Invalid UTF-8 in an echoed value must not throw: replace it.
  response->body =
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response->body += '\n';
  response->headers.clear();
}

void SetError(const absl::Status& status, HttpResponse* response) {
  const std::string code = absl::StatusCodeToString(status.code());
  // absl spells codes "INVALID_ARGUMENT" already (gRPC's names).
  const std::string_view message(status.message().data(),
                                 status.message().size());
  SetError(HttpStatusOf(status.code()), code, message, response);
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    response->headers.emplace_back("WWW-Authenticate",
                                   "ApiKey header=\"x-api-key\"");
  }
  if (const std::optional<int64_t> seconds =
          service::RetryAfterSeconds(status)) {
    response->headers.emplace_back("Retry-After", std::to_string(*seconds));
  }
}

void SetJsonAnswer(absl::StatusOr<std::string> body, HttpResponse* response) {
  if (!body.ok()) {
    SetError(body.status(), response);
    return;
  }
  response->status = 200;
  response->content_type = "application/json";
  response->body = *std::move(body);
}

}  // namespace dnc::http
