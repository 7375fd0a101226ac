// The tenant's own data over the JSON API (docs/http-tenant-data.md), the
// same operations as the gRPC TenantService, through its bodies
// (ApiContext::tenants: service/tenant_service.h), so HTTP and gRPC decide
// and store alike:
//
//   GET  /v1/whoami            the tenant, its entitlements and list sizes
//   POST /v1/optouts/add       the internal do-not-call list: add,
//   POST /v1/optouts/remove      remove,
//   POST /v1/optouts/check       check numbers
//   POST /v1/consents/add      EBR and consent records: add,
//   POST /v1/consents/revoke     revoke,
//   POST /v1/consents/list       list a number's records
//   POST /v1/attempts/record   call attempts: record (counted against the
//                                call-frequency caps by Check and Scrub),
//   POST /v1/attempts/list       list a number's
//   GET  /v1/jobs?limit=N      the tenant's past jobs, newest first
//   GET  /v1/jobs/report?job_id=J  a job's certificate, the very JSON
//                              `dnc report J --json` prints
//
// and, with no key, what an operator's status page shows:
//
//   GET  /v1/server            version, date, limits, TLS, sources
//
// Every tenant route needs x-api-key; with --auth=none they answer 403
// FAILED_PRECONDITION. Another tenant's job answers 404 exactly as a job
// that does not exist. Errors are http/error_response.h's JSON.
//
// Thread-safety: thread-safe (as http/json_api.h).
#ifndef DNC_HTTP_JSON_TENANT_API_H_
#define DNC_HTTP_JSON_TENANT_API_H_

#include "http/api_context.h"
#include "http/http_message.h"

namespace dnc::http {

void ServeWhoAmI(const ApiContext& api, const HttpRequest& request,
                 HttpResponse* response);
void ServeOptOutsAdd(const ApiContext& api, const HttpRequest& request,
                     HttpResponse* response);
void ServeOptOutsRemove(const ApiContext& api, const HttpRequest& request,
                        HttpResponse* response);
void ServeOptOutsCheck(const ApiContext& api, const HttpRequest& request,
                       HttpResponse* response);
void ServeConsentsAdd(const ApiContext& api, const HttpRequest& request,
                      HttpResponse* response);
void ServeConsentsRevoke(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response);
void ServeConsentsList(const ApiContext& api, const HttpRequest& request,
                       HttpResponse* response);
void ServeAttemptsRecord(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response);
void ServeAttemptsList(const ApiContext& api, const HttpRequest& request,
                       HttpResponse* response);
void ServeJobs(const ApiContext& api, const HttpRequest& request,
               HttpResponse* response);
void ServeJobReport(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response);
void ServeServer(const ApiContext& api, const HttpRequest& request,
                 HttpResponse* response);

}  // namespace dnc::http

#endif  // DNC_HTTP_JSON_TENANT_API_H_
