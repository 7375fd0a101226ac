// Audit retention: how long the tenant store's audit records must be kept,
// the check that refuses a prune that would delete younger ones, and the
// export form of one record (a JSON object on one line), which `dnc-tenant
// audit export` writes offline and the admin service online.
// Thread-safety: the functions are thread-safe.
#ifndef DNC_TENANT_AUDIT_RETENTION_H_
#define DNC_TENANT_AUDIT_RETENTION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tenant/records.h"

namespace dnc::tenant {

// Audit records are the seller's evidence that each call list was scrubbed
// (who, when, against which registry copies, with which entitlements, what
// came out). The US Telemarketing Sales Rule's record keeping (16 CFR
// 310.5, as amended in 2024) requires telemarketers to keep such records
// for 5 years, and TCPA claims (47 U.S.C. 227) may be brought for 4 years
// after a call, so the evidence must outlive them. 1827 days = 5 * 365 + 2:
// a 5-year span holds at most two leap days, so this is never less than 5
// calendar years.
inline constexpr int kAuditRetentionDays = 1827;

// OK if deleting every audit record older than `before` keeps every record
// of the last kAuditRetentionDays before `now` (before <= now - retention),
// or if `force`. Errors: FailedPrecondition naming `before`, the retention
// and the latest date allowed at `now`.
absl::Status CheckPruneAllowed(absl::Time before, absl::Time now, bool force);

// `record` of tenant `tenant` as one JSON object, without a newline:
//   {"tenant":..., "audit_id":..., "job_id":..., "request_id":...,
//    "method":..., "time":"2026-12-02T06:08:21.123456Z", "sequence":N,
//    "purpose":"commercial", "numbers":N,
//    "counts":{"CALLABLE":N, "BLOCKED":N, ...},
//    "snapshots":[...], "numbers_sha256":..., "answers_sha256":...,
//    "entitlements":...}
// counts names each stored index by its dnc.v1.Disposition name
// ("DISPOSITION_<n>" for an index this build does not know). Strings are
// escaped per RFC 8259; a byte that is not part of valid UTF-8 (job and
// request ids are caller bytes) is written as U+FFFD, so the line is always
// valid JSON.
std::string AuditRecordJson(const AuditRecord& record, std::string_view tenant);

// `text` as a JSON string literal, quotes included (as above).
std::string JsonString(std::string_view text);

}  // namespace dnc::tenant

#endif  // DNC_TENANT_AUDIT_RETENTION_H_
