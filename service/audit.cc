#include "service/audit.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/civil_date.h"
#include "common/sha256.h"

namespace dnc::service {
namespace {

// Hashes text appended in small pieces through a buffer, so a batch of
// 100,000 numbers costs a few dozen Update() calls and no allocation per
// number.
class BufferedSha256 {
 public:
  BufferedSha256() { buffer_.reserve(kFlushAt + 64); }
  void Append(std::string_view text) {
    if (text.size() > kFlushAt) {
      Flush();
      hash_.Update(text);
      return;
    }
    buffer_.append(text.data(), text.size());
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void AppendNumber(uint64_t value) {
    char digits[24];
    char* end = digits + sizeof(digits);
    char* p = end;
    do {
      *--p = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    Append(std::string_view(p, static_cast<size_t>(end - p)));
  }
  std::string Hex() {
    Flush();
    return hash_.HexDigest();
  }

 private:
  static constexpr size_t kFlushAt = 16 * 1024;
  void Flush() {
    if (buffer_.empty()) return;
    hash_.Update(buffer_);
    buffer_.clear();
  }
  Sha256 hash_;
  std::string buffer_;
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

absl::Status ValidateJobId(std::string_view job_id) {
  bool ok = job_id.size() <= 64;
  for (const char c : job_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      ok = false;
      break;
    }
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("job_id '", std::string(job_id.substr(0, 80)),
                   "' is not valid: use 1-64 letters, digits, '.', '_' or "
                   "'-' (or leave it empty for a job of its own)"));
}

std::string NumbersSha256(const dnc::v1::ScrubRequest& request) {
  BufferedSha256 hash;
  for (const uint64_t e164 : request.e164()) {
    hash.AppendNumber(e164);
    hash.Append("\n");
  }
  for (const std::string& raw : request.raw()) {
    hash.Append(raw);
    hash.Append("\n");
  }
  return hash.Hex();
}

std::string NumbersSha256(const dnc::v1::CheckRequest& request) {
  BufferedSha256 hash;
  if (request.number_case() == dnc::v1::CheckRequest::kE164) {
    hash.AppendNumber(request.e164());
  } else {
    hash.Append(request.raw());
  }
  hash.Append("\n");
  return hash.Hex();
}

std::string AnswersSha256(absl::Span<const uint64_t> e164,
                          absl::Span<const Disposition> dispositions) {
  BufferedSha256 hash;
  for (size_t i = 0; i < e164.size(); ++i) {
    hash.AppendNumber(e164[i]);
    hash.Append(",");
    hash.Append(DispositionName(dispositions[i]));
    hash.Append("\n");
  }
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

bool ParseSnapshotText(std::string_view text, dnc::v1::SnapshotRef* ref) {
  const std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(text.data(), text.size()), ' ');
  if (parts.size() != 4) return false;
  ref->set_source(parts[0]);
  ref->set_generation(parts[1]);
  ref->set_as_of(parts[2]);
  ref->set_jurisdiction(parts[3]);
  return true;
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
      store->AppendAudit(tenant, std::move(record), call.sync);
  if (!audit_id.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot write the audit record of this ", call.method,
                     " call, so no answer is given (every answer is audited): ",
                     std::string(audit_id.status().message())));
  }
  return audit_id;
}

}  // namespace dnc::service
