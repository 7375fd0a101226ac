// The records the tenant store keeps, as its callers see them: a tenant's
// configuration and entitlements, its internal-list entries and EBR/consent
// records, the audit record of one call, the files of a job and what
// `dnc-tenant list` shows of an API key. Plain values; TenantStore
// (tenant_store.h) validates them on the way in. Also the rules for tenant
// names and the text form of entitlements, which dnc-tenant's flags and the
// audit records use.
// Thread-safety: the structs are thread-compatible; the functions are
// thread-safe.
#ifndef DNC_TENANT_RECORDS_H_
#define DNC_TENANT_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "policy/policy.h"

namespace dnc::tenant {

// Tenant names: 1-64 of [a-z0-9._-], starting with a letter or digit.
bool IsValidTenantName(std::string_view name);

// Which area codes of a source the tenant may use (FTC data is bought per
// area code; other sources likewise per region).
struct Entitlement {
  std::string source;  // "us-ftc"
  bool all_area_codes = false;
  std::vector<uint32_t> area_codes;  // Sorted, unique; when !all_area_codes.
};

// What the server lets one tenant use (set by the administrator; enforced
// by the server, stored with the config).
struct TenantLimits {
  // Most calls (Check, Scrub, ScrubStream chunk, HTTP call) per second, with
  // a burst of the same size; 0 = no per-tenant rate bound (the server's
  // global bounds still apply).
  uint32_t requests_per_second = 0;
  // Most numbers answered per UTC day; 0 = unlimited.
  uint64_t numbers_per_day = 0;
};

struct TenantConfig {
  std::string name;
  policy::Purpose default_purpose = policy::Purpose::kCommercial;
  std::vector<Entitlement> entitlements;
  TenantLimits limits;
};

struct OptOut {
  DayNumber added = 0;
  std::string note;
};

struct StoredConsent {
  uint64_t e164 = 0;
  policy::ConsentType type = policy::ConsentType::kUnspecified;
  DayNumber date = 0;
  // The day it was revoked; empty while in force. (Any day, 1970-01-01 and
  // earlier included, is a revocation: "absent" is not a date.)
  std::optional<DayNumber> revoked;
  std::string note;
};

// One call attempt the seller made (RecordAttempts): counted against the
// call-frequency caps of the number's jurisdiction (policy/frequency_caps.h)
// per subject, and kept as evidence.
struct StoredAttempt {
  uint64_t e164 = 0;
  absl::Time time;  // When the call was placed (microseconds kept).
  // The campaign or subject matter; empty = unknown, which counts against
  // every subject (fail closed). At most kMaxSubjectBytes printable ASCII.
  std::string subject;
};
inline constexpr size_t kMaxSubjectBytes = 64;

// One audited call (Check, Scrub or one ScrubStream chunk).
struct AuditRecord {
  std::string audit_id;    // Assigned by AppendAudit: "<time>-<counter>".
  std::string job_id;      // Caller's job id, or the audit_id if none given.
  std::string request_id;  // Caller's, may be empty.
  std::string method;      // "Check", "Scrub", "ScrubStream".
  absl::Time time;
  uint64_t sequence = 0;  // Batch position within the job.
  policy::Purpose purpose = policy::Purpose::kCommercial;
  uint64_t numbers = 0;
  std::vector<uint64_t>
      counts;  // Indexed by dnc.v1.Disposition value (size 9).
  // "source generation as_of jurisdiction" per snapshot used.
  std::vector<std::string> snapshots;
  std::string numbers_sha256;  // Hex, of the batch's entries in.
  std::string answers_sha256;  // Hex, of the batch's answers out.
  // The tenant's entitlements when the call was answered, as
  // FormatEntitlements() writes them (the certificate states them).
  std::string entitlements;
};

// "us-ftc:all; ca-dncl:416,647" and back. Parse errors: InvalidArgument
// naming the bad part.
std::string FormatEntitlements(absl::Span<const Entitlement> entitlements);
absl::StatusOr<std::vector<Entitlement>> ParseEntitlements(
    std::string_view text);

// Files the client attached to a job (for the certificate).
struct JobFiles {
  std::string input_name, input_sha256, output_name, output_sha256;
  uint64_t input_rows = 0, output_rows = 0;
};

// One job of a tenant as a list of past jobs shows it (ListJobs).
struct JobSummary {
  std::string job_id;
  absl::Time first_request;  // Its earliest audit record's time.
  absl::Time last_request;   // Its latest.
  uint64_t requests = 0;     // Audit records (calls) in the job.
  uint64_t numbers = 0;      // Numbers over all of them.
  bool has_files = false;    // RecordJobFiles was called for it.
};

// One API key as `dnc-tenant list` shows it (never the key or its hash).
struct ApiKeyInfo {
  std::string label;
  absl::Time created;
  bool revoked = false;
  absl::Time revoked_at;  // When revoked.
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_RECORDS_H_
