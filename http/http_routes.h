// The route table of the HTTP front end: (method, path) -> API handler.
// A path no route has answers 404; a known path with another method 405
// with an Allow header; both as the JSON error of http/error_response.h.
// Paths match exactly (no prefixes, no trailing-slash folding): the API is
// small and its paths are documented in docs/http-api.md. With
// api.metrics, every request is counted by its route's pattern (never the
// raw path; "unmatched" for a 404 or 405) and HTTP status, and timed.
//
// Thread-safety: Add before serving; Serve is thread-safe.
#ifndef DNC_HTTP_HTTP_ROUTES_H_
#define DNC_HTTP_HTTP_ROUTES_H_

#include <string>
#include <string_view>
#include <vector>

#include "http/api_context.h"
#include "http/http_message.h"

namespace dnc::http {

using ApiHandler = void (*)(const ApiContext& api, const HttpRequest& request,
                            HttpResponse* response);

class HttpRoutes {
 public:
  explicit HttpRoutes(ApiContext api);

  // `method` is "GET" or "POST" (exact, as HTTP spells it).
  void Add(std::string_view method, std::string_view path, ApiHandler handler);

  void Serve(const HttpRequest& request, HttpResponse* response) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    ApiHandler handler;
    service::CallMetrics* metrics;  // nullptr without api_.metrics.
  };
  const ApiContext api_;
  service::CallMetrics* const unmatched_;  // 404 and 405.
  std::vector<Route> routes_;
};

}  // namespace dnc::http

#endif  // DNC_HTTP_HTTP_ROUTES_H_
