// GET /v1/status: what gRPC Status answers (ScrubServiceImpl::FillStatus):
// every source served with its snapshot, coverage, size and freshness, and
// the server's limits, version, date, the caller's tenant and whether keys
// are required.
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/civil_date.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/json_api.h"
#include "http/source_json.h"
#include "nlohmann/json.hpp"
#include "service/source_set.h"

#ifndef DNC_VERSION
#define DNC_VERSION "unknown"
#endif

namespace dnc::http {
namespace {

using Json = nlohmann::json;

absl::StatusOr<std::string> AnswerStatus(const ApiContext& api,
                                         const HttpRequest& request) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  if (!request.query.empty()) {
    return absl::InvalidArgumentError(
        "GET /v1/status takes no query parameters");
  }
  const DayNumber today = api.calls->Today();
  const std::shared_ptr<const service::SourceSet> sources =
      api.calls->registry().Current();
  Json list = Json::array();
  for (const service::ServedSource& served : sources->sources()) {
    list.push_back(SourceJson(served, today));
  }
  Json body{{"sources", std::move(list)},
            {"max_batch_entries", api.calls->max_batch_entries()},
            {"server_version", DNC_VERSION},
            {"today", FormatIsoDate(today)},
            {"tenant", tenant != nullptr ? tenant->name() : std::string()},
            {"auth_required", api.auth->required()}};
  return DumpJson(body);
}

}  // namespace

void ServeStatus(const ApiContext& api, const HttpRequest& request,
                 HttpResponse* response) {
  SetJsonAnswer(AnswerStatus(api, request), response);
}

}  // namespace dnc::http
