#include "tenant/store_keys.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "tenant/encoding.h"
#include "tenant/records.h"

namespace dnc::tenant {
namespace {

std::string JobPart(std::string_view job_id) {
  std::string part;
  PutBigEndian(&part, job_id.size(), 2);
  part.append(job_id.data(), job_id.size());
  return part;
}

// `name`'s prefix, then `part` and the big-endian `e164`.
std::string NumberKey(std::string_view name, std::string_view part,
                      uint64_t e164) {
  std::string key = TenantPrefix(name);
  key.append(part.data(), part.size());
  PutBigEndian(&key, e164, 8);
  return key;
}

// Unix micros with the sign bit flipped, so that big-endian bytes sort by
// time (negative times too).
uint64_t TimeBits(absl::Time time) {
  return static_cast<uint64_t>(absl::ToUnixMicros(time)) ^ (uint64_t{1} << 63);
}
absl::Time TimeOfBits(uint64_t bits) {
  return absl::FromUnixMicros(static_cast<int64_t>(bits ^ (uint64_t{1} << 63)));
}

// Reads <len:2><job> from the front of `rest`.
bool TakeJob(std::string_view* rest, std::string_view* job_id) {
  if (rest->size() < 2) return false;
  const size_t length = GetBigEndian(rest->data(), 2);
  if (length == 0 || rest->size() < 2 + length) return false;
  *job_id = rest->substr(2, length);
  rest->remove_prefix(2 + length);
  return true;
}

// Reads an 8-byte big-endian integer from the front of `rest`.
bool Take8(std::string_view* rest, uint64_t* value) {
  if (rest->size() < 8) return false;
  *value = GetBigEndian(rest->data(), 8);
  rest->remove_prefix(8);
  return true;
}

// `key` without "<prefix><part>", or false if it does not start so.
bool AfterPart(std::string_view key, std::string_view prefix,
               std::string_view part, std::string_view* rest) {
  if (!HasPrefix(key, prefix) || !HasPrefix(key.substr(prefix.size()), part)) {
    return false;
  }
  *rest = key.substr(prefix.size() + part.size());
  return true;
}

// The part of a tenant key after "t/<name>/".
bool ParseTenantPart(std::string_view rest, ParsedKey* parsed) {
  using Kind = ParsedKey::Kind;
  const std::string_view part = rest.substr(0, 2);
  if (rest.size() == 10 && part == "o/") {
    parsed->kind = Kind::kOptOut;
    parsed->e164 = GetBigEndian(rest.data() + 2, 8);
  } else if (rest.size() == 18 && part == "c/") {
    parsed->kind = Kind::kConsent;
    parsed->e164 = GetBigEndian(rest.data() + 2, 8);
    parsed->seq = GetBigEndian(rest.data() + 10, 8);
  } else if (rest == "cfg") {
    parsed->kind = Kind::kConfig;
  } else if (part == "a/") {
    parsed->kind = Kind::kAudit;
  } else if (part == "i/") {
    parsed->kind = Kind::kAuditIndex;
  } else if (part == "f/") {
    parsed->kind = Kind::kJobFiles;
  } else if (rest.size() == 26 && (part == "d/" || part == "e/")) {
    const bool by_time = part == "d/";
    parsed->kind = by_time ? Kind::kAttempt : Kind::kAttemptIndex;
    const uint64_t first = GetBigEndian(rest.data() + 2, 8);
    const uint64_t second = GetBigEndian(rest.data() + 10, 8);
    parsed->time = TimeOfBits(by_time ? first : second);
    parsed->e164 = by_time ? second : first;
    parsed->seq = GetBigEndian(rest.data() + 18, 8);
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::string TenantPrefix(std::string_view name) {
  return absl::StrCat("t/", std::string(name), "/");
}

std::string ConfigKey(std::string_view name) {
  return TenantPrefix(name) + "cfg";
}

std::string OptOutKey(std::string_view name, uint64_t e164) {
  return NumberKey(name, "o/", e164);
}

std::string ConsentPrefix(std::string_view name, uint64_t e164) {
  return NumberKey(name, "c/", e164);
}

std::string ConsentKey(std::string_view name, uint64_t e164, uint64_t seq) {
  std::string key = ConsentPrefix(name, e164);
  PutBigEndian(&key, seq, 8);
  return key;
}

std::string AuditPrefix(std::string_view name, std::string_view job_id) {
  return TenantPrefix(name) + "a/" + JobPart(job_id);
}

std::string AuditKey(std::string_view name, std::string_view job_id,
                     uint64_t sequence, absl::Time time, uint64_t counter) {
  std::string key = AuditPrefix(name, job_id);
  PutBigEndian(&key, sequence, 8);
  PutBigEndian(&key, TimeBits(time), 8);
  PutBigEndian(&key, counter, 8);
  return key;
}

std::string JobFilesKey(std::string_view name, std::string_view job_id) {
  return JobFilesPrefix(name) + JobPart(job_id);
}

std::string JobFilesPrefix(std::string_view name) {
  return TenantPrefix(name) + "f/";
}

std::string AuditIndexPrefix(std::string_view name) {
  return TenantPrefix(name) + "i/";
}

std::string AuditIndexSeek(std::string_view name, absl::Time time) {
  std::string key = AuditIndexPrefix(name);
  PutBigEndian(&key, TimeBits(time), 8);
  return key;
}

std::string AuditIndexKey(std::string_view name, std::string_view job_id,
                          uint64_t sequence, absl::Time time,
                          uint64_t counter) {
  std::string key = AuditIndexSeek(name, time);
  key += JobPart(job_id);
  PutBigEndian(&key, sequence, 8);
  PutBigEndian(&key, counter, 8);
  return key;
}

bool ParseAuditIndexKey(std::string_view key, std::string_view prefix,
                        AuditKeyParts* parts) {
  std::string_view rest;
  uint64_t time_bits = 0;
  if (!AfterPart(key, prefix, "i/", &rest) || !Take8(&rest, &time_bits) ||
      !TakeJob(&rest, &parts->job_id) || !Take8(&rest, &parts->sequence) ||
      !Take8(&rest, &parts->counter) || !rest.empty()) {
    return false;
  }
  parts->time = TimeOfBits(time_bits);
  return true;
}

bool ParseAuditKey(std::string_view key, std::string_view prefix,
                   AuditKeyParts* parts) {
  std::string_view rest;
  uint64_t time_bits = 0;
  if (!AfterPart(key, prefix, "a/", &rest) || !TakeJob(&rest, &parts->job_id) ||
      !Take8(&rest, &parts->sequence) || !Take8(&rest, &time_bits) ||
      !Take8(&rest, &parts->counter) || !rest.empty()) {
    return false;
  }
  parts->time = TimeOfBits(time_bits);
  return true;
}

std::string ApiKeyKey(const Sha256Digest& digest) {
  return std::string("k/") +
         std::string(reinterpret_cast<const char*>(digest.data()),
                     digest.size());
}

std::string AttemptPrefix(std::string_view name) {
  return TenantPrefix(name) + "d/";
}

std::string AttemptSeek(std::string_view name, absl::Time time) {
  std::string key = AttemptPrefix(name);
  PutBigEndian(&key, TimeBits(time), 8);
  return key;
}

std::string AttemptKey(std::string_view name, absl::Time time, uint64_t e164,
                       uint64_t counter) {
  std::string key = AttemptSeek(name, time);
  PutBigEndian(&key, e164, 8);
  PutBigEndian(&key, counter, 8);
  return key;
}

std::string AttemptNumberPrefix(std::string_view name, uint64_t e164) {
  return NumberKey(name, "e/", e164);
}

std::string AttemptNumberKey(std::string_view name, uint64_t e164,
                             absl::Time time, uint64_t counter) {
  std::string key = AttemptNumberPrefix(name, e164);
  PutBigEndian(&key, TimeBits(time), 8);
  PutBigEndian(&key, counter, 8);
  return key;
}

bool ParseKey(std::string_view key, ParsedKey* parsed) {
  if (key == kFormatKey) {
    parsed->kind = ParsedKey::Kind::kFormat;
    return true;
  }
  const std::string_view kind = key.substr(0, 2);
  if (kind == "k/" && key.size() == 2 + kSha256Bytes) {
    parsed->kind = ParsedKey::Kind::kApiKey;
    std::memcpy(parsed->digest.data(), key.data() + 2, kSha256Bytes);
    return true;
  }
  if (kind != "t/") return false;
  const size_t slash = key.find('/', 2);
  if (slash == std::string_view::npos) return false;
  parsed->tenant = key.substr(2, slash - 2);
  if (!IsValidTenantName(parsed->tenant)) return false;
  return ParseTenantPart(key.substr(slash + 1), parsed);
}

bool IsFollowedKey(std::string_view key) {
  if (HasPrefix(key, "k/")) return true;
  if (!HasPrefix(key, "t/")) return false;
  const size_t slash = key.find('/', 2);
  if (slash == std::string_view::npos) return false;
  const std::string_view part = key.substr(slash + 1);
  return part == "cfg" || HasPrefix(part, "o/") || HasPrefix(part, "c/") ||
         HasPrefix(part, "d/");
}

std::string EndOfRange(std::string_view name, ParsedKey::Kind kind) {
  // "x0" sorts right after every "x/..." key.
  const char* end = kind == ParsedKey::Kind::kAudit          ? "a0"
                    : kind == ParsedKey::Kind::kAuditIndex   ? "i0"
                    : kind == ParsedKey::Kind::kAttempt      ? "d0"
                    : kind == ParsedKey::Kind::kAttemptIndex ? "e0"
                                                             : "f0";
  return TenantPrefix(name) + end;
}

std::string EndOfTenant(std::string_view name) {
  return EndOfPrefix(TenantPrefix(name));
}

std::string EndOfPrefix(std::string_view prefix) {
  std::string end(prefix);
  end.back() = '0';  // '0' follows '/'.
  return end;
}

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.size() >= prefix.size() &&
         std::memcmp(key.data(), prefix.data(), prefix.size()) == 0;
}

std::string PrintableKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    const uint8_t byte = static_cast<uint8_t>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, "\\x", absl::Hex(byte, absl::kZeroPad2));
    }
  }
  return out;
}

}  // namespace dnc::tenant
