// Internal to the tenant module (not part of its API): the key layout of the
// tenant store's RocksDB database (one database, default column family).
//
// <name> is the tenant name (IsValidTenantName: no '/'), so "t/<name>/" is a
// prefix no other tenant's key has; integers are fixed-width big-endian
// (encoding.h) so keys sort numerically.
//   m/format                          kFormatValue (the layout version)
//   k/<32-byte SHA-256 of the key>    ApiKey record (tenant, label, ...)
//   t/<name>/cfg                      Config record
//   t/<name>/o/<e164:8>               OptOut record (internal list)
//   t/<name>/c/<e164:8><seq:8>        Consent record (seq: per tenant,
//                                     increasing; revoked ones are kept)
//   t/<name>/a/<len:2><job><seq:8><time:8><n:8>
//                                     Audit record; <job> is the job id
//                                     (1-256 bytes, any bytes) after its
//                                     length, so one job's records are one
//                                     prefix and sort by (sequence, time, n);
//                                     time is Unix micros with the sign bit
//                                     flipped; n is unique per process run
//   t/<name>/i/<time:8><len:2><job><seq:8><n:8>
//                                     The audit record's time index (same
//                                     parts as its a/ key, time first), so
//                                     one tenant's records can be read in
//                                     time order (export, prune) without
//                                     reading the others. Empty value: the
//                                     record is under its a/ key. Else the
//                                     value is the record, which has no a/
//                                     key: a call without a caller's job id
//                                     (its job id is its audit id,
//                                     "<time>-<n>"), stored once
//   t/<name>/f/<len:2><job>           JobFiles record
//   t/<name>/d/<time:8><e164:8><n:8>  Attempt record (a call attempt, by
//                                     time: Open reads back the recent
//                                     ones; time as in audit keys)
//   t/<name>/e/<e164:8><time:8><n:8>  The attempt's number index (empty
//                                     value), for listing one number's
//                                     attempts
// Layout 2 ("dnc-tenant-store 2") added the i/ index; a layout-1 store is
// given its index when it is opened (every i/ key derived from an a/ key).
// The values are in record_codec.h.
// Thread-safety: the functions are thread-safe.
#ifndef DNC_TENANT_STORE_KEYS_H_
#define DNC_TENANT_STORE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/sha256.h"

namespace dnc::tenant {

inline constexpr char kFormatKey[] = "m/format";
inline constexpr char kFormatValue[] = "dnc-tenant-store 2";
// The layout before the audit time index (upgraded when opened).
inline constexpr char kFormatValueV1[] = "dnc-tenant-store 1";

std::string TenantPrefix(std::string_view name);  // "t/<name>/"
std::string ConfigKey(std::string_view name);
std::string OptOutKey(std::string_view name, uint64_t e164);
// Every consent record of `e164`, then one of them.
std::string ConsentPrefix(std::string_view name, uint64_t e164);
std::string ConsentKey(std::string_view name, uint64_t e164, uint64_t seq);
// Every audit record of the job, then one of them.
std::string AuditPrefix(std::string_view name, std::string_view job_id);
std::string AuditKey(std::string_view name, std::string_view job_id,
                     uint64_t sequence, absl::Time time, uint64_t counter);
std::string JobFilesKey(std::string_view name, std::string_view job_id);
// Every job-files record of the tenant.
std::string JobFilesPrefix(std::string_view name);
// The time index: every entry of the tenant, the first entry at or after
// `time`, and the entry of one audit record.
std::string AuditIndexPrefix(std::string_view name);
std::string AuditIndexSeek(std::string_view name, absl::Time time);
std::string AuditIndexKey(std::string_view name, std::string_view job_id,
                          uint64_t sequence, absl::Time time, uint64_t counter);
// What an index entry (or an audit record's key) names.
struct AuditKeyParts {
  std::string_view job_id;  // Points into the parsed key.
  uint64_t sequence = 0;
  absl::Time time;
  uint64_t counter = 0;
};
// `key` is "t/<name>/i/..." (ParseAuditIndexKey) or "t/<name>/a/..."
// (ParseAuditKey) for the tenant whose TenantPrefix is `prefix`; false for a
// key of another shape.
bool ParseAuditIndexKey(std::string_view key, std::string_view prefix,
                        AuditKeyParts* parts);
bool ParseAuditKey(std::string_view key, std::string_view prefix,
                   AuditKeyParts* parts);
std::string ApiKeyKey(const Sha256Digest& digest);
// Attempt records: every one of the tenant, the first at or after `time`,
// one record; the number index: one number's entries, and one entry.
std::string AttemptPrefix(std::string_view name);
std::string AttemptSeek(std::string_view name, absl::Time time);
std::string AttemptKey(std::string_view name, absl::Time time, uint64_t e164,
                       uint64_t counter);
std::string AttemptNumberPrefix(std::string_view name, uint64_t e164);
std::string AttemptNumberKey(std::string_view name, uint64_t e164,
                             absl::Time time, uint64_t counter);

// What a key of the layout names. Keys of tenant data name their tenant.
struct ParsedKey {
  enum class Kind {
    kFormat,
    kApiKey,
    kConfig,
    kOptOut,
    kConsent,
    kAudit,
    kAuditIndex,
    kJobFiles,
    kAttempt,
    kAttemptIndex
  };
  Kind kind = Kind::kFormat;
  std::string_view tenant;  // Tenant keys; points into the parsed key.
  Sha256Digest digest{};    // kApiKey.
  uint64_t e164 = 0;        // kOptOut, kConsent, kAttempt, kAttemptIndex.
  uint64_t seq = 0;         // kConsent; the counter of the attempt kinds.
  absl::Time time;          // kAttempt, kAttemptIndex.
};
// Parses `key`; false for a key outside the layout (including a tenant name
// that IsValidTenantName refuses). Audit, audit-index and job-files keys are
// recognised by their "a/", "i/" and "f/" part alone.
bool ParseKey(std::string_view key, ParsedKey* parsed);

// True for the keys the in-memory view is built from (API keys, configs,
// opt-outs, consents, attempt records, and the prefixes of their ranges): the
// keys a replica sharing the store must hear of when another writes them. Audit
// records, their index and job files are read from the store when asked for.
bool IsFollowedKey(std::string_view key);

// The first key after every "t/<name>/a/..." (kind kAudit),
// "t/<name>/i/..." (kAuditIndex), "t/<name>/f/..." (kJobFiles),
// "t/<name>/d/..." (kAttempt) or "t/<name>/e/..." (kAttemptIndex) key: a
// Seek target that skips the range. REQUIRES: one of those kinds.
std::string EndOfRange(std::string_view name, ParsedKey::Kind kind);
// The first key after every "t/<name>/..." key (other tenants' keys do not
// fall between: '0' follows '/', and names hold no '/').
std::string EndOfTenant(std::string_view name);
// The first key after every key that starts with `prefix` ending in '/'.
std::string EndOfPrefix(std::string_view prefix);

// True if `key` starts with `prefix`.
bool HasPrefix(std::string_view key, std::string_view prefix);

// A key as text for messages: printable bytes as is, others as \xNN.
std::string PrintableKey(std::string_view key);

}  // namespace dnc::tenant

#endif  // DNC_TENANT_STORE_KEYS_H_
