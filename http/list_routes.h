// The list upload routes of the JSON API (docs/http-lists.md is their
// reference): a lead list scrubbed on the server, chunk by chunk, by the
// same scrubber `dnc scrub` runs (http/list_upload.h), so the cleaned file
// is byte for byte the one the CLI writes.
//
//   POST /v1/lists           starts an upload: {"name": "leads.csv", ...}
//   POST /v1/lists/chunk     ?upload_id=&offset=[&final=1], the next raw
//                            bytes; answers the output produced since
//   POST /v1/lists/cancel    ?upload_id=, stops it; nothing is recorded
//   GET  /v1/lists/state     ?upload_id=, where it stands
//   POST /v1/lists/preview   ?name=[&delimiter=&encoding=&sheet=&column=
//                            &header=], the file's first bytes: the format,
//                            header, first rows and phone column found
//
// Every route needs x-api-key; an upload belongs to its tenant, and
// another tenant's id answers 404 exactly as an unknown one. Errors are
// http/error_response.h's JSON: 400 (a bad request, or a bad file: the
// upload is then over), 401, 404 (no such upload), 409 (offset not where the
// upload stands; a second chunk while one is answered), 413 (over
// --max_upload_bytes: the upload is over), 429 with Retry-After (too many
// uploads, a chunk ahead of the scrub, the tenant's limits), 503.
//
// Thread-safety: thread-safe (handlers share only what ApiContext
// borrows). A chunk's handler waits a bounded time (kChunkWait,
// kFinalChunkWait) on the io thread for the scrub to catch up.
#ifndef DNC_HTTP_LIST_ROUTES_H_
#define DNC_HTTP_LIST_ROUTES_H_

#include "absl/time/time.h"
#include "http/api_context.h"
#include "http/http_message.h"

namespace dnc::http {

// The longest a chunk (a final chunk) waits for the scrub to read all it
// can and write every row answered before it answers what there is.
inline constexpr absl::Duration kChunkWait = absl::Seconds(2);
inline constexpr absl::Duration kFinalChunkWait = absl::Seconds(5);

void ServeListStart(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response);
void ServeListChunk(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response);
void ServeListCancel(const ApiContext& api, const HttpRequest& request,
                     HttpResponse* response);
void ServeListState(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response);
void ServeListPreview(const ApiContext& api, const HttpRequest& request,
                      HttpResponse* response);

}  // namespace dnc::http

#endif  // DNC_HTTP_LIST_ROUTES_H_
