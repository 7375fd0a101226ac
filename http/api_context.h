// What every HTTP API handler answers with: the same Authenticator and call
// layer (service/scrub_call.h) as the gRPC services, so an HTTP call is
// validated, decided and audited exactly as a gRPC one.
//
// Ownership: borrows everything; the front end (http/http_front_end.h) owns
// the ScrubCalls and outlives every call.
#ifndef DNC_HTTP_API_CONTEXT_H_
#define DNC_HTTP_API_CONTEXT_H_

#include "service/auth.h"
#include "service/scrub_call.h"
#include "service/server_metrics.h"

namespace dnc::service {
class TenantServiceImpl;
}  // namespace dnc::service

namespace dnc::http {

class ListUploads;

struct ApiContext {
  const service::Authenticator* auth = nullptr;
  const service::ScrubCalls* calls = nullptr;
  // The server's metrics (GET /metrics, and each route's calls); nullptr =
  // none.
  service::ServerMetrics* metrics = nullptr;
  // The TenantService bodies (OptOuts, Consents, Report, JobFiles of
  // service/tenant_service.h), so the tenant routes (opt-outs, consents,
  // jobs, reports, list uploads) decide and store exactly as the gRPC
  // TenantService does: one implementation, two front ends. Only declared
  // here, so routes that do not use it include no gRPC header; nullptr =
  // not served (the tenant routes answer UNAVAILABLE). Borrowed from the
  // ScrubServer, which outlives the front end.
  const service::TenantServiceImpl* tenants = nullptr;
  // The listener speaks TLS (GET /v1/server tells the operator's page).
  bool tls = false;
  // The list uploads in progress (http/list_uploads.h); nullptr = the list
  // routes answer UNAVAILABLE. Owned by the front end.
  ListUploads* uploads = nullptr;
};

}  // namespace dnc::http

#endif  // DNC_HTTP_API_CONTEXT_H_
