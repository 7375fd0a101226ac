// The call layer's answers as the JSON API sends them: one number's answer
// (disposition, callable, e164, its reasons with the source, jurisdiction,
// generation and as-of date of the snapshot each cites, the date the number
// was added, its calling window), the snapshot table of a batch, and a whole
// /v1/check or /v1/scrub answer. The same content as the gRPC messages
// (service/proto_mapping.h), in the shapes docs/http-api.md documents.
//
// Internal to http/: the JSON handlers build their answers with these
// inside ScrubCalls' `encode` (while the snapshots a reason cites are
// alive), then add the audit id and serialize with DumpJson. Only the
// forward declaration of nlohmann::json is included here. (Objects are
// built by emplace, not initializer lists, which copy every value: half the
// encoding time of a /v1/check answer.)
//
// Thread-safety: pure functions.
#ifndef DNC_HTTP_JSON_ANSWER_H_
#define DNC_HTTP_JSON_ANSWER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "nlohmann/json_fwd.hpp"
#include "service/scrub_call.h"

namespace dnc::http {

// A /v1/check answer, without its audit_id: disposition, callable, e164,
// purpose, reasons, snapshots, window and `id` (the caller's, echoed).
void FillCheckJson(const service::ScrubAnswer& answer, std::string_view id,
                   nlohmann::json* out);

// The per-request echo of a /v1/scrub answer.
struct ScrubEcho {
  absl::Span<const uint64_t> ids;                 // Empty, or one per entry.
  absl::Span<const std::string_view> string_ids;  // Empty, or one per entry.
  std::string_view request_id;
  uint64_t sequence = 0;
};

// A /v1/scrub answer, without job_id and audit_id: "results" (one object
// per entry in request order, as FillCheckJson's minus snapshots and
// purpose, with "id" when ids were sent), "snapshots", "purpose",
// "sequence" and "request_id".
void FillScrubJson(const service::ScrubAnswer& answer, const ScrubEcho& echo,
                   nlohmann::json* out);

// `json` as a response body: compact, invalid UTF-8 replaced (never
// thrown), ending in a newline.
std::string DumpJson(const nlohmann::json& json);

}  // namespace dnc::http

#endif  // DNC_HTTP_JSON_ANSWER_H_
