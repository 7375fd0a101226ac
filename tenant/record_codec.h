// Internal to the tenant module (not part of its API): the values of the
// tenant store's records, encoded and decoded (the keys are in store_keys.h).
//
// Byte 0 is the record version (1, or 2 where listed); then the fields in
// order, each an unsigned LEB128 varint ("u"), a zigzag varint ("s",
// signed), a byte ("b") or a string ("str" = u length + bytes), as
// encoding.h writes them:
//   Config  v2: b purpose, str entitlements (FormatEntitlements text),
//               s created (Unix seconds), u requests_per_second,
//               u numbers_per_day (TenantLimits; 0 = no bound)
//   Config  v1 (read only, written before limits existed): v2 without the
//               two limits, which read as 0 (no bound)
//   OptOut  v1: s added (DayNumber), str note
//   Consent v2: b type, s date, b revoked (0 = in force, 1 = revoked), then
//               s revoked day only when revoked, str note
//   Consent v1 (read only): b type, s date, s revoked (0 = in force), str
//               note. v1 could not tell "in force" from a revocation dated
//               1970-01-01; v2 is written on every change, so a v1 record
//               stays only until its number's consents next change.
//   ApiKey  v1: str tenant, str label, s created (Unix micros),
//               s revoked (Unix micros; 0 = active)
//   Audit   v1: str audit_id, str job_id, str request_id, str method,
//               s time (Unix micros), u sequence, b purpose, u numbers,
//               u count of counts + u each, u count of snapshots + str each,
//               str numbers_sha256, str answers_sha256, str entitlements
//   Attempt v1: str subject (the number and time are in its key)
//   JobFiles v1: str input_name, str input_sha256, str output_name,
//               str output_sha256, u input_rows, u output_rows
// Every Decode* returns false for a value that does not decode (unknown
// version, truncated, trailing bytes, a field out of range); the store
// reports it as DataLoss naming the key. Readers ignore nothing: a new field
// means a new version.
// Thread-safety: the functions are thread-safe.
#ifndef DNC_TENANT_RECORD_CODEC_H_
#define DNC_TENANT_RECORD_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/civil_date.h"
#include "tenant/records.h"

namespace dnc::tenant {

// The stored form of one API key (its key is the key's SHA-256).
struct ApiKeyRecord {
  std::string tenant;
  std::string label;
  int64_t created_micros = 0;
  int64_t revoked_micros = 0;  // 0 = active.
};

// `created`: Unix seconds. Writes version 2; reads 1 and 2. DecodeConfig
// sets default_purpose, entitlements and limits (not name) and fails if the
// entitlements text does not parse or requests_per_second exceeds 32 bits.
std::string EncodeConfig(const TenantConfig& config, int64_t created);
bool DecodeConfig(std::string_view value, TenantConfig* config,
                  int64_t* created);

std::string EncodeOptOut(DayNumber added, std::string_view note);
bool DecodeOptOut(std::string_view value, OptOut* opt_out);

// Writes version 2; reads 1 and 2. DecodeConsent sets every field but e164
// and fails for a consent type above kWritten.
std::string EncodeConsent(const StoredConsent& consent);
bool DecodeConsent(std::string_view value, StoredConsent* consent);

std::string EncodeApiKey(const ApiKeyRecord& record);
bool DecodeApiKey(std::string_view value, ApiKeyRecord* record);

std::string EncodeAudit(const AuditRecord& record);
bool DecodeAudit(std::string_view value, AuditRecord* record);

std::string EncodeAttempt(std::string_view subject);
bool DecodeAttempt(std::string_view value, std::string* subject);

std::string EncodeJobFiles(const JobFiles& files);
bool DecodeJobFiles(std::string_view value, JobFiles* files);

}  // namespace dnc::tenant

#endif  // DNC_TENANT_RECORD_CODEC_H_
