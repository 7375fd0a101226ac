// GET /metrics: the server's metrics (service/server_metrics.h) in
// Prometheus' text format 0.0.4, for a Prometheus server or agent to scrape
// (docs/metrics.md). Not authenticated: no metric names a number, a tenant
// or a key, so scrapers need no API key; an operator who wants it private
// firewalls the HTTP port or serves it on loopback.
//
// Thread-safety: thread-safe.
#ifndef DNC_HTTP_METRICS_ENDPOINT_H_
#define DNC_HTTP_METRICS_ENDPOINT_H_

#include "http/api_context.h"
#include "http/http_message.h"

namespace dnc::http {

// REQUIRES: api.metrics non-null (HttpFrontEnd adds the route only then).
void ServeMetrics(const ApiContext& api, const HttpRequest& request,
                  HttpResponse* response);

}  // namespace dnc::http

#endif  // DNC_HTTP_METRICS_ENDPOINT_H_
