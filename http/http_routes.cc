#include "http/http_routes.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "http/error_response.h"

namespace dnc::http {

HttpRoutes::HttpRoutes(ApiContext api)
    : api_(api),
      unmatched_(api.metrics == nullptr ? nullptr
                                        : api.metrics->HttpRoute("", "")) {}

void HttpRoutes::Add(std::string_view method, std::string_view path,
                     ApiHandler handler) {
  routes_.push_back(Route{std::string(method), std::string(path), handler,
                          api_.metrics == nullptr
                              ? nullptr
                              : api_.metrics->HttpRoute(method, path)});
}

void HttpRoutes::Serve(const HttpRequest& request,
                       HttpResponse* response) const {
  const service::CallClock::time_point start = service::StartTimer(unmatched_);
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.path != request.path) continue;
    if (route.method == request.method) {
      route.handler(api_, request, response);
      if (route.metrics != nullptr)
        route.metrics->Record(response->status, start);
      return;
    }
    allowed.push_back(route.method);
  }
  // Echo at most 64 bytes of what was asked for.
  const std::string path = request.path.substr(0, 64);
  if (allowed.empty()) {
    SetError(404, "NOT_FOUND",
             absl::StrCat("no such path: ", path,
                          " (the API is described in docs/http-api.md)"),
             response);
    if (unmatched_ != nullptr) unmatched_->Record(response->status, start);
    return;
  }
  const std::string allow = absl::StrJoin(allowed, ", ");
  SetError(405, "INVALID_ARGUMENT",
           absl::StrCat(path, " takes ", allow, ", not ",
                        request.method.substr(0, 16)),
           response);
  response->headers.emplace_back("Allow", allow);
  if (unmatched_ != nullptr) unmatched_->Record(response->status, start);
}

}  // namespace dnc::http
