#include "tenant/record_rules.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "storage/source_directory.h"

namespace dnc::tenant {
namespace {

constexpr uint64_t kMaxE164 = 999999999999999ull;  // 15 digits.

bool IsHexSha256(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

absl::Status CheckPurpose(policy::Purpose purpose) {
  switch (purpose) {
    case policy::Purpose::kCommercial:
    case policy::Purpose::kCharity:
    case policy::Purpose::kPolitical:
    case policy::Purpose::kSurvey:
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("default purpose ", static_cast<int>(purpose),
                       " is not commercial, charity, political or survey"));
  }
}

// One "SOURCE:all" or "SOURCE:NPA,NPA,..." part of ParseEntitlements' text.
absl::StatusOr<Entitlement> ParseEntitlement(const std::string& part) {
  const size_t colon = part.find(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("entitlement '", part,
                     "': expected SOURCE:all or SOURCE:NPA,NPA,... (e.g. "
                     "us-ftc:212,646)"));
  }
  Entitlement entitlement;
  entitlement.source =
      std::string(absl::StripAsciiWhitespace(part.substr(0, colon)));
  if (!storage::IsValidSourceId(entitlement.source)) {
    return absl::InvalidArgumentError(
        absl::StrCat("entitlement '", part, "': source '", entitlement.source,
                     "' is not a source id (a-z, 0-9, '-')"));
  }
  const std::string spec(absl::StripAsciiWhitespace(part.substr(colon + 1)));
  if (spec == "all") {
    entitlement.all_area_codes = true;
    return entitlement;
  }
  for (absl::string_view code_view : absl::StrSplit(spec, ',')) {
    const absl::string_view code = absl::StripAsciiWhitespace(code_view);
    uint32_t npa = 0;
    if (code.size() != 3 || !absl::SimpleAtoi(code, &npa) || npa < 200) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entitlement '", part, "': '", code,
          "' is not an area code (three digits, 200-999) or 'all'"));
    }
    entitlement.area_codes.push_back(npa);
  }
  return entitlement;
}

}  // namespace

bool IsValidTenantName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return absl::ascii_islower(name[0]) || absl::ascii_isdigit(name[0]);
}

absl::Status CheckE164(uint64_t e164, std::string_view operation) {
  if (e164 == 0 || e164 > kMaxE164) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(operation), ": ", e164,
                     " is not an E.164 number (1-15 digits)"));
  }
  return absl::OkStatus();
}

absl::Status CheckNote(std::string_view note, std::string_view operation) {
  if (note.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(operation), ": note of ", note.size(),
                     " bytes is longer than ", kMaxNoteBytes));
  }
  return absl::OkStatus();
}

absl::Status CheckAttempt(const StoredAttempt& attempt, absl::Time now,
                          std::string_view operation) {
  DNC_RETURN_IF_ERROR(CheckE164(attempt.e164, operation));
  if (attempt.subject.size() > kMaxSubjectBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(operation), ": subject of ", attempt.subject.size(),
        " bytes is longer than ", kMaxSubjectBytes));
  }
  for (char c : attempt.subject) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(operation), ": subject '", absl::CEscape(attempt.subject),
          "' has a character that is not printable ASCII"));
    }
  }
  static const absl::Time kEarliest = absl::FromUnixSeconds(946684800);
  if (attempt.time < kEarliest || attempt.time > now + kMaxAttemptSkew) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(operation), ": attempt time ",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", attempt.time,
                         absl::UTCTimeZone()),
        " is outside 2000-01-01 to 5 minutes after the server's clock (",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone()), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckJobId(std::string_view job_id, std::string_view operation) {
  if (job_id.empty() || job_id.size() > kMaxJobIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(operation), ": job id must be 1-",
                     kMaxJobIdBytes, " bytes, got ", job_id.size()));
  }
  return absl::OkStatus();
}

absl::Status CheckConsentType(const StoredConsent& consent,
                              std::string_view operation) {
  if (consent.type == policy::ConsentType::kUnspecified ||
      consent.type > policy::ConsentType::kWritten) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(operation), ": +", consent.e164, ": consent type ",
        static_cast<int>(consent.type), " is not known"));
  }
  return absl::OkStatus();
}

absl::Status CheckJobFiles(const JobFiles& files, std::string_view operation) {
  for (std::string_view digest : {files.input_sha256, files.output_sha256}) {
    if (!digest.empty() && !IsHexSha256(digest)) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(operation), ": '", std::string(digest),
                       "' is not 64 lowercase hex digits"));
    }
  }
  for (std::string_view name : {files.input_name, files.output_name}) {
    if (name.size() > kMaxFileNameBytes) {
      return absl::InvalidArgumentError(absl::StrCat(std::string(operation),
                                                     ": file name longer than ",
                                                     kMaxFileNameBytes));
    }
  }
  return absl::OkStatus();
}

bool IsValidLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelBytes) return false;
  for (char c : label) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

absl::Status CheckLimits(const TenantLimits& limits) {
  if (limits.requests_per_second > kMaxRequestsPerSecond) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit requests_per_second ", limits.requests_per_second, " is above ",
        kMaxRequestsPerSecond, " (0 = no per-tenant bound)"));
  }
  if (limits.numbers_per_day > kMaxNumbersPerDay) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit numbers_per_day ", limits.numbers_per_day,
                     " is above ", kMaxNumbersPerDay, " (0 = unlimited)"));
  }
  return absl::OkStatus();
}

absl::Status NormaliseConfig(TenantConfig* config, std::string_view operation) {
  absl::Status valid = CheckPurpose(config->default_purpose);
  if (valid.ok()) valid = CheckLimits(config->limits);
  if (valid.ok()) valid = NormaliseEntitlements(&config->entitlements);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(operation), " ", config->name, ": ", valid.message()));
  }
  return absl::OkStatus();
}

absl::Status NormaliseEntitlements(std::vector<Entitlement>* entitlements) {
  absl::flat_hash_set<std::string> sources;
  for (Entitlement& entitlement : *entitlements) {
    if (!storage::IsValidSourceId(entitlement.source)) {
      return absl::InvalidArgumentError(
          absl::StrCat("entitlement source '", entitlement.source,
                       "' is not a source id (a-z, 0-9, '-')"));
    }
    if (!sources.insert(entitlement.source).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entitlement source '", entitlement.source, "' is given twice"));
    }
    if (entitlement.all_area_codes) {
      entitlement.area_codes.clear();
      continue;
    }
    for (uint32_t npa : entitlement.area_codes) {
      if (npa < 200 || npa > 999) {
        return absl::InvalidArgumentError(
            absl::StrCat("entitlement ", entitlement.source, ": area code ",
                         npa, " is not 200-999"));
      }
    }
    std::sort(entitlement.area_codes.begin(), entitlement.area_codes.end());
    entitlement.area_codes.erase(std::unique(entitlement.area_codes.begin(),
                                             entitlement.area_codes.end()),
                                 entitlement.area_codes.end());
  }
  return absl::OkStatus();
}

// ---- Entitlements as text -------------------------------------------------

std::string FormatEntitlements(absl::Span<const Entitlement> entitlements) {
  std::vector<std::string> parts;
  for (const Entitlement& entitlement : entitlements) {
    parts.push_back(
        absl::StrCat(entitlement.source, ":",
                     entitlement.all_area_codes
                         ? "all"
                         : absl::StrJoin(entitlement.area_codes, ",")));
  }
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<std::vector<Entitlement>> ParseEntitlements(
    std::string_view text) {
  std::vector<Entitlement> entitlements;
  for (absl::string_view part_view :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ';')) {
    const std::string part(absl::StripAsciiWhitespace(part_view));
    if (part.empty()) continue;
    DNC_ASSIGN_OR_RETURN(Entitlement entitlement, ParseEntitlement(part));
    entitlements.push_back(std::move(entitlement));
  }
  DNC_RETURN_IF_ERROR(NormaliseEntitlements(&entitlements));
  return entitlements;
}

}  // namespace dnc::tenant
