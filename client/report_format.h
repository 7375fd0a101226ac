// Text (and JSON) for what the TenantService answers, as the `dnc` CLI
// prints it: scrub certificates (ScrubReport), the tenant (WhoAmI), opt-out
// states and consent records; and the names the CLI accepts for purposes and
// consent types. Pure functions over the generated messages.
// Thread-safety: thread-safe.
#ifndef DNC_CLIENT_REPORT_FORMAT_H_
#define DNC_CLIENT_REPORT_FORMAT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dnc/v1/tenant.pb.h"

namespace dnc::client {

// dnc.v1.CallPurpose <-> "commercial", "charity", "political", "survey"
// ("default" for PURPOSE_UNSPECIFIED; an unknown value as its number).
// Parsing is ASCII case-insensitive; false for anything else.
std::string PurposeName(int purpose);
bool ParsePurposeName(std::string_view text, int* purpose);

// dnc.v1.ConsentType <-> "purchase", "inquiry", "written-consent" (also
// "written"). Parsing as above.
std::string ConsentTypeName(int type);
bool ParseConsentTypeName(std::string_view text, int* type);

// dnc.v1.OptOutState as a word: "ADDED", "ALREADY_LISTED", ...
std::string OptOutStateName(int state);

// "us-ftc:all; ca-dncl:416,647" ("none" when empty).
std::string FormatEntitlementList(
    const google::protobuf::RepeatedPtrField<v1::Entitlement>& entitlements);

// Several lines: tenant, default purpose, entitlements, list sizes.
std::string FormatTenantInfo(const v1::TenantInfo& info);

// One line: "+12025551234  purchase  2026-11-01  note ..." plus
// "  revoked 2026-11-20" when revoked.
std::string FormatConsentRecord(const v1::ConsentRecord& record);

// The certificate as a person reads it: who, when, job, requests, numbers,
// counts by disposition, every snapshot (source, jurisdiction, generation,
// as-of), entitlements, purpose, the files with rows and SHA-256, the
// server's numbers/answers hashes and version.
std::string FormatReportText(const v1::ScrubReport& report);

// The certificate as JSON: proto/report_json.h's ScrubReportJson, the same
// bytes GET /v1/jobs/report serves (proto3 JSON mapping, snake_case field names
// as in tenant.proto, enums by name, every field printed, 2-space indent; note
// that uint64 values are JSON strings; ends in a newline). Errors: Internal
// if conversion fails.
absl::StatusOr<std::string> FormatReportJson(const v1::ScrubReport& report);

}  // namespace dnc::client

#endif  // DNC_CLIENT_REPORT_FORMAT_H_
