// The server-owned store of tenants (sellers) and their data: API keys
// (stored as SHA-256 hashes only), entitlements per source, the internal
// do-not-call list, EBR and consent records, and the audit log of scrubs.
//
// One RocksDB database, opened read-write by one process (dnc-server, or
// dnc-tenant while the server is stopped; RocksDB's LOCK refuses a second
// opener with an error naming the directory). Every key starts with the
// tenant's id, so no operation given one tenant's id can touch another's
// data. Writes of tenant data (opt-outs, consents, keys, entitlements) are
// synced (WriteOptions::sync) before the call returns: acknowledged means
// durable. Audit records: see AppendAudit.
//
// Reads for scrubs come from memory: Open() loads every tenant's opt-outs
// and consents into hash maps that writes keep current (write RocksDB first,
// then memory), so a scrub costs no RocksDB read.
//
// Ownership: owns the database. Thread-safety: thread-safe (reads take a
// per-tenant reader lock; writes a writer lock).
#ifndef DNC_TENANT_TENANT_STORE_H_
#define DNC_TENANT_TENANT_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
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

struct TenantConfig {
  std::string name;
  policy::Purpose default_purpose = policy::Purpose::kCommercial;
  std::vector<Entitlement> entitlements;
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

// One API key as `dnc-tenant list` shows it (never the key or its hash).
struct ApiKeyInfo {
  std::string label;
  absl::Time created;
  bool revoked = false;
  absl::Time revoked_at;  // When revoked.
};

class TenantStore;

// A tenant's data as the service sees it. Obtained from TenantStore; valid
// while the store lives. Thread-safe.
class Tenant {
 public:
  virtual ~Tenant() = default;
  virtual const std::string& name() const = 0;
  virtual policy::Purpose default_purpose() const = 0;

  // True if the tenant may use `source` for NANP area code `npa` (for +1
  // numbers) or at all (npa < 0, other countries).
  virtual bool Entitled(std::string_view source, int npa) const = 0;
  virtual std::vector<Entitlement> entitlements() const = 0;

  // Batch reads for one scrub, under one reader lock. For each e164[i]:
  // opted_out_on[i] = the day it was added to the internal list (any day,
  // before 1970 included), or empty if it is not on it. REQUIRES: spans of
  // equal size.
  virtual void LookupOptOuts(
      absl::Span<const uint64_t> e164,
      absl::Span<std::optional<DayNumber>> opted_out_on) const = 0;
  // The unrevoked EBR/consent records of `e164` (appended to *out).
  virtual void ConsentsOf(uint64_t e164,
                          std::vector<policy::ConsentRecord>* out) const = 0;
  virtual uint64_t opt_out_count() const = 0;
  virtual uint64_t consent_count() const = 0;
};

class TenantStore {
 public:
  // Opens (creating if absent, with `create_if_missing`) the store at `dir`
  // and loads every tenant into memory. Errors: FailedPrecondition (dir
  // in use by another process: names it), DataLoss (a record that cannot be
  // read: names the key), NotFound (missing and !create_if_missing).
  static absl::StatusOr<std::unique_ptr<TenantStore>> Open(
      const std::string& dir, bool create_if_missing);
  virtual ~TenantStore() = default;

  // ---- Administration (dnc-tenant) ----
  // Errors: InvalidArgument (bad name), AlreadyExists.
  virtual absl::Status CreateTenant(const TenantConfig& config) = 0;
  // Replaces entitlements and default purpose. Errors: NotFound.
  virtual absl::Status UpdateTenant(const TenantConfig& config) = 0;
  virtual std::vector<TenantConfig> ListTenants() const = 0;
  // Makes a new random API key ("dnc_" + 40 base32 chars, 200 bits from
  // /dev/urandom) for the tenant, stores its SHA-256 with `label`, and
  // returns the key: the only time it is ever seen. `label`: 1-64
  // printable ASCII characters, unique among the tenant's active keys; empty
  // picks "key-<n>". Errors: NotFound, InvalidArgument (bad label),
  // AlreadyExists (an active key has that label).
  virtual absl::StatusOr<std::string> CreateApiKey(std::string_view tenant,
                                                   std::string_view label) = 0;
  // Revokes keys by label. Errors: NotFound (no such key).
  virtual absl::Status RevokeApiKey(std::string_view tenant,
                                    std::string_view label) = 0;
  // The tenant's keys, active and revoked, oldest first. Errors: NotFound.
  virtual absl::StatusOr<std::vector<ApiKeyInfo>> ListApiKeys(
      std::string_view tenant) const = 0;

  // ---- Serving ----
  // The tenant whose key this is (constant-time compare of hashes), or
  // nullptr for a missing, unknown or revoked key.
  virtual const Tenant* Authenticate(std::string_view api_key) const = 0;
  virtual const Tenant* Find(std::string_view name) const = 0;

  // Internal list. Each call is one synced RocksDB write batch; memory is
  // updated after it commits. `added` results: true if newly added/removed.
  // AddOptOuts also revokes (as of `day`, in the same batch) every in-force
  // EBR/consent record of the numbers: a company-specific do-not-call
  // request ends them.
  virtual absl::Status AddOptOuts(const Tenant& tenant,
                                  absl::Span<const uint64_t> e164,
                                  DayNumber day, std::string_view note,
                                  std::vector<bool>* changed) = 0;
  virtual absl::Status RemoveOptOuts(const Tenant& tenant,
                                     absl::Span<const uint64_t> e164,
                                     std::vector<bool>* changed) = 0;
  // EBR / consent records (synced). Revoke ends every in-force record of
  // each number; returns how many records it ended.
  virtual absl::Status AddConsents(const Tenant& tenant,
                                   absl::Span<const StoredConsent> records) = 0;
  virtual absl::StatusOr<uint64_t> RevokeConsents(
      const Tenant& tenant, absl::Span<const uint64_t> e164, DayNumber day) = 0;
  virtual std::vector<StoredConsent> ListConsents(
      const Tenant& tenant, absl::Span<const uint64_t> e164) const = 0;

  // Audit log. Appends `record` (audit_id assigned and returned). With
  // `sync` the write is synced before returning (batched calls); without,
  // it reaches the WAL at once and disk within about a second (a background
  // WAL sync), which keeps per-number Check fast.
  virtual absl::StatusOr<std::string> AppendAudit(const Tenant& tenant,
                                                  AuditRecord record,
                                                  bool sync) = 0;
  // Every record of `job_id` of this tenant, in (sequence, time) order;
  // empty if none (another tenant's job reads as none).
  virtual absl::StatusOr<std::vector<AuditRecord>> JobAudit(
      const Tenant& tenant, std::string_view job_id) const = 0;
  // Errors: NotFound if the job has no audit record for this tenant.
  virtual absl::Status RecordJobFiles(const Tenant& tenant,
                                      std::string_view job_id,
                                      const JobFiles& files) = 0;
  // NotFound if none recorded.
  virtual absl::StatusOr<JobFiles> GetJobFiles(
      const Tenant& tenant, std::string_view job_id) const = 0;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_TENANT_STORE_H_
