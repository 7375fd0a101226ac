// GET /v1/server: what an operator's status page shows, public (no key):
// the server's version and date, its batch limit, whether keys are required
// and the HTTP listener speaks TLS, and every source served with its
// freshness (as GET /v1/status lists them). It holds no tenant data: which
// registry snapshots a server serves, and how fresh they are, is what every
// caller's answers cite anyway (each answer names its snapshot), so it is
// not secret, and the portal's status page can show it before anyone signs
// in (the operator checks freshness without a tenant's key).
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/civil_date.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/json_tenant_api.h"
#include "http/source_json.h"
#include "nlohmann/json.hpp"
#include "service/source_set.h"

#ifndef DNC_VERSION
#define DNC_VERSION "unknown"
#endif

namespace dnc::http {
namespace {

using Json = nlohmann::json;

absl::StatusOr<std::string> AnswerServer(const ApiContext& api,
                                         const HttpRequest& request) {
  // No key is asked for (and one sent is not looked at).
  if (!request.query.empty()) {
    return absl::InvalidArgumentError(
        "GET /v1/server takes no query parameters");
  }
  const DayNumber today = api.calls->Today();
  const std::shared_ptr<const service::SourceSet> sources =
      api.calls->registry().Current();
  Json list = Json::array();
  for (const service::ServedSource& served : sources->sources()) {
    list.push_back(SourceJson(served, today));
  }
  return DumpJson(Json{{"server_version", DNC_VERSION},
                       {"today", FormatIsoDate(today)},
                       {"max_batch_entries", api.calls->max_batch_entries()},
                       {"auth_required", api.auth->required()},
                       {"tls", api.tls},
                       {"sources", std::move(list)}});
}

}  // namespace

void ServeServer(const ApiContext& api, const HttpRequest& request,
                 HttpResponse* response) {
  SetJsonAnswer(AnswerServer(api, request), response);
}

}  // namespace dnc::http
