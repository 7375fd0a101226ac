#include "tenant/audit_retention.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/answer.h"
#include "policy/policy.h"

namespace dnc::tenant {
namespace {

// "2026-12-02" for a UTC midnight, else the full RFC 3339 time.
std::string DateOrTime(absl::Time time) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond civil = absl::ToCivilSecond(time, utc);
  if (absl::FromCivil(absl::CivilDay(civil), utc) == time) {
    return absl::FormatTime("%Y-%m-%d", time, utc);
  }
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, utc);
}

// The length of the valid UTF-8 sequence at text[i], or 0 if the bytes
// there are not one (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF).
size_t Utf8SequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t length = 0;
  uint8_t low = 0x80, high = 0xbf;  // Range of the second byte.
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // Overlong.
    if (lead == 0xed) high = 0x9f;  // Surrogates.
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;   // Overlong.
    if (lead == 0xf4) high = 0x8f;  // Above U+10FFFF.
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return length;
}

void AppendField(std::string* out, std::string_view name) {
  if (out->size() > 1) out->push_back(',');
  absl::StrAppend(out, JsonString(name), ":");
}

}  // namespace

absl::Status CheckPruneAllowed(absl::Time before, absl::Time now, bool force) {
  if (force) return absl::OkStatus();
  const absl::Time latest = now - absl::Hours(24) * kAuditRetentionDays;
  if (before <= latest) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "prune audit records before ", DateOrTime(before),
      ": that would delete records younger than the audit retention of ",
      kAuditRetentionDays,
      " days (5 years: US TSR and TCPA record keeping); the latest date "
      "allowed now is ",
      absl::FormatTime("%Y-%m-%d", latest, absl::UTCTimeZone()),
      " (forcing it overrides the retention)"));
}

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceAt(text, i);
      if (length == 0) {
        out.append("\xef\xbf\xbd");  // U+FFFD for one byte that is not UTF-8.
        ++i;
      } else {
        out.append(text.data() + i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

std::string AuditRecordJson(const AuditRecord& record,
                            std::string_view tenant) {
  std::string out = "{";
  AppendField(&out, "tenant");
  out += JsonString(tenant);
  AppendField(&out, "audit_id");
  out += JsonString(record.audit_id);
  AppendField(&out, "job_id");
  out += JsonString(record.job_id);
  AppendField(&out, "request_id");
  out += JsonString(record.request_id);
  AppendField(&out, "method");
  out += JsonString(record.method);
  AppendField(&out, "time");
  out += JsonString(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", record.time,
                                     absl::UTCTimeZone()));
  AppendField(&out, "sequence");
  absl::StrAppend(&out, record.sequence);
  AppendField(&out, "purpose");
  out += JsonString(policy::PurposeName(record.purpose));
  AppendField(&out, "numbers");
  absl::StrAppend(&out, record.numbers);
  AppendField(&out, "counts");
  out.push_back('{');
  for (size_t i = 0; i < record.counts.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string name = i <= static_cast<size_t>(Disposition::kMalformed)
                                 ? DispositionName(static_cast<Disposition>(i))
                                 : absl::StrCat("DISPOSITION_", i);
    absl::StrAppend(&out, JsonString(name), ":", record.counts[i]);
  }
  out.push_back('}');
  AppendField(&out, "snapshots");
  out.push_back('[');
  for (size_t i = 0; i < record.snapshots.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += JsonString(record.snapshots[i]);
  }
  out.push_back(']');
  AppendField(&out, "numbers_sha256");
  out += JsonString(record.numbers_sha256);
  AppendField(&out, "answers_sha256");
  out += JsonString(record.answers_sha256);
  AppendField(&out, "entitlements");
  out += JsonString(record.entitlements);
  out.push_back('}');
  return out;
}

}  // namespace dnc::tenant
