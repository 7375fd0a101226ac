// HttpFrontEnd: dnc-server's HTTP API (docs/http-api.md), and the routes
// other modules add (the DNC.com-compatible endpoint), on one listener: an
// HttpServer (http/http_server.h) serving the route table (http/http_routes.h)
// with the same Authenticator (x-api-key) and the same call layer
// (service/scrub_call.h) as the gRPC ScrubServer, so an answer and its audit
// record are the same whichever front end was asked.
//
// Ownership: borrows the Registry and the TenantStore (both must outlive
// this); owns the listener and the call layer.
// Thread-safety: thread-safe.
#ifndef DNC_HTTP_HTTP_FRONT_END_H_
#define DNC_HTTP_HTTP_FRONT_END_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "http/http_routes.h"
#include "http/http_server.h"
#include "http/list_uploads.h"
#include "service/auth.h"
#include "service/field_rules.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "tenant/tenant_store.h"

namespace dnc::service {
class TenantServiceImpl;
}  // namespace dnc::service

namespace dnc::http {

struct HttpFrontEndOptions {
  HttpServerOptions server;
  // As the gRPC server's (service/server.h): most entries per batch, the
  // date freshness is judged against (TodayUtc when empty), and whether
  // callers need an API key.
  uint32_t max_batch_entries = service::kDefaultMaxBatchEntries;
  std::function<DayNumber()> today;
  service::AuthMode auth = service::AuthMode::kApiKey;
  // As ServerOptions::tenant_grace (service/auth.h).
  absl::Duration tenant_grace = service::Authenticator::kDefaultGrace;
  // The server's limits (service/call_limits.h), the same object as the
  // gRPC server's so a tenant's budget is one; nullptr = none. Must outlive
  // the front end.
  service::CallLimits* limits = nullptr;
  // Routes of other modules served beside the JSON API (dnc-server adds
  // the DNC.com-compatible endpoint, dnccom/, here).
  std::function<void(HttpRoutes*)> add_routes;
  // The server's metrics (service/server_metrics.h), the same object as
  // the gRPC server's: with it, every route is counted and timed and
  // GET /metrics serves them all (http/metrics_endpoint.h); nullptr = no
  // metrics and no /metrics. Must outlive the front end.
  service::ServerMetrics* metrics = nullptr;
  // The gRPC server's TenantService (ScrubServer::tenant_service()), whose
  // bodies the tenant routes call (ApiContext::tenants); nullptr = those
  // routes answer UNAVAILABLE. Must outlive the front end.
  const service::TenantServiceImpl* tenants = nullptr;
  // The list uploads' bounds (docs/http-lists.md); chunk_bytes is lowered
  // to server.max_body_bytes.
  ListUploadsOptions uploads;
};

class HttpFrontEnd {
 public:
  // `tenants` may be null only with options.auth == kNone. Errors: those
  // of HttpServer::Start, InvalidArgument (kApiKey without a TenantStore,
  // max_batch_entries 0).
  static absl::StatusOr<std::unique_ptr<HttpFrontEnd>> Start(
      const service::Registry* registry, tenant::TenantStore* tenants,
      const HttpFrontEndOptions& options);

  int port() const { return server_->port(); }
  std::string address() const { return server_->address(); }
  // See HttpServer::Shutdown.
  void Shutdown(absl::Duration deadline) { server_->Shutdown(deadline); }
  // See HttpServer::UpdateTls (a certificate reloaded on SIGHUP).
  absl::Status UpdateTls(const TlsPem& pem) { return server_->UpdateTls(pem); }

 private:
  HttpFrontEnd(const service::Registry* registry, tenant::TenantStore* tenants,
               const HttpFrontEndOptions& options);

  const service::Authenticator auth_;
  const service::ScrubCalls calls_;
  ListUploads uploads_;  // Before routes_, which borrows it.
  HttpRoutes routes_;
  std::unique_ptr<HttpServer> server_;  // Last: stops before the rest goes.
};

}  // namespace dnc::http

#endif  // DNC_HTTP_HTTP_FRONT_END_H_
