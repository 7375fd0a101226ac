// TenantStoreImpl's call attempts: recorded on disk (by time, and indexed
// by number) and in memory while they can count against a cap.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "tenant/recent_attempts.h"
#include "tenant/record_rules.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {

absl::Status TenantStoreImpl::RecordAttempts(
    const Tenant& handle, absl::Span<const StoredAttempt> attempts,
    absl::Time now) {
  constexpr char kOperation[] = "record attempts";
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  for (const StoredAttempt& attempt : attempts) {
    DNC_RETURN_IF_ERROR(CheckAttempt(attempt, now, kOperation));
  }
  if (attempts.empty()) return absl::OkStatus();
  absl::MutexLock write_lock(&tenant->write_mu_);
  DNC_RETURN_IF_ERROR(CheckNotDeleted(*tenant, kOperation));
  // Keys name (time, number, counter); the counter is the one audit keys
  // use (unique per process, from a random start on a shared store), so
  // two attempts never share a key and an Insert never overwrites.
  std::vector<uint64_t> counters;
  counters.reserve(attempts.size());
  KvBatch batch;
  for (const StoredAttempt& attempt : attempts) {
    const uint64_t counter = ++audit_counter_;
    counters.push_back(counter);
    batch.Insert(
        AttemptKey(tenant->name(), attempt.time, attempt.e164, counter),
        EncodeAttempt(attempt.subject));
    batch.Insert(
        AttemptNumberKey(tenant->name(), attempt.e164, attempt.time, counter),
        "");
  }
  DNC_RETURN_IF_ERROR(Write(batch, /*sync=*/true, kOperation, tenant->name()));
  absl::MutexLock lock(&tenant->mu_);
  for (size_t i = 0; i < attempts.size(); ++i) {
    tenant->attempts_.Add(attempts[i].e164,
                          absl::ToUnixMicros(attempts[i].time), counters[i],
                          attempts[i].subject, now);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredAttempt>> TenantStoreImpl::ListAttempts(
    const Tenant& handle, absl::Span<const uint64_t> e164, absl::Time since,
    size_t limit, bool* more) const {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  *more = false;
  std::vector<StoredAttempt> out;
  std::unique_ptr<KvIterator> it = kv_->NewIterator();
  absl::flat_hash_set<uint64_t> seen;
  ParsedKey parsed;
  for (uint64_t number : e164) {
    if (!seen.insert(number).second) continue;
    const std::string prefix = AttemptNumberPrefix(tenant->name(), number);
    for (it->Seek(AttemptNumberKey(tenant->name(), number, since, 0));
         it->Valid(); it->Next()) {
      const std::string_view key = it->key();
      if (!HasPrefix(key, prefix)) break;
      if (!ParseKey(key, &parsed) ||
          parsed.kind != ParsedKey::Kind::kAttemptIndex) {
        return DataLoss(key);
      }
      if (out.size() == limit) {
        *more = true;
        return out;
      }
      const std::string record_key =
          AttemptKey(tenant->name(), parsed.time, number, parsed.seq);
      DNC_ASSIGN_OR_RETURN(std::optional<std::string> value,
                           kv_->Get(record_key));
      StoredAttempt attempt;
      if (!value.has_value() || !DecodeAttempt(*value, &attempt.subject)) {
        return DataLoss(record_key);
      }
      attempt.e164 = number;
      attempt.time = parsed.time;
      out.push_back(std::move(attempt));
    }
    DNC_RETURN_IF_ERROR(it->status());
  }
  return out;
}

absl::Status TenantStoreImpl::ApplyAttemptChange(InMemoryTenant* tenant,
                                                 const std::string& key,
                                                 const ParsedKey& parsed) {
  DNC_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(key));
  // Removed: only DeleteTenant removes attempts, and a tenant created again
  // under the name reads its lists and attempts again.
  if (!value.has_value()) return absl::OkStatus();
  std::string subject;
  if (!DecodeAttempt(*value, &subject)) return DataLoss(key);
  absl::MutexLock lock(&tenant->mu_);
  tenant->attempts_.Add(parsed.e164, absl::ToUnixMicros(parsed.time),
                        parsed.seq, subject, absl::Now());
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::ReloadAttempts(InMemoryTenant* tenant) {
  const absl::Time now = absl::Now();
  RecentAttempts attempts;
  std::unique_ptr<KvIterator> it = kv_->NewIterator(/*bulk=*/true);
  const std::string prefix = AttemptPrefix(tenant->name());
  ParsedKey parsed;
  std::string subject;
  for (it->Seek(AttemptSeek(tenant->name(), now - RecentAttemptsHorizon()));
       it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (!HasPrefix(key, prefix)) break;
    if (!ParseKey(key, &parsed) || parsed.kind != ParsedKey::Kind::kAttempt ||
        !DecodeAttempt(it->value(), &subject)) {
      return DataLoss(key);
    }
    attempts.Add(parsed.e164, absl::ToUnixMicros(parsed.time), parsed.seq,
                 subject, now);
  }
  DNC_RETURN_IF_ERROR(it->status());
  absl::MutexLock lock(&tenant->mu_);
  tenant->attempts_ = std::move(attempts);
  return absl::OkStatus();
}

}  // namespace dnc::tenant
