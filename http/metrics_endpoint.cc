#include "http/metrics_endpoint.h"

#include "metrics/exposition.h"

namespace dnc::http {

void ServeMetrics(const ApiContext& api, const HttpRequest& /*request*/,
                  HttpResponse* response) {
  response->status = 200;
  response->content_type = metrics::kExpositionContentType;
  response->body = api.metrics->Render();
  // A scrape is always fresh.
  response->headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace dnc::http
