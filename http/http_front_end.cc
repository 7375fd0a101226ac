#include "http/http_front_end.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "http/json_api.h"
#include "http/json_tenant_api.h"
#include "http/list_routes.h"
#include "http/metrics_endpoint.h"
#include "http/portal_static.h"

namespace dnc::http {
namespace {

service::ScrubCallsOptions CallsOptions(const HttpFrontEndOptions& options) {
  service::ScrubCallsOptions calls;
  calls.max_batch_entries = options.max_batch_entries;
  calls.today = options.today;
  calls.metrics = options.metrics;
  calls.limits = options.limits;
  return calls;
}

ListUploadsOptions UploadsOptions(const HttpFrontEndOptions& options) {
  ListUploadsOptions uploads = options.uploads;
  uploads.chunk_bytes =
      std::min<uint64_t>(uploads.chunk_bytes, options.server.max_body_bytes);
  return uploads;
}

}  // namespace

HttpFrontEnd::HttpFrontEnd(const service::Registry* registry,
                           tenant::TenantStore* tenants,
                           const HttpFrontEndOptions& options)
    : auth_(options.auth, tenants, options.tenant_grace),
      calls_(registry, tenants, CallsOptions(options)),
      uploads_(UploadsOptions(options),
               ListUploadContext{&calls_, options.limits, options.tenants}),
      routes_(ApiContext{&auth_, &calls_, options.metrics, options.tenants,
                         !options.server.tls.cert_chain.empty(), &uploads_}) {
  // The JSON API (docs/http-api.md).
  routes_.Add("GET", "/v1/check", &ServeCheck);
  routes_.Add("GET", "/v1/check.txt", &ServeCheckText);
  routes_.Add("POST", "/v1/scrub", &ServeScrub);
  routes_.Add("GET", "/v1/status", &ServeStatus);
  // The tenant's data and the public server status
  // (docs/http-tenant-data.md), and the web portal's files (docs/portal.md).
  routes_.Add("GET", "/v1/whoami", &ServeWhoAmI);
  routes_.Add("POST", "/v1/optouts/add", &ServeOptOutsAdd);
  routes_.Add("POST", "/v1/optouts/remove", &ServeOptOutsRemove);
  routes_.Add("POST", "/v1/optouts/check", &ServeOptOutsCheck);
  routes_.Add("POST", "/v1/consents/add", &ServeConsentsAdd);
  routes_.Add("POST", "/v1/consents/revoke", &ServeConsentsRevoke);
  routes_.Add("POST", "/v1/consents/list", &ServeConsentsList);
  routes_.Add("POST", "/v1/attempts/record", &ServeAttemptsRecord);
  routes_.Add("POST", "/v1/attempts/list", &ServeAttemptsList);
  routes_.Add("GET", "/v1/jobs", &ServeJobs);
  routes_.Add("GET", "/v1/jobs/report", &ServeJobReport);
  routes_.Add("GET", "/v1/server", &ServeServer);
  // Lead lists scrubbed on the server (docs/http-lists.md).
  routes_.Add("POST", "/v1/lists", &ServeListStart);
  routes_.Add("POST", "/v1/lists/chunk", &ServeListChunk);
  routes_.Add("POST", "/v1/lists/cancel", &ServeListCancel);
  routes_.Add("GET", "/v1/lists/state", &ServeListState);
  routes_.Add("POST", "/v1/lists/preview", &ServeListPreview);
  AddPortalRoutes(&routes_);
  if (options.metrics != nullptr) {
    routes_.Add("GET", "/metrics", &ServeMetrics);
  }
  if (options.add_routes) options.add_routes(&routes_);
}

absl::StatusOr<std::unique_ptr<HttpFrontEnd>> HttpFrontEnd::Start(
    const service::Registry* registry, tenant::TenantStore* tenants,
    const HttpFrontEndOptions& options) {
  if (options.max_batch_entries == 0) {
    return absl::InvalidArgumentError("max_batch_entries must be at least 1");
  }
  if (options.auth == service::AuthMode::kApiKey && tenants == nullptr) {
    return absl::InvalidArgumentError(
        "API-key authentication needs a tenant store");
  }
  std::unique_ptr<HttpFrontEnd> front_end(
      new HttpFrontEnd(registry, tenants, options));
  const HttpRoutes* routes = &front_end->routes_;
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      options.server,
      [routes](const HttpRequest& request, HttpResponse* response) {
        routes->Serve(request, response);
      });
  if (!server.ok()) return server.status();
  front_end->server_ = std::move(*server);
  return front_end;
}

}  // namespace dnc::http
