#include "service/audit.h"

#include <array>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/civil_date.h"
#include "common/sha256.h"

namespace dnc::service {
namespace {

// Hashes text appended in small pieces through a fixed buffer, so a batch
// of 100,000 numbers costs a few hundred Update() calls and no allocation.
// This runs for every number of every audited call, which is why the hashed
// forms are fixed-width binary: SHA-256 costs about 1 ns a byte here, and
// formatting numbers as text cost as much again.
class BufferedSha256 {
 public:
  void Append(std::string_view text) {
    // An empty span's data() may be null, and memcpy from null is undefined
    // even for 0 bytes (an empty Scrub batch's answers; UBSan).
    if (text.empty()) return;
    if (text.size() > kCapacity - used_) {
      Flush();
      if (text.size() > kCapacity) {
        hash_.Update(text);
        return;
      }
    }
    std::memcpy(buffer_.get() + used_, text.data(), text.size());
    used_ += text.size();
  }
  void AppendChar(char c) {
    if (used_ == kCapacity) Flush();
    buffer_[used_++] = c;
  }
  // `value` as 8 bytes, least significant first.
  void AppendU64(uint64_t value) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
    Append(std::string_view(bytes, sizeof(bytes)));
  }
  // Each value as AppendU64 would, in one copy on little-endian hosts.
  void AppendU64s(absl::Span<const uint64_t> values) {
    if (absl::little_endian::IsLittleEndian()) {
      Append(std::string_view(reinterpret_cast<const char*>(values.data()),
                              values.size() * sizeof(uint64_t)));
      return;
    }
    for (const uint64_t value : values) AppendU64(value);
  }
  void AppendU32(uint32_t value) {
    char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
    Append(std::string_view(bytes, sizeof(bytes)));
  }
  std::string Hex() {
    Flush();
    return hash_.HexDigest();
  }

 private:
  static constexpr size_t kCapacity = 16 * 1024;
  void Flush() {
    if (used_ == 0) return;
    hash_.Update(std::string_view(buffer_.get(), used_));
    used_ = 0;
  }
  Sha256 hash_;
  size_t used_ = 0;
  // On the heap: handlers run on gRPC threads with modest stacks.
  std::unique_ptr<char[]> buffer_{new char[kCapacity]};
};

std::string JobSha256(absl::Span<const tenant::AuditRecord> records,
                      std::string tenant::AuditRecord::*field) {
  BufferedSha256 hash;
  for (const tenant::AuditRecord& record : records) {
    hash.Append(record.*field);
    hash.Append("\n");
  }
  return hash.Hex();
}

}  // namespace

std::string NumbersSha256(absl::Span<const uint64_t> e164,
                          absl::Span<const std::string_view> raw) {
  BufferedSha256 hash;
  hash.AppendU32(static_cast<uint32_t>(e164.size()));
  hash.AppendU32(static_cast<uint32_t>(raw.size()));
  hash.AppendU64s(e164);
  for (const std::string_view entry : raw) {
    hash.AppendU32(static_cast<uint32_t>(entry.size()));
    hash.Append(entry);
  }
  return hash.Hex();
}

std::string AnswersSha256(absl::Span<const uint64_t> e164,
                          absl::Span<const Disposition> dispositions) {
  static_assert(sizeof(Disposition) == 1, "one byte per disposition");
  BufferedSha256 hash;
  hash.AppendU64s(e164);
  hash.Append(std::string_view(
      reinterpret_cast<const char*>(dispositions.data()), dispositions.size()));
  return hash.Hex();
}

std::string JobNumbersSha256(absl::Span<const tenant::AuditRecord> records) {
  return JobSha256(records, &tenant::AuditRecord::numbers_sha256);
}

std::string JobAnswersSha256(absl::Span<const tenant::AuditRecord> records) {
  return JobSha256(records, &tenant::AuditRecord::answers_sha256);
}

std::string SnapshotText(const storage::Manifest& manifest) {
  return absl::StrCat(manifest.source, " ", manifest.generation, " ",
                      FormatIsoDate(manifest.as_of), " ",
                      manifest.jurisdiction);
}

absl::StatusOr<std::string> AppendAudit(tenant::TenantStore* store,
                                        const tenant::Tenant& tenant,
                                        const AuditCall& call,
                                        const ScrubResult& result) {
  tenant::AuditRecord record;
  record.job_id = std::string(call.job_id);
  record.request_id = std::string(call.request_id);
  record.method = call.method;
  record.time = absl::Now();
  record.sequence = call.sequence;
  record.purpose = call.purpose;
  record.numbers = result.dispositions.size();
  record.counts.assign(9, 0);
  for (const Disposition d : result.dispositions) {
    const size_t index = static_cast<size_t>(d);
    if (index < record.counts.size()) ++record.counts[index];
  }
  record.snapshots.reserve(result.snapshots.size());
  for (const ServedSource* served : result.snapshots) {
    record.snapshots.push_back(SnapshotText(served->manifest()));
  }
  record.numbers_sha256 = call.numbers_sha256;
  record.answers_sha256 = AnswersSha256(result.e164, result.dispositions);
  record.entitlements = tenant::FormatEntitlements(tenant.entitlements());
  absl::StatusOr<std::string> audit_id =
      store->AppendAudit(tenant, std::move(record), /*sync=*/false);
  if (!audit_id.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot write the audit record of this ", call.method,
                     " call, so no answer is given (every answer is audited): ",
                     std::string(audit_id.status().message())));
  }
  return audit_id;
}

}  // namespace dnc::service
