// The server-owned store of tenants (sellers) and their data: API keys
// (stored as SHA-256 hashes only), entitlements per source, the internal
// do-not-call list, EBR and consent records, and the audit log of scrubs.
// This header is the module's entry point: it brings in the records
// (records.h) and the Tenant handle (tenant.h).
//
// Two backends, one set of rules (the same key layout and records):
//   - a directory: one embedded RocksDB database, opened read-write by one
//     process (dnc-server, or dnc-tenant while the server is stopped;
//     RocksDB's LOCK refuses a second opener with an error naming the
//     directory);
//   - a URL "postgresql://...": one PostgreSQL database that several
//     dnc-server replicas and dnc-tenant share. Each replica keeps its own
//     in-memory view and follows the others' writes (LISTEN/NOTIFY on a
//     change log, read again at least every 500 ms); ConfirmedThrough()
//     says how current that view is known to be, and the service stops
//     answering for tenants once it is older than its grace. The schema is
//     created and upgraded by Migrate (`dnc-tenant migrate`); Open refuses
//     a database of another schema version.
// Every key of a tenant's data starts with the tenant's name (an API key's
// record is keyed by the key's hash and names its tenant), so no operation
// given one tenant's handle can touch another's data. Writes of tenant data
// (config and entitlements, keys, opt-outs, consents, job files) are durable
// before the call returns: acknowledged means durable. Audit records are
// synced only when the caller asks; see AppendAudit.
//
// Reads for scrubs come from memory: Open() loads every tenant's config,
// opt-outs and in-force consents, and every API key, into hash maps that
// writes (this process's and, shared, the other replicas') keep current
// (write the store first, then memory), so a scrub costs no database read.
//
// Ownership: owns the backend (and its background thread: the WAL sync of
// RocksDB, the follower of PostgreSQL). Thread-safety: thread-safe (reads
// take a per-tenant reader lock; writes hold it exclusively only to update
// memory).
#ifndef DNC_TENANT_TENANT_STORE_H_
#define DNC_TENANT_TENANT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "tenant/records.h"  // IWYU pragma: export
#include "tenant/tenant.h"   // IWYU pragma: export

namespace dnc::tenant {

// `location` (a --tenants value) as logs and messages may show it: a
// directory as is, a URL without its password.
std::string RedactedLocation(std::string_view location);

class TenantStore {
 public:
  // Opens the store at `location` (a directory, created if absent with
  // `create_if_missing`; or a postgresql:// URL, whose schema must be
  // current) and loads every tenant into memory. Errors:
  // FailedPrecondition (dir in use by another process: names it; a database
  // without the current schema: says to migrate), DataLoss (a record that
  // cannot be read: names the key), NotFound (missing dir and
  // !create_if_missing), Unavailable (the database cannot be reached).
  static absl::StatusOr<std::unique_ptr<TenantStore>> Open(
      const std::string& location, bool create_if_missing);
  // Brings the store's schema to this build's version: for a PostgreSQL
  // URL, the schema migrations it lacks (each in one transaction; safe to
  // run again, and from two places at once); for a directory, what Open
  // upgrades (creating the store if absent). Errors: as Open.
  static absl::Status Migrate(const std::string& location);
  virtual ~TenantStore() = default;

  // Every change committed to the store before this time is in this
  // process's memory: InfiniteFuture() for the embedded store (this process
  // makes every change); for a shared store, the start of the follower's
  // newest complete read of the change log (it stops advancing while the
  // database cannot be reached).
  virtual absl::Time ConfirmedThrough() const = 0;

  // ---- Administration (dnc-tenant) ----
  // Errors: InvalidArgument (bad name, default purpose or entitlement),
  // AlreadyExists.
  virtual absl::Status CreateTenant(const TenantConfig& config) = 0;
  // Replaces entitlements, default purpose and limits (callers pass the
  // whole config: to keep a part, pass the tenant's current value). Errors:
  // NotFound, InvalidArgument (bad default purpose, entitlement or limit).
  virtual absl::Status UpdateTenant(const TenantConfig& config) = 0;
  virtual std::vector<TenantConfig> ListTenants() const = 0;
  // Deletes the tenant: its config, entitlements, API keys (every key fails
  // on the next call), internal list and consent records, in one synced
  // write; its audit records and job files are KEPT (audit retention;
  // PruneAudit removes them when old enough). Handles already given out
  // stay valid (the object is not freed while the store lives) and report
  // deleted(); their internal list and consents read as empty (no answer
  // is sent from them: AppendAudit refuses a deleted tenant). Authenticate
  // and Find no longer return it. While audit records of a deleted tenant
  // remain, CreateTenant refuses its name (AlreadyExists): a new tenant of
  // that name would read the old one's job audit. Errors: NotFound.
  virtual absl::Status DeleteTenant(std::string_view name) = 0;
  // Makes a new random API key ("dnc_" + 40 base32 chars, 200 bits from
  // getrandom(2)) for the tenant, stores its SHA-256 with `label`, and
  // returns the key: the only time it is ever seen. `label`: 1-64
  // printable ASCII characters, unique among the tenant's active keys; empty
  // picks "key-<n>". Errors: NotFound, InvalidArgument (bad label),
  // AlreadyExists (an active key has that label).
  virtual absl::StatusOr<std::string> CreateApiKey(std::string_view tenant,
                                                   std::string_view label) = 0;
  // Revokes the tenant's active key labelled `label` (labels are unique
  // among active keys). Errors: NotFound (no such tenant, or no active key
  // has that label).
  virtual absl::Status RevokeApiKey(std::string_view tenant,
                                    std::string_view label) = 0;
  // The tenant's keys, active and revoked, oldest first. Errors: NotFound.
  virtual absl::StatusOr<std::vector<ApiKeyInfo>> ListApiKeys(
      std::string_view tenant) const = 0;

  // ---- Serving ----
  // The tenant whose key this is (constant-time compare of hashes), or
  // nullptr for a missing, unknown or revoked key.
  virtual const Tenant* Authenticate(std::string_view api_key) const = 0;
  // The tenant called `name`, or nullptr.
  virtual const Tenant* Find(std::string_view name) const = 0;

  // Internal list. Each call that changes anything is one synced RocksDB
  // write batch; memory is updated after it commits. (*changed)[i]: true if
  // e164[i] was newly added/removed (a number repeated in the call counts
  // once). Errors: InvalidArgument (a handle of another store; for
  // AddOptOuts also a number that is not E.164 or a note over 256 bytes),
  // DataLoss (a consent record to revoke cannot be read). AddOptOuts also
  // revokes (as of `day`, in the same batch) every in-force
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
  // each number; returns how many records it ended. ListConsents reads every
  // record of the numbers, revoked ones included, from the database (empty
  // for a handle of another store).
  virtual absl::Status AddConsents(const Tenant& tenant,
                                   absl::Span<const StoredConsent> records) = 0;
  virtual absl::StatusOr<uint64_t> RevokeConsents(
      const Tenant& tenant, absl::Span<const uint64_t> e164, DayNumber day) = 0;
  virtual std::vector<StoredConsent> ListConsents(
      const Tenant& tenant, absl::Span<const uint64_t> e164) const = 0;

  // Call attempts (the dials a seller made), counted against the
  // call-frequency caps (policy/frequency_caps.h) by the next Check or
  // Scrub of the number. RecordAttempts stores them in one synced write
  // (each also indexed by number) and then in memory, where they stay while
  // young enough to count (tenant/recent_attempts.h); a replica sharing the
  // store hears of them like of opt-outs. Errors: InvalidArgument (a handle
  // of another store; an attempt that breaks CheckAttempt: a number that is
  // not E.164, a subject over 64 bytes or not printable, a time before 2000
  // or more than 5 minutes after `now`; nothing is stored then),
  // FailedPrecondition (a deleted tenant), the backend's write errors.
  virtual absl::Status RecordAttempts(const Tenant& tenant,
                                      absl::Span<const StoredAttempt> attempts,
                                      absl::Time now) = 0;
  // Every stored attempt to the numbers at or after `since`, per number in
  // the order given (each once), oldest first; at most `limit` in all (the
  // oldest, and *more set when there were others). Reads the database.
  virtual absl::StatusOr<std::vector<StoredAttempt>> ListAttempts(
      const Tenant& tenant, absl::Span<const uint64_t> e164, absl::Time since,
      size_t limit, bool* more) const = 0;

  // Audit log. Appends `record` (audit_id assigned and returned). With
  // `sync` the write is synced before returning. Without it (what the
  // service asks for on every call) the record is in the WAL
  // file when the call returns, so it survives the process being killed,
  // and the store's background thread syncs the WAL within about a second;
  // a machine crash can lose the last second of such records. This keeps an
  // fsync off every Check and Scrub.
  virtual absl::StatusOr<std::string> AppendAudit(const Tenant& tenant,
                                                  AuditRecord record,
                                                  bool sync) = 0;
  // Every record of `job_id` of this tenant, in (sequence, time) order;
  // empty if none (another tenant's job reads as none).
  virtual absl::StatusOr<std::vector<AuditRecord>> JobAudit(
      const Tenant& tenant, std::string_view job_id) const = 0;
  // Errors: NotFound if the job has no audit record for this tenant,
  // InvalidArgument (a digest that is not 64 lowercase hex digits, a file
  // name over 1024 bytes).
  virtual absl::Status RecordJobFiles(const Tenant& tenant,
                                      std::string_view job_id,
                                      const JobFiles& files) = 0;
  // NotFound if none recorded.
  virtual absl::StatusOr<JobFiles> GetJobFiles(
      const Tenant& tenant, std::string_view job_id) const = 0;
  // The tenant's jobs, newest activity first (by their last record's
  // time), at most `limit` of them: every job a caller named (a job id on
  // Scrub, ScrubStream, Check), not the calls sent without a job id (each
  // its own job, a dialer's Checks: thousands a day; their certificates are
  // still found by audit id with JobAudit). Reads the per-tenant time index
  // backwards from the newest entry until `limit` jobs are found, then each
  // found job's records: costs the index entries newer than the last job
  // listed (unnamed calls among them) plus the listed jobs' records, never
  // more than the tenant's own records, whatever the store holds. (A tenant
  // with 100k audit records in 50 jobs: 100k index entries at worst,
  // typically the few hundred of the newest jobs.) Errors: InvalidArgument
  // (limit 0 or over kMaxListJobs; a handle of another store), DataLoss.
  static constexpr size_t kMaxListJobs = 500;
  virtual absl::StatusOr<std::vector<JobSummary>> ListJobs(
      const Tenant& tenant, size_t limit) const = 0;

  // ---- Audit retention ----
  // Calls `visit` with every audit record of tenant `name` (deleted tenants
  // included) with since <= time < until, oldest first (records of the same
  // microsecond in an unspecified order); stops at and returns visit's first
  // error. Reads a per-tenant time index: costs the records visited, not the
  // store's size. Errors: InvalidArgument (since > until, bad name),
  // DataLoss (an unreadable record).
  virtual absl::Status ExportAudit(
      std::string_view name, absl::Time since, absl::Time until,
      const std::function<absl::Status(const AuditRecord&)>& visit) const = 0;
  // Deletes every audit record (every tenant, deleted ones included) older
  // than `before` (time < before), and the job files of each job left with
  // no audit record; returns how many audit records it deleted. Synced
  // write batches. The retention rule is the caller's
  // (audit_retention.h's CheckPruneAllowed).
  virtual absl::StatusOr<uint64_t> PruneAudit(absl::Time before) = 0;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_TENANT_STORE_H_
