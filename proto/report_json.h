// The scrub certificate (dnc.v1.ScrubReport) as JSON: the one writer of the
// text `dnc report JOB --json` prints and GET /v1/jobs/report serves, so
// the two are the same bytes for the same job. Here, beside the generated
// messages, because both the client (client/report_format.h) and the HTTP
// front end (http/) link it; it calls no gRPC.
// Thread-safety: pure function.
#ifndef DNC_PROTO_REPORT_JSON_H_
#define DNC_PROTO_REPORT_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "dnc/v1/tenant.pb.h"

namespace dnc {

// proto3 JSON mapping: snake_case field names as in tenant.proto, enums by
// name, every field printed (defaults too), 2-space indent, ending in a
// newline; note that uint64 values are JSON strings (proto3's mapping).
// Errors: Internal if the conversion fails.
absl::StatusOr<std::string> ScrubReportJson(const v1::ScrubReport& report);

}  // namespace dnc

#endif  // DNC_PROTO_REPORT_JSON_H_
