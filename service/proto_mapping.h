// The one place the service's answer types (common/answer.h, policy/policy.h)
// meet the dnc.v1 messages: the enums have the same numeric values (checked
// at compile time in proto_mapping.cc), and these functions fill the shared
// parts of Check and Scrub responses.
//
// Thread-safety: pure functions.
#ifndef DNC_SERVICE_PROTO_MAPPING_H_
#define DNC_SERVICE_PROTO_MAPPING_H_

#include <string_view>

#include "common/answer.h"
#include "dnc/v1/scrub.pb.h"
#include "policy/policy.h"
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

}  // namespace dnc::service

#endif  // DNC_SERVICE_PROTO_MAPPING_H_
