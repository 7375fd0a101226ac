// The body of POST /v1/scrub, read and checked:
//
//   {"numbers": ["+1 202-555-1234", ...] | [12025551234, ...],   required
//    "ids": [7, 8, ...] | ["lead-7", ...],    optional, one per number
//    "purpose": "charity" | 2,                optional (http/api_params.h)
//    "now": 1770390000 | "2026-02-06T15:00:00Z",               optional
//    "job_id": "...", "request_id": "...", "sequence": 3,      optional
//    "subject": "solar-q4"}   optional: the campaign the call-frequency
//                             caps count attempts per
//
// numbers and ids are each all strings or all integers (a number as text,
// what gRPC ScrubRequest.raw takes, or as E.164, its e164). Any other field,
// a field sent twice, or JSON nested deeper than the shape needs is refused.
//
// Thread-safety: pure functions.
#ifndef DNC_HTTP_SCRUB_REQUEST_H_
#define DNC_HTTP_SCRUB_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "service/scrub_call.h"

namespace dnc::http {

struct ScrubRequestBody {
  // Exactly one of e164 and raw holds the numbers.
  std::vector<uint64_t> e164;
  std::vector<std::string> raw;
  std::vector<uint64_t> ids;            // When ids are integers.
  std::vector<std::string> string_ids;  // When ids are strings.
  std::string job_id;
  std::string request_id;
  std::string subject;  // The campaign, for the call-frequency caps.
  uint64_t sequence = 0;
  int purpose = 0;
  int64_t now_unix_seconds = 0;

  size_t entries() const { return e164.size() + raw.size(); }
};

// A ScrubCall over `body` (views into it, and into *raw_views and
// *id_views, which it fills).
service::ScrubCall ScrubCallOf(const ScrubRequestBody& body,
                               std::vector<std::string_view>* raw_views,
                               std::vector<std::string_view>* id_views);

// Parses `json` into *out. Errors: InvalidArgument naming where the JSON
// breaks (byte offset, line and column) or the field that is wrong
// ("numbers[3]", "ids", "purpose"); OutOfRange when numbers has more than
// `max_entries` entries (the handler answers 413).
absl::Status ParseScrubRequest(std::string_view json, size_t max_entries,
                               ScrubRequestBody* out);

}  // namespace dnc::http

#endif  // DNC_HTTP_SCRUB_REQUEST_H_
