// The audit trail of scrubs: every Check, Scrub and ScrubStream chunk a
// tenant makes is appended to the tenant store as a tenant::AuditRecord
// before its answer is sent (no unaudited answers), and a job's records are
// aggregated into a scrub certificate (TenantService.GetReport).
//
// The hashes, which the certificate and any independent check depend on
// (all SHA-256, written as 64 lowercase hex digits; integers little-endian,
// u32 = 4 bytes, u64 = 8 bytes). Binary, not text, because they run over
// every number of every call: text doubled the bytes hashed and cost as much
// again to format (BENCHMARKS.md "Tenant policy and audit").
//   - numbers_sha256 of one batch: u32 count of e164 entries, u32 count of
//     raw entries, then each e164 entry as u64 in request order, then each
//     raw entry as u32 byte length + its bytes exactly as sent. Check: the
//     same over its one entry (counts 1,0 or 0,1).
//   - answers_sha256 of one batch: the numbers as answered
//     (ScrubResponse.e164, 0 for a MALFORMED entry) as u64 each in request
//     order, then the dispositions as one byte each in request order (the
//     dnc.v1.Disposition value: CALLABLE = 1, BLOCKED = 2, ...).
//     Example: entries 12022345678 and "garbage" answered BLOCKED and
//     MALFORMED hash the 18 bytes u64(12022345678) u64(0) 0x02 0x08.
//   - a job's numbers_sha256 / answers_sha256 (ScrubReport): over the job's
//     batch hashes (the 64 hex digits of each record's hash, each followed by
//     "\n"), in the order the store returns the job's records: by sequence,
//     then time.
// Snapshots are recorded as "source generation as_of jurisdiction", e.g.
// "us-ftc g000012 2026-02-01 US".
//
// Thread-safety: thread-safe (pure functions; the store is thread-safe).
#ifndef DNC_SERVICE_AUDIT_H_
#define DNC_SERVICE_AUDIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "policy/policy.h"
#include "service/scrub_engine.h"
#include "storage/manifest.h"
#include "tenant/tenant_store.h"

namespace dnc::service {

// numbers_sha256 of a Scrub request / chunk (its e164 entries, then its raw
// ones), and of a Check request (one entry in one of the two).
std::string NumbersSha256(absl::Span<const uint64_t> e164,
                          absl::Span<const std::string_view> raw);
// answers_sha256 of a batch's answers. REQUIRES: spans of equal size.
std::string AnswersSha256(absl::Span<const uint64_t> e164,
                          absl::Span<const Disposition> dispositions);
// A job's hash over its records' numbers (or answers) hashes.
std::string JobNumbersSha256(absl::Span<const tenant::AuditRecord> records);
std::string JobAnswersSha256(absl::Span<const tenant::AuditRecord> records);

// "source generation as_of jurisdiction" (ParseSnapshotText in
// service/proto_mapping.h reads it back).
std::string SnapshotText(const storage::Manifest& manifest);

// What the handler knows about the call being audited.
struct AuditCall {
  // "Check", "CheckStream", "Scrub" or "ScrubStream".
  const char* method = "Scrub";
  std::string_view job_id;  // Validated; empty: the audit id.
  std::string_view request_id;
  uint64_t sequence = 0;
  policy::Purpose purpose = policy::Purpose::kCommercial;
  std::string numbers_sha256;
};

// Appends the audit record of `result` (the answer about to be sent) for
// `tenant` and returns the audit id. The record is not fsynced: it reaches
// RocksDB's WAL (the OS) before the answer is sent, so a crash or kill of
// the server loses none; the store syncs the WAL within about a second, so
// only a power cut or kernel crash in that second can. Syncing per call
// blocked one of gRPC's two callback threads for the fsync and halved
// batched Scrub throughput (BENCHMARKS.md, "Tenants"). Errors: Unavailable
// naming the cause (the answer must then not be sent).
absl::StatusOr<std::string> AppendAudit(tenant::TenantStore* store,
                                        const tenant::Tenant& tenant,
                                        const AuditCall& call,
                                        const ScrubResult& result);

}  // namespace dnc::service

#endif  // DNC_SERVICE_AUDIT_H_
