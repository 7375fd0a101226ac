#include "tenant/record_codec.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/policy.h"
#include "tenant/encoding.h"

namespace dnc::tenant {
namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr uint8_t kConsentVersion = 2;
constexpr uint8_t kConfigVersion = 2;

// Each record's fields in stored order, written once for both directions:
// `c` is an Encoder (with a const record) or a Decoder (with one to fill),
// and the list is false where a Decoder meets a bad value.

// The Config record as stored (entitlements as text). Version 1 ends after
// `created`; version 2 adds the limits.
struct StoredConfig {
  policy::Purpose purpose = policy::Purpose::kCommercial;
  std::string entitlements;
  int64_t created = 0;
  uint64_t requests_per_second = 0;
  uint64_t numbers_per_day = 0;
};
constexpr auto kConfigV1Fields = [](auto& c, auto& r) {
  return c.EnumByte(r.purpose) && c.String(r.entitlements) &&
         c.Signed(r.created);
};
constexpr auto kConfigV2Fields = [](auto& c, auto& r) {
  return kConfigV1Fields(c, r) && c.Unsigned(r.requests_per_second) &&
         c.Unsigned(r.numbers_per_day);
};

constexpr auto kOptOutFields = [](auto& c, auto& r) {
  return c.Day(r.added) && c.String(r.note);
};

constexpr auto kApiKeyFields = [](auto& c, auto& r) {
  return c.String(r.tenant) && c.String(r.label) &&
         c.Signed(r.created_micros) && c.Signed(r.revoked_micros);
};

constexpr auto kAuditFields = [](auto& c, auto& r) {
  return c.String(r.audit_id) && c.String(r.job_id) && c.String(r.request_id) &&
         c.String(r.method) && c.Micros(r.time) && c.Unsigned(r.sequence) &&
         c.EnumByte(r.purpose) && c.Unsigned(r.numbers) &&
         c.UnsignedList(r.counts) && c.StringList(r.snapshots) &&
         c.String(r.numbers_sha256) && c.String(r.answers_sha256) &&
         c.String(r.entitlements);
};

constexpr auto kAttemptFields = [](auto& c, auto& r) {
  return c.String(r.subject);
};

constexpr auto kJobFilesFields = [](auto& c, auto& r) {
  return c.String(r.input_name) && c.String(r.input_sha256) &&
         c.String(r.output_name) && c.String(r.output_sha256) &&
         c.Unsigned(r.input_rows) && c.Unsigned(r.output_rows);
};

// A version-1 record of `fields`.
template <typename Record, typename FieldList>
std::string EncodeV1(const Record& record, FieldList fields) {
  Encoder e(kRecordVersion);
  fields(e, record);
  return e.Finish();
}

template <typename Record, typename FieldList>
bool DecodeV1(std::string_view value, FieldList fields, Record* record) {
  Decoder d(value, kRecordVersion);
  return fields(d, *record) && d.Done();
}

// Consent v1's revocation day: 0 for in force.
bool RevokedV1(Decoder& d, std::optional<DayNumber>& revoked) {
  DayNumber day = 0;
  if (!d.Day(day)) return false;
  if (day != 0) revoked = day;
  return true;
}

}  // namespace

std::string EncodeConfig(const TenantConfig& config, int64_t created) {
  const StoredConfig stored{
      config.default_purpose, FormatEntitlements(config.entitlements), created,
      config.limits.requests_per_second, config.limits.numbers_per_day};
  Encoder e(kConfigVersion);
  kConfigV2Fields(e, stored);
  return e.Finish();
}

bool DecodeConfig(std::string_view value, TenantConfig* config,
                  int64_t* created) {
  StoredConfig stored;
  Decoder d(value, kConfigVersion);
  // A version-1 record (written before limits existed) reads as no limits.
  const bool fields_ok = d.version() == 1 ? kConfigV1Fields(d, stored)
                                          : kConfigV2Fields(d, stored);
  if (!fields_ok || !d.Done() || stored.requests_per_second > UINT32_MAX) {
    return false;
  }
  absl::StatusOr<std::vector<Entitlement>> parsed =
      ParseEntitlements(stored.entitlements);
  if (!parsed.ok()) return false;
  config->default_purpose = stored.purpose;
  config->entitlements = std::move(*parsed);
  config->limits.requests_per_second =
      static_cast<uint32_t>(stored.requests_per_second);
  config->limits.numbers_per_day = stored.numbers_per_day;
  *created = stored.created;
  return true;
}

std::string EncodeOptOut(DayNumber added, std::string_view note) {
  struct {
    DayNumber added;
    std::string_view note;
  } const fields{added, note};
  return EncodeV1(fields, kOptOutFields);
}

bool DecodeOptOut(std::string_view value, OptOut* opt_out) {
  return DecodeV1(value, kOptOutFields, opt_out);
}

std::string EncodeConsent(const StoredConsent& consent) {
  Encoder e(kConsentVersion);
  e.EnumByte(consent.type);
  e.Day(consent.date);
  e.OptionalDay(consent.revoked);
  e.String(consent.note);
  return e.Finish();
}

bool DecodeConsent(std::string_view value, StoredConsent* consent) {
  Decoder d(value, kConsentVersion);
  consent->revoked.reset();
  if (!d.EnumByte(consent->type) || !d.Day(consent->date)) return false;
  const bool revoked_ok = d.version() == 1 ? RevokedV1(d, consent->revoked)
                                           : d.OptionalDay(consent->revoked);
  return revoked_ok && d.String(consent->note) && d.Done() &&
         consent->type <= policy::ConsentType::kWritten;
}

std::string EncodeApiKey(const ApiKeyRecord& record) {
  return EncodeV1(record, kApiKeyFields);
}

bool DecodeApiKey(std::string_view value, ApiKeyRecord* record) {
  return DecodeV1(value, kApiKeyFields, record);
}

std::string EncodeAudit(const AuditRecord& record) {
  return EncodeV1(record, kAuditFields);
}

bool DecodeAudit(std::string_view value, AuditRecord* record) {
  return DecodeV1(value, kAuditFields, record);
}

std::string EncodeAttempt(std::string_view subject) {
  struct {
    std::string_view subject;
  } const fields{subject};
  return EncodeV1(fields, kAttemptFields);
}

bool DecodeAttempt(std::string_view value, std::string* subject) {
  struct {
    std::string subject;
  } fields;
  if (!DecodeV1(value, kAttemptFields, &fields)) return false;
  *subject = std::move(fields.subject);
  return true;
}

std::string EncodeJobFiles(const JobFiles& files) {
  return EncodeV1(files, kJobFilesFields);
}

bool DecodeJobFiles(std::string_view value, JobFiles* files) {
  return DecodeV1(value, kJobFilesFields, files);
}

}  // namespace dnc::tenant
