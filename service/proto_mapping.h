// The one place the service's answer types (common/answer.h, policy/policy.h)
// meet the dnc.v1 messages: the enums have the same numeric values (checked
// at compile time in proto_mapping.cc), and these functions fill the shared
// parts of Check and Scrub responses, and turn a ScrubRequest into the call
// layer's ScrubCall and its answer into a ScrubResponse (for gRPC Scrub and
// ScrubStream, and for the HTTP list uploads' in-process stream,
// http/list_scrub_session.h).
//
// Thread-safety: pure functions.
#ifndef DNC_SERVICE_PROTO_MAPPING_H_
#define DNC_SERVICE_PROTO_MAPPING_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/answer.h"
#include "dnc/v1/scrub.pb.h"
#include "policy/policy.h"
#include "service/scrub_call.h"
#include "service/scrub_engine.h"
#include "storage/manifest.h"

namespace dnc::service {

void FillSnapshotRef(const storage::Manifest& manifest,
                     dnc::v1::SnapshotRef* ref);
// Reads SnapshotText() (service/audit.h) back; false if it does not have
// its four space-separated parts.
bool ParseSnapshotText(std::string_view text, dnc::v1::SnapshotRef* ref);

void FillReason(const Reason& reason, dnc::v1::Reason* out);
void FillCallingWindow(const policy::CallingWindow& window,
                       dnc::v1::CallingWindow* out);

// The reasons and the snapshot table of `result`.
void FillEvidence(const ScrubResult& result, dnc::v1::CheckResponse* response);
void FillEvidence(const ScrubResult& result, dnc::v1::ScrubResponse* response);

// The call `request` asks for, under audit method `method` ("Scrub" or
// "ScrubStream"); its spans point into `request`, *raw_views and
// *id_views (refilled here), which must outlive the call.
ScrubCall ScrubCallOf(const dnc::v1::ScrubRequest& request, const char* method,
                      std::vector<std::string_view>* raw_views,
                      std::vector<std::string_view>* id_views);

// The answer to `request` into *response (empty on entry): dispositions,
// numbers, the echoed ids and sequence, evidence and calling windows.
void FillScrubAnswer(const ScrubAnswer& answer,
                     const dnc::v1::ScrubRequest& request,
                     dnc::v1::ScrubResponse* response);

// After an audited call: the job id (the request's, else the batch's own
// audit id) and the audit id; nothing when `audit_id` is empty (no tenant).
void SetScrubAuditIds(const dnc::v1::ScrubRequest& request,
                      const std::string& audit_id,
                      dnc::v1::ScrubResponse* response);

}  // namespace dnc::service

#endif  // DNC_SERVICE_PROTO_MAPPING_H_
