// What the tenant routes (opt-outs, consents, whoami, jobs, reports: see
// http/json_tenant_api.h) share: the caller's tenant, refused clearly when
// the server has none, and the strict reading of their JSON bodies, with
// the same rules and messages as POST /v1/scrub's (http/scrub_request.h):
// an unknown field, a value of the wrong type and a repeated key are 400s
// naming the field; more numbers than max_batch_entries is OutOfRange
// (the handlers answer 413, as /v1/scrub does).
//
// Internal to http/. Thread-safety: pure functions.
#ifndef DNC_HTTP_TENANT_REQUEST_H_
#define DNC_HTTP_TENANT_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "http/api_context.h"
#include "http/http_message.h"
#include "nlohmann/json_fwd.hpp"
#include "tenant/tenant.h"

namespace dnc::http {

// The caller's tenant, never nullptr. Errors: Unauthenticated (no or a bad
// key), FailedPrecondition (--auth=none: no tenants, so no lists, consents
// or jobs; says how to run the server with them), Unavailable (the front
// end was built without the TenantService: api.tenants is null).
absl::StatusOr<const tenant::Tenant*> RequireTenantRequest(
    const ApiContext& api, const HttpRequest& request);

// False, with *response filled, for a POST the tenant routes refuse before
// reading it: a query string (400: they take a body only) or a body that
// says it is not JSON (415, as POST /v1/scrub; no Content-Type is taken as
// JSON). `route` names the route in the message.
bool AcceptJsonPost(const HttpRequest& request, std::string_view route,
                    HttpResponse* response);

// Parses `body` as a JSON object (nesting at most `max_depth`) whose keys
// are among `fields`; errors name the unknown field and list the known.
absl::Status ParseObjectBody(std::string_view body, size_t max_depth,
                             std::initializer_list<std::string_view> fields,
                             nlohmann::json* out);

// The numbers of a body: an array of strings (as dialed, "+1 202-555-1234")
// or of E.164 integers, not mixed, at most `max_entries` (else OutOfRange,
// for a 413). `field` names the array in errors.
struct NumberList {
  std::vector<std::string> raw;  // Strings, in order; or
  std::vector<uint64_t> e164;    // integers, in order.
  size_t size() const { return raw.size() + e164.size(); }
};
absl::Status ReadNumberList(std::string_view field, const nlohmann::json& value,
                            size_t max_entries, NumberList* out);

// A string field (a missing one is ""). Errors: InvalidArgument naming
// `field` when the value is not a string.
absl::StatusOr<std::string> ReadOptionalString(const nlohmann::json& object,
                                               std::string_view field);

// "<field> is <type>; send <wanted>".
absl::Status WrongType(std::string_view field, const nlohmann::json& value,
                       std::string_view wanted);

// Answers a failed call on *response: OutOfRange as 413 (a batch over the
// limit), anything else through SetError.
void SetTenantRouteError(const absl::Status& status, HttpResponse* response);

}  // namespace dnc::http

#endif  // DNC_HTTP_TENANT_REQUEST_H_
