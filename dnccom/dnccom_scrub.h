// POST (and GET) /app/main/rpc/scrub: the DNC.com (Contact Center
// Compliance) scrub API, so a dialer configured for DNC.com (VICIdial's
// DNC_DOT_COM_URL) scrubs against this server unchanged. The mapping from
// our answers to DNC.com's codes and fields, and how to point VICIdial here,
// are in docs/dnccom-compatibility.md.
//
// One request: the fields of dnccom/scrub_form.h; loginId is the tenant's
// API key. Up to kMaxPhoneListEntries (50,000) numbers, answered in chunks
// of the server's batch limit (ScrubCalls::max_batch_entries()) through the
// same call layer as every other front end (service/scrub_call.h), all
// under one job: the first chunk's audit id is the job id of every chunk
// (sequence 0, 1, ...), the audit method is "DncComScrub" and the request
// id is "PROJID/CAMPAIGNID". The answer is one row per number in request
// order (dnccom/result_output.h), with the job id in the X-Dnc-Job-Id
// header.
//
// Refusals are JSON errors (http/error_response.h), never a 200: 401 for a
// missing, unknown or revoked loginId (checked before anything else about
// the request, and never audited), 400 for a field outside its rule, 415
// for a body type not read, 503 when an audit record cannot be written.
// Every field is checked before the first chunk is answered, so a later
// chunk can fail only on storage or audit errors; the answer is then an
// error, and the chunks answered before it stay in the audit log, recorded
// as computed but never sent.
//
// Thread-safety: thread-safe (per-thread scratch buffers).
#ifndef DNC_DNCCOM_DNCCOM_SCRUB_H_
#define DNC_DNCCOM_DNCCOM_SCRUB_H_

#include "http/api_context.h"
#include "http/http_message.h"

namespace dnc::dnccom {

// The audit method of this endpoint's chunks.
inline constexpr char kAuditMethod[] = "DncComScrub";
// The response header naming the job.
inline constexpr char kJobIdHeader[] = "X-Dnc-Job-Id";

void ServeScrub(const http::ApiContext& api, const http::HttpRequest& request,
                http::HttpResponse* response);

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_DNCCOM_SCRUB_H_
