// One served source as GET /v1/status and GET /v1/server list it: its
// snapshot (source, jurisdiction, generation, as-of), coverage, size and
// freshness against `today`, and when it was loaded. One writer, so the
// operator's public page and the tenant's status read the same fields.
//
// Internal to http/. Thread-safety: pure function.
#ifndef DNC_HTTP_SOURCE_JSON_H_
#define DNC_HTTP_SOURCE_JSON_H_

#include "common/civil_date.h"
#include "nlohmann/json_fwd.hpp"
#include "service/source_set.h"

namespace dnc::http {

nlohmann::json SourceJson(const service::ServedSource& served, DayNumber today);

}  // namespace dnc::http

#endif  // DNC_HTTP_SOURCE_JSON_H_
